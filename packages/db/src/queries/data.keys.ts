import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.js';

/*
 * What the account already holds, read before an import writes: whether it holds anything, the built-in library, and
 * the natural keys a merge matches the document's rows against.
 */

/** Whether the user owns no data of any exported kind (an empty account takes a merged document's settings). */
export async function isAccountEmpty(db: Kysely<DB>, userId: string): Promise<boolean> {
  const tables = [
    'journalEntries',
    'exercises',
    'programs',
    'workoutSessions',
    'bodyWeights',
    'projects',
    'tasks',
    'captures',
  ] as const;
  const row = await db
    .selectNoFrom((eb) =>
      eb
        .or([
          ...tables.map((table) =>
            eb.exists(
              eb
                .selectFrom(table as 'programs')
                .select(sql<number>`1`.as('one'))
                .where('userId', '=', userId),
            ),
          ),
          eb.exists(
            eb
              .selectFrom('events')
              .select(sql<number>`1`.as('one'))
              .where('userId', '=', userId)
              .where('subscriptionId', 'is', null),
          ),
        ])
        .as('hasData'),
    )
    .executeTakeFirstOrThrow();
  return !row.hasData;
}

/** The built-in library by lower-cased name. */
export async function builtinExercises(db: Kysely<DB>) {
  return db
    .selectFrom('exercises')
    .select(['id', sql<string>`lower(name)`.as('key')])
    .where('userId', 'is', null)
    .execute();
}

/*
 * Natural keys of what the user already has, one query per kind (a merge matches the document against them in
 * memory, never with a query per row). Only the key, the id and updated_at are loaded.
 */

export async function journalKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('journalEntries')
    .select(['id', 'type', 'entryDate', 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function exerciseKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('exercises')
    .select(['id', sql<string>`lower(name)`.as('key'), 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function programKeys(db: Kysely<DB>, userId: string) {
  return db.selectFrom('programs').select(['id', 'name', 'updatedAt']).where('userId', '=', userId).execute();
}

/** Days of the user's programs, so a merged session keeps pointing at the day of a program the account already has. */
export async function programDayKeys(db: Kysely<DB>, userId: string) {
  return db.selectFrom('programDays').select(['id', 'programId', 'position']).where('userId', '=', userId).execute();
}

export async function sessionKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('workoutSessions')
    .select(['id', 'startedAt', 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function bodyWeightKeys(db: Kysely<DB>, userId: string) {
  return db.selectFrom('bodyWeights').select(['id', 'measuredOn', 'updatedAt']).where('userId', '=', userId).execute();
}

export async function projectKeys(db: Kysely<DB>, userId: string) {
  return db.selectFrom('projects').select(['id', 'name', 'updatedAt']).where('userId', '=', userId).execute();
}

export async function taskKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('tasks')
    .select(['id', 'title', 'seriesId', 'createdAt', 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function captureKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('captures')
    .select(['id', 'text', 'createdAt', 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function eventKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('events')
    .select(['id', 'icsUid', 'recurrenceId', 'updatedAt'])
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .execute();
}
