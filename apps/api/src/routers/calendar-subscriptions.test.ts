import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { isRefusedAddress } from '@lifeos/core/server';
import { calendarSubscriptionsQueries, sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserClient,
  createUser,
  expectCode,
  keyClient,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';
import { runCalendarRefresh } from '../jobs/calendar-refresh.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../packages/core/src/calendar/fixtures/${name}`, import.meta.url), 'utf8');
const THUNDERBIRD = fixture('thunderbird-moved-occurrences.ics');
const OUTLOOK = fixture('outlook-exchange-windows-tzid.ics');
/** Two daily series with three moved occurrences between them. */
const THUNDERBIRD_MARCH_OCCURRENCES = 7;
const MARCH_2019 = { from: new Date('2019-03-01T00:00:00Z'), to: new Date('2019-04-01T00:00:00Z') };

// ---------- a local calendar server ----------

/** What /feed.ics currently does, so a test can make a good feed go bad and back. */
const feed = {
  mode: 'ok' as 'ok' | 'error' | 'hang' | 'forever',
  body: THUNDERBIRD,
  etag: '"v1"',
  requests: [] as { url: string; ifNoneMatch: string | undefined }[],
};
let calendarServer: Server;
let base: string;
const hanging = new Set<ServerResponse>();

function handle(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '/';
  if (path === '/feed.ics') {
    feed.requests.push({ url: path, ifNoneMatch: req.headers['if-none-match'] });
    if (feed.mode === 'error') {
      res.writeHead(500).end('oops');
      return;
    }
    if (feed.mode === 'hang') {
      hanging.add(res);
      return; // never answers
    }
    if (feed.mode === 'forever') {
      res.writeHead(200, { 'content-type': 'text/calendar' });
      const chunk = `BEGIN:VCALENDAR\r\n${'X-FILLER:'.padEnd(1000, 'x')}\r\n`.repeat(64);
      const write = () => {
        while (res.write(chunk)) {
          /* keep writing until the socket pushes back */
        }
      };
      res.on('drain', write);
      res.on('close', () => res.off('drain', write));
      write();
      return;
    }
    if (req.headers['if-none-match'] === feed.etag) {
      res.writeHead(304, { etag: feed.etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', etag: feed.etag }).end(feed.body);
    return;
  }
  if (path === '/thunderbird.ics') {
    res.writeHead(200, { 'content-type': 'text/calendar' }).end(THUNDERBIRD);
    return;
  }
  if (path === '/outlook.ics') {
    res.writeHead(200, { 'content-type': 'text/calendar' }).end(OUTLOOK);
    return;
  }
  if (path === '/redirect') {
    res.writeHead(302, { location: '/outlook.ics' }).end();
    return;
  }
  const loop = /^\/loop\/(\d+)$/.exec(path);
  if (loop) {
    res.writeHead(301, { location: `/loop/${Number(loop[1]) + 1}` }).end();
    return;
  }
  if (path === '/not-a-calendar') {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
    return;
  }
  res.writeHead(404).end();
}

let server: TestServer;
let owner: BrowserClient;
let other: BrowserClient;

beforeAll(async () => {
  calendarServer = createServer(handle);
  await new Promise<void>((resolve) => calendarServer.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(calendarServer.address() as AddressInfo).port}`;
  server = await startTestServer({ env: { CALENDAR_ALLOW_PRIVATE_URLS: 'true' } });
  owner = await setupOwner(server);
  other = await createUser(server, {
    username: 'other',
    email: 'other@example.com',
    password: 'another long password',
  });
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  calendarServer.closeAllConnections();
  await new Promise((resolve) => calendarServer.close(resolve));
  await server.close();
});

const subscriptionOccurrences = async (client: BrowserClient['client'], subscriptionId: string) =>
  (await client.calendar.events.list.query(MARCH_2019)).items.filter((o) => o.subscriptionId === subscriptionId);

describe('calendar subscriptions', () => {
  it('subscribes, fetches at once, and shows the events read-only in events.list but not in the export', async () => {
    const { client } = owner;
    // The same file imported as the user's own events: same UIDs, no collision with the subscription's copies.
    await client.calendar.importIcs.mutate({ ics: THUNDERBIRD });
    const sub = await client.calendar.subscriptions.add.mutate({ name: 'Thunderbird', url: `${base}/thunderbird.ics` });
    expect(sub).toMatchObject({ name: 'Thunderbird', lastError: null, eventCount: 2 });
    expect(sub.lastRefreshedAt).toBeInstanceOf(Date);
    expect(await client.calendar.subscriptions.list.query()).toEqual([sub]);

    const occurrences = await subscriptionOccurrences(client, sub.id);
    expect(occurrences).toHaveLength(THUNDERBIRD_MARCH_OCCURRENCES);
    expect(new Set(occurrences.map((o) => o.title))).toEqual(new Set(['New Event', 'test7', 'test7 - edited']));
    const own = (await client.calendar.events.list.query(MARCH_2019)).items.filter((o) => o.subscriptionId === null);
    expect(own).toHaveLength(occurrences.length);

    const one = occurrences[0];
    if (!one) throw new Error('no occurrence');
    await expectCode(client.calendar.events.update.mutate({ id: one.eventId, title: 'mine now' }), 'FORBIDDEN');
    await expectCode(client.calendar.events.delete.mutate({ id: one.eventId }), 'FORBIDDEN');
    expect((await client.calendar.events.get.query({ id: one.eventId })).subscriptionId).toBe(sub.id);

    const { ics } = await client.calendar.exportIcs.query();
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(5); // the own import only, not the subscription's copies

    // Removing the subscription removes its events and leaves the own ones.
    await client.calendar.subscriptions.remove.mutate({ id: sub.id });
    expect(await subscriptionOccurrences(client, sub.id)).toEqual([]);
    expect((await client.calendar.events.list.query(MARCH_2019)).items.length).toBe(own.length);
    expect(await client.calendar.subscriptions.list.query()).toEqual([]);
  });

  it('refreshes with a conditional GET: a 304 keeps the events, a new version replaces them', async () => {
    const { client } = owner;
    feed.requests = [];
    const sub = await client.calendar.subscriptions.add.mutate({ name: 'Feed', url: `${base}/feed.ics` });
    const before = await subscriptionOccurrences(client, sub.id);
    expect(before.length).toBe(THUNDERBIRD_MARCH_OCCURRENCES);
    expect(feed.requests.at(-1)?.ifNoneMatch).toBeUndefined();

    const again = await client.calendar.subscriptions.refresh.mutate({ id: sub.id });
    expect(feed.requests.at(-1)?.ifNoneMatch).toBe('"v1"');
    expect(again.lastError).toBeNull();
    expect(again.lastRefreshedAt?.getTime()).toBeGreaterThanOrEqual(sub.lastRefreshedAt?.getTime() ?? 0);
    expect(await subscriptionOccurrences(client, sub.id)).toEqual(before); // same events, same ids

    feed.body = OUTLOOK;
    feed.etag = '"v2"';
    const changed = await client.calendar.subscriptions.refresh.mutate({ id: sub.id });
    expect(changed.lastError).toBeNull();
    expect(await subscriptionOccurrences(client, sub.id)).toEqual([]); // the 2019 events are gone
    expect(changed.eventCount).toBeGreaterThan(0);

    // A failing feed records its error and keeps its last good events.
    feed.mode = 'error';
    const failed = await client.calendar.subscriptions.refresh.mutate({ id: sub.id });
    expect(failed.lastError).toBe('The server answered HTTP 500');
    expect(failed.lastErrorAt).toBeInstanceOf(Date);
    expect(failed.eventCount).toBe(changed.eventCount);
    expect(failed.nextRefreshAt.getTime()).toBeGreaterThan(Date.now());

    feed.mode = 'ok';
    const back = await client.calendar.subscriptions.refresh.mutate({ id: sub.id });
    expect(back).toMatchObject({ lastError: null, lastErrorAt: null, eventCount: changed.eventCount });
    await client.calendar.subscriptions.remove.mutate({ id: sub.id });
    feed.body = THUNDERBIRD;
    feed.etag = '"v1"';
  });

  it('gives up on a server that never answers, and on a body beyond the size limit, keeping the last good events', async () => {
    const { client } = owner;
    const limits = server.config.calendarSubscriptions;
    const saved = { ...limits };
    const sub = await client.calendar.subscriptions.add.mutate({ name: 'Flaky', url: `${base}/feed.ics` });
    expect(sub.eventCount).toBe(2);
    try {
      limits.fetchTimeoutMs = 1_000;
      feed.mode = 'hang';
      const started = Date.now();
      const timedOut = await client.calendar.subscriptions.refresh.mutate({ id: sub.id });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(timedOut.lastError).toMatch(/No answer within 1 s/);
      expect(timedOut.eventCount).toBe(2);

      limits.fetchTimeoutMs = saved.fetchTimeoutMs;
      feed.mode = 'forever';
      const tooLarge = await client.calendar.subscriptions.refresh.mutate({ id: sub.id });
      expect(tooLarge.lastError).toBe('The calendar is larger than 5 MB');
      expect(tooLarge.eventCount).toBe(2);
      expect((await subscriptionOccurrences(client, sub.id)).length).toBe(THUNDERBIRD_MARCH_OCCURRENCES);
    } finally {
      Object.assign(limits, saved);
      feed.mode = 'ok';
    }
    await client.calendar.subscriptions.remove.mutate({ id: sub.id });
  }, 30_000);

  it('follows up to 3 redirects and records other failures on add instead of refusing', async () => {
    const { client } = owner;
    const redirected = await client.calendar.subscriptions.add.mutate({ name: 'Moved', url: `${base}/redirect` });
    expect(redirected).toMatchObject({ lastError: null });
    expect(redirected.eventCount).toBeGreaterThan(0);

    const looping = await client.calendar.subscriptions.add.mutate({ name: 'Loop', url: `${base}/loop/0` });
    expect(looping.lastError).toBe('More than 3 redirects');
  });

  it('refuses duplicates, bad schemes, and other users’ ids; a read key cannot add', async () => {
    const { client } = owner;
    await expectCode(
      client.calendar.subscriptions.add.mutate({ name: 'Moved again', url: `${base}/redirect` }),
      'CONFLICT',
    );
    for (const url of ['ftp://example.com/cal.ics', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
      await expectCode(client.calendar.subscriptions.add.mutate({ name: 'x', url }), 'BAD_REQUEST');
    }
    await expectCode(
      client.calendar.subscriptions.add.mutate({ name: 'x', url: 'https://user:pass@example.com/cal.ics' }),
      'BAD_REQUEST',
    );
    const [mine] = await client.calendar.subscriptions.list.query();
    if (!mine) throw new Error('no subscription');
    await expectCode(other.client.calendar.subscriptions.refresh.mutate({ id: mine.id }), 'NOT_FOUND');
    await expectCode(other.client.calendar.subscriptions.remove.mutate({ id: mine.id }), 'NOT_FOUND');
    expect(await other.client.calendar.subscriptions.list.query()).toEqual([]);
    expect(await client.calendar.subscriptions.list.query()).toHaveLength(2);

    const { key } = await client.apiKeys.create.mutate({ name: 'reader', scope: 'read' });
    const reader = keyClient(server, key);
    await expectCode(
      reader.calendar.subscriptions.add.mutate({ name: 'nope', url: `${base}/outlook.ics` }),
      'FORBIDDEN',
    );
    expect(await reader.calendar.subscriptions.list.query()).toHaveLength(2);
  });

  it('adds a feed that cannot be fetched with its error (DNS failure, not a calendar)', async () => {
    const { client } = owner;
    const missing = await client.calendar.subscriptions.add.mutate({
      name: 'Nowhere',
      url: 'https://calendar.lifeos-test.invalid/cal.ics',
    });
    expect(missing.lastError).toMatch(/could not be found|cannot be reached|refused/);
    expect(missing.lastRefreshedAt).toBeNull();
    const html = await client.calendar.subscriptions.add.mutate({ name: 'HTML', url: `${base}/not-a-calendar` });
    expect(html.lastError).toMatch(/not an iCalendar file/);
    for (const s of [missing, html]) await client.calendar.subscriptions.remove.mutate({ id: s.id });
  });

  it('the scheduled job refreshes what is due, and nothing else', async () => {
    const { client } = owner;
    const db = server.database.db;
    feed.requests = [];
    const sub = await client.calendar.subscriptions.add.mutate({ name: 'Scheduled', url: `${base}/feed.ics` });
    expect(feed.requests).toHaveLength(1);
    // Nothing is due yet (every subscription was just fetched).
    expect(await runCalendarRefresh(server.services)).toEqual([]);
    await db
      .updateTable('calendarSubscriptions')
      .set({ nextRefreshAt: sql<Date>`now() - interval '1 minute'` })
      .where('id', '=', sub.id)
      .execute();
    const done = await runCalendarRefresh(server.services);
    expect(done).toEqual([{ id: sub.id, outcome: { status: 'not-modified' } }]);
    expect(feed.requests.at(-1)?.ifNoneMatch).toBe('"v1"');
    const [after] = (await client.calendar.subscriptions.list.query()).filter((s) => s.id === sub.id);
    expect(after?.nextRefreshAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
    await client.calendar.subscriptions.remove.mutate({ id: sub.id });
  });

  it('hands each due subscription to exactly one of two concurrent claimers', async () => {
    const db = server.database.db;
    const userId = (await db.selectFrom('users').select('id').where('username', '=', 'other').executeTakeFirstOrThrow())
      .id;
    const ids = (
      await db
        .insertInto('calendarSubscriptions')
        .values(
          Array.from({ length: 30 }, (_, i) => ({
            userId,
            name: `due ${i}`,
            url: `https://example.com/${i}.ics`,
            nextRefreshAt: sql<Date>`now() - interval '1 hour'`,
          })),
        )
        .returning('id')
        .execute()
    ).map((r) => r.id);
    const claimer = async () => {
      const got: string[] = [];
      for (;;) {
        const claimed = await calendarSubscriptionsQueries.claimDueSubscription(db, 300);
        if (!claimed) return got;
        got.push(claimed.id);
      }
    };
    const [a, b] = await Promise.all([claimer(), claimer()]);
    const all = [...a, ...b];
    expect(new Set(all).size).toBe(all.length); // nobody got one twice
    expect([...all].sort()).toEqual([...ids].sort()); // and every due one was claimed
    // Claimed ones stay out of later scans until their claim runs out.
    expect(await calendarSubscriptionsQueries.claimDueSubscription(db, 300)).toBeUndefined();
    await db
      .updateTable('calendarSubscriptions')
      .set({ lockedUntil: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', ids[0] as string)
      .execute();
    expect((await calendarSubscriptionsQueries.claimDueSubscription(db, 300))?.id).toBe(ids[0]);
    await db.deleteFrom('calendarSubscriptions').where('userId', '=', userId).execute();
  });
});

