/**
 * The job runner's loop (issue 22): claims due jobs from the `jobs` table (core's `jobsService`), runs each with the
 * handler registered for its kind, at most `concurrency` at once, and records the outcome. Safe on any number of
 * replicas on one PostgreSQL: a job is claimed by one worker (`for update skip locked`) under a lease the worker
 * renews while the handler runs; a worker killed mid-job lets the lease expire and any worker runs the job again.
 * So a job runs at least once, and exactly once unless its worker dies (or hangs past its lease) while running it:
 * handlers make their effects idempotent with the job's key (`JobContext.key`).
 *
 * Recurring work (every 5 minutes, daily) is a job per slot of its schedule, enqueued under the slot's key by every
 * replica (one job results) and run by one. After downtime the current slot runs once; missed slots are not
 * replayed.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { type ClaimedJob, type Clock, jobsService, type ScheduleText } from '@lifeos/core/server';
import type { DB, JobPayload, Kysely } from '@lifeos/db';
import type { FastifyBaseLogger } from 'fastify';

export interface JobContext {
  id: number;
  /** The job's idempotency key, or `job-<id>` when it was enqueued without one: what a channel send carries. */
  key: string;
  userId: string | null;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the job times out, its lease is lost, or the server stops without waiting for it. */
  signal: AbortSignal;
  log: FastifyBaseLogger;
}

export interface JobKind {
  kind: string;
  run: (payload: JobPayload, context: JobContext) => Promise<void>;
  /** A run longer than this is aborted and its lease left to expire. Default 10 minutes. */
  timeoutMs?: number;
}

export interface RecurringJob {
  kind: string;
  every: ScheduleText;
  /** After this process starts, a slot's job waits this long (start-up traffic first). */
  firstRunDelayMs?: number;
  maxAttempts?: number;
}

export interface RunnerOptions {
  db: Kysely<DB>;
  clock: Clock;
  log: FastifyBaseLogger;
  kinds: readonly JobKind[];
  recurring?: readonly RecurringJob[];
  /** Unique per process; a host, pid and random part by default. */
  workerId?: string;
  /** Jobs run at once by this worker. Default 4. */
  concurrency?: number;
  /** The wait between claims when there was nothing (more) to do. Default 1 s. */
  pollMs?: number;
  /** How long a claim holds a job without renewal. Default 60 s; renewed every third of it. */
  leaseMs?: number;
  backoff?: jobsService.Backoff;
  random?: () => number;
}

