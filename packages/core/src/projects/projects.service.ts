import { randomUUID } from 'node:crypto';
import { type DB, type Kysely, projectQueries, type TaskUpdate } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { localDate } from '../common/local-date.js';
import { userTimeZone } from '../common/time-zone.js';
import { inTransaction } from '../common/transaction.js';
import {
  InvalidRepeatRuleError,
  ProjectHasTasksError,
  ProjectNotFoundError,
  TaskNotFoundError,
} from './projects.errors.js';
import { dueWindow, firstOccurrence, nextDueDate, progress, taskRuleProblem } from './projects.rules.js';
import {
  TASK_LIST_DEFAULT_LIMIT,
  type TCompleteTaskResult,
  type TCreateProjectInput,
  type TCreateTaskInput,
  type TDeleteProjectInput,
  type TListProjectsInput,
  type TListTasksInput,
  type TProject,
  type TReorderTasksInput,
  type TTask,
  type TUpdateProjectInput,
  type TUpdateTaskInput,
} from './projects.schemas.js';

export interface ProjectsDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/** Today in the user's time zone. */
export async function userToday(deps: ProjectsDeps, userId: string): Promise<string> {
  const timezone = await userTimeZone(deps.db, userId);
  return localDate(deps.clock.now(), timezone);
}

// ---------- projects ----------

function toProject(row: projectQueries.ProjectSelection): TProject {
  const { done, total, ...project } = row;
  return { ...project, progress: progress(done, total) };
}

export async function listProjects(deps: ProjectsDeps, userId: string, input: TListProjectsInput): Promise<TProject[]> {
  return (await projectQueries.listProjects(deps.db, userId, input?.status)).map(toProject);
}

