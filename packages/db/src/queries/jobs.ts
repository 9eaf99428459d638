/**
 * The background jobs' queue (jobs migration). These statements serve the runner, which works for every user at
 * once: they are scoped by the worker's lease (`locked_by`) and by job id rather than by a user id, except where a
 * user's own jobs are asked for (`userJobs`).
 */
import { type Kysely, sql } from 'kysely';
import type { DB, JobPayload, JobState } from '../database.js';

/** The largest payload, in bytes of its JSON text (the column's check says the same). */
export const JOB_PAYLOAD_MAX_BYTES = 16_384;
/** The longest error kept for a job (the column's check says the same). */
export const JOB_ERROR_MAX_CHARS = 2_000;

export interface NewJob {
  kind: string;
  /** JSON text of the payload. */
  payloadJson: string;
  userId: string | null;
  idempotencyKey: string | null;
  runAt: Date;
  maxAttempts: number;
}

/** A job as its worker holds it. */
export interface ClaimedJob {
  id: number;
  kind: string;
  payload: JobPayload;
  userId: string | null;
  idempotencyKey: string | null;
  runAt: Date;
  /** Claims so far, this one included. */
  attempts: number;
  maxAttempts: number;
}

/**
 * Inserts jobs; a (kind, key) already present is left as it is (so is the new row: no second job). Returns the ids
 * of the rows inserted, in no particular order. Jobs without a key are always inserted.
 */
