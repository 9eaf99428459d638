/**
 * Outgoing webhooks end to end (issue 23, part 2), on PGlite or PostgreSQL (TEST_DATABASE_URL): endpoints made over
 * tRPC, events emitted by the real write procedures, delivered by the real job runner to a local receiver
 * (test/webhook-receiver.ts) that checks every signature with the `standardwebhooks` package's own `Webhook.verify`.
 */

import { randomUUID } from 'node:crypto';
import { jobsService, tasksService } from '@lifeos/core/server';
import { sql } from '@lifeos/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BrowserClient, expectCode, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import {
  deliverAll as deliverAllOf,
  deliveryRunner,
  type Received,
  startReceiver,
  verify,
} from '../../test/webhook-receiver.js';
import type { JobRunner } from '../jobs/runner.js';

describe('webhooks with private addresses allowed (a receiver on loopback)', () => {
  let server: TestServer;
  let owner: BrowserClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let runner: JobRunner;
  let ownerId: string;

  const deliverAll = () => deliverAllOf(server, runner);

  beforeAll(async () => {
    server = await startTestServer({ env: { CALENDAR_ALLOW_PRIVATE_URLS: 'true' } });
    owner = await setupOwner(server);
    receiver = await startReceiver();
    ownerId = (await server.database.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id;
    runner = deliveryRunner(server);
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.server.close(resolve));
    await server?.close();
  });
  beforeEach(async () => {
    await sql`delete from webhook_endpoints`.execute(server.database.db);
    await sql`delete from jobs where kind = 'webhook.deliver'`.execute(server.database.db);
    receiver.received.length = 0;
    receiver.answers.length = 0;
  });

  it('signs each event so that the reference library verifies it, with the delivery id as webhook-id', async () => {
    const { endpoint, secret } = await owner.client.webhooks.create.mutate({
      url: receiver.url,
      eventTypes: ['task.created', 'task.completed', 'journal.saved'],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // The secret is shown once: the list never carries it.
    expect(JSON.stringify(await owner.client.webhooks.list.query())).not.toContain(secret.slice(6));

    const task = await owner.client.tasks.create.mutate({ title: 'Call the plumber about the leak' });
    await owner.client.tasks.complete.mutate({ id: task.id });
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-10',
      content: { text: 'A private thought nobody else reads.' },
    });
    // The same text again (an autosave with nothing new) is no save: no second message.
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-10',
      content: { text: 'A private thought nobody else reads.' },
    });
    // Not subscribed: no delivery.
    await owner.client.captures.create.mutate({ text: 'buy milk' });
    await deliverAll();

    expect(receiver.received).toHaveLength(3);
    const order = ['task.created', 'task.completed', 'journal.saved'];
    // Deliveries run concurrently: their order is not the events' (receivers order by the payload's timestamp).
    const payloads = receiver.received
      .map((r) => verify(secret, r) as { type: string; data: { id: string } })
      .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    expect(payloads.map((p) => p.type)).toEqual(order);
    expect(payloads[0]?.data).toMatchObject({ id: task.id, object: 'task' });
    // Ids, dates and counts only: neither the task's title nor the journal's text leaves.
    const bodies = receiver.received.map((r) => r.body).join('\n');
    expect(bodies).not.toContain('plumber');
    expect(bodies).not.toContain('private thought');
    expect(payloads[2]?.data).toMatchObject({ object: 'journal_entry', changed: { date: '2026-03-10', wordCount: 6 } });
    // A wrong secret fails the reference check.
    expect(() =>
      verify(`whsec_${Buffer.from('not the secret at all!!').toString('base64')}`, receiver.received[0] as Received),
    ).toThrow();

    const log = await owner.client.webhooks.deliveries.query({ endpointId: endpoint.id });
    expect(log).toHaveLength(3);
    expect(log.every((d) => d.status === 'succeeded' && d.responseStatus === 204 && d.attempts === 1)).toBe(true);
    expect(new Set(log.map((d) => d.id))).toEqual(new Set(receiver.received.map((r) => r.headers['webhook-id'])));
  });

  it('sends nothing for a write that rolls back', async () => {
    await owner.client.webhooks.create.mutate({ url: receiver.url, eventTypes: ['task.created'] });
    await expect(
      server.services.db.transaction().execute(async (trx) => {
        await tasksService.createTask({ db: trx, clock: server.clock }, ownerId, { title: 'never committed' });
        throw new Error('the write fails after the task was inserted');
      }),
    ).rejects.toThrow('the write fails');
    // A refused write through the API as well: a task in a project that does not exist.
    await expectCode(
      owner.client.tasks.create.mutate({ title: 'x', projectId: '00000000-0000-4000-8000-000000000000' }),
      'NOT_FOUND',
    );
    expect(await server.database.db.selectFrom('webhookDeliveries').select('id').execute()).toEqual([]);
    expect(
      await server.database.db.selectFrom('jobs').select('id').where('kind', '=', 'webhook.deliver').execute(),
    ).toEqual([]);
    await deliverAll();
    expect(receiver.received).toEqual([]);
  });

  it('retries a receiver that answers 500 three times, and the fourth try, with the same webhook-id, succeeds', async () => {
    const { endpoint, secret } = await owner.client.webhooks.create.mutate({
      url: receiver.url,
      eventTypes: ['capture.created'],
    });
    receiver.answers.push(500, 500, 500);
    await owner.client.captures.create.mutate({ text: 'an idea' });
    await deliverAll();
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    for (const r of receiver.received) expect(verify(secret, r)).toMatchObject({ type: 'capture.created' });
    const [delivery] = await owner.client.webhooks.deliveries.query({ endpointId: endpoint.id });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, responseStatus: 204, error: null });
  });

  it('logs a delivery that failed every attempt, and replays it with the same webhook-id', async () => {
    const { endpoint } = await owner.client.webhooks.create.mutate({ url: receiver.url, eventTypes: ['task.created'] });
    receiver.answers.push(...Array.from({ length: 8 }, () => 503));
    await owner.client.tasks.create.mutate({ title: 'a task' });
    await deliverAll();
    expect(receiver.received).toHaveLength(8);
    const [failed] = await owner.client.webhooks.deliveries.query({ endpointId: endpoint.id });
    expect(failed).toMatchObject({ status: 'failed', attempts: 8, responseStatus: 503 });
    expect(failed?.error).toContain('HTTP 503');

    await owner.client.webhooks.replay.mutate({ id: failed?.id ?? '' });
    // Only a failed one: a second replay while it is pending is refused.
    await expectCode(owner.client.webhooks.replay.mutate({ id: failed?.id ?? '' }), 'BAD_REQUEST');
    await deliverAll();
    expect(receiver.received).toHaveLength(9);
    expect(receiver.received[8]?.headers['webhook-id']).toBe(failed?.id);
    const [replayed] = await owner.client.webhooks.deliveries.query({ endpointId: endpoint.id });
    expect(replayed).toMatchObject({ status: 'succeeded', replays: 1, responseStatus: 204 });
  });

  it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
    const { endpoint, secret: oldSecret } = await owner.client.webhooks.create.mutate({
      url: receiver.url,
      eventTypes: ['capture.created'],
    });
    const rotated = await owner.client.webhooks.rotateSecret.mutate({ id: endpoint.id });
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.endpoint.previousSecretExpiresAt).toBeInstanceOf(Date);
    await owner.client.captures.create.mutate({ text: 'during the overlap' });
    await deliverAll();
    const during = receiver.received[0] as Received;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(oldSecret, during)).toBeTruthy();
    expect(verify(rotated.secret, during)).toBeTruthy();

    // The overlap over (moved into the past here rather than the clock, which would end the session too).
    await server.database.db
      .updateTable('webhookEndpoints')
      .set({ previousExpiresAt: new Date(server.clock.now().getTime() - 1) })
      .where('id', '=', endpoint.id)
      .execute();
    expect((await owner.client.webhooks.list.query())[0]?.previousSecretExpiresAt).toBeNull();
    await owner.client.captures.create.mutate({ text: 'after the overlap' });
    await deliverAll();
    const after = receiver.received[1] as Received;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verify(oldSecret, after)).toThrow();
  });

  it('skips a disabled endpoint, sends to the others, and keeps endpoints and logs to their owner', async () => {
    const off = await owner.client.webhooks.create.mutate({ url: receiver.url, eventTypes: ['event.created'] });
    await owner.client.webhooks.update.mutate({ id: off.endpoint.id, enabled: false });
    const on = await owner.client.webhooks.create.mutate({
      url: `${receiver.url}?on`,
      eventTypes: ['event.created', 'event.deleted'],
    });
    const event = await owner.client.calendar.events.create.mutate({
      title: 'Dentist',
      start: new Date('2026-03-10T09:00:00Z'),
      end: new Date('2026-03-10T10:00:00Z'),
    });
    await owner.client.calendar.events.delete.mutate({ id: event.id });
    await deliverAll();
    expect(receiver.received.map((r) => JSON.parse(r.body).type).sort()).toEqual(['event.created', 'event.deleted']);
    expect(await owner.client.webhooks.deliveries.query({ endpointId: off.endpoint.id })).toEqual([]);
    await owner.client.webhooks.delete.mutate({ id: on.endpoint.id });
    await expectCode(owner.client.webhooks.delete.mutate({ id: on.endpoint.id }), 'NOT_FOUND');
  });

  it("keeps an endpoint's log to its last 200 deliveries and 30 days", async () => {
    const { endpoint } = await owner.client.webhooks.create.mutate({ url: receiver.url, eventTypes: ['task.created'] });
    const db = server.database.db;
    const now = server.clock.now().getTime();
    const old = (i: number, daysAgo: number) => ({
      id: randomUUID(),
      userId: ownerId,
      endpointId: endpoint.id,
      eventType: 'task.created',
      body: '{}',
      status: 'succeeded' as const,
      createdAt: new Date(now - daysAgo * 86_400_000 - i * 1000),
    });
    await db
      .insertInto('webhookDeliveries')
      .values([old(0, 31), ...Array.from({ length: 250 }, (_, i) => old(i, 1))])
      .execute();
    // A delivery whose id ends in 0 trims the log (about one in 16 does).
    const id = `${randomUUID().slice(0, -1)}0`;
    const body = JSON.stringify({ type: 'task.created', timestamp: new Date(now).toISOString(), data: { id: 'x' } });
    await db
      .insertInto('webhookDeliveries')
      .values({
        id,
        userId: ownerId,
        endpointId: endpoint.id,
        eventType: 'task.created',
        body,
        createdAt: new Date(now),
      })
      .execute();
    await jobsService.enqueueJob(server.services, {
      kind: 'webhook.deliver',
      userId: ownerId,
      key: id,
      payload: { deliveryId: id },
    });
    await deliverAll();
    expect(receiver.received).toHaveLength(1);
    const kept = await db
      .selectFrom('webhookDeliveries')
      .select(['id', 'createdAt'])
      .where('endpointId', '=', endpoint.id)
      .execute();
    expect(kept).toHaveLength(200);
    expect(kept.some((d) => d.id === id)).toBe(true);
    expect(Math.min(...kept.map((d) => d.createdAt.getTime()))).toBeGreaterThan(now - 30 * 86_400_000);
  });

  it('bounds endpoints per user and event types, and refuses URLs with credentials or other schemes', async () => {
    await expectCode(
      owner.client.webhooks.create.mutate({ url: 'ftp://example.com/', eventTypes: ['task.created'] }),
      'BAD_REQUEST',
    );
    await expectCode(
      owner.client.webhooks.create.mutate({ url: 'https://user:pw@example.com/', eventTypes: ['task.created'] }),
      'BAD_REQUEST',
    );
    await expectCode(owner.client.webhooks.create.mutate({ url: receiver.url, eventTypes: [] }), 'BAD_REQUEST');
    for (let i = 0; i < 10; i++) {
      await owner.client.webhooks.create.mutate({ url: `${receiver.url}?${i}`, eventTypes: ['task.created'] });
    }
    await expectCode(
      owner.client.webhooks.create.mutate({ url: receiver.url, eventTypes: ['task.created'] }),
      'CONFLICT',
    );
  });
});

