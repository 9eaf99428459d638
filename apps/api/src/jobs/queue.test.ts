/**
 * The job queue's rules on the real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): core's jobsService over
 * queries/jobs.ts, with a clock the tests set.
 */
import { jobsService, ValidationError } from '@lifeos/core/server';
import { sql } from '@lifeos/db';
import { createTestDatabase, type TestDatabase } from '@lifeos/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

class SetClock {
  constructor(public at: Date) {}
  now() {
    return new Date(this.at);
  }
  advance(ms: number) {
    this.at = new Date(this.at.getTime() + ms);
  }
}

let database: TestDatabase;
let clock: SetClock;
let deps: jobsService.JobsDeps;
let alice: string;
let bob: string;

const T0 = new Date('2026-12-07T10:00:00.000Z');
const LEASE = 60_000;

async function newUser(name: string) {
  const row = await database.db
    .insertInto('users')
    .values({ username: name, email: `${name}@example.com`, displayName: name, passwordHash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The value a test just made; a test that finds none fails here. */
function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const job = (id: number) => jobsService.findJob(deps, id);
const claim = (workerId: string, limit = 10, kinds = ['test.a', 'test.b']) =>
  jobsService.claimJobs(deps, { workerId, kinds, limit, leaseMs: LEASE });

beforeAll(async () => {
  database = await createTestDatabase();
  clock = new SetClock(T0);
  deps = { db: database.db, clock };
  alice = await newUser('alice');
  bob = await newUser('bob');
});
afterAll(() => database.close());
beforeEach(async () => {
  clock.at = T0;
  await sql`delete from jobs`.execute(database.db);
});

describe('enqueue', () => {
  it('makes one job per (kind, key), however often it is enqueued', async () => {
    const first = await jobsService.enqueueJob(deps, { kind: 'test.a', key: 'k1', payload: { n: 1 } });
    expect(first).toEqual(expect.any(Number));
    expect(await jobsService.enqueueJob(deps, { kind: 'test.a', key: 'k1', payload: { n: 2 } })).toBeNull();
    expect(await jobsService.enqueueJob(deps, { kind: 'test.b', key: 'k1' })).toEqual(expect.any(Number));
    // Without a key, every enqueue is a job.
    await jobsService.enqueueJob(deps, { kind: 'test.a' });
    await jobsService.enqueueJob(deps, { kind: 'test.a' });
    expect(
      await jobsService.enqueueJobs(deps, [
        { kind: 'test.a', key: 'k1' },
        { kind: 'test.a', key: 'k2' },
      ]),
    ).toBe(1);
    const rows = await database.db.selectFrom('jobs').select(['kind', 'idempotencyKey', 'payload']).execute();
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.kind === 'test.a' && r.idempotencyKey === 'k1')?.payload).toEqual({ n: 1 });
  });

  it('refuses a payload over 16 KiB, a bad kind and a bad attempt count, in the service and in the table', async () => {
    const big = { text: 'x'.repeat(16_400) };
    await expect(jobsService.enqueueJob(deps, { kind: 'test.a', payload: big })).rejects.toThrow(ValidationError);
    await expect(jobsService.enqueueJob(deps, { kind: 'Not A Kind' })).rejects.toThrow(ValidationError);
    await expect(jobsService.enqueueJob(deps, { kind: 'test.a', maxAttempts: 0 })).rejects.toThrow(ValidationError);
    await expect(
      sql`insert into jobs (kind, payload) values ('test.a', ${JSON.stringify(big)}::jsonb)`.execute(database.db),
    ).rejects.toThrow();
  });
});

describe('claim, complete, fail', () => {
  it('claims due jobs of its kinds once, and completes them', async () => {
    const due = await jobsService.enqueueJob(deps, { kind: 'test.a', payload: { hello: 'world' } });
    await jobsService.enqueueJob(deps, { kind: 'test.a', runAt: new Date(T0.getTime() + 60_000) });
    await jobsService.enqueueJob(deps, { kind: 'test.other' });

    const claimed = await claim('w1');
    expect(claimed.map((c) => c.id)).toEqual([due]);
    expect(claimed[0]).toMatchObject({ kind: 'test.a', payload: { hello: 'world' }, attempts: 1, userId: null });
    expect(await claim('w2')).toEqual([]);
    expect(await job(due as number)).toMatchObject({
      state: 'running',
      lockedBy: 'w1',
      lockedUntil: new Date(T0.getTime() + LEASE),
    });

    // Only its holder completes it.
    expect(await jobsService.completeJob(deps, 'w2', due as number)).toBe(false);
    expect(await jobsService.completeJob(deps, 'w1', due as number)).toBe(true);
    expect(await job(due as number)).toMatchObject({ state: 'done', finishedAt: T0, lockedBy: null });

    clock.advance(60_000);
    expect((await claim('w2')).map((c) => c.kind)).toEqual(['test.a']);
  });

  it('retries a failed job after an exponential backoff with jitter, and marks it dead after its last attempt', async () => {
    const id = (await jobsService.enqueueJob(deps, { kind: 'test.a', maxAttempts: 3 })) as number;
    const backoff = { baseMs: 10_000, maxMs: 3_600_000 };
    const waits: number[] = [];
    for (const [attempt, random] of [
      [1, 0],
      [2, 1],
    ] as const) {
      const [claimed] = await claim('w1');
      expect(claimed).toMatchObject({ id, attempts: attempt });
      const outcome = await jobsService.failJob(deps, 'w1', must(claimed), `boom ${attempt}`, {
        backoff,
        random: () => random,
      });
      expect(outcome.state).toBe('queued');
      const retryAt = (outcome as { retryAt: Date }).retryAt;
      waits.push(retryAt.getTime() - clock.now().getTime());
      expect(await job(id)).toMatchObject({ state: 'queued', runAt: retryAt, lastError: `boom ${attempt}` });
      // Not before its time.
      clock.at = new Date(retryAt.getTime() - 1);
      expect(await claim('w1')).toEqual([]);
      clock.at = retryAt;
    }
    // Equal jitter: half the step fixed, half random; the step doubles.
    expect(waits).toEqual([5_000, 20_000]);

    const [last] = await claim('w1');
    expect(last?.attempts).toBe(3);
    expect(await jobsService.failJob(deps, 'w1', must(last), 'boom 3')).toEqual({ state: 'dead' });
    expect(await job(id)).toMatchObject({ state: 'dead', finishedAt: clock.now(), lastError: 'boom 3' });
    clock.advance(86_400_000);
    expect(await claim('w1')).toEqual([]);
  });

  it('spreads the retries of jobs that failed together (jitter)', async () => {
    const delays = Array.from({ length: 200 }, () => jobsService.retryDelayMs(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(40_000);
    expect(new Set(delays).size).toBeGreaterThan(150);
    expect(jobsService.retryDelayMs(60, { baseMs: 1_000, maxMs: 60_000 }, () => 1)).toBe(60_000);
  });
});

describe('leases', () => {
  it('gives a job whose worker stopped to another after its lease, and the old worker can no longer finish it', async () => {
    const id = (await jobsService.enqueueJob(deps, { kind: 'test.a', maxAttempts: 2 })) as number;
    await claim('dead-worker');
    clock.advance(LEASE - 1);
    expect(await jobsService.reclaimExpiredLeases(deps)).toEqual([]);
    expect(await claim('w2')).toEqual([]);

    clock.advance(2);
    expect(await jobsService.reclaimExpiredLeases(deps)).toEqual([{ id, kind: 'test.a', state: 'queued' }]);
    const [again] = await claim('w2');
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(await jobsService.completeJob(deps, 'dead-worker', id)).toBe(false);
    expect(await jobsService.failJob(deps, 'dead-worker', must(again), 'late')).toEqual({ state: 'lost' });

    // Its last attempt's worker dies too: dead, not retried for ever.
    clock.advance(LEASE + 1);
    expect(await jobsService.reclaimExpiredLeases(deps)).toEqual([{ id, kind: 'test.a', state: 'dead' }]);
    expect(await job(id)).toMatchObject({ state: 'dead', lastError: expect.stringContaining('lease expired') });
  });

  it('renews the leases its worker holds, and only those', async () => {
    const id = (await jobsService.enqueueJob(deps, { kind: 'test.a' })) as number;
    await claim('w1');
    clock.advance(LEASE - 1_000);
    expect(await jobsService.renewLeases(deps, 'w2', [id], LEASE)).toEqual([]);
    expect(await jobsService.renewLeases(deps, 'w1', [id], LEASE)).toEqual([id]);
    clock.advance(LEASE - 1_000);
    expect(await jobsService.reclaimExpiredLeases(deps)).toEqual([]);
    expect(await job(id)).toMatchObject({ state: 'running', lockedBy: 'w1' });
  });

  it('a graceful release hands jobs back at once without counting the attempt', async () => {
    const ids = await Promise.all([
      jobsService.enqueueJob(deps, { kind: 'test.a' }),
      jobsService.enqueueJob(deps, { kind: 'test.a' }),
    ]);
    await claim('w1');
    expect(await jobsService.releaseJobs(deps, 'w2', ids as number[])).toBe(0);
    expect(await jobsService.releaseJobs(deps, 'w1', ids as number[])).toBe(2);
    const again = await claim('w2');
    expect(again.map((j) => j.attempts)).toEqual([1, 1]);
  });

  it('never gives one job to two workers claiming at the same moment', async () => {
    await jobsService.enqueueJobs(
      deps,
      Array.from({ length: 50 }, (_, i) => ({ kind: 'test.a', key: `same-moment-${i}` })),
    );
    const batches = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => claim(w, 20)));
    const ids = batches.flat().map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(20);
  });
});

describe('fair claiming', () => {
  it("does not let one user's 1,000 due jobs delay another user's or the system's", async () => {
    const earlier = new Date(T0.getTime() - 3_600_000);
    await jobsService.enqueueJobs(
      deps,
      Array.from({ length: 1_000 }, (_, i) => ({ kind: 'test.a', userId: alice, key: `a${i}`, runAt: earlier })),
    );
    const bobs = await jobsService.enqueueJob(deps, { kind: 'test.a', userId: bob, key: 'b0' });
    const system = await jobsService.enqueueJob(deps, { kind: 'test.b', key: 'sys' });
    const claimed = await claim('w1', 3);
    expect(claimed.map((j) => j.userId).sort()).toEqual([alice, bob, null].sort());
    expect(claimed.map((j) => j.id)).toEqual(expect.arrayContaining([bobs, system]));
  });

  it('takes owners round-robin, each owner oldest first', async () => {
    const at = (minutes: number) => new Date(T0.getTime() - minutes * 60_000);
    await jobsService.enqueueJobs(deps, [
      { kind: 'test.a', userId: alice, key: 'a1', runAt: at(50) },
      { kind: 'test.a', userId: alice, key: 'a2', runAt: at(40) },
      { kind: 'test.a', userId: alice, key: 'a3', runAt: at(30) },
      { kind: 'test.a', userId: bob, key: 'b1', runAt: at(20) },
      { kind: 'test.a', userId: bob, key: 'b2', runAt: at(10) },
    ]);
    const keys = async (limit: number) => (await claim('w1', limit)).map((j) => j.idempotencyKey).sort();
    expect(await keys(2)).toEqual(['a1', 'b1']);
    expect(await keys(2)).toEqual(['a2', 'b2']);
    expect(await keys(2)).toEqual(['a3']);
  });
});

it('prunes done jobs after a week and dead ones after 30 days', async () => {
  const ids: number[] = [];
  for (const key of ['done-old', 'done-new', 'dead-old', 'dead-new']) {
    ids.push((await jobsService.enqueueJob(deps, { kind: 'test.a', key, maxAttempts: 1 })) as number);
  }
  await claim('w1');
  const days = (n: number) => new Date(T0.getTime() + n * 86_400_000);
  await jobsService.completeJob({ ...deps, clock: new SetClock(days(0)) }, 'w1', must(ids[0]));
  await jobsService.completeJob({ ...deps, clock: new SetClock(days(6)) }, 'w1', must(ids[1]));
  const failAt = (n: number, id: number) =>
    jobsService.failJob({ ...deps, clock: new SetClock(days(n)) }, 'w1', { id, attempts: 1, maxAttempts: 1 }, 'x');
  await failAt(0, must(ids[2]));
  await failAt(8, must(ids[3]));
  clock.at = days(31);
  // done-old and done-new are over a week old, dead-old over 30 days; dead-new (23 days) stays.
  expect(await jobsService.pruneFinishedJobs(deps)).toBe(3);
  const left = await database.db.selectFrom('jobs').select('idempotencyKey').orderBy('id').execute();
  expect(left.map((r) => r.idempotencyKey)).toEqual(['dead-new']);
});
