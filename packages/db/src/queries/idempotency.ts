import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.js';

/** The largest answer kept for a repeat, in bytes of its JSON text (the column's check says the same). */
export const IDEMPOTENCY_ANSWER_MAX_BYTES = 65_536;

export interface IdempotencyClaim {
  userId: string;
  key: string;
  path: string;
  inputHash: string;
}

/** How long a claim waits for another request holding the same key, below the statement timeout (15 s). */
export const IDEMPOTENCY_CLAIM_WAIT_MS = 10_000;

/**
 * Claims (user, key) inside the caller's transaction (`db` must be one), before the mutation writes anything. True:
 * this request holds the key and runs. False: a committed row already holds it. On PostgreSQL an uncommitted row of
 * another transaction makes this wait until that one ends, so two racing requests never both get true; after
 * `waitMs` it fails with SQLSTATE 55P03 (lock_not_available) instead of running into the statement timeout.
 */
export async function claimKey(
  db: Kysely<DB>,
  claim: IdempotencyClaim,
  now: Date,
  waitMs = IDEMPOTENCY_CLAIM_WAIT_MS,
): Promise<boolean> {
  await sql`select set_config('lock_timeout', ${`${Math.max(1, Math.round(waitMs))}ms`}, true)`.execute(db);
  const inserted = await db
    .insertInto('idempotencyKeys')
    .values({ ...claim, answer: null, createdAt: now })
    .onConflict((oc) => oc.columns(['userId', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  // The procedure's own statements keep the server's lock timeout.
  await sql`set local lock_timeout to default`.execute(db);
  return inserted !== undefined;
}

/** Whether an error is a claim that waited its whole `waitMs` (the other request still runs). */
export function isClaimTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '55P03';
}

/** The row holding (user, key), as committed. */
export async function findKey(db: Kysely<DB>, userId: string, key: string) {
  return db
    .selectFrom('idempotencyKeys')
    .select(['path', 'inputHash', 'answer', 'createdAt'])
    .where('userId', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** Keeps the answer of the mutation that claimed (user, key); null when it is over the bound. */
export async function storeAnswer(db: Kysely<DB>, userId: string, key: string, answer: string | null): Promise<void> {
  await db.updateTable('idempotencyKeys').set({ answer }).where('userId', '=', userId).where('key', '=', key).execute();
}

/** Deletes keys claimed before `cutoff`; returns how many. */
export async function deleteKeysBefore(db: Kysely<DB>, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom('idempotencyKeys').where('createdAt', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
