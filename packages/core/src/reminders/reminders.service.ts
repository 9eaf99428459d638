/**
 * Reminders (issue 22): when a task with a due date is reminded, and the daily agenda, as jobs of the durable runner.
 *
 * A task's reminder is enqueued in the same transaction as the task's write (`scheduleTaskReminder`, called by the
 * tasks service), keyed by the task and its reminder's instants: a changed due date or preference makes a new job,
 * and the old one, when it runs, finds the task changed and does nothing. At send time everything is read again: a
 * deleted or completed task gets nothing. A reminder missed while the server was down is sent late (marked late)
 * within the user's late window, else recorded as dropped and listed.
 *
 * The seam for more sources (events' VALARMs, habits of the day): a planner like `plannedTaskReminder` giving the
 * instants, a job kind that re-reads its source at send time, and `notificationsService.notify` with a source key.
 */
import { type DB, type Kysely, remindersQueries } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { localDate } from '../common/local-date.js';
import { inTransaction } from '../common/transaction.js';
import type { TDashboardToday } from '../dashboard/dashboard.schemas.js';
import { ValidationError } from '../errors.js';
import * as jobsService from '../jobs/jobs.service.js';
import * as notificationsService from '../notifications/notifications.service.js';
import { holdForQuietHours, lateness, nextAgendaAt, type QuietHours, taskReminderAt } from './reminders.rules.js';
import type { TReminderPreferences, TUpdateReminderPreferencesInput } from './reminders.schemas.js';

export interface RemindersDeps {
  db: Kysely<DB>;
  clock: Clock;
}

export const TASK_REMINDER_JOB = 'reminder.task';
export const AGENDA_JOB = 'reminder.agenda';
export const AGENDA_SWEEP_JOB = 'reminders.agenda-sweep';
/** The open tasks whose reminders a change of preferences moves at once (the soonest due). */
export const RESCHEDULE_MAX = 1_000;

export const DEFAULT_PREFERENCES: TReminderPreferences = {
  taskReminders: true,
  taskTime: '09:00',
  taskOffsetMinutes: 0,
  agendaTime: null,
  quietStart: null,
  quietEnd: null,
  lateWindowMinutes: 60,
};

interface Settings {
  zone: string;
  prefs: TReminderPreferences;
}

async function settingsOf(db: Kysely<DB>, userId: string): Promise<Settings> {
  const row = await remindersQueries.reminderSettings(db, userId);
  const d = DEFAULT_PREFERENCES;
  return {
    zone: row?.timezone ?? 'UTC',
    prefs: {
      taskReminders: row?.taskReminders ?? d.taskReminders,
      taskTime: row?.taskTime ?? d.taskTime,
      taskOffsetMinutes: row?.taskOffsetMinutes ?? d.taskOffsetMinutes,
      agendaTime: row?.agendaTime ?? d.agendaTime,
      quietStart: row?.quietStart ?? d.quietStart,
      quietEnd: row?.quietEnd ?? d.quietEnd,
      lateWindowMinutes: row?.lateWindowMinutes ?? d.lateWindowMinutes,
    },
  };
}

const quietOf = (prefs: TReminderPreferences): QuietHours | null =>
  prefs.quietStart && prefs.quietEnd ? { start: prefs.quietStart, end: prefs.quietEnd } : null;

export async function getPreferences(deps: RemindersDeps, userId: string): Promise<TReminderPreferences> {
  return (await settingsOf(deps.db, userId)).prefs;
}

/**
 * Changes the preferences and moves what they move, in one transaction: the reminders of the soonest
 * RESCHEDULE_MAX open tasks (the jobs already queued find themselves stale when they run) and the next agenda.
 */
export async function updatePreferences(
  deps: RemindersDeps,
  userId: string,
  input: TUpdateReminderPreferencesInput,
): Promise<TReminderPreferences> {
  return inTransaction(deps, async (tx) => {
    await remindersQueries.upsertPreferences(tx.db, userId, input, tx.clock.now());
    return (await rescheduleWith(tx, userId)).prefs;
  });
}

/**
 * Queues the reminders of the user's soonest RESCHEDULE_MAX open tasks due from today, and the next agenda, as the
 * preferences and tasks are now: for writes that bring many tasks at once (a data import), inside the caller's
 * transaction when `deps.db` is one. Reminders already queued are kept (the same reminder is not queued twice).
 */
export async function rescheduleUser(deps: RemindersDeps, userId: string): Promise<void> {
  await inTransaction(deps, (tx) => rescheduleWith(tx, userId));
}

