import { type Kysely, sql } from 'kysely';
import type { DB, NewUser } from '../database.js';

/**
 * Serializes user creation for the rest of the transaction (a transaction-scoped advisory lock): two racing
 * first-run requests see each other's user.
 */
export async function lockUserCreation(db: Kysely<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('lifeos.create_user'))`.execute(db);
}

export async function countUsers(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Finds a user by username (any case) or email, for login. */
export async function findUserByIdentifier(db: Kysely<DB>, identifier: string) {
  const needle = identifier.trim().toLowerCase();
  return db
    .selectFrom('users')
    .select(['id', 'username', 'email', 'displayName', 'passwordHash'])
    .where((eb) => eb.or([eb(sql<string>`lower(username)`, '=', needle), eb('email', '=', needle)]))
    .executeTakeFirst();
}

export async function findUserById(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'email', 'displayName', 'passwordHash', 'createdAt'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

export async function findUserConflicts(db: Kysely<DB>, username: string, email: string) {
  return db
    .selectFrom('users')
    .select(['username', 'email'])
    .where((eb) =>
      eb.or([eb(sql<string>`lower(username)`, '=', username.toLowerCase()), eb('email', '=', email.toLowerCase())]),
    )
    .execute();
}

/** A user and their settings (in `timezone` when given, else the column's default, UTC). */
export async function insertUser(db: Kysely<DB>, user: NewUser, timezone?: string) {
  const row = await db
    .insertInto('users')
    .values({ ...user, email: user.email.toLowerCase() })
    .returning(['id', 'username', 'email', 'displayName', 'createdAt'])
    .executeTakeFirstOrThrow();
  await db
    .insertInto('userSettings')
    .values({ userId: row.id, icsFeedTokenHash: null, ...(timezone ? { timezone } : {}) })
    .execute();
  return row;
}

export async function updateUserPasswordHash(db: Kysely<DB>, userId: string, passwordHash: string, now: Date) {
  await db.updateTable('users').set({ passwordHash, updatedAt: now }).where('id', '=', userId).execute();
}

export async function updateUserProfile(
  db: Kysely<DB>,
  userId: string,
  profile: { displayName?: string | undefined; email?: string | undefined },
  now: Date,
) {
  const set: { displayName?: string; email?: string; updatedAt: Date } = { updatedAt: now };
  if (profile.displayName !== undefined) set.displayName = profile.displayName;
  if (profile.email !== undefined) set.email = profile.email.toLowerCase();
  await db.updateTable('users').set(set).where('id', '=', userId).execute();
}

export async function isEmailTakenByOther(db: Kysely<DB>, userId: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email.toLowerCase())
    .where('id', '<>', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The user's data version (user_data_versions, moved on by triggers with every committed change to the user's data),
 * or null for a user without one: what an answer kept between calls is checked against.
 */
export async function dataVersion(db: Kysely<DB>, userId: string): Promise<number | null> {
  const row = await db.selectFrom('userDataVersions').select('version').where('userId', '=', userId).executeTakeFirst();
  return row ? Number(row.version) : null;
}
