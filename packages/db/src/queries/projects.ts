import { type Kysely, sql } from 'kysely';
import type { DB, NewProject, ProjectStatus, ProjectUpdate } from '../database.js';

export interface ProjectSelection {
  id: string;
  name: string;
  description: string | null;
  status: ProjectStatus;
  area: string | null;
  color: string | null;
  targetDate: string | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Tasks in the project, and how many of them are done. */
  total: number;
  done: number;
}

/**
 * Projects with their progress, in one statement: a left join on the project's tasks, grouped by project
 * (served by tasks_user_project_position_idx), so a list of any length costs one query and no N+1.
 */
function projectsWithProgress(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('projects as p')
    .leftJoin('tasks as t', (join) => join.onRef('t.projectId', '=', 'p.id').onRef('t.userId', '=', 'p.userId'))
    .select([
      'p.id',
      'p.name',
      'p.description',
      'p.status',
      'p.area',
      'p.color',
      sql<string | null>`to_char(p.target_date, 'YYYY-MM-DD')`.as('targetDate'),
      'p.completedAt',
      'p.createdAt',
      'p.updatedAt',
      sql<number>`count(t.id)::int`.as('total'),
      sql<number>`(count(t.id) filter (where t.status = 'done'))::int`.as('done'),
    ])
    .where('p.userId', '=', userId)
    .groupBy('p.id');
}

/** Projects with their progress, newest first (the dashboard embeds this in its one statement). */
export function projectsQuery(db: Kysely<DB>, userId: string, status?: ProjectStatus | undefined) {
  let query = projectsWithProgress(db, userId);
  if (status) query = query.where('p.status', '=', status);
  return query.orderBy('p.createdAt', 'desc').orderBy('p.id', 'desc');
}

export async function listProjects(
  db: Kysely<DB>,
  userId: string,
  status?: ProjectStatus | undefined,
): Promise<ProjectSelection[]> {
  return projectsQuery(db, userId, status).execute();
}

export async function findProject(db: Kysely<DB>, userId: string, id: string): Promise<ProjectSelection | undefined> {
  return projectsWithProgress(db, userId).where('p.id', '=', id).executeTakeFirst();
}

const projectIdQuery = (db: Kysely<DB>, userId: string, id: string) =>
  db.selectFrom('projects').select('id').where('userId', '=', userId).where('id', '=', id);

/** Whether the user has this project, without reading it. */
export async function projectExists(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  return (await projectIdQuery(db, userId, id).executeTakeFirst()) !== undefined;
}

/**
 * Locks the project's row for the rest of the transaction; false when the user has no such project. The row is
 * also the lock that orders the project's tasks (queries/tasks.ts).
 */
export async function lockProject(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  return (await projectIdQuery(db, userId, id).forUpdate().executeTakeFirst()) !== undefined;
}

/** Projects whose name matches, case-insensitively (projects_user_name_idx). */
export async function findProjectsByName(db: Kysely<DB>, userId: string, name: string) {
  return db
    .selectFrom('projects')
    .select(['id', 'name', 'status'])
    .where('userId', '=', userId)
    .where(sql<string>`lower(name)`, '=', name.toLowerCase())
    .orderBy('createdAt')
    .execute();
}

/** Every project's id and name (for matching "+project" tokens loosely). */
export async function projectNames(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('projects')
    .select(['id', 'name', 'status'])
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .execute();
}

export async function insertProject(db: Kysely<DB>, project: NewProject): Promise<string> {
  const row = await db.insertInto('projects').values(project).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateProject(
  db: Kysely<DB>,
  userId: string,
  id: string,
  patch: ProjectUpdate,
): Promise<boolean> {
  const result = await db
    .updateTable('projects')
    .set(patch)
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteProject(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('projects').where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
