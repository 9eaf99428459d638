import { type Kysely, sql } from 'kysely';
import type { DB, NewRefreshToken } from '../database.js';

// ---------- refresh tokens and sessions (a session is a refresh-token family) ----------

export async function insertRefreshToken(db: Kysely<DB>, token: NewRefreshToken): Promise<void> {
  await db.insertInto('refreshTokens').values(token).execute();
}

export async function findRefreshTokenByHash(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom('refreshTokens')
    .select(['id', 'userId', 'familyId', 'expiresAt', 'revokedAt', 'replacedBy', 'lastUsedAt'])
    .where('tokenHash', '=', tokenHash)
    .executeTakeFirst();
}

/**
 * Marks a token as rotated, only if nobody rotated it first. Returns false when a concurrent refresh won the
 * race, so exactly one caller rotates each token.
 */
export async function markRefreshTokenRotated(
  db: Kysely<DB>,
  tokenId: string,
  replacedBy: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('refreshTokens')
    .set({ replacedBy, lastUsedAt: now })
    .where('id', '=', tokenId)
    .where('replacedBy', 'is', null)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function revokeFamily(db: Kysely<DB>, userId: string, familyId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('refreshTokens')
    .set({ revokedAt: now })
    .where('userId', '=', userId)
    .where('familyId', '=', familyId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function revokeAllFamilies(db: Kysely<DB>, userId: string, now: Date, exceptFamilyId?: string) {
  let query = db
    .updateTable('refreshTokens')
    .set({ revokedAt: now })
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null);
  if (exceptFamilyId) query = query.where('familyId', '<>', exceptFamilyId);
  await query.execute();
}

/**
 * The user behind an access token, provided its session is still live: not logged out, not revoked by a password
 * change, not past its absolute expiry. One indexed query per request.
 */
export async function findUserForSession(db: Kysely<DB>, userId: string, familyId: string, now: Date) {
  return db
    .selectFrom('users')
    .select(['users.id', 'users.username', 'users.email', 'users.displayName'])
    .where('users.id', '=', userId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('refreshTokens')
          .select(sql`1`.as('one'))
          .where('refreshTokens.userId', '=', userId)
          .where('refreshTokens.familyId', '=', familyId)
          .where('refreshTokens.revokedAt', 'is', null)
          .where('refreshTokens.expiresAt', '>', now),
      ),
    )
    .executeTakeFirst();
}

/** Live sessions: one row per family, with its first login and last use. */
export async function listSessions(db: Kysely<DB>, userId: string, now: Date) {
  return db
    .selectFrom('refreshTokens')
    .select((eb) => [
      'familyId',
      eb.fn.min('createdAt').as('createdAt'),
      eb.fn.max(eb.fn.coalesce('lastUsedAt', 'createdAt')).as('lastUsedAt'),
      eb.fn.max('expiresAt').as('expiresAt'),
      // The newest token's user agent and address describe the device best.
      sql<string | null>`(array_agg(user_agent order by created_at desc))[1]`.as('userAgent'),
      sql<string | null>`(array_agg(ip order by created_at desc))[1]`.as('ip'),
    ])
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .where('expiresAt', '>', now)
    .groupBy('familyId')
    .orderBy('lastUsedAt', 'desc')
    .execute();
}

export async function deleteExpiredRefreshTokens(db: Kysely<DB>, now: Date) {
  await db.deleteFrom('refreshTokens').where('expiresAt', '<', now).execute();
}

// ---------- throttling ----------

/**
 * Counts one attempt against `key` in a fixed window and returns the count including this one, atomically, so
 * concurrent attempts at the limit let exactly the limit through.
 */
export async function recordAttempt(
  db: Kysely<DB>,
  key: string,
  now: Date,
  windowMs: number,
): Promise<{ count: number; windowStart: Date }> {
  const windowFloor = new Date(now.getTime() - windowMs);
  const row = await db
    .insertInto('authAttempts')
    .values({ key, windowStart: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        count: sql<number>`case when ${eb.ref('authAttempts.windowStart')} <= ${windowFloor} then 1 else ${eb.ref('authAttempts.count')} + 1 end`,
        windowStart: sql<Date>`case when ${eb.ref('authAttempts.windowStart')} <= ${windowFloor} then ${now} else ${eb.ref('authAttempts.windowStart')} end`,
      })),
    )
    .returning(['count', 'windowStart'])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), windowStart: row.windowStart };
}

/**
 * Takes a slot of an exponential backoff: `key` counts attempts, and `windowStart` holds the time of the last one.
 * The first `after` attempts are free; from then on each attempt must come at least 2^(count − after) seconds
 * (at most `maxSeconds`) after the previous one. The counter starts over after `memoryMs` without an attempt.
 * Atomic (one conditional upsert), so concurrent attempts cannot slip through the same gap; an attempt refused
 * does not count and does not push the next slot further away. Returns null when taken, else the seconds to wait.
 */
export async function takeBackoffSlot(
  db: Kysely<DB>,
  key: string,
  now: Date,
  options: { after: number; maxSeconds: number; memoryMs: number },
): Promise<number | null> {
  const floor = new Date(now.getTime() - options.memoryMs);
  const nextSlot = (start: ReturnType<typeof sql.ref>, count: ReturnType<typeof sql.ref>) =>
    sql<Date>`${start} + least(power(2::float8, ${count} - ${options.after}::int), ${options.maxSeconds}::float8) * interval '1 second'`;
  const taken = await db
    .insertInto('authAttempts')
    .values({ key, windowStart: now, count: 1 })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({
          count: sql<number>`case when ${eb.ref('authAttempts.windowStart')} <= ${floor} then 1 else ${eb.ref('authAttempts.count')} + 1 end`,
          windowStart: now,
        }))
        .where((eb) =>
          eb.or([
            eb('authAttempts.windowStart', '<=', floor),
            eb('authAttempts.count', '<', options.after),
            eb(nextSlot(sql.ref('auth_attempts.window_start'), sql.ref('auth_attempts.count')), '<=', now),
          ]),
        ),
    )
    .returning('count')
    .executeTakeFirst();
  if (taken) return null;
  const row = await db
    .selectFrom('authAttempts')
    .select(nextSlot(sql.ref('window_start'), sql.ref('count')).as('nextSlot'))
    .where('key', '=', key)
    .executeTakeFirst();
  const waitMs = row ? new Date(row.nextSlot).getTime() - now.getTime() : 1000;
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** Takes back one counted attempt (a login that succeeded should not count against its address). */
export async function forgiveAttempt(db: Kysely<DB>, key: string) {
  await db
    .updateTable('authAttempts')
    .set((eb) => ({ count: sql<number>`greatest(${eb.ref('count')} - 1, 0)` }))
    .where('key', '=', key)
    .execute();
}

export async function clearAttempts(db: Kysely<DB>, key: string) {
  await db.deleteFrom('authAttempts').where('key', '=', key).execute();
}

export async function deleteStaleAttempts(db: Kysely<DB>, olderThan: Date) {
  await db.deleteFrom('authAttempts').where('windowStart', '<', olderThan).execute();
}
