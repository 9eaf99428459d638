import { type DB, type Kysely, settingsQueries } from '@lifeos/db';

/**
 * The user's time zone, read in one place with one policy: the zone of their settings, or UTC for a user without
 * settings (a user created before settings existed, or one being deleted). Every "today", "this week" and local
 * date of a service is counted in it.
 */
export async function userTimeZone(db: Kysely<DB>, userId: string): Promise<string> {
  return (await settingsQueries.getSettings(db, userId))?.timezone ?? 'UTC';
}