export async function insertJobs(db: Kysely<DB>, jobs: readonly NewJob[]): Promise<number[]> {
  if (jobs.length === 0) return [];
  const rows = await db
    .insertInto('jobs')
    .values(
      jobs.map((job) => ({
        kind: job.kind,
        payload: sql`cast(${job.payloadJson} as jsonb)`,
        userId: job.userId,
        idempotencyKey: job.idempotencyKey,
        runAt: job.runAt,
        maxAttempts: job.maxAttempts,
      })),
    )
    .onConflict((oc) => oc.columns(['kind', 'idempotencyKey']).doNothing())
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Claims up to `limit` due jobs of the given kinds for `workerId` until `lockedUntil`, fairly between owners: each
 * owner (a user, or the system for jobs without one) contributes its oldest due jobs, and the batch takes them
 * round-robin (every owner's first, then every owner's second, …), so one user's 10,000 due jobs do not delay
 * another's single one. Rows another worker is claiming are skipped, never waited for. Each claim counts an attempt.
 *
 * The owners are found by a skip scan over `jobs_queued_idx` (one index probe per owner with queued jobs, which
 * also gives the owner's oldest job), not by reading every queued row; at most `limit` owners take part in one
 * claim, those whose oldest due job is oldest, so the work per claim stays near `limit`², whatever the backlog.
 * An owner's oldest job counts whatever its kind: replicas are meant to run the same kinds (only PGlite's
 * maintenance is registered on one driver, and PGlite has one process), so a worker lacking a kind is a rolling
 * update's brief state, in which it may take fewer jobs than it could.
 */
export async function claimJobs(
  db: Kysely<DB>,
  options: { workerId: string; kinds: readonly string[]; limit: number; now: Date; lockedUntil: Date },
): Promise<ClaimedJob[]> {
  const { workerId, kinds, limit, now, lockedUntil } = options;
  if (limit <= 0 || kinds.length === 0) return [];
  const kindList = sql`${[...kinds]}::text[]`;
  const result = await sql<ClaimedJob>`
    with recursive owners (user_id, first_run_at) as (
      (select user_id, run_at from jobs where state = 'queued' and user_id is not null
       order by user_id, run_at, id limit 1)
      union all
      select n.user_id, n.run_at from owners o cross join lateral (
        select j.user_id, j.run_at from jobs j where j.state = 'queued' and j.user_id > o.user_id
        order by j.user_id, j.run_at, j.id limit 1
      ) n
    ),
    due_owners as (
      select user_id from owners where first_run_at <= ${now} order by first_run_at limit ${limit}
    ),
    candidates as (
      select c.id, c.run_at, c.turn from due_owners o cross join lateral (
        select d.id, d.run_at, row_number() over (order by d.run_at, d.id) as turn from (
          select j.id, j.run_at from jobs j
          where j.state = 'queued' and j.user_id = o.user_id and j.run_at <= ${now} and j.kind = any(${kindList})
          order by j.run_at, j.id limit ${limit}
        ) d
      ) c
      union all
      select s.id, s.run_at, row_number() over (order by s.run_at, s.id) as turn from (
        select j.id, j.run_at from jobs j
        where j.state = 'queued' and j.user_id is null and j.run_at <= ${now} and j.kind = any(${kindList})
        order by j.run_at, j.id limit ${limit}
      ) s
    ),
    picked as (
      select j.id from jobs j join candidates c on c.id = j.id
      where j.state = 'queued'
      order by c.turn, c.run_at, c.id
      limit ${limit}
      for update of j skip locked
    )
    update jobs set state = 'running', attempts = jobs.attempts + 1, locked_by = ${workerId},
      locked_until = ${lockedUntil}
    from picked where jobs.id = picked.id
    returning jobs.id, jobs.kind, jobs.payload, jobs.user_id, jobs.idempotency_key, jobs.run_at, jobs.attempts,
      jobs.max_attempts`.execute(db);
  return result.rows;
}

/** Extends the lease of the worker's running jobs; returns the ids it still holds (the others were lost). */
export async function renewLeases(
  db: Kysely<DB>,
  workerId: string,
  ids: readonly number[],
  lockedUntil: Date,
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('jobs')
    .set({ lockedUntil })
    .where('id', 'in', [...ids])
    .where('lockedBy', '=', workerId)
    .where('state', '=', 'running')
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Marks a job the worker holds done. False when the worker no longer held it (its lease expired and was taken). */
export async function completeJob(db: Kysely<DB>, workerId: string, id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'done', finishedAt: now, lockedBy: null, lockedUntil: null })
    .where('id', '=', id)
    .where('lockedBy', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks jobs the worker holds done, in one statement; returns the ids it still held. */
export async function completeJobs(
  db: Kysely<DB>,
  workerId: string,
  ids: readonly number[],
  now: Date,
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('jobs')
    .set({ state: 'done', finishedAt: now, lockedBy: null, lockedUntil: null })
    .where('id', 'in', [...ids])
    .where('lockedBy', '=', workerId)
    .where('state', '=', 'running')
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Records a failed attempt of a job the worker holds: queued again at `retryAt`, or dead when `retryAt` is null.
 * False when the worker no longer held it.
 */
export async function failJob(
  db: Kysely<DB>,
  workerId: string,
  id: number,
  failure: { error: string; retryAt: Date | null; now: Date },
): Promise<boolean> {
  const error = failure.error.slice(0, JOB_ERROR_MAX_CHARS);
  const result = await db
    .updateTable('jobs')
    .set(
      failure.retryAt === null
        ? { state: 'dead', finishedAt: failure.now, lastError: error, lockedBy: null, lockedUntil: null }
        : { state: 'queued', runAt: failure.retryAt, lastError: error, lockedBy: null, lockedUntil: null },
    )
    .where('id', '=', id)
    .where('lockedBy', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Hands jobs the worker holds back to the queue without counting the attempt (a graceful shutdown that could not
 * wait for them); they run again at once elsewhere. Returns how many were released.
 */
export async function releaseJobs(db: Kysely<DB>, workerId: string, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'queued',
      attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)`,
      lockedBy: null,
      lockedUntil: null,
    }))
    .where('id', 'in', [...ids])
    .where('lockedBy', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Jobs whose lease expired (their worker died or hung) go back to the queue to run at once, or dead when that was
 * their last attempt. Returns what became of each.
 */
export async function reclaimExpiredLeases(
  db: Kysely<DB>,
  now: Date,
): Promise<{ id: number; kind: string; state: JobState }[]> {
  const result = await sql<{ id: number; kind: string; state: JobState }>`
    update jobs set
      state = case when attempts >= max_attempts then 'dead' else 'queued' end,
      finished_at = case when attempts >= max_attempts then ${now}::timestamptz end,
      last_error = 'The lease expired: the worker stopped or hung',
      locked_by = null, locked_until = null
    where state = 'running' and locked_until < ${now}
    returning id, kind, state`.execute(db);
  return result.rows;
}

/**
 * Deletes done jobs finished before `doneBefore` and dead ones finished before `deadBefore`, at most `limit` rows
 * (the caller repeats while the answer is `limit`). A done job's row is what keeps its idempotency key taken, so
 * `doneBefore` must lie further back than anyone re-enqueues the same key.
 */
export async function pruneFinishedJobs(
  db: Kysely<DB>,
  options: { doneBefore: Date; deadBefore: Date; limit: number },
): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('finishedAt', 'is not', null)
        .where((w) =>
          w.or([
            w.and([w('state', '=', 'done'), w('finishedAt', '<', options.doneBefore)]),
            w.and([w('state', '=', 'dead'), w('finishedAt', '<', options.deadBefore)]),
          ]),
        )
        .limit(options.limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** One job by id (for tests, the command line and the coming job list), with its state and last error. */
export async function findJob(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('jobs')
    .select([
      'id',
      'kind',
      'payload',
      'userId',
      'idempotencyKey',
      'state',
      'runAt',
      'attempts',
      'maxAttempts',
      'lockedBy',
      'lockedUntil',
      'lastError',
      'createdAt',
      'finishedAt',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A user's jobs of one kind, newest first (at most `limit`). */
export async function userJobs(db: Kysely<DB>, userId: string, kind: string, limit: number) {
  return db
    .selectFrom('jobs')
    .select(['id', 'idempotencyKey', 'state', 'runAt', 'attempts', 'lastError', 'finishedAt'])
    .where('userId', '=', userId)
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
