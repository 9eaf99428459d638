/**
 * The durable job queue (issue 22): the use cases the runner (`apps/api/src/jobs/runner.ts`) and the modules that
 * enqueue work call. Jobs live in the database, so they survive restarts and are shared by every replica; each
 * statement is in `queries/jobs.ts`. Time comes from the clock, so tests move it.
 */
import { type DB, jobsQueries, type Kysely } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { inTransaction } from '../common/transaction.js';
import { ValidationError } from '../errors.js';
import { type Backoff, DEFAULT_BACKOFF, nextAttemptAt, type ScheduleText, scheduleSlot } from './jobs.rules.js';

export type ClaimedJob = jobsQueries.ClaimedJob;
type NewJob = jobsQueries.NewJob;
const { JOB_PAYLOAD_MAX_BYTES } = jobsQueries;

export {
  type Backoff,
  DEFAULT_BACKOFF,
  retryDelayMs,
  type ScheduleText,
  schedulePeriodMs,
  scheduleSlot,
} from './jobs.rules.js';

export interface JobsDeps {
  db: Kysely<DB>;
  clock: Clock;
}

export interface EnqueueJob {
  kind: string;
  payload?: unknown;
  /** The user the job is for; absent for the system's own jobs. */
  userId?: string | null;
  /** Unique per kind: a second job with the same key is not made. */
  key?: string | null;
  /** Not before this moment; now when absent. */
  runAt?: Date;
  /** Default 5. */
  maxAttempts?: number;
}

/** The most jobs one `enqueueJobs` call takes. */
export const ENQUEUE_MAX = 10_000;
const INSERT_CHUNK = 1_000;
const KIND = /^[a-z][a-z0-9._-]{0,63}$/;

function newJob(job: EnqueueJob, now: Date): NewJob {
  if (!KIND.test(job.kind)) throw new ValidationError(`Not a job kind: ${job.kind.slice(0, 80)}`, 'kind');
  const payloadJson = JSON.stringify(job.payload ?? {});
  if (Buffer.byteLength(payloadJson) > JOB_PAYLOAD_MAX_BYTES) {
    throw new ValidationError(`A job's payload is at most ${JOB_PAYLOAD_MAX_BYTES} bytes of JSON`, 'payload');
  }
  const key = job.key ?? null;
  if (key !== null && (key.length < 1 || key.length > 200)) {
    throw new ValidationError("A job's key has 1 to 200 characters", 'key');
  }
  const maxAttempts = job.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new ValidationError('A job makes 1 to 100 attempts', 'maxAttempts');
  }
  return {
    kind: job.kind,
    payloadJson,
    userId: job.userId ?? null,
    idempotencyKey: key,
    runAt: job.runAt ?? now,
    maxAttempts,
  };
}

/** Enqueues one job. Its id, or null when a job of that kind with that key already exists. */
export async function enqueueJob(deps: JobsDeps, job: EnqueueJob): Promise<number | null> {
  const [id] = await jobsQueries.insertJobs(deps.db, [newJob(job, deps.clock.now())]);
  return id ?? null;
}

/** Enqueues up to ENQUEUE_MAX jobs in one transaction; returns how many were new. */
export async function enqueueJobs(deps: JobsDeps, jobs: readonly EnqueueJob[]): Promise<number> {
  if (jobs.length > ENQUEUE_MAX) throw new ValidationError(`At most ${ENQUEUE_MAX} jobs at once`);
  const now = deps.clock.now();
  const rows = jobs.map((job) => newJob(job, now));
  return inTransaction(deps, async ({ db }) => {
    let inserted = 0;
    for (let at = 0; at < rows.length; at += INSERT_CHUNK) {
      inserted += (await jobsQueries.insertJobs(db, rows.slice(at, at + INSERT_CHUNK))).length;
    }
    return inserted;
  });
}

/**
 * Enqueues the job of the schedule's current slot (keyed by the slot, so several replicas make one job), to run at
 * the slot's start but not before `notBefore` (a server that just started lets its first requests pass). Returns
 * the slot's key.
 */
