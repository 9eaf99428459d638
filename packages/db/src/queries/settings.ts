import type { Kysely } from 'kysely';
import type { DB, UserSettingsUpdate } from '../database.js';

function settingsQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('userSettings')
    .innerJoin('users', 'users.id', 'userSettings.userId')
    .select([
      'users.username',
      'users.email',
      'users.displayName',
      'userSettings.timezone',
      'userSettings.weekStart',
      'userSettings.units',
      'userSettings.journalWordGoal',
      'userSettings.theme',
    ])
    .where('userSettings.userId', '=', userId);
}

export async function getSettings(db: Kysely<DB>, userId: string) {
  return settingsQuery(db, userId).executeTakeFirst();
}

/**
 * The settings with the user's data version (user_data_versions, moved on by every change to the user's data):
 * what an answer kept between calls is keyed by. Null for a user without a version row.
 */
export async function getSettingsAndDataVersion(db: Kysely<DB>, userId: string) {
  return settingsQuery(db, userId)
    .leftJoin('userDataVersions', 'userDataVersions.userId', 'userSettings.userId')
    .select('userDataVersions.version as dataVersion')
    .executeTakeFirst();
}

export async function updateSettings(db: Kysely<DB>, userId: string, update: UserSettingsUpdate) {
  await db.updateTable('userSettings').set(update).where('userId', '=', userId).execute();
}
