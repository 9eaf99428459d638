import { randomUUID } from 'node:crypto';
import { type DB, type Kysely, type TaskUpdate, tasksQueries } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { localDate } from '../common/local-date.js';
import { eventLoopSlicer } from '../common/slices.js';
import { userTimeZone } from '../common/time-zone.js';
import { inTransaction } from '../common/transaction.js';
import { CalendarDataError } from '../errors.js';
import { ProjectNotFoundError } from '../projects/projects.errors.js';
import type { TDeleteProjectTasks } from '../projects/projects.schemas.js';
import { scheduleTaskReminder } from '../reminders/reminders.service.js';
import * as webhooksService from '../webhooks/webhooks.service.js';
import { InvalidRepeatRuleError, TaskNotFoundError } from './tasks.errors.js';
import { dueWindow, firstOccurrence, nextDueDate, taskRuleProblem } from './tasks.rules.js';
import {
  TASK_LIST_DEFAULT_LIMIT,
  type TCompleteTaskResult,
  type TCreateTaskInput,
  type TListTasksInput,
  type TReorderTasksInput,
  type TTask,
  type TUpdateTaskInput,
} from './tasks.schemas.js';
import { type VtodoFields, vtodoIcs } from './tasks.vtodo.js';

// The port other modules use: a data import checks a task's repeat rule as a task's own create would.
export { taskRuleProblem };

export interface TasksDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/** Today in the user's time zone. */
async function userToday(deps: TasksDeps, userId: string): Promise<string> {
  const timezone = await userTimeZone(deps.db, userId);
  return localDate(deps.clock.now(), timezone);
}

/**
 * The task list a task goes to must exist: a project of the user's, or the tasks without a project. With `lock`,
 * its ordering row is locked for the rest of the transaction (queries/tasks.ts, `taskListExists`).
 */
async function assertTaskList(db: Kysely<DB>, userId: string, projectId: string | null, lock: boolean) {
  if (!(await tasksQueries.taskListExists(db, userId, projectId, { lock }))) throw new ProjectNotFoundError();
}

/** A task's rule must be readable and fall on a day from `anchor` (its due date, else about today) on. */
function assertRrule(rrule: string | null | undefined, anchor: string) {
  if (!rrule) return;
  const problem = taskRuleProblem(rrule, anchor);
  if (problem) throw new InvalidRepeatRuleError(rrule, problem);
}
const clockDate = (deps: TasksDeps) => deps.clock.now().toISOString().slice(0, 10);

