/**
 * The runner's loop on the real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): concurrency, retries,
 * lease renewal, timeouts, graceful shutdown and recurring slots. Real timers, short leases.
 */

import { Writable } from 'node:stream';
import { jobsService } from '@lifeos/core/server';
import { createDatabase, sql } from '@lifeos/db';
import { createTestDatabase, type TestDatabase } from '@lifeos/db/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { TestClock } from '../../test/harness.js';
import { type JobKind, JobRunner, type RunnerOptions } from './runner.js';

let database: TestDatabase;
let clock: TestClock;
const log = Fastify({ logger: { level: 'silent' } }).log;
const runners: JobRunner[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(runners.map((r) => r.stop(0)));
  await database.close();
});
beforeEach(async () => {
  clock = new TestClock();
  await Promise.all(runners.splice(0).map((r) => r.stop(0)));
  await sql`delete from jobs`.execute(database.db);
});

function runner(kinds: JobKind[], options: Partial<RunnerOptions> = {}) {
  const r = new JobRunner({ db: database.db, clock, log, kinds, pollMs: 20, ...options });
  runners.push(r);
  return r;
}
const deps = () => ({ db: database.db, clock });
const enqueue = (job: jobsService.EnqueueJob) => jobsService.enqueueJob(deps(), job) as Promise<number>;
const stateOf = async (id: number) => (await jobsService.findJob(deps(), id))?.state;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
}

it('runs every job once, at most `concurrency` at a time, and hands each its key', async () => {
  let inFlight = 0;
  let most = 0;
  const seen: string[] = [];
  const r = runner(
    [
      {
        kind: 'test.work',
        run: async (payload, { key }) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await sleep(15);
          seen.push(`${key}:${(payload as { n: number }).n}`);
          inFlight--;
        },
      },
    ],
    { concurrency: 3 },
  );
  await jobsService.enqueueJobs(
    deps(),
    Array.from({ length: 12 }, (_, n) => ({ kind: 'test.work', key: `k${n}`, payload: { n } })),
  );
  const keyless = await enqueue({ kind: 'test.work', payload: { n: 99 } });
  r.start();
  await until(() => seen.length === 13);
  expect(most).toBe(3);
  expect(seen).toEqual(expect.arrayContaining(['k0:0', 'k11:11', `job-${keyless}:99`]));
  expect(new Set(seen).size).toBe(13);
  await until(async () => (await stateOf(keyless)) === 'done');
});

it('retries a failing handler with backoff and gives up after its attempts', async () => {
  const attempts: number[] = [];
  const r = runner(
    [
      {
        kind: 'test.flaky',
        run: async (_payload, { attempt }) => {
          attempts.push(attempt);
          throw new Error(`attempt ${attempt} failed`);
        },
      },
    ],
    { backoff: { baseMs: 1_000, maxMs: 10_000 }, random: () => 0 },
  );
  const id = await enqueue({ kind: 'test.flaky', maxAttempts: 3 });
  expect(await r.drain()).toBe(1);
  expect(await jobsService.findJob(deps(), id)).toMatchObject({ state: 'queued', lastError: 'attempt 1 failed' });
  // Not due yet: the backoff (500 ms with no jitter) holds it.
  expect(await r.drain()).toBe(0);
  clock.advance(500);
  expect(await r.drain()).toBe(1);
  clock.advance(1_000);
  expect(await r.drain()).toBe(1);
  expect(attempts).toEqual([1, 2, 3]);
  expect(await jobsService.findJob(deps(), id)).toMatchObject({ state: 'dead', lastError: 'attempt 3 failed' });
});

it('renews the lease of a long job, so no other worker takes it over', async () => {
  let runs = 0;
  const slow: JobKind = {
    kind: 'test.slow',
    run: async () => {
      runs++;
      // Two and a half leases: without renewal the other worker would take it over after the first.
      await sleep(2_500);
    },
  };
  const a = runner([slow], { leaseMs: 1_000 });
  const b = runner([slow], { leaseMs: 1_000 });
  const id = await enqueue({ kind: 'test.slow' });
  a.start();
  await until(() => a.active === 1);
  b.start();
  await until(async () => (await stateOf(id)) === 'done');
  expect(runs).toBe(1);
  expect((await jobsService.findJob(deps(), id))?.attempts).toBe(1);
});

