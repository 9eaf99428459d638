/**
 * Webhooks of calendar events written from a phone (CalDAV PUT and DELETE) and by an .ics import (issue 23), on
 * PGlite or PostgreSQL (TEST_DATABASE_URL): real HTTP and tRPC, delivered by the real job runner to a local receiver
 * that checks every signature with the `standardwebhooks` package.
 */
import { sql } from '@lifeos/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BrowserClient, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import { deliverAll, deliveryRunner, startReceiver, verify } from '../../test/webhook-receiver.js';
import type { JobRunner } from '../jobs/runner.js';

const EVENTS = '/dav/calendars/owner/events/';
const ALL_EVENT_TYPES = ['event.created', 'event.updated', 'event.deleted'] as const;

interface Message {
  type: string;
  data: { id: string; object: string; changed: Record<string, unknown> };
}

const vevent = (uid: string, summary: string, start: string, end: string, extra: string[] = []) => [
  'BEGIN:VEVENT',
  `UID:${uid}`,
  'DTSTAMP:20261201T000000Z',
  `DTSTART;TZID=Europe/Berlin:${start}`,
  `DTEND;TZID=Europe/Berlin:${end}`,
  `SUMMARY:${summary}`,
  ...extra,
  'END:VEVENT',
];
const calendar = (...events: string[][]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Webhooks//EN', ...events.flat(), 'END:VCALENDAR', ''].join(
    '\r\n',
  );