export async function listTasks(deps: TasksDeps, userId: string, input: TListTasksInput): Promise<TTask[]> {
  const filter = input ?? {};
  if (filter.projectId) await assertTaskList(deps.db, userId, filter.projectId, false);
  const window = filter.due ? dueWindow(filter.due, await userToday(deps, userId)) : {};
  return tasksQueries.listTasks(deps.db, userId, {
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
  deps: TasksDeps,
  userId: string,
  input: TCreateTaskInput & { sourceCaptureId?: string | null },
): Promise<TTask> {
  assertRrule(input.rrule, input.dueDate ?? clockDate(deps));
  return inTransaction(deps, async ({ db }) => {
    const projectId = input.projectId ?? null;
    await assertTaskList(db, userId, projectId, true);
    const now = deps.clock.now();
    const done = input.status === 'done';
    let dueDate = input.dueDate ?? null;
    if (!dueDate && input.rrule) dueDate = firstOccurrence(input.rrule, await userToday({ ...deps, db }, userId));
    const repeats = Boolean(input.rrule || input.repeatAfterDays);
    const task = await tasksQueries.insertTask(db, {
      userId,
      projectId,
      title: input.title,
      notes: input.notes || null,
      status: input.status ?? 'todo',
      priority: input.priority ?? 0,
      labels: input.labels ?? [],
      dueDate,
      position: await tasksQueries.nextPosition(db, userId, projectId),
      rrule: input.rrule || null,
      repeatAfterDays: input.repeatAfterDays ?? null,
      seriesId: repeats ? randomUUID() : null,
      completedAt: done ? now : null,
      sourceCaptureId: input.sourceCaptureId ?? null,
      createdAt: now,
      updatedAt: now,
    });
    const changed = { status: task.status, dueDate: task.dueDate, projectId: task.projectId };
    await webhooksService.emit({ ...deps, db }, userId, 'task.created', { id: task.id, object: 'task', changed });
    await scheduleTaskReminder({ ...deps, db }, userId, task);
    return task;
  });
}

/**
 * Marks a task done, in one transaction with the task's row locked. A repeating task stays as history (done, its
 * rule moved on to the next occurrence) and its next occurrence is created, due by the rule, at the same place in
 * the list. Completing a task that is already done changes nothing and creates nothing.
 */
export async function completeTask(deps: TasksDeps, userId: string, id: string): Promise<TCompleteTaskResult> {
  return inTransaction(deps, async (tx) => {
    const task = await tasksQueries.findTask(tx.db, userId, id, { lock: true });
    if (!task) throw new TaskNotFoundError();
    if (task.status === 'done') return { task, next: null };
    return finish(tx, userId, task, {});
  });
}

async function finish(deps: TasksDeps, userId: string, task: TTask, patch: TaskUpdate): Promise<TCompleteTaskResult> {
  const now = deps.clock.now();
  const merged = {
    rrule: patch.rrule === undefined ? task.rrule : patch.rrule,
    repeatAfterDays: patch.repeatAfterDays === undefined ? task.repeatAfterDays : patch.repeatAfterDays,
    dueDate: patch.dueDate === undefined ? task.dueDate : (patch.dueDate as string | null),
  };
  const nextDue = nextDueDate(merged, await userToday(deps, userId));
  // The history row keeps its series id but no rule: reopening and completing it again cannot spawn a twin.
  const done = await tasksQueries.updateTask(deps.db, userId, task.id, {
    ...patch,
    status: 'done',
    completedAt: now,
    ...(nextDue !== undefined ? { rrule: null, repeatAfterDays: null } : {}),
    updatedAt: now,
  });
  if (!done) throw new TaskNotFoundError();
  const completed = { status: 'done', completedAt: now.toISOString() };
  await webhooksService.emit(deps, userId, 'task.completed', { id: done.id, object: 'task', changed: completed });
  if (nextDue === undefined || nextDue === null) return { task: done, next: null };
  const next = await tasksQueries.insertTask(deps.db, {
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
  if (!task.seriesId) await tasksQueries.updateTask(deps.db, userId, task.id, { seriesId: next.seriesId });
  await scheduleTaskReminder(deps, userId, next);
  return { task: { ...done, seriesId: next.seriesId }, next };
}

/**
 * Changes a task. Moving it to another project puts it at the end of that project's list; setting its status to
 * done is a completion (a repeating task creates its next occurrence); leaving done clears `completedAt`.
 */
export async function updateTask(deps: TasksDeps, userId: string, input: TUpdateTaskInput): Promise<TTask> {
  assertRrule(input.rrule, input.dueDate ?? clockDate(deps));
  return inTransaction(deps, async (tx) => {
    const { db } = tx;
    const task = await tasksQueries.findTask(db, userId, input.id, { lock: true });
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
      await assertTaskList(db, userId, projectId, true);
      patch.projectId = projectId;
      patch.position = await tasksQueries.nextPosition(db, userId, projectId);
    }
    if (input.status === 'done' && task.status !== 'done') return (await finish(tx, userId, task, patch)).task;
    if (input.status !== undefined && input.status !== 'done') {
      patch.status = input.status;
      patch.completedAt = null;
    }
    const updated = await tasksQueries.updateTask(db, userId, input.id, patch);
    if (!updated) throw new TaskNotFoundError();
    await scheduleTaskReminder(tx, userId, updated);
    return updated;
  });
}

export async function deleteTask(deps: TasksDeps, userId: string, id: string): Promise<void> {
  if (!(await tasksQueries.deleteTask(deps.db, userId, id))) throw new TaskNotFoundError();
}

/**
 * Puts a project's tasks (or the tasks without a project) in the given order, in one transaction that holds the
 * project's row lock, so concurrent reorders run one after the other and the last one wins whole: positions are
 * rewritten 0…n-1 for every task of the list. Tasks left out of `orderedIds` follow them in their current order.
 * An id that is not a task of that list is NOT_FOUND, and nothing changes.
 */
export async function reorderTasks(deps: TasksDeps, userId: string, input: TReorderTasksInput): Promise<TTask[]> {
  return inTransaction(deps, async ({ db }) => {
    await assertTaskList(db, userId, input.projectId, true);
    const current = await tasksQueries.orderedTaskIds(db, userId, input.projectId);
    const known = new Set(current);
    if (input.orderedIds.some((id) => !known.has(id))) throw new TaskNotFoundError();
    const listed = new Set(input.orderedIds);
    const order = [...input.orderedIds, ...current.filter((id) => !listed.has(id))];
    await tasksQueries.writePositions(db, userId, order, deps.clock.now());
    return tasksQueries.listTasks(db, userId, {
      projectId: input.projectId,
      order: 'manual',
      limit: order.length,
    });
  });
}

// ---------- the port for projects: a project's tasks when the project is deleted ----------

/** How many tasks a project has. Called inside the project's deletion, which holds the project's row lock. */
export function countProjectTasks(deps: TasksDeps, userId: string, projectId: string): Promise<number> {
  return tasksQueries.countProjectTasks(deps.db, userId, projectId);
}

/**
 * What becomes of a project's tasks before the project is deleted: deleted with it, or kept without a project,
 * after the tasks already there, in their order. Runs in the caller's transaction (the project's deletion, which
 * holds the project's row lock).
 */
export async function releaseProjectTasks(
  deps: TasksDeps,
  userId: string,
  projectId: string,
  choice: TDeleteProjectTasks,
): Promise<void> {
  await inTransaction(deps, async ({ db }) => {
    if (choice === 'delete') return tasksQueries.deleteProjectTasks(db, userId, projectId);
    await assertTaskList(db, userId, null, true);
    await tasksQueries.detachProjectTasks(db, userId, projectId, deps.clock.now());
  });
}

// ---------- tasks as CalDAV resources (the caldav service's port): one VTODO per task ----------

export { parseVtodo, VtodoRefused } from './tasks.vtodo.js';

/** The VTODO text of each task of a list (a project's, or null: the inbox) with these UIDs. */
export async function taskObjectsIcs(
  db: Kysely<DB>,
  userId: string,
  projectId: string | null,
  uids: string[],
): Promise<Map<string, string>> {
  const rows = await tasksQueries.listTasksByUids(db, userId, projectId, uids);
  const texts = new Map<string, string>();
  const slice = eventLoopSlicer();
  for (const row of rows) {
    await slice();
    texts.set(
      row.uid,
      vtodoIcs({
        uid: row.uid,
        title: row.title,
        notes: row.notes,
        status: row.status,
        priority: Math.min(3, Math.max(0, row.priority)) as VtodoFields['priority'],
        labels: row.labels,
        dueDate: row.dueDate,
        rrule: row.rrule,
        repeatAfterDays: row.repeatAfterDays,
        completedAt: row.completedAt,
        kept: row.icsKept,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      }),
    );
  }
  return texts;
}

/**
 * Stores a client's task (a parsed VTODO) in a list, inside the caller's transaction: created at the end of the
 * list, or changed in place. Ticking a task done is a completion like the web app's: a repeating task stays as
 * history and its next occurrence is created (a resource of its own, which the client gets on its next sync).
 */
export async function saveTaskObject(
  deps: TasksDeps,
  userId: string,
  projectId: string | null,
  fields: VtodoFields,
  davName: string,
): Promise<void> {
  const { db } = deps;
  const now = deps.clock.now();
  assertRrule(fields.rrule, fields.dueDate ?? clockDate(deps));
  const existing = await tasksQueries.findTaskByUid(db, userId, fields.uid);
  const kept = { icsKept: fields.kept, davName };
  const values = {
    title: fields.title,
    notes: fields.notes,
    priority: fields.priority,
    labels: fields.labels,
    dueDate: fields.dueDate,
    rrule: fields.rrule,
    repeatAfterDays: fields.rrule ? null : fields.repeatAfterDays,
  };
  if (!existing) {
    await assertTaskList(db, userId, projectId, true);
    let dueDate = values.dueDate;
    if (!dueDate && values.rrule) dueDate = firstOccurrence(values.rrule, await userToday(deps, userId));
    const done = fields.status === 'done';
    const task = await tasksQueries.insertTask(db, {
      userId,
      projectId,
      ...values,
      ...kept,
      dueDate,
      icsUid: fields.uid,
      status: fields.status,
      position: await tasksQueries.nextPosition(db, userId, projectId),
      seriesId: values.rrule || values.repeatAfterDays ? randomUUID() : null,
      completedAt: done ? (fields.completedAt ?? now) : null,
      sourceCaptureId: null,
      createdAt: now,
      updatedAt: now,
    });
    const changed = { status: task.status, dueDate: task.dueDate, projectId: task.projectId };
    await webhooksService.emit(deps, userId, 'task.created', { id: task.id, object: 'task', changed });
    await scheduleTaskReminder(deps, userId, task);
    return;
  }
  if (existing.projectId !== projectId) {
    throw new CalendarDataError('A task with this UID is in another list of yours', 'no-uid-conflict');
  }
  const patch: TaskUpdate = { ...values, ...kept, updatedAt: now };
  if ((values.rrule || values.repeatAfterDays) && !existing.seriesId) patch.seriesId = randomUUID();
  if (fields.status === 'done' && existing.status !== 'done') {
    await finish(deps, userId, existing, patch);
    return;
  }
  patch.status = fields.status;
  patch.completedAt = fields.status === 'done' ? (existing.completedAt ?? fields.completedAt ?? now) : null;
  const updated = await tasksQueries.updateTask(db, userId, existing.id, patch);
  if (updated) await scheduleTaskReminder(deps, userId, updated);
}

/** Deletes the task of a list with this UID; false when there is none. */
export async function deleteTaskObject(
  db: Kysely<DB>,
  userId: string,
  projectId: string | null,
  uid: string,
): Promise<boolean> {
  const [task] = await tasksQueries.listTasksByUids(db, userId, projectId, [uid]);
  return task ? tasksQueries.deleteTask(db, userId, task.id) : false;
}
