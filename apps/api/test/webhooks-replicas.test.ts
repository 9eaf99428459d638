/**
 * Webhooks under a killed worker (issue 23, part 2): two worker processes running the real `webhook.deliver` kind
 * on one PostgreSQL, 300 events emitted, one worker killed with SIGKILL halfway. Every delivery reaches the
 * receiver (which checks each signature with the `standardwebhooks` package) and ends succeeded; a delivery sent
 * twice is one whose job the killed worker held, and both copies carry the same `webhook-id` and body, so the
 * receiver can tell the duplicate. PostgreSQL only (PGlite is one process's database); skipped without it.
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, webhooksService } from '@lifeos/core/server';
import { createTestDatabase, type TestDatabase } from '@lifeos/db/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMidRun, killWorkers, startWorkerProcess } from './jobs/worker-process.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const EVENTS = 300;
const LEASE_MS = 2_000;

if (!TEST_DATABASE_URL) {
  console.info('webhooks-replicas.test.ts: skipped — set TEST_DATABASE_URL to run two workers on one PostgreSQL');
}

describe.skipIf(!TEST_DATABASE_URL)('webhook deliveries with a worker killed by SIGKILL mid-delivery', () => {
  let database: TestDatabase;
  let receiver: http.Server;
  let receiverUrl: string;
  let secret = '';
  const received: { id: string; body: string }[] = [];
  const unverified: string[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        try {
          new Webhook(secret).verify(body, request.headers as Record<string, string>);
        } catch (error) {
          unverified.push(String(error));
        }
        received.push({ id: String(request.headers['webhook-id']), body });
        // A little time with the request open, so the kill finds deliveries in flight.
        setTimeout(() => response.writeHead(204).end(), 5 + Math.random() * 15);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    killWorkers(children);
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.close();
  });

  function startWorker(workerId: string) {
    const worker = startWorkerProcess('webhook-worker.ts', workerId, {
      DATABASE_URL: database.url ?? '',
      LEASE_MS: String(LEASE_MS),
    });
    children.push(worker.child);
    return worker;
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('delivers every event, and a duplicate carries the same webhook-id and body', async () => {
    const deps = { db: database.db, clock: systemClock, sendPolicy: { allowPrivateAddresses: true } };
    const { id: userId } = await database.db
      .insertInto('users')
      .values({ username: 'hooks', email: 'hooks@example.com', displayName: 'hooks', passwordHash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const created = await webhooksService.createEndpoint(deps, userId, {
      url: receiverUrl,
      eventTypes: ['task.created'],
    });
    secret = created.secret;

    const a = startWorker('worker-a');
    const b = startWorker('worker-b');
    await Promise.all([a.ready, b.ready]);
    const started = Date.now();
    for (let i = 0; i < EVENTS; i++) {
      await database.db
        .transaction()
        .execute((trx) =>
          webhooksService.emit({ ...deps, db: trx }, userId, 'task.created', { id: `task-${i}`, object: 'task' }),
        );
    }

    await killMidRun(database.db, a, 'worker-a', () => received.length, EVENTS / 2);
    await sleep(300);
    const held = await database.db
      .selectFrom('jobs')
      .select('idempotencyKey')
      .where('state', '=', 'running')
      .where('lockedBy', '=', 'worker-a')
      .execute();
    const heldIds = new Set(held.map((j) => j.idempotencyKey));

    const pending = () =>
      database.db.selectFrom('webhookDeliveries').select('id').where('status', '!=', 'succeeded').limit(1).execute();
    while ((await pending()).length > 0) {
      if (Date.now() - started > 45_000) throw new Error('not every delivery succeeded within 45 s');
      await sleep(50);
    }

    // Every delivery's job, done (the log itself keeps only an endpoint's last 200 deliveries).
    const jobs = await database.db.selectFrom('jobs').select(['idempotencyKey', 'state']).execute();
    expect(jobs).toHaveLength(EVENTS);
    expect(jobs.filter((j) => j.state !== 'done')).toEqual([]);
    expect(unverified).toEqual([]);
    const byId = new Map<string, { count: number; bodies: Set<string> }>();
    for (const r of received) {
      const entry = byId.get(r.id) ?? { count: 0, bodies: new Set() };
      entry.count++;
      entry.bodies.add(r.body);
      byId.set(r.id, entry);
    }
    // Nothing lost: every delivery arrived under its own id, every copy of it with the same body, one per event.
    expect(new Set(byId.keys())).toEqual(new Set(jobs.map((j) => j.idempotencyKey)));
    expect([...byId.values()].filter((e) => e.bodies.size !== 1)).toEqual([]);
    const events = [...byId.values()].map(
      (e) => (JSON.parse([...e.bodies][0] ?? '{}') as { data: { id: string } }).data.id,
    );
    expect(new Set(events).size).toBe(EVENTS);
    // A duplicate is only ever one the killed worker held, and it has the same webhook-id (counted under it).
    const twice = [...byId].filter(([, e]) => e.count > 1).map(([id]) => id);
    expect(twice.filter((id) => !heldIds.has(id))).toEqual([]);
    expect(held.length).toBeGreaterThan(0);
    console.info(
      `webhooks-replicas: ${EVENTS} deliveries in ${Date.now() - started} ms; worker-a killed holding ` +
        `${held.length} leases; ${twice.length} sent twice with the same webhook-id`,
    );
  });
});