describe('calendar subscriptions without CALENDAR_ALLOW_PRIVATE_URLS', () => {
  let strict: TestServer;
  let browser: BrowserClient;
  beforeAll(async () => {
    strict = await startTestServer();
    browser = await setupOwner(strict);
  });
  afterAll(() => strict.close());

  it('refuses loopback, private, link-local, unique-local and CGNAT addresses with BAD_REQUEST', async () => {
    const port = (calendarServer.address() as AddressInfo).port;
    const urls = [
      `http://127.0.0.1:${port}/thunderbird.ics`,
      `http://localhost:${port}/thunderbird.ics`,
      `http://[::1]:${port}/thunderbird.ics`,
      `http://[::ffff:127.0.0.1]:${port}/thunderbird.ics`,
      `http://[::ffff:7f00:1]:${port}/thunderbird.ics`,
      // IPv4-translated and IPv4-mapped forms, refused by name in the guard's own IPv6 list.
      `http://[::ffff:0:7f00:1]:${port}/thunderbird.ics`,
      'http://[::ffff:8.8.8.8]/cal.ics',
      'http://[64:ff9b::7f00:1]/cal.ics', // NAT64
      'http://[2002:7f00:1::1]/cal.ics', // 6to4
      'http://[::]/cal.ics',
      'http://10.1.2.3/cal.ics',
      'http://192.168.1.10/cal.ics',
      'http://172.16.0.1/cal.ics',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/cal.ics',
      'http://0.0.0.0/cal.ics',
      'http://[fd00::1]/cal.ics',
      'http://[fe80::1]/cal.ics',
      'http://2130706433/cal.ics', // 127.0.0.1 as one number
    ];
    for (const url of urls) {
      const error = await expectCode(
        browser.client.calendar.subscriptions.add.mutate({ name: 'x', url }),
        'BAD_REQUEST',
      );
      expect((error as Error).message, url).toMatch(/local or private network address/);
    }
    expect(await browser.client.calendar.subscriptions.list.query()).toEqual([]);
  });

  it('refuses a host name that resolves to a loopback address', async () => {
    const name = os.hostname();
    const resolved = await lookup(name, { all: true }).catch(() => []);
    if (resolved.length === 0 || !resolved.some((a) => isRefusedAddress(a.address))) return; // not on this machine
    const port = (calendarServer.address() as AddressInfo).port;
    await expectCode(
      browser.client.calendar.subscriptions.add.mutate({ name: 'x', url: `http://${name}:${port}/thunderbird.ics` }),
      'BAD_REQUEST',
    );
    expect(await browser.client.calendar.subscriptions.list.query()).toEqual([]);
  });
});