it('aborts a job past its timeout and records the failure for a retry', async () => {
  let aborted: unknown;
  const r = runner(
    [
      {
        kind: 'test.hang',
        timeoutMs: 100,
        run: (_payload, { signal }) =>
          new Promise<void>((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              aborted = signal.reason;
              reject(signal.reason);
            });
          }),
      },
    ],
    { backoff: { baseMs: 60_000, maxMs: 60_000 } },
  );
  const id = await enqueue({ kind: 'test.hang' });
  r.start();
  await until(async () => (await stateOf(id)) === 'queued' && aborted !== undefined);
  expect(String(aborted)).toContain('longer than 100 ms');
  expect((await jobsService.findJob(deps(), id))?.lastError).toContain('longer than 100 ms');
});

it('on shutdown, waits for running jobs within the grace time and hands back the rest', async () => {
  let quickDone = false;
  let stuckSawAbort = false;
  const r = runner(
    [
      {
        kind: 'test.quick',
        run: async () => {
          await sleep(100);
          quickDone = true;
        },
      },
      {
        kind: 'test.stuck',
        run: (_payload, { signal }) =>
          new Promise<void>((resolve) => {
            signal.addEventListener('abort', () => {
              stuckSawAbort = true;
              resolve();
            });
          }),
      },
    ],
    { concurrency: 2 },
  );
  const quick = await enqueue({ kind: 'test.quick' });
  const stuck = await enqueue({ kind: 'test.stuck' });
  r.start();
  await until(() => r.active === 2);
  await r.stop(300);
  expect(quickDone).toBe(true);
  expect(stuckSawAbort).toBe(true);
  expect(await stateOf(quick)).toBe('done');
  // Handed back, not failed: queued again, the attempt not counted, for the next worker at once.
  expect(await jobsService.findJob(deps(), stuck)).toMatchObject({ state: 'queued', attempts: 0, lockedBy: null });
});

it('enqueues each slot of a recurring schedule once, whatever the number of replicas', async () => {
  const ran: string[] = [];
  const tick: JobKind = {
    kind: 'test.tick',
    run: async (_payload, { key }) => {
      ran.push(key);
    },
  };
  const recurring = [{ kind: 'test.tick', every: 'every 5 min' as const }];
  // A moment inside a slot, so that moving 5 minutes lands in the next one.
  clock.advance(300_000 - (clock.now().getTime() % 300_000) + 1_000);
  const a = runner([tick], { recurring });
  const b = runner([tick], { recurring });
  expect((await a.drain()) + (await b.drain())).toBe(1);
  expect((await a.drain()) + (await b.drain())).toBe(0);
  clock.advance(300_000);
  expect((await b.drain()) + (await a.drain())).toBe(1);
  expect(ran).toHaveLength(2);
  expect(ran[0]).toMatch(/^slot:\d{4}-\d\d-\d\dT\d\d:\d[05]:00\.000Z$/);
  const jobs = await database.db.selectFrom('jobs').select(['idempotencyKey', 'state']).execute();
  expect(jobs).toHaveLength(2);
  expect(jobs.every((j) => j.state === 'done')).toBe(true);
});

it('leaves jobs of kinds it has no handler for to the workers that have one', async () => {
  const r = runner([{ kind: 'test.known', run: async () => {} }]);
  const unknown = await enqueue({ kind: 'test.unknown' });
  const known = await enqueue({ kind: 'test.known' });
  expect(await r.drain()).toBe(1);
  expect(await stateOf(known)).toBe('done');
  expect(await stateOf(unknown)).toBe('queued');
});

it('backs off while the database cannot be reached, instead of logging every poll', async () => {
  const gone = createDatabase({ dataDir: null });
  await gone.close();
  const lines: string[] = [];
  const recording = Fastify({
    logger: {
      level: 'warn',
      stream: new Writable({
        write(chunk, _encoding, callback) {
          lines.push(String(chunk));
          callback();
        },
      }),
    },
  }).log;
  const r = new JobRunner({
    db: gone.db,
    clock,
    log: recording,
    kinds: [{ kind: 'test.a', run: async () => {} }],
    pollMs: 20,
  });
  r.start();
  await sleep(1_000);
  await r.stop(0);
  const failed = lines.filter((line) => line.includes('job claim failed'));
  // 20, 40, 80, 160, 320, 640 ms: at most 6 in a second, where a fixed 20 ms poll would have logged 50.
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.length).toBeLessThanOrEqual(6);
});