export async function enqueueScheduled(
  deps: JobsDeps,
  schedule: { kind: string; every: ScheduleText; maxAttempts?: number },
  notBefore?: Date,
): Promise<string> {
  const slot = scheduleSlot(schedule.every, deps.clock.now());
  const runAt = notBefore && notBefore > slot.startsAt ? notBefore : slot.startsAt;
  await enqueueJob(deps, {
    kind: schedule.kind,
    key: slot.key,
    runAt,
    ...(schedule.maxAttempts ? { maxAttempts: schedule.maxAttempts } : {}),
  });
  return slot.key;
}

/** Claims up to `limit` due jobs of `kinds` for the worker, fairly between users, under a lease of `leaseMs`. */
export function claimJobs(
  deps: JobsDeps,
  worker: { workerId: string; kinds: readonly string[]; limit: number; leaseMs: number },
): Promise<ClaimedJob[]> {
  const now = deps.clock.now();
  return jobsQueries.claimJobs(deps.db, {
    workerId: worker.workerId,
    kinds: worker.kinds,
    limit: worker.limit,
    now,
    lockedUntil: new Date(now.getTime() + worker.leaseMs),
  });
}

/** Extends the worker's leases; returns the ids it still holds. */
export function renewLeases(deps: JobsDeps, workerId: string, ids: readonly number[], leaseMs: number) {
  return jobsQueries.renewLeases(deps.db, workerId, ids, new Date(deps.clock.now().getTime() + leaseMs));
}

/** The job ran: done. False when the worker had lost it (another may be running it: its lease expired). */
export function completeJob(deps: JobsDeps, workerId: string, id: number): Promise<boolean> {
  return jobsQueries.completeJob(deps.db, workerId, id, deps.clock.now());
}

/** Jobs that ran, done in one statement (the runner batches those that finish together); the ids still held. */
export function completeJobs(deps: JobsDeps, workerId: string, ids: readonly number[]): Promise<number[]> {
  return jobsQueries.completeJobs(deps.db, workerId, ids, deps.clock.now());
}

export type FailOutcome = { state: 'queued'; retryAt: Date } | { state: 'dead' } | { state: 'lost' };

/**
 * The job's attempt failed: it runs again after an exponential backoff with jitter, or is dead after its last
 * attempt. `lost` when the worker no longer held it.
 */
export async function failJob(
  deps: JobsDeps,
  workerId: string,
  job: Pick<ClaimedJob, 'id' | 'attempts' | 'maxAttempts'>,
  error: string,
  options: { backoff?: Backoff; random?: () => number } = {},
): Promise<FailOutcome> {
  const now = deps.clock.now();
  const retryAt = nextAttemptAt(job, now, options.backoff ?? DEFAULT_BACKOFF, options.random);
  const held = await jobsQueries.failJob(deps.db, workerId, job.id, { error, retryAt, now });
  if (!held) return { state: 'lost' };
  return retryAt ? { state: 'queued', retryAt } : { state: 'dead' };
}

/** Hands the worker's jobs back to the queue without counting the attempt (graceful shutdown). */
export function releaseJobs(deps: JobsDeps, workerId: string, ids: readonly number[]): Promise<number> {
  return jobsQueries.releaseJobs(deps.db, workerId, ids);
}

/** Jobs whose worker's lease expired go back to the queue (or dead, after their last attempt). */
export function reclaimExpiredLeases(deps: JobsDeps) {
  return jobsQueries.reclaimExpiredLeases(deps.db, deps.clock.now());
}

/**
 * Keeps done jobs a week (their rows hold their keys, so a slot or a reminder enqueued again within that time is
 * still recognised) and dead ones 30 days (for the record of what failed). Deletes in rounds of 5,000; returns how
 * many went.
 */
export async function pruneFinishedJobs(
  deps: JobsDeps,
  keep: { doneMs: number; deadMs: number } = { doneMs: 7 * 86_400_000, deadMs: 30 * 86_400_000 },
): Promise<number> {
  const now = deps.clock.now().getTime();
  const options = { doneBefore: new Date(now - keep.doneMs), deadBefore: new Date(now - keep.deadMs), limit: 5_000 };
  let total = 0;
  for (let round = 0; round < 100; round++) {
    const deleted = await jobsQueries.pruneFinishedJobs(deps.db, options);
    total += deleted;
    if (deleted < options.limit) break;
  }
  return total;
}

/** One job with its state, attempts and last error (tests, and the coming job list). */
export function findJob(deps: Pick<JobsDeps, 'db'>, id: number) {
  return jobsQueries.findJob(deps.db, id);
}
