import { type Kysely, sql } from 'kysely';
import type { DB, NewTask, TaskStatus, TaskUpdate } from '../database.js';
import { lockProject, projectExists } from './projects.js';

export interface TaskSelection {
  id: string;
  projectId: string | null;
  title: string;
  notes: string | null;
  status: TaskStatus;
  priority: number;
  labels: string[];
  dueDate: string | null;
  position: number;
  rrule: string | null;
  repeatAfterDays: number | null;
  seriesId: string | null;
  completedAt: Date | null;
  sourceCaptureId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const taskColumns = [
  'id',
  'projectId',
  'title',
  'notes',
  'status',
  'priority',
  'labels',
  sql<string | null>`to_char(due_date, 'YYYY-MM-DD')`.as('dueDate'),
  'position',
  'rrule',
  'repeatAfterDays',
  'seriesId',
  'completedAt',
  'sourceCaptureId',
  'createdAt',
  'updatedAt',
] as const;

export interface TaskFilter {
  /** A project's tasks; null: tasks without a project; undefined: every task. */
  projectId?: string | null | undefined;
  status?: TaskStatus | undefined;
  /** Leave out done tasks (the due views). */
  openOnly?: boolean | undefined;
  label?: string | undefined;
  /** Due on or after / strictly before / on or before, 'YYYY-MM-DD'. */
  dueFrom?: string | undefined;
  dueBefore?: string | undefined;
  dueTo?: string | undefined;
  /** `manual`: by position (a project's list); `due`: by due date, then priority. */
  order: 'manual' | 'due';
  limit: number;
}

export async function listTasks(db: Kysely<DB>, userId: string, filter: TaskFilter): Promise<TaskSelection[]> {
  let query = db.selectFrom('tasks').select(taskColumns).where('userId', '=', userId);
  if (filter.projectId === null) query = query.where('projectId', 'is', null);
  else if (filter.projectId !== undefined) query = query.where('projectId', '=', filter.projectId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.openOnly) query = query.where('status', '<>', 'done');
  if (filter.label !== undefined) query = query.where(sql<boolean>`labels @> array[${filter.label}]::text[]`);
  if (filter.dueFrom) query = query.where('dueDate', '>=', filter.dueFrom);
  if (filter.dueBefore) query = query.where('dueDate', '<', filter.dueBefore);
  if (filter.dueTo) query = query.where('dueDate', '<=', filter.dueTo);
  query =
    filter.order === 'manual'
      ? query.orderBy('position').orderBy('createdAt').orderBy('id')
      : query
          .orderBy(sql`due_date asc nulls last`)
          .orderBy('priority', 'desc')
          .orderBy('position')
          .orderBy('createdAt')
          .orderBy('id');
  return query.limit(filter.limit).execute();
}

export async function findTask(
  db: Kysely<DB>,
  userId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<TaskSelection | undefined> {
  let query = db.selectFrom('tasks').select(taskColumns).where('userId', '=', userId).where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function insertTask(db: Kysely<DB>, task: NewTask): Promise<TaskSelection> {
  return db.insertInto('tasks').values(task).returning(taskColumns).executeTakeFirstOrThrow();
}

export async function updateTask(
  db: Kysely<DB>,
  userId: string,
  id: string,
  patch: TaskUpdate,
): Promise<TaskSelection | undefined> {
  return db
    .updateTable('tasks')
    .set(patch)
    .where('userId', '=', userId)
    .where('id', '=', id)
    .returning(taskColumns)
    .executeTakeFirst();
}

export async function deleteTask(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('tasks').where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function countProjectTasks(db: Kysely<DB>, userId: string, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('userId', '=', userId)
    .where('projectId', '=', projectId)
    .executeTakeFirstOrThrow();
  return row.count;
}

export async function deleteProjectTasks(db: Kysely<DB>, userId: string, projectId: string): Promise<void> {
  await db.deleteFrom('tasks').where('userId', '=', userId).where('projectId', '=', projectId).execute();
}

/** Moves a project's tasks to no project, after the tasks already there (keeping their order). */
export async function detachProjectTasks(db: Kysely<DB>, userId: string, projectId: string, now: Date) {
  const start = await nextPosition(db, userId, null);
  await sql`
    update tasks set project_id = null, updated_at = ${now}, position = ${start} + ordered.rank
    from (select id, (row_number() over (order by position, created_at, id))::int - 1 as rank
          from tasks where user_id = ${userId} and project_id = ${projectId}) as ordered
    where tasks.id = ordered.id and tasks.user_id = ${userId}`.execute(db);
}

/** The position after the last task of a project (or of the tasks without one). */
export async function nextPosition(db: Kysely<DB>, userId: string, projectId: string | null): Promise<number> {
  let query = db
    .selectFrom('tasks')
    .select(sql<number>`coalesce(max(position) + 1, 0)::int`.as('next'))
    .where('userId', '=', userId);
  query = projectId === null ? query.where('projectId', 'is', null) : query.where('projectId', '=', projectId);
  return (await query.executeTakeFirstOrThrow()).next;
}

/** Ids of a project's tasks (or of those without a project), in their current order. */
export async function orderedTaskIds(db: Kysely<DB>, userId: string, projectId: string | null): Promise<string[]> {
  let query = db.selectFrom('tasks').select('id').where('userId', '=', userId);
  query = projectId === null ? query.where('projectId', 'is', null) : query.where('projectId', '=', projectId);
  const rows = await query.orderBy('position').orderBy('createdAt').orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Gives the tasks positions 0…n-1 in the order of `ids`, in one statement. */
export async function writePositions(db: Kysely<DB>, userId: string, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update tasks set position = ordered.ordinality::int - 1, updated_at = ${now}
    from unnest(${ids}::uuid[]) with ordinality as ordered(id, ordinality)
    where tasks.id = ordered.id and tasks.user_id = ${userId}
      and tasks.position <> ordered.ordinality::int - 1`.execute(db);
}

// ---------- task lists: a project's tasks, or those without a project ----------

/** Locks the user's settings row: the lock for ordering the tasks that belong to no project. */
async function lockLooseTasks(db: Kysely<DB>, userId: string): Promise<void> {
  await db.selectFrom('userSettings').select('userId').where('userId', '=', userId).forUpdate().executeTakeFirst();
}

/**
 * Whether a task list exists: a project of the user's (`projectId`), or the tasks without a project (null), which
 * always do. With `lock`, the row that orders the list is locked for the rest of the transaction (the project's row,
 * or the user's settings row), so that concurrent writes to one list's order run one after the other.
 */
export async function taskListExists(
  db: Kysely<DB>,
  userId: string,
  projectId: string | null,
  options: { lock?: boolean } = {},
): Promise<boolean> {
  if (projectId === null) {
    if (options.lock) await lockLooseTasks(db, userId);
    return true;
  }
  return options.lock ? lockProject(db, userId, projectId) : projectExists(db, userId, projectId);
}

// ---------- tasks as CalDAV resources: by UID (the client's, else the task's id) ----------

const uidOf = sql<string>`coalesce(ics_uid, id::text)`;
/** What writing a task as a VTODO needs beyond its columns: its UID and the lines a client sent that Life OS keeps. */
export interface TaskObjectSelection extends TaskSelection {
  uid: string;
  icsKept: string | null;
}

/** The tasks of one list (a project's, or null: those without one) with these UIDs (tasks_user_dav_uid_key). */
export async function listTasksByUids(
  db: Kysely<DB>,
  userId: string,
  projectId: string | null,
  uids: string[],
): Promise<TaskObjectSelection[]> {
  if (uids.length === 0) return [];
  let query = db
    .selectFrom('tasks')
    .select([...taskColumns, uidOf.as('uid'), 'icsKept'])
    .where('userId', '=', userId)
    .where(sql<boolean>`coalesce(ics_uid, id::text) = any(${uids}::text[])`);
  query = projectId === null ? query.where('projectId', 'is', null) : query.where('projectId', '=', projectId);
  return query.execute();
}

/** The user's task with this UID, in any list; locked for the rest of the transaction. */
export async function findTaskByUid(db: Kysely<DB>, userId: string, uid: string): Promise<TaskSelection | undefined> {
  return db
    .selectFrom('tasks')
    .select(taskColumns)
    .where('userId', '=', userId)
    .where(uidOf, '=', uid)
    .forUpdate()
    .executeTakeFirst();
}
