/**
 * Issue 22's replica test: two worker processes running the real runner on one PostgreSQL, 1,000 jobs due at once
 * whose handler posts to a receiver here with the job's idempotency key, one worker killed with SIGKILL halfway.
 * Every job is delivered and done; only the jobs whose lease the killed worker held may run twice (their worker
 * may have sent before it died), and they run again once their lease has expired. PostgreSQL only: PGlite is one
 * process's database.
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { jobsService, systemClock } from '@lifeos/core/server';
import { createTestDatabase, type TestDatabase } from '@lifeos/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMidRun, killWorkers, startWorkerProcess } from './jobs/worker-process.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const JOBS = 1_000;
const LEASE_MS = 2_000;

if (!TEST_DATABASE_URL) {
  console.info('jobs-replicas.test.ts: skipped — set TEST_DATABASE_URL to run two workers on one PostgreSQL');
}

describe.skipIf(!TEST_DATABASE_URL)('two worker processes on one PostgreSQL, one killed with SIGKILL', () => {
  let database: TestDatabase;
  let receiver: http.Server;
  let receiverUrl: string;
  const deliveries: { key: string; worker: string; jobId: number }[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const delivery = JSON.parse(body) as { key: string; worker: string; jobId: number };
        expect(request.headers['idempotency-key']).toBe(delivery.key);
        deliveries.push(delivery);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    killWorkers(children);
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.close();
  });

  function startWorker(workerId: string) {
    const worker = startWorkerProcess('delivery-worker.ts', workerId, {
      DATABASE_URL: database.url ?? '',
      RECEIVER_URL: receiverUrl,
      LEASE_MS: String(LEASE_MS),
    });
    children.push(worker.child);
    return worker;
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('delivers every job, each key once after dedup, and runs again only what the killed worker held', async () => {
    const deps = { db: database.db, clock: systemClock };
    // Both workers up before the jobs are due, so both take part from the first claim.
    const a = startWorker('worker-a');
    const b = startWorker('worker-b');
    await Promise.all([a.ready, b.ready]);
    const started = Date.now();
    await jobsService.enqueueJobs(
      deps,
      Array.from({ length: JOBS }, (_, i) => ({ kind: 'test.deliver', key: `delivery-${i}`, payload: { i } })),
    );

    await killMidRun(database.db, a, 'worker-a', () => deliveries.length, JOBS / 2);
    const killedAt = deliveries.length;
    // What the killed worker held: its claims in flight have committed or rolled back by now (well within the lease).
    await sleep(300);
    const held = await database.db
      .selectFrom('jobs')
      .select(['id', 'idempotencyKey'])
      .where('state', '=', 'running')
      .where('lockedBy', '=', 'worker-a')
      .execute();
    const heldKeys = new Set(held.map((j) => j.idempotencyKey));

    while ((await database.db.selectFrom('jobs').select('id').where('state', '!=', 'done').limit(1).execute()).length) {
      // 5–8 s on a quiet machine (2 s of it the killed worker's lease); the bound is for a loaded one.
      if (Date.now() - started > 45_000) throw new Error('not every job was done within 45 s');
      await sleep(50);
    }

    const byKey = new Map<string, number>();
    for (const d of deliveries) byKey.set(d.key, (byKey.get(d.key) ?? 0) + 1);
    // Every job delivered.
    expect(byKey.size).toBe(JOBS);
    // A key sent twice is one whose lease the killed worker held, never another.
    const twice = [...byKey].filter(([, count]) => count > 1).map(([key]) => key);
    expect(twice.filter((key) => !heldKeys.has(key))).toEqual([]);
    expect(Math.max(...byKey.values())).toBeLessThanOrEqual(2);
    // No job ran twice (two claims) except those.
    const rows = await database.db.selectFrom('jobs').select(['idempotencyKey', 'attempts', 'state']).execute();
    expect(rows.filter((r) => r.state !== 'done')).toEqual([]);
    expect(rows.filter((r) => r.attempts > 1 && !heldKeys.has(r.idempotencyKey)).map((r) => r.idempotencyKey)).toEqual(
      [],
    );
    const retried = rows.filter((r) => r.attempts === 2).length;
    expect(held.length).toBeGreaterThan(0);
    expect(retried).toBe(held.length);
    // Both workers worked before the kill; the survivor finished the rest.
    expect(new Set(deliveries.slice(0, killedAt).map((d) => d.worker))).toEqual(new Set(['worker-a', 'worker-b']));
    console.info(
      `jobs-replicas: ${JOBS} jobs in ${Date.now() - started} ms; worker-a killed after ${killedAt} deliveries ` +
        `holding ${held.length} leases; ${retried} jobs retried after the lease, ${twice.length} of them sent twice ` +
        `(deduplicated by key at the receiver)`,
    );
  });
});