async function rescheduleWith(tx: RemindersDeps, userId: string): Promise<Settings> {
  const settings = await settingsOf(tx.db, userId);
  const today = localDate(tx.clock.now(), settings.zone);
  const tasks = await remindersQueries.openTasksDueFrom(tx.db, userId, today, RESCHEDULE_MAX);
  const jobs = tasks.flatMap((task) => taskReminderJob(tx, userId, task, settings) ?? []);
  await jobsService.enqueueJobs(tx, jobs);
  await scheduleAgendaWith(tx, userId, settings);
  return settings;
}

// ---------- tasks ----------

interface TaskLike {
  id: string;
  dueDate: string | null;
  status: string;
}

/** A task's reminder instants: `at` (its moment) and `fireAt` (held for quiet hours); null when it has none. */
export function plannedTaskReminder(task: TaskLike, settings: Settings): { at: Date; fireAt: Date } | null {
  if (!settings.prefs.taskReminders || !task.dueDate || task.status === 'done') return null;
  const { taskTime, taskOffsetMinutes: offsetMinutes } = settings.prefs;
  const at = taskReminderAt(task.dueDate, { taskTime, offsetMinutes }, settings.zone);
  return { at, fireAt: holdForQuietHours(at, quietOf(settings.prefs), settings.zone) };
}

function taskReminderJob(deps: RemindersDeps, userId: string, task: TaskLike, settings: Settings) {
  const planned = plannedTaskReminder(task, settings);
  // A reminder whose moment has passed when the task is written is not sent: the person is looking at it now.
  if (!planned || planned.fireAt.getTime() <= deps.clock.now().getTime()) return null;
  return {
    kind: TASK_REMINDER_JOB,
    userId,
    key: `task:${task.id}:${planned.at.toISOString()}:${planned.fireAt.toISOString()}`,
    runAt: planned.fireAt,
    payload: { taskId: task.id, at: planned.at.toISOString(), fireAt: planned.fireAt.toISOString() },
  } satisfies jobsService.EnqueueJob;
}

/**
 * The tasks service's hook: (re)enqueues a task's reminder, inside the task write's transaction. Cheap: one read
 * of the user's settings and one insert that does nothing when the same reminder is queued already.
 */
export async function scheduleTaskReminder(deps: RemindersDeps, userId: string, task: TaskLike): Promise<void> {
  if (!task.dueDate || task.status === 'done') return;
  const job = taskReminderJob(deps, userId, task, await settingsOf(deps.db, userId));
  if (job) await jobsService.enqueueJob(deps, job);
}

export interface TaskReminderPayload {
  taskId: string;
  at: string;
  fireAt: string;
}

export function readTaskReminderPayload(payload: unknown): TaskReminderPayload {
  const p = payload as Partial<TaskReminderPayload> | null;
  if (!p || typeof p.taskId !== 'string' || typeof p.at !== 'string' || typeof p.fireAt !== 'string') {
    throw new ValidationError('Not a task reminder payload');
  }
  return { taskId: p.taskId, at: p.at, fireAt: p.fireAt };
}

export type ReminderOutcome = 'sent' | 'late' | 'dropped' | 'gone' | 'stale' | 'repeat';

/** The `reminder.task` job: re-reads the task and the preferences, then notifies, or not. */
export async function runTaskReminder(
  deps: RemindersDeps,
  userId: string,
  payload: TaskReminderPayload,
): Promise<ReminderOutcome> {
  return inTransaction(deps, async (tx) => {
    const task = await remindersQueries.taskForReminder(tx.db, userId, payload.taskId);
    if (!task || task.status === 'done') return 'gone';
    const settings = await settingsOf(tx.db, userId);
    const planned = plannedTaskReminder(task, settings);
    // The task or the preferences changed since: the job of the reminder as it is now does the work.
    if (!planned || planned.at.toISOString() !== payload.at || planned.fireAt.toISOString() !== payload.fireAt) {
      return 'stale';
    }
    const when = lateness(planned.fireAt, tx.clock.now(), settings.prefs.lateWindowMinutes * 60_000);
    const id = await notificationsService.notify(tx, userId, {
      kind: 'task',
      sourceKey: `task:${task.id}:${payload.at}`,
      title: task.title,
      body: `Due ${task.dueDate === localDate(tx.clock.now(), settings.zone) ? 'today' : task.dueDate}`,
      url: task.projectId ? `/projects/${task.projectId}` : '/tasks',
      dueAt: planned.at,
      late: when === 'late',
      status: when === 'drop' ? 'dropped' : 'sent',
    });
    if (id === null) return 'repeat';
    return when === 'drop' ? 'dropped' : when === 'late' ? 'late' : 'sent';
  });
}

// ---------- the daily agenda ----------

