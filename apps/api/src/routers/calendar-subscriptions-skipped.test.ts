import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from '@lifeos/db';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import { runCalendarRefresh } from '../jobs/calendar-refresh.js';

/**
 * A subscribed feed's events that a refresh leaves out (issue 17: a hostile repeat rule, an unreadable event) are
 * shown to the owner — on add, list and refresh — until a good refresh no longer skips them, and the scheduled job
 * logs how many (never the feed's URL).
 */

const NEVER = 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30';
const vevent = (uid: string, summary: string, rrule: string | null) =>
  [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `SUMMARY:${summary}`,
    'DTSTART:20250203T080000Z',
    'DTEND:20250203T090000Z',
    ...(rrule ? [`RRULE:${rrule}`] : []),
    'END:VEVENT',
  ].join('\r\n');
const calendar = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
const HOSTILE = calendar(
  vevent('good@test', 'Standup', 'FREQ=WEEKLY'),
  vevent('never@test', 'Every 30 February', NEVER),
);
const FIXED = calendar(vevent('good@test', 'Standup', 'FREQ=WEEKLY'), vevent('never@test', 'Every 30 February', null));
/** 150 events without a start, each with a summary longer than what is kept of it. */
const MANY_BAD = calendar(
  vevent('good@test', 'Standup', null),
  ...Array.from({ length: 150 }, (_, i) =>
    ['BEGIN:VEVENT', `UID:bad-${i}@test`, `SUMMARY:${'x'.repeat(300)}`, 'END:VEVENT'].join('\r\n'),
  ),
);

/** What /feed.ics serves now; a new etag per body, so a refresh fetches it again rather than getting a 304. */
const feed = { body: HOSTILE, etag: '"hostile"', fail: false };
let feedServer: Server;
let feedUrl: string;
let server: TestServer;
let owner: BrowserClient;

beforeAll(async () => {
  feedServer = createServer((req, res) => {
    if (feed.fail) return void res.writeHead(500).end('oops');
    if (req.headers['if-none-match'] === feed.etag) return void res.writeHead(304, { etag: feed.etag }).end();
    res.writeHead(200, { 'content-type': 'text/calendar', etag: feed.etag }).end(feed.body);
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  // A secret in the URL, as private calendar links carry: the job's log must not repeat it.
  feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed.ics?token=s3cret-token`;
  server = await startTestServer({ env: { CALENDAR_ALLOW_PRIVATE_URLS: 'true' } });
  owner = await setupOwner(server);
});
afterAll(async () => {
  feedServer.closeAllConnections();
  await new Promise((resolve) => feedServer.close(resolve));
  await server.close();
});

/** A logger that keeps what it is given, in the shape of Fastify's (pino's) methods the job calls. */
function recordingLogger() {
  const lines: { level: string; object: unknown; message: string }[] = [];
  const at =
    (level: string) =>
    (object: unknown, message = '') =>
      lines.push({ level, object, message });
  const logger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  return { lines, logger: logger as unknown as FastifyBaseLogger };
}

async function runDue(id: string) {
  await server.database.db
    .updateTable('calendarSubscriptions')
    .set({ nextRefreshAt: sql<Date>`now() - interval '1 minute'` })
    .where('id', '=', id)
    .execute();
  const { lines, logger } = recordingLogger();
  const done = await runCalendarRefresh(server.services, logger);
  return { done, lines };
}

describe('events a subscription leaves out', () => {
  it('are in the add answer and the list with the reason, kept through a 304 and a failure, cleared once fixed', async () => {
    const { client } = owner;
    const added = await client.calendar.subscriptions.add.mutate({ name: 'Team', url: feedUrl });
    const neverSkipped = {
      uid: 'never@test',
      summary: 'Every 30 February',
      reason: expect.stringMatching(/^Recurrence rule \(RRULE\) "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30" /),
    };
    expect(added).toMatchObject({ lastError: null, eventCount: 1, skipped: [neverSkipped], skippedTotal: 1 });
    const [listed] = await client.calendar.subscriptions.list.query();
    expect(listed).toMatchObject({ id: added.id, skipped: [neverSkipped], skippedTotal: 1 });

    // The scheduled refresh of a feed that changed but is still hostile logs the count, and never the URL.
    feed.etag = '"hostile-2"';
    const first = await runDue(added.id);
    expect(first.done).toEqual([
      { id: added.id, outcome: { status: 'updated', events: 1, skipped: [neverSkipped], skippedTotal: 1 } },
    ]);
    expect(first.lines).toContainEqual({
      level: 'info',
      object: { subscriptionId: added.id, skipped: 1 },
      message: 'calendar subscription refreshed with events left out',
    });
    expect(JSON.stringify(first.lines)).not.toContain('s3cret-token');

    // A 304 and a failed refresh keep the events as they were, and so what was left out of them.
    const notModified = await runDue(added.id);
    expect(notModified.done[0]?.outcome).toEqual({ status: 'not-modified' });
    feed.fail = true;
    const failed = await client.calendar.subscriptions.refresh.mutate({ id: added.id });
    expect(failed).toMatchObject({
      lastError: expect.stringContaining('500'),
      skipped: [neverSkipped],
      skippedTotal: 1,
    });
    feed.fail = false;

    // Fixed at the source: the next good refresh shows every event and nothing left out.
    feed.body = FIXED;
    feed.etag = '"fixed"';
    const refreshed = await client.calendar.subscriptions.refresh.mutate({ id: added.id });
    expect(refreshed).toMatchObject({ lastError: null, eventCount: 2, skipped: [], skippedTotal: 0 });
    expect((await client.calendar.subscriptions.list.query())[0]).toMatchObject({ skipped: [], skippedTotal: 0 });
    const quiet = await runDue(added.id);
    expect(quiet.lines.filter((l) => l.message.includes('left out'))).toEqual([]);
  });

  it('keeps the first 100 of many, each cut to a bounded length, and counts them all', async () => {
    feed.body = MANY_BAD;
    feed.etag = '"many"';
    const [subscription] = await owner.client.calendar.subscriptions.list.query();
    const refreshed = await owner.client.calendar.subscriptions.refresh.mutate({ id: subscription?.id ?? '' });
    expect(refreshed.eventCount).toBe(1);
    expect(refreshed.skippedTotal).toBe(150);
    expect(refreshed.skipped).toHaveLength(100);
    expect(refreshed.skipped[0]).toMatchObject({ uid: 'bad-0@test', summary: 'x'.repeat(200) });
    expect(refreshed.skipped[99]?.uid).toBe('bad-99@test');
  });
});
