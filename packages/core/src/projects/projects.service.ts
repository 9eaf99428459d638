import { type DB, type Kysely, projectsQueries } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { inTransaction } from '../common/transaction.js';
import * as tasksService from '../tasks/tasks.service.js';
import { ProjectHasTasksError, ProjectNotFoundError } from './projects.errors.js';
import { progress } from './projects.rules.js';
import type {
  TCreateProjectInput,
  TDeleteProjectInput,
  TListProjectsInput,
  TProject,
  TUpdateProjectInput,
} from './projects.schemas.js';

// The port other modules use: the dashboard reads projects in its own statement and gives them their progress.
export { progress };

export interface ProjectsDeps {
  db: Kysely<DB>;
  clock: Clock;
}

function toProject(row: projectsQueries.ProjectSelection): TProject {
  const { done, total, ...project } = row;
  return { ...project, progress: progress(done, total) };
}

export async function listProjects(deps: ProjectsDeps, userId: string, input: TListProjectsInput): Promise<TProject[]> {
  return (await projectsQueries.listProjects(deps.db, userId, input?.status)).map(toProject);
}

export async function getProject(deps: ProjectsDeps, userId: string, id: string): Promise<TProject> {
  const row = await projectsQueries.findProject(deps.db, userId, id);
  if (!row) throw new ProjectNotFoundError();
  return toProject(row);
}

/**
 * `completedAt` follows the status: set when a project becomes completed, cleared when it goes back to active or on
 * hold, kept when a completed project is archived.
 */
function completedAtFor(status: TProject['status'] | undefined, current: TProject | null, now: Date) {
  if (status === undefined || status === 'archived') return undefined;
  if (status !== 'completed') return null;
  return current?.status === 'completed' ? current.completedAt : now;
}

export async function createProject(deps: ProjectsDeps, userId: string, input: TCreateProjectInput): Promise<TProject> {
  const now = deps.clock.now();
  const id = await projectsQueries.insertProject(deps.db, {
    userId,
    name: input.name,
    description: input.description || null,
    status: input.status ?? 'active',
    area: input.area || null,
    color: input.color ?? null,
    targetDate: input.targetDate ?? null,
    completedAt: completedAtFor(input.status, null, now) ?? null,
    createdAt: now,
    updatedAt: now,
  });
  return getProject(deps, userId, id);
}

export async function updateProject(deps: ProjectsDeps, userId: string, input: TUpdateProjectInput): Promise<TProject> {
  const current = await getProject(deps, userId, input.id);
  const now = deps.clock.now();
  await projectsQueries.updateProject(deps.db, userId, input.id, {
    name: input.name,
    description: input.description === undefined ? undefined : input.description || null,
    status: input.status,
    area: input.area === undefined ? undefined : input.area || null,
    color: input.color,
    targetDate: input.targetDate,
    completedAt: completedAtFor(input.status, current, now),
    updatedAt: now,
  });
  return getProject(deps, userId, input.id);
}

export async function archiveProject(deps: ProjectsDeps, userId: string, id: string): Promise<TProject> {
  return updateProject(deps, userId, { id, status: 'archived' });
}

/**
 * Deletes a project. Its tasks go with it (`tasks: 'delete'`) or stay, without a project (`'detach'`); a project
 * with tasks and no choice is refused (BAD_REQUEST on `tasks`). One transaction, the project's row locked; the
 * tasks are the tasks module's, settled through its service.
 */
export async function deleteProject(deps: ProjectsDeps, userId: string, input: TDeleteProjectInput): Promise<void> {
  await inTransaction(deps, async (tx) => {
    if (!(await projectsQueries.lockProject(tx.db, userId, input.id))) throw new ProjectNotFoundError();
    const count = await tasksService.countProjectTasks(tx, userId, input.id);
    if (count > 0) {
      if (!input.tasks) throw new ProjectHasTasksError(count);
      await tasksService.releaseProjectTasks(tx, userId, input.id, input.tasks);
    }
    await projectsQueries.deleteProject(tx.db, userId, input.id);
  });
}