interface Running {
  job: ClaimedJob;
  controller: AbortController;
  /** Renewed with the others until it times out. */
  renewing: boolean;
  /** Handed back on shutdown: its outcome is no longer ours to record. */
  released: boolean;
  done: Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export class JobRunner {
  readonly workerId: string;
  private readonly deps: jobsService.JobsDeps;
  private readonly kinds: Map<string, JobKind>;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly running = new Map<number, Running>();
  private readonly lastSlots = new Map<string, string>();
  private readonly startedAt: Date;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private lastReclaim = 0;
  private readonly finished: { id: number; resolve: (held: boolean) => void; reject: (err: unknown) => void }[] = [];
  /** The last claim found work: a finished job wakes the loop at once. */
  private hungry = false;

  constructor(private readonly options: RunnerOptions) {
    this.deps = { db: options.db, clock: options.clock };
    this.kinds = new Map(options.kinds.map((kind) => [kind.kind, kind]));
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.pollMs = options.pollMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.startedAt = options.clock.now();
    for (const schedule of options.recurring ?? []) {
      if (!this.kinds.has(schedule.kind)) throw new Error(`No handler for the recurring job ${schedule.kind}`);
      jobsService.schedulePeriodMs(schedule.every);
    }
  }

  /** Starts claiming in the background. */
  start(): void {
    if (this.loop) return;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    this.loop = this.poll();
  }

  /**
   * Stops claiming, waits up to `graceMs` for the running jobs, then aborts the rest and hands them back to the
   * queue (released, the attempt not counted) for another worker or the next start.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    const pending = [...this.running.values()];
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all(pending.map((r) => r.done)), graceOver]);
      clearTimeout(timer);
    }
    clearInterval(this.renewTimer);
    const left = [...this.running.values()];
    if (left.length > 0) {
      for (const r of left) r.released = true;
      const released = await jobsService
        .releaseJobs(
          this.deps,
          this.workerId,
          left.map((r) => r.job.id),
        )
        .catch((err: unknown) => {
          this.options.log.warn({ err }, 'releasing jobs on shutdown failed; their leases will expire');
          return 0;
        });
      for (const r of left) r.controller.abort(new Error('The server is stopping'));
      this.options.log.info({ released }, 'jobs handed back on shutdown');
    }
  }

  /**
   * Claims and runs due jobs until none is left (due at the clock's now), then returns how many ran. For tests and
   * the command line: no timers, the caller moves the clock.
   */
  async drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      await this.housekeeping(true);
      const claimed = await this.claim();
      if (claimed.length === 0 && this.running.size === 0) return ran;
      ran += claimed.length;
      await Promise.all([...this.running.values()].map((r) => r.done));
    }
  }

  /** How many jobs this worker runs now. */
  get active(): number {
    return this.running.size;
  }

  private async poll(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      // `hungry` stays as the last claim left it while this one runs: a job finishing meanwhile must still wake us.
      try {
        await this.housekeeping(false);
        const free = this.concurrency - this.running.size;
        // Work found: there is likely more (a claim may come back short only because another worker took the rows
        // it wanted), so claim again at once while slots are free, and as soon as a job finishes.
        if (free > 0) this.hungry = (await this.claim()).length > 0;
        failures = 0;
      } catch (err) {
        this.hungry = false;
        failures++;
        this.options.log.warn({ err, failures }, 'job claim failed');
      }
      if (this.stopping) break;
      if (this.hungry && this.running.size < this.concurrency) continue;
      // While the database is unreachable, wait longer each time (up to 30 s) rather than log every poll.
      const waitMs = failures === 0 ? this.pollMs : Math.min(30_000, this.pollMs * 2 ** Math.min(failures, 15));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Reclaims expired leases (at most every few seconds) and enqueues the recurring schedules' current slots. */
  private async housekeeping(always: boolean): Promise<void> {
    const now = this.options.clock.now();
    if (always || now.getTime() - this.lastReclaim >= Math.min(this.leaseMs / 2, 5_000)) {
      this.lastReclaim = now.getTime();
      const reclaimed = await jobsService.reclaimExpiredLeases(this.deps);
      if (reclaimed.length > 0) {
        this.options.log.warn(
          { jobs: reclaimed.length, dead: reclaimed.filter((r) => r.state === 'dead').length },
          'jobs whose worker stopped were taken back',
        );
      }
    }
    for (const schedule of this.options.recurring ?? []) {
      const slot = jobsService.scheduleSlot(schedule.every, now).key;
      if (this.lastSlots.get(schedule.kind) === slot) continue;
      const notBefore = new Date(this.startedAt.getTime() + (schedule.firstRunDelayMs ?? 0));
      this.lastSlots.set(schedule.kind, await jobsService.enqueueScheduled(this.deps, schedule, notBefore));
    }
  }

  private async claim(): Promise<ClaimedJob[]> {
    const free = this.concurrency - this.running.size;
    if (free <= 0) return [];
    const claimed = await jobsService.claimJobs(this.deps, {
      workerId: this.workerId,
      kinds: [...this.kinds.keys()],
      limit: free,
      leaseMs: this.leaseMs,
    });
    for (const job of claimed) this.launch(job);
    return claimed;
  }

  private launch(job: ClaimedJob): void {
    const kind = this.kinds.get(job.kind);
    const controller = new AbortController();
    const entry: Running = { job, controller, renewing: true, released: false, done: Promise.resolve() };
    const log = this.options.log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const timeoutMs = kind?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = setTimeout(() => {
      // Not renewed any more: if the handler ignores the abort, its lease expires and another worker retries it.
      entry.renewing = false;
      controller.abort(new Error(`The job ran longer than ${timeoutMs} ms`));
    }, timeoutMs);
    timeout.unref();
    const context: JobContext = {
      id: job.id,
      key: job.idempotencyKey ?? `job-${job.id}`,
      userId: job.userId,
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
      signal: controller.signal,
      log,
    };
    const work = kind
      ? Promise.resolve().then(() => kind.run(job.payload, context))
      : Promise.reject(new Error(`No handler for jobs of kind ${job.kind}`));
    entry.done = work
      .then(
        () => this.settle(entry, null),
        (err: unknown) => this.settle(entry, err),
      )
      .catch((err: unknown) => log.error({ err }, 'recording a job outcome failed; its lease will expire'))
      .finally(() => {
        clearTimeout(timeout);
        this.running.delete(job.id);
        // After the other jobs finishing in this turn have freed their slots too: one claim for all of them.
        if (this.hungry) setImmediate(() => this.wake?.());
      });
    this.running.set(job.id, entry);
  }

  private async settle(entry: Running, err: unknown): Promise<void> {
    if (entry.released) return;
    const { job } = entry;
    const log = this.options.log;
    if (err === null) {
      if (!(await this.completeSoon(job.id))) {
        log.warn({ jobId: job.id, kind: job.kind }, 'a job finished after its lease was lost');
      }
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    const outcome = await jobsService.failJob(this.deps, this.workerId, job, message || 'failed', {
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
    });
    const fields = { jobId: job.id, kind: job.kind, attempt: job.attempts, err };
    if (outcome.state === 'dead') log.error(fields, 'a job failed its last attempt');
    else if (outcome.state === 'queued') log.warn({ ...fields, retryAt: outcome.retryAt }, 'a job failed; retrying');
  }

  /**
   * Marks a job done together with the others that finish in the same turn of the event loop: one statement (and one
   * commit) for a batch of short jobs instead of one each.
   */
  private completeSoon(id: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.finished.push({ id, resolve, reject });
      if (this.finished.length === 1) setImmediate(() => void this.flushFinished());
    });
  }

  private async flushFinished(): Promise<void> {
    const batch = this.finished.splice(0);
    try {
      const held = new Set(
        await jobsService.completeJobs(
          this.deps,
          this.workerId,
          batch.map((b) => b.id),
        ),
      );
      for (const b of batch) b.resolve(held.has(b.id));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  private async renew(): Promise<void> {
    const held = [...this.running.values()].filter((r) => r.renewing && !r.released);
    if (held.length === 0) return;
    try {
      const kept = new Set(
        await jobsService.renewLeases(
          this.deps,
          this.workerId,
          held.map((r) => r.job.id),
          this.leaseMs,
        ),
      );
      for (const r of held) {
        if (kept.has(r.job.id) || r.released) continue;
        r.renewing = false;
        r.controller.abort(new Error('The job’s lease was lost'));
      }
    } catch (err) {
      this.options.log.warn({ err }, 'renewing job leases failed');
    }
  }
}
