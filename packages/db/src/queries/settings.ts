import type { Kysely } from 'kysely';
import type { DB, UserSettingsUpdate } from '../database.js';

export async function getSettings(db: Kysely<DB>, userId: string) {
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
      'userSettings.dashboardCards',
    ])
    .where('userSettings.userId', '=', userId)
    .executeTakeFirst();
}

export async function updateSettings(db: Kysely<DB>, userId: string, update: UserSettingsUpdate) {
  await db.updateTable('userSettings').set(update).where('userId', '=', userId).execute();
}