describe('webhooks of events written over CalDAV and by .ics import', () => {
  let server: TestServer;
  let owner: BrowserClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let runner: JobRunner;
  let auth: string;

  const dav = (method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'text/calendar', ...options.headers },
      ...(options.body === undefined ? {} : { body: options.body }),
    });

  /** Delivers everything queued and returns the verified messages (and forgets them). */
  async function delivered(secret: string): Promise<Message[]> {
    await deliverAll(server, runner);
    const messages = receiver.received.map((r) => verify(secret, r) as Message);
    receiver.received.length = 0;
    return messages;
  }

  // A series' text is stored as Life OS writes it, so the PUT answers without an ETag: it is read back.
  const etagOf = async (url: string) => (await dav('GET', url)).headers.get('etag') ?? '';

  const idOf = async (uid: string) =>
    (
      await server.database.db
        .selectFrom('events')
        .select('id')
        .where('icsUid', '=', uid)
        .where('recurrenceId', 'is', null)
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    server = await startTestServer({ env: { CALENDAR_ALLOW_PRIVATE_URLS: 'true' } });
    owner = await setupOwner(server);
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'Phone', scope: 'write' });
    auth = `Basic ${Buffer.from(`owner:${key}`).toString('base64')}`;
    receiver = await startReceiver();
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
  });

  it('sends one signed message for a phone creating, changing and deleting an event, none for a refused PUT', async () => {
    const { secret } = await owner.client.webhooks.create.mutate({
      url: receiver.url,
      eventTypes: [...ALL_EVENT_TYPES],
    });
    const url = `${EVENTS}dentist.ics`;
    const created = await dav('PUT', url, {
      headers: { 'if-none-match': '*' },
      body: calendar(vevent('dentist@phone', 'Dentist, root canal', '20261210T090000', '20261210T100000')),
    });
    expect(created.status).toBe(201);
    const id = await idOf('dentist@phone');
    const [first, ...moreFirst] = await delivered(secret);
    expect(moreFirst).toEqual([]);
    expect(first).toEqual({
      type: 'event.created',
      timestamp: expect.any(String),
      data: {
        id,
        object: 'event',
        changed: {
          startsAt: '2026-12-10T08:00:00.000Z',
          endsAt: '2026-12-10T09:00:00.000Z',
          allDay: false,
          repeats: false,
        },
      },
    });

    // Refused: a stale ETag, and a create over an existing resource. Nothing is written, nothing is sent.
    const changedText = calendar(vevent('dentist@phone', 'Dentist, moved', '20261211T140000', '20261211T150000'));
    expect((await dav('PUT', url, { headers: { 'if-match': '"999999"' }, body: changedText })).status).toBe(412);
    expect((await dav('PUT', url, { headers: { 'if-none-match': '*' }, body: changedText })).status).toBe(412);
    expect(await delivered(secret)).toEqual([]);
    expect(await server.database.db.selectFrom('webhookDeliveries').select('id').execute()).toHaveLength(1);

    const updated = await dav('PUT', url, { headers: { 'if-match': await etagOf(url) }, body: changedText });
    expect(updated.status).toBe(204);
    const [second, ...moreSecond] = await delivered(secret);
    expect(moreSecond).toEqual([]);
    expect(second?.type).toBe('event.updated');
    expect(second?.data).toEqual({
      id,
      object: 'event',
      changed: { scope: 'series', fields: ['title', 'start', 'end'], occurrenceStart: null },
    });

    // The same text again changes nothing: no message.
    const same = await dav('PUT', url, {
      headers: { 'if-match': await etagOf(url) },
      body: changedText,
    });
    expect(same.status).toBe(204);
    expect(await delivered(secret)).toEqual([]);

    expect((await dav('DELETE', url)).status).toBe(204);
    const [third, ...moreThird] = await delivered(secret);
    expect(moreThird).toEqual([]);
    expect(third).toMatchObject({
      type: 'event.deleted',
      data: { id, object: 'event', changed: { scope: 'series', occurrenceStart: null } },
    });
    // Neither title ever left.
    const log = await server.database.db.selectFrom('webhookDeliveries').select('body').execute();
    expect(log.map((d) => d.body).join('\n')).not.toMatch(/Dentist/);
  });

  it('sends one message for a series and its changed occurrence, named by the series', async () => {
    const { secret } = await owner.client.webhooks.create.mutate({
      url: receiver.url,
      eventTypes: [...ALL_EVENT_TYPES],
    });
    const series = vevent('standup@phone', 'Standup', '20261207T093000', '20261207T094500', [
      'RRULE:FREQ=DAILY;COUNT=10',
    ]);
    const moved = vevent('standup@phone', 'Standup (later)', '20261209T113000', '20261209T114500', [
      'RECURRENCE-ID;TZID=Europe/Berlin:20261209T093000',
    ]);
    const url = `${EVENTS}standup.ics`;
    const created = await dav('PUT', url, { headers: { 'if-none-match': '*' }, body: calendar(series, moved) });
    expect(created.status).toBe(201);
    const id = await idOf('standup@phone');
    const messages = await delivered(secret);
    expect(messages.map((m) => [m.type, m.data.id, m.data.changed.repeats])).toEqual([['event.created', id, true]]);

    // The phone drops the changed occurrence: the series is updated, once.
    const dropped = await dav('PUT', url, {
      headers: { 'if-match': await etagOf(url) },
      body: calendar(series),
    });
    expect(dropped.status).toBe(204);
    const [update, ...more] = await delivered(secret);
    expect(more).toEqual([]);
    expect(update).toMatchObject({ type: 'event.updated', data: { id, changed: { fields: ['occurrences'] } } });

    expect((await dav('DELETE', url)).status).toBe(204);
    expect((await delivered(secret)).map((m) => [m.type, m.data.id])).toEqual([['event.deleted', id]]);
  });

  it('sends one event.created per event of an .ics import, and nothing when the same file comes again', async () => {
    const { secret } = await owner.client.webhooks.create.mutate({ url: receiver.url, eventTypes: ['event.created'] });
    const n = 40;
    const ics = calendar(
      ...Array.from({ length: n }, (_, i) =>
        vevent(
          `import-${i}@file`,
          `Imported ${i}`,
          `202701${String((i % 28) + 1).padStart(2, '0')}T080000`,
          `202701${String((i % 28) + 1).padStart(2, '0')}T090000`,
        ),
      ),
    );
    expect(await owner.client.calendar.importIcs.mutate({ ics })).toMatchObject({ imported: n });
    const messages = await delivered(secret);
    expect(messages).toHaveLength(n);
    expect(new Set(messages.map((m) => m.type))).toEqual(new Set(['event.created']));
    const ids = await server.database.db
      .selectFrom('events')
      .select('id')
      .where('icsUid', 'like', 'import-%@file')
      .execute();
    expect(new Set(messages.map((m) => m.data.id))).toEqual(new Set(ids.map((r) => r.id)));

    expect(await owner.client.calendar.importIcs.mutate({ ics })).toMatchObject({ imported: 0, unchanged: n });
    expect(await delivered(secret)).toEqual([]);
  });

  // 11,000 deliveries: more than one call of the job queue may enqueue (ENQUEUE_MAX), so written in chunks.
  it('queues an import of a thousand events for the most endpoints a user may have, in chunks', async () => {
    const endpoints = 10;
    for (let i = 0; i < endpoints; i++) {
      await owner.client.webhooks.create.mutate({ url: `${receiver.url}?${i}`, eventTypes: ['event.created'] });
    }
    const n = 1_100;
    const ics = calendar(
      ...Array.from({ length: n }, (_, i) =>
        vevent(`bulk-${i}@file`, `Bulk ${i}`, '20270301T080000', '20270301T090000'),
      ),
    );
    const started = performance.now();
    expect(await owner.client.calendar.importIcs.mutate({ ics })).toMatchObject({ imported: n });
    const ms = performance.now() - started;
    const queued = await server.database.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('kind', '=', 'webhook.deliver')
      .executeTakeFirstOrThrow();
    expect(Number(queued.count)).toBe(n * endpoints);
    console.info(
      `import of ${n} events with ${endpoints} endpoints: ${Math.round(ms)} ms (${n * endpoints} deliveries)`,
    );
    await sql`delete from jobs where kind = 'webhook.deliver'`.execute(server.database.db);
  });
});