export async function getProject(deps: ProjectsDeps, userId: string, id: string): Promise<TProject> {
  const row = await projectQueries.findProject(deps.db, userId, id);
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
  const id = await projectQueries.insertProject(deps.db, {
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
  await projectQueries.updateProject(deps.db, userId, input.id, {
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
 * with tasks and no choice is refused (BAD_REQUEST on `tasks`). One transaction, the project's row locked.
 */
export async function deleteProject(deps: ProjectsDeps, userId: string, input: TDeleteProjectInput): Promise<void> {
  await inTransaction(deps, async ({ db }) => {
    if (!(await projectQueries.lockProject(db, userId, input.id))) throw new ProjectNotFoundError();
    const count = await projectQueries.countProjectTasks(db, userId, input.id);
    if (count > 0) {
      if (!input.tasks) throw new ProjectHasTasksError(count);
      if (input.tasks === 'delete') await projectQueries.deleteProjectTasks(db, userId, input.id);
      else {
        await projectQueries.lockLooseTasks(db, userId);
        await projectQueries.detachProjectTasks(db, userId, input.id, deps.clock.now());
      }
    }
    await projectQueries.deleteProject(db, userId, input.id);
  });
}

// ---------- tasks ----------

async function assertOwnProject(db: Kysely<DB>, userId: string, projectId: string | null | undefined) {
  if (projectId && !(await projectQueries.findProject(db, userId, projectId))) throw new ProjectNotFoundError();
}

/** A task's rule must be readable and fall on a day from `anchor` (its due date, else about today) on. */
function assertRrule(rrule: string | null | undefined, anchor: string) {
  if (!rrule) return;
  const problem = taskRuleProblem(rrule, anchor);
  if (problem) throw new InvalidRepeatRuleError(rrule, problem);
}
const clockDate = (deps: ProjectsDeps) => deps.clock.now().toISOString().slice(0, 10);

export async function listTasks(deps: ProjectsDeps, userId: string, input: TListTasksInput): Promise<TTask[]> {
  const filter = input ?? {};
  await assertOwnProject(deps.db, userId, filter.projectId);
  const window = filter.due ? dueWindow(filter.due, await userToday(deps, userId)) : {};
  return projectQueries.listTasks(deps.db, userId, {
    projectId: filter.projectId,
    status: filter.status,
    openOnly: filter.due !== undefined && filter.status === undefined,
    label: filter.label,
    ...window,
    order: filter.projectId !== undefined && !filter.due ? 'manual' : 'due',
    limit: filter.limit ?? TASK_LIST_DEFAULT_LIMIT,
  });
}

/**
 * Creates a task at the end of its project's list. A repeating task without a due date gets the first day of its
 * rule on or after today.
 */
export async function createTask(
  deps: ProjectsDeps,
  userId: string,
  input: TCreateTaskInput & { sourceCaptureId?: string | null },
): Promise<TTask> {
  assertRrule(input.rrule, input.dueDate ?? clockDate(deps));
  return inTransaction(deps, async ({ db }) => {
    const projectId = input.projectId ?? null;
    if (projectId) {
      if (!(await projectQueries.lockProject(db, userId, projectId))) throw new ProjectNotFoundError();
    } else await projectQueries.lockLooseTasks(db, userId);
    const now = deps.clock.now();
    const done = input.status === 'done';
    let dueDate = input.dueDate ?? null;
    if (!dueDate && input.rrule) dueDate = firstOccurrence(input.rrule, await userToday({ ...deps, db }, userId));
    const repeats = Boolean(input.rrule || input.repeatAfterDays);
    return projectQueries.insertTask(db, {
      userId,
      projectId,
      title: input.title,
      notes: input.notes || null,
      status: input.status ?? 'todo',
      priority: input.priority ?? 0,
      labels: input.labels ?? [],
      dueDate,
      position: await projectQueries.nextPosition(db, userId, projectId),
      rrule: input.rrule || null,
      repeatAfterDays: input.repeatAfterDays ?? null,
      seriesId: repeats ? randomUUID() : null,
      completedAt: done ? now : null,
      sourceCaptureId: input.sourceCaptureId ?? null,
      createdAt: now,
      updatedAt: now,
    });
  });
}

/**
 * Marks a task done, in one transaction with the task's row locked. A repeating task stays as history (done, its
 * rule moved on to the next occurrence) and its next occurrence is created, due by the rule, at the same place in
 * the list. Completing a task that is already done changes nothing and creates nothing.
 */
export async function completeTask(deps: ProjectsDeps, userId: string, id: string): Promise<TCompleteTaskResult> {
  return inTransaction(deps, async (tx) => {
    const task = await projectQueries.findTask(tx.db, userId, id, { lock: true });
    if (!task) throw new TaskNotFoundError();
    if (task.status === 'done') return { task, next: null };
    return finish(tx, userId, task, {});
  });
}

async function finish(
  deps: ProjectsDeps,
  userId: string,
  task: TTask,
  patch: TaskUpdate,
): Promise<TCompleteTaskResult> {
  const now = deps.clock.now();
  const merged = {
    rrule: patch.rrule === undefined ? task.rrule : patch.rrule,
    repeatAfterDays: patch.repeatAfterDays === undefined ? task.repeatAfterDays : patch.repeatAfterDays,
    dueDate: patch.dueDate === undefined ? task.dueDate : (patch.dueDate as string | null),
  };
  const nextDue = nextDueDate(merged, await userToday(deps, userId));
  // The history row keeps its series id but no rule: reopening and completing it again cannot spawn a twin.
  const done = await projectQueries.updateTask(deps.db, userId, task.id, {
    ...patch,
    status: 'done',
    completedAt: now,
    ...(nextDue !== undefined ? { rrule: null, repeatAfterDays: null } : {}),
    updatedAt: now,
  });
  if (!done) throw new TaskNotFoundError();
  if (nextDue === undefined || nextDue === null) return { task: done, next: null };
  const next = await projectQueries.insertTask(deps.db, {
    userId,
    projectId: done.projectId,
    title: done.title,
    notes: done.notes,
    status: 'todo',
    priority: done.priority,
    labels: done.labels,
    dueDate: nextDue,
    position: done.position,
    rrule: merged.rrule,
    repeatAfterDays: merged.repeatAfterDays,
    seriesId: task.seriesId ?? randomUUID(),
    completedAt: null,
    sourceCaptureId: null,
    createdAt: now,
    updatedAt: now,
  });
  if (!task.seriesId) await projectQueries.updateTask(deps.db, userId, task.id, { seriesId: next.seriesId });
  return { task: { ...done, seriesId: next.seriesId }, next };
}

/**
 * Changes a task. Moving it to another project puts it at the end of that project's list; setting its status to
 * done is a completion (a repeating task creates its next occurrence); leaving done clears `completedAt`.
 */
export async function updateTask(deps: ProjectsDeps, userId: string, input: TUpdateTaskInput): Promise<TTask> {
  assertRrule(input.rrule, input.dueDate ?? clockDate(deps));
  return inTransaction(deps, async (tx) => {
    const { db } = tx;
    const task = await projectQueries.findTask(db, userId, input.id, { lock: true });
    if (!task) throw new TaskNotFoundError();
    const now = deps.clock.now();
    const patch: TaskUpdate = {
      title: input.title,
      notes: input.notes === undefined ? undefined : input.notes || null,
      priority: input.priority,
      labels: input.labels,
      dueDate: input.dueDate,
      rrule: input.rrule === undefined ? undefined : input.rrule || null,
      repeatAfterDays: input.repeatAfterDays,
      updatedAt: now,
    };
    // One way to repeat: setting one clears the other.
    if (input.rrule) patch.repeatAfterDays = null;
    if (input.repeatAfterDays) patch.rrule = null;
    if ((input.rrule || input.repeatAfterDays) && !task.seriesId) patch.seriesId = randomUUID();
    const projectId = input.projectId === undefined ? task.projectId : input.projectId;
    if (projectId !== task.projectId) {
      if (projectId) {
        if (!(await projectQueries.lockProject(db, userId, projectId))) throw new ProjectNotFoundError();
      } else await projectQueries.lockLooseTasks(db, userId);
      patch.projectId = projectId;
      patch.position = await projectQueries.nextPosition(db, userId, projectId);
    }
    if (input.status === 'done' && task.status !== 'done') return (await finish(tx, userId, task, patch)).task;
    if (input.status !== undefined && input.status !== 'done') {
      patch.status = input.status;
      patch.completedAt = null;
    }
    const updated = await projectQueries.updateTask(db, userId, input.id, patch);
    if (!updated) throw new TaskNotFoundError();
    return updated;
  });
}

export async function deleteTask(deps: ProjectsDeps, userId: string, id: string): Promise<void> {
  if (!(await projectQueries.deleteTask(deps.db, userId, id))) throw new TaskNotFoundError();
}

/**
 * Puts a project's tasks (or the tasks without a project) in the given order, in one transaction that holds the
 * project's row lock, so concurrent reorders run one after the other and the last one wins whole: positions are
 * rewritten 0…n-1 for every task of the list. Tasks left out of `orderedIds` follow them in their current order.
 * An id that is not a task of that list is NOT_FOUND, and nothing changes.
 */
export async function reorderTasks(deps: ProjectsDeps, userId: string, input: TReorderTasksInput): Promise<TTask[]> {
  return inTransaction(deps, async ({ db }) => {
    if (input.projectId) {
      if (!(await projectQueries.lockProject(db, userId, input.projectId))) throw new ProjectNotFoundError();
    } else await projectQueries.lockLooseTasks(db, userId);
    const current = await projectQueries.orderedTaskIds(db, userId, input.projectId);
    const known = new Set(current);
    if (input.orderedIds.some((id) => !known.has(id))) throw new TaskNotFoundError();
    const listed = new Set(input.orderedIds);
    const order = [...input.orderedIds, ...current.filter((id) => !listed.has(id))];
    await projectQueries.writePositions(db, userId, order, deps.clock.now());
    return projectQueries.listTasks(db, userId, {
      projectId: input.projectId,
      order: 'manual',
      limit: order.length,
    });
  });
}
