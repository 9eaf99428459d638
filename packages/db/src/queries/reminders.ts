/**
 * What reminders read of tasks (by the user id, in the query): a task as its reminder is about to be sent, and the
 * open tasks whose reminders a change of preferences moves.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../database.js';

/** A task's state as its reminder checks it at send time; undefined when it was deleted. */
export function taskForReminder(db: Kysely<DB>, userId: string, taskId: string) {
  return db
    .selectFrom('tasks')
    .select(['id', 'title', 'status', 'dueDate', 'projectId'])
    .where('userId', '=', userId)
    .where('id', '=', taskId)
    .executeTakeFirst();
}

/** Open tasks due on or after `fromDate`, soonest first, a page after `afterId`. */
export function openTasksDueFrom(db: Kysely<DB>, userId: string, fromDate: string, limit: number) {
  return db
    .selectFrom('tasks')
    .select(['id', 'title', 'status', 'dueDate'])
    .where('userId', '=', userId)
    .where('status', '!=', 'done')
    .where('dueDate', '>=', fromDate)
    .orderBy('dueDate')
    .orderBy('id')
    .limit(limit)
    .execute();
}

// ---------- preferences (notification_preferences) ----------

export async function getPreferences(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('notificationPreferences')
    .select([
      'taskReminders',
      'taskTime',
      'taskOffsetMinutes',
      'agendaTime',
      'quietStart',
      'quietEnd',
      'lateWindowMinutes',
      'emailOffKinds',
    ])
    .where('userId', '=', userId)
    .executeTakeFirst();
}

export interface PreferencesPatch {
  taskReminders?: boolean;
  taskTime?: string;
  taskOffsetMinutes?: number;
  agendaTime?: string | null;
  quietStart?: string | null;
  quietEnd?: string | null;
  lateWindowMinutes?: number;
  emailOffKinds?: string[];
}

export async function upsertPreferences(db: Kysely<DB>, userId: string, patch: PreferencesPatch, now: Date) {
  await db
    .insertInto('notificationPreferences')
    .values({ userId, ...patch, updatedAt: now })
    .onConflict((oc) => oc.column('userId').doUpdateSet({ ...patch, updatedAt: now }))
    .execute();
}

/** Users with a daily agenda, a page after `afterUserId` (the agenda sweep). */
export async function usersWithAgenda(db: Kysely<DB>, afterUserId: string | null, limit: number) {
  let query = db
    .selectFrom('notificationPreferences')
    .select(['userId', 'agendaTime'])
    .where('agendaTime', 'is not', null)
    .orderBy('userId')
    .limit(limit);
  if (afterUserId) query = query.where('userId', '>', afterUserId);
  return query.execute();
}

/** The user's zone and reminder preferences in one read (null preferences: the defaults). */
export async function reminderSettings(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('users')
    .leftJoin('userSettings', 'userSettings.userId', 'users.id')
    .leftJoin('notificationPreferences', 'notificationPreferences.userId', 'users.id')
    .select([
      'userSettings.timezone',
      'notificationPreferences.taskReminders',
      'notificationPreferences.taskTime',
      'notificationPreferences.taskOffsetMinutes',
      'notificationPreferences.agendaTime',
      'notificationPreferences.quietStart',
      'notificationPreferences.quietEnd',
      'notificationPreferences.lateWindowMinutes',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}