describe('webhooks without the private-address opt-in', () => {
  let server: TestServer;
  let owner: BrowserClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.server.close(resolve));
    await server?.close();
  });

  it('refuses a private URL when it is added, and does not send to one at delivery time', async () => {
    for (const url of [
      receiver.url,
      'http://localhost:9/',
      'http://10.0.0.1/',
      'http://[::1]/',
      'http://169.254.169.254/',
    ]) {
      await expectCode(owner.client.webhooks.create.mutate({ url, eventTypes: ['task.created'] }), 'BAD_REQUEST');
    }
    // An endpoint that points at a private address anyway (made before, or its name now resolves there).
    const userId = (await server.database.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id;
    const { id: endpointId } = await server.database.db
      .insertInto('webhookEndpoints')
      .values({
        userId,
        url: receiver.url,
        secret: `whsec_${Buffer.alloc(24, 1).toString('base64')}`,
        eventTypes: ['task.created'],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await owner.client.tasks.create.mutate({ title: 'x' });
    const runner = deliveryRunner(server);
    await runner.drain();
    expect(receiver.received).toEqual([]);
    const [delivery] = await owner.client.webhooks.deliveries.query({ endpointId });
    // Refused by policy: failed at once, not retried.
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery?.error).toMatch(/local or private network address/);
  });
});