async function scheduleAgendaWith(
  deps: RemindersDeps,
  userId: string,
  settings: Settings,
  from: Date = deps.clock.now(),
): Promise<void> {
  const time = settings.prefs.agendaTime;
  if (!time) return;
  const next = nextAgendaAt(from, time, settings.zone);
  await jobsService.enqueueJob(deps, {
    kind: AGENDA_JOB,
    userId,
    key: `agenda:${userId}:${next.date}:${time}`,
    runAt: next.at,
    payload: { date: next.date, time, at: next.at.toISOString() },
  });
}

/** Enqueues the user's next agenda (nothing when there is one queued for that day and time, or no agenda). */
export async function scheduleAgenda(deps: RemindersDeps, userId: string): Promise<void> {
  await scheduleAgendaWith(deps, userId, await settingsOf(deps.db, userId));
}

/**
 * Makes sure every user with an agenda has their next one queued (an hourly job): a chain of agendas broken by
 * downtime or a lost job resumes. Pages through the users; returns how many were looked at.
 */
export async function sweepAgendas(deps: RemindersDeps): Promise<number> {
  let after: string | null = null;
  let seen = 0;
  for (let page = 0; page < 1_000; page++) {
    const users = await remindersQueries.usersWithAgenda(deps.db, after, 500);
    for (const user of users) await scheduleAgenda(deps, user.userId);
    seen += users.length;
    if (users.length < 500) break;
    after = users[users.length - 1]?.userId ?? null;
  }
  return seen;
}

/** The agenda as text: today's events and tasks, and what is overdue. */
export function agendaText(today: TDashboardToday): { title: string; body: string } {
  const lines: string[] = [];
  const time = (d: Date | null) =>
    d
      ? new Intl.DateTimeFormat('en-GB', { timeZone: today.timezone, hour: '2-digit', minute: '2-digit' }).format(d)
      : '';
  for (const item of today.agenda.items) {
    if (item.kind === 'event') lines.push(`${item.allDay ? 'All day' : time(item.start)}  ${item.title}`);
    else if (item.kind === 'task') lines.push(`☐ ${item.title}`);
    else lines.push(`🏋 ${item.title}`);
  }
  if (today.agenda.moreTasks > 0) lines.push(`… and ${today.agenda.moreTasks} more tasks`);
  if (today.agenda.overdue.length > 0) {
    lines.push('', 'Overdue:');
    for (const task of today.agenda.overdue) lines.push(`☐ ${task.title} (due ${task.dueDate})`);
  }
  return {
    title: `Today, ${today.today}`,
    body: lines.length > 0 ? lines.join('\n') : 'Nothing planned today.',
  };
}

export interface AgendaPayload {
  date: string;
  time: string;
  at: string;
}

export function readAgendaPayload(payload: unknown): AgendaPayload {
  const p = payload as Partial<AgendaPayload> | null;
  if (!p || typeof p.date !== 'string' || typeof p.time !== 'string' || typeof p.at !== 'string') {
    throw new ValidationError('Not an agenda payload');
  }
  return { date: p.date, time: p.time, at: p.at };
}

/**
 * The `reminder.agenda` job: sends the day's agenda (the dashboard's today, as text; `today` reads it) and queues
 * the next one. An agenda whose time was changed since is stale: the job of the new time sends it.
 */
export async function runAgenda(
  deps: RemindersDeps & { today: (userId: string) => Promise<TDashboardToday> },
  userId: string,
  payload: AgendaPayload,
): Promise<ReminderOutcome> {
  const settings = await settingsOf(deps.db, userId);
  if (settings.prefs.agendaTime !== payload.time) {
    await scheduleAgendaWith(deps, userId, settings);
    return 'stale';
  }
  const when = lateness(new Date(payload.at), deps.clock.now(), settings.prefs.lateWindowMinutes * 60_000);
  const text = when === 'drop' ? { title: `Today, ${payload.date}`, body: '' } : agendaText(await deps.today(userId));
  const outcome = await inTransaction(deps, async (tx) => {
    const id = await notificationsService.notify(tx, userId, {
      kind: 'agenda',
      sourceKey: `agenda:${payload.date}`,
      title: text.title,
      body: text.body,
      url: '/',
      dueAt: new Date(payload.at),
      late: when === 'late',
      status: when === 'drop' ? 'dropped' : 'sent',
    });
    // The next day's agenda: looked for from past this one's time (run on the minute, today's would come back).
    const past = Math.max(tx.clock.now().getTime(), new Date(payload.at).getTime()) + 2 * 60_000;
    await scheduleAgendaWith(tx, userId, settings, new Date(past));
    if (id === null) return 'repeat' as const;
    return when === 'drop' ? ('dropped' as const) : when === 'late' ? ('late' as const) : ('sent' as const);
  });
  return outcome;
}
