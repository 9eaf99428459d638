import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import { redactUrl } from './server.js';

let server: TestServer;
let owner: BrowserClient;

beforeAll(async () => {
  // Three misses per address and window, to see the throttle quickly.
  server = await startTestServer({ env: { LOGIN_MAX_PER_IP: '3' } });
  owner = await setupOwner(server);
  await owner.client.calendar.events.create.mutate({
    title: 'Dentist',
    start: new Date('2025-02-03T09:00:00Z'),
    end: new Date('2025-02-03T10:00:00Z'),
    timezone: 'Europe/Berlin',
    recurrence: { freq: 'monthly', byDay: ['1MO'], count: 3 },
  });
});
afterAll(() => server.close());

const fetchFeed = (path: string) => fetch(`${server.url}${path}`);

describe('calendar subscription feed', () => {
  const seen: string[] = [];

  it('gives one secret URL, stored hashed, that serves the calendar as text/calendar without cookies', async () => {
    const feed = await owner.client.calendar.feed.get.query();
    expect(feed.path).toMatch(/^\/api\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(feed.url).toBe(`http://lifeos.test${feed.path}`);
    expect((await owner.client.calendar.feed.get.query()).path).toBe(feed.path);
    seen.push(feed.path);

    const response = await fetchFeed(feed.path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const body = await response.text();
    expect(body).toContain('BEGIN:VCALENDAR');
    expect(body).toContain('SUMMARY:Dentist');
    expect(body).toContain('RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=3');

    const token = feed.path.slice('/api/calendar/feed/'.length, -4);
    const row = await server.database.db
      .selectFrom('userSettings')
      .select(['icsFeedTokenHash', 'icsFeedTokenNonce'])
      .executeTakeFirstOrThrow();
    expect(row.icsFeedTokenHash).toMatch(/^[0-9a-f]{64}$|^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('rotating kills the old URL at once', async () => {
    const old = seen[0] as string;
    const rotated = await owner.client.calendar.feed.rotate.mutate();
    expect(rotated.path).not.toBe(old);
    seen.push(rotated.path);
    expect((await fetchFeed(rotated.path)).status).toBe(200);
    expect((await fetchFeed(old)).status).toBe(404);
    expect((await owner.client.calendar.feed.get.query()).path).toBe(rotated.path);
  });

  it('answers wrong tokens with 404, then 429 with Retry-After once the address missed too often', async () => {
    // One miss already counted (the old URL above); two more 404s, then the limit.
    expect((await fetchFeed(`/api/calendar/feed/${'A'.repeat(43)}.ics`)).status).toBe(404);
    expect((await fetchFeed('/api/calendar/feed/nonsense')).status).toBe(404);
    const limited = await fetchFeed(`/api/calendar/feed/${'B'.repeat(43)}.ics`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The window passes.
    server.clock.advance(16 * 60 * 1000);
    expect((await fetchFeed(`/api/calendar/feed/${'C'.repeat(43)}.ics`)).status).toBe(404);
    expect((await fetchFeed(seen[1] as string)).status).toBe(200);
  });

  it('never writes a feed token into the logs, however the path is spelled', async () => {
    const path = seen[1] as string;
    const token = path.slice('/api/calendar/feed/'.length, -4);
    // The router decodes the path: a percent-encoded letter still reaches the feed.
    const encoded = await fetchFeed(`/api/%63alendar/feed/${token}.ics`);
    expect(encoded.status).toBe(200);
    await fetchFeed(`/api/calendar%2Ffeed/${token}.ics`);
    await fetchFeed(`//api/Calendar/feed/${token}.ics`);
    await fetchFeed(`/api/calendar/feed/%zz${token}.ics`);
    expect(redactUrl(`/api/%63alendar/feed/${token}.ics?x=1`)).toBe('/api/calendar/feed/[redacted]');
    expect(redactUrl(`http://lifeos.test/api/calendar/feed/${token}.ics`)).toBe('/api/calendar/feed/[redacted]');
    expect(redactUrl('/api/calendar/events')).toBe('/api/calendar/events');
    const logs = server.logs.join('');
    expect(logs).toContain('/api/calendar/feed/[redacted]');
    for (const path of seen) {
      expect(logs).not.toContain(path.slice('/api/calendar/feed/'.length, -4));
    }
  });
});
