import { type Kysely, sql } from 'kysely';
import type { DB, NewEvent, SubscriptionSkippedEvent } from '../database.js';

/** What the owner sees of a subscription (never its lock). */
const SUBSCRIPTION_COLUMNS = [
  'id',
  'name',
  'url',
  'color',
  'lastRefreshedAt',
  'lastError',
  'lastErrorAt',
  'nextRefreshAt',
  'skippedEvents',
  'skippedTotal',
  'createdAt',
] as const;

/** What a refresh needs: where to fetch, the validators of the last good answer, and the failure streak. */
const CLAIM_COLUMNS = ['id', 'userId', 'url', 'etag', 'lastModified', 'failureCount'] as const;

const inSeconds = (seconds: number) => sql<Date>`now() + make_interval(secs => ${seconds})`;

export async function insertSubscription(
  db: Kysely<DB>,
  values: { userId: string; name: string; url: string; color: string | null },
  lockSeconds: number,
) {
  // Inserted already claimed: the first fetch is the adder's, not a scheduled job's on another replica.
  return db
    .insertInto('calendarSubscriptions')
    .values({ ...values, lockedUntil: inSeconds(lockSeconds) })
    .onConflict((oc) => oc.columns(['userId', 'url']).doNothing())
    .returning(SUBSCRIPTION_COLUMNS)
    .executeTakeFirst();
}

export async function countSubscriptions(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('calendarSubscriptions')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('userId', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The user's subscriptions, oldest first, each with the number of stored events (a series counts once). */
export async function listSubscriptions(db: Kysely<DB>, userId: string, id?: string) {
  let query = db
    .selectFrom('calendarSubscriptions as s')
    .select(SUBSCRIPTION_COLUMNS.map((c) => `s.${c}` as const))
    .select((eb) =>
      eb
        .selectFrom('events as e')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('e.subscriptionId', '=', 's.id')
        .where('e.recurrenceId', 'is', null)
        .as('eventCount'),
    )
    .where('s.userId', '=', userId);
  if (id) query = query.where('s.id', '=', id);
  const rows = await query.orderBy('s.createdAt').orderBy('s.id').execute();
  return rows.map((r) => ({ ...r, eventCount: Number(r.eventCount ?? 0) }));
}

export async function deleteSubscription(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('calendarSubscriptions')
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * Claims the most overdue subscription that nobody holds, for `lockSeconds`, and returns it (undefined when none
 * is due). `for update skip locked` hands each due row to exactly one of any number of concurrent claimers (one
 * per replica): a row another transaction is claiming is skipped, and once claimed its `locked_until` keeps it
 * out of every later scan until the refresh finishes or the claim runs out (a crashed replica's claim expires).
 */
export async function claimDueSubscription(db: Kysely<DB>, lockSeconds: number) {
  return db
    .updateTable('calendarSubscriptions')
    .set({ lockedUntil: inSeconds(lockSeconds) })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('calendarSubscriptions')
        .select('id')
        .where('nextRefreshAt', '<=', sql<Date>`now()`)
        .where((w) => w.or([w('lockedUntil', 'is', null), w('lockedUntil', '<', sql<Date>`now()`)]))
        .orderBy('nextRefreshAt')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returning(CLAIM_COLUMNS)
    .executeTakeFirst();
}

/**
 * Claims one of the user's subscriptions for an immediate refresh. Undefined when it does not exist (or is not
 * theirs) — and `held` when it exists but another refresh is under way.
 */
export async function claimSubscription(db: Kysely<DB>, userId: string, id: string, lockSeconds: number) {
  const claimed = await db
    .updateTable('calendarSubscriptions')
    .set({ lockedUntil: inSeconds(lockSeconds) })
    .where('userId', '=', userId)
    .where('id', '=', id)
    .where((w) => w.or([w('lockedUntil', 'is', null), w('lockedUntil', '<', sql<Date>`now()`)]))
    .returning(CLAIM_COLUMNS)
    .executeTakeFirst();
  return claimed;
}

export async function subscriptionExists(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('calendarSubscriptions')
    .select('id')
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A good refresh (or a 304): errors cleared, the next one due in `nextInSeconds`, the claim released. A refresh
 * that stored a new copy of the feed passes its validators and what it left out, which replace the last ones; a
 * 304 passes neither and keeps them.
 */
export async function recordSuccess(
  db: Kysely<DB>,
  id: string,
  nextInSeconds: number,
  stored?: {
    etag: string | null;
    lastModified: string | null;
    skipped: SubscriptionSkippedEvent[];
    skippedTotal: number;
  },
) {
  await db
    .updateTable('calendarSubscriptions')
    .set({
      ...(stored
        ? {
            etag: stored.etag,
            lastModified: stored.lastModified,
            // A JSON text cast in SQL: the pg driver would send a JS array as a PostgreSQL array, not as jsonb.
            skippedEvents: sql<SubscriptionSkippedEvent[]>`cast(${JSON.stringify(stored.skipped)} as jsonb)`,
            skippedTotal: stored.skippedTotal,
          }
        : {}),
      lastRefreshedAt: sql<Date>`now()`,
      lastError: null,
      lastErrorAt: null,
      failureCount: 0,
      nextRefreshAt: inSeconds(nextInSeconds),
      lockedUntil: null,
      updatedAt: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** A failed refresh: the error recorded, the streak counted, the retry due in `retryInSeconds`, the claim released. */
export async function recordFailure(db: Kysely<DB>, id: string, message: string, retryInSeconds: number) {
  await db
    .updateTable('calendarSubscriptions')
    .set((eb) => ({
      lastError: message,
      lastErrorAt: sql<Date>`now()`,
      failureCount: eb('failureCount', '+', 1),
      nextRefreshAt: inSeconds(retryInSeconds),
      lockedUntil: null,
      updatedAt: sql<Date>`now()`,
    }))
    .where('id', '=', id)
    .execute();
}

/** Deletes the subscription's events (run inside the refresh's transaction, before inserting the new ones). */
export async function deleteSubscriptionEvents(db: Kysely<DB>, userId: string, subscriptionId: string) {
  await db.deleteFrom('events').where('userId', '=', userId).where('subscriptionId', '=', subscriptionId).execute();
}

/** Inserts events in batches; returns each new row's id with its UID. */
export async function insertEvents(db: Kysely<DB>, events: NewEvent[]) {
  const inserted: { id: string; icsUid: string }[] = [];
  for (let i = 0; i < events.length; i += 500) {
    const batch = events.slice(i, i + 500);
    if (batch.length === 0) continue;
    inserted.push(...(await db.insertInto('events').values(batch).returning(['id', 'icsUid']).execute()));
  }
  return inserted;
}
