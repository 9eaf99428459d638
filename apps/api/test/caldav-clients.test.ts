/**
 * CalDAV with clients written by others, against a real server on a real database: python3-caldav (Debian's) runs a
 * whole session in a child process, tsdav (npm) runs one here. Each checks what the client saw and what Life OS
 * itself holds afterwards.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DAVClient } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, setupOwner, startTestServer, type TestServer } from './harness.js';

const run = promisify(execFile);
const PYTHON_CLIENT = fileURLToPath(new URL('./caldav/python-caldav-client.py', import.meta.url));

let server: TestServer;
let owner: BrowserClient;
let key: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  ({ key } = await owner.client.apiKeys.create.mutate({ name: 'Phone', scope: 'write' }));
});
afterAll(() => server.close());

describe('CalDAV clients', () => {
  it('python3-caldav: discovery, list, create a series with a changed occurrence, range query, update, multiget, sync, tasks', async () => {
    await owner.client.calendar.events.create.mutate({
      title: 'Seeded',
      start: new Date('2026-11-02T08:00:00Z'),
      end: new Date('2026-11-02T09:00:00Z'),
      timezone: 'UTC',
    });
    const { stdout } = await run('/usr/bin/python3', [PYTHON_CLIENT, `${server.url}/dav/`, 'owner', key], {
      timeout: 60_000,
    });
    const seen = JSON.parse(stdout);
    expect(seen.collections).toEqual(['/dav/calendars/owner/events/', '/dav/calendars/owner/inbox/']);
    expect(seen.components['/dav/calendars/owner/events/']).toEqual(['VEVENT']);
    expect(seen.components['/dav/calendars/owner/inbox/']).toEqual(['VTODO']);
    expect(seen.initial).toEqual(['Seeded']);
    // The series began a week before the range; its changed occurrence is in it.
    expect(seen.in_range).toEqual(['Stand-up']);
    expect(seen.before_range).toBe(1);
    expect(seen.updated_summary).toBe('Team stand-up');
    expect(seen.overrides_back).toEqual(['Stand-up (late)']);
    expect(seen.multiget).toEqual(['py-standup']);
    expect(seen.sync_updated).toEqual([seen.created_url]);
    expect(seen.sync_token_moved).toBe(true);
    expect(seen.todos_open).toEqual([]);
    expect(seen.todos_all).toEqual(['Buy milk']);
    expect(seen.sync_deleted.length).toBe(1);

    // What Life OS holds: the series with its moved occurrence, the completed task, the seeded event gone.
    const week = await owner.client.calendar.events.list.query({
      from: new Date('2026-12-07T00:00:00Z'),
      to: new Date('2026-12-16T00:00:00Z'),
    });
    expect(week.items.map((o) => [o.title, o.start.toISOString()])).toEqual([
      ['Stand-up (late)', '2026-12-08T10:00:00.000Z'],
      ['Team stand-up', '2026-12-15T08:30:00.000Z'],
    ]);
    const [task] = await owner.client.tasks.list.query({ projectId: null });
    expect(task).toMatchObject({ title: 'Buy milk', status: 'done', dueDate: '2026-12-09', priority: 3 });
    const november = await owner.client.calendar.events.list.query({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-08T00:00:00Z'),
    });
    expect(november.items.map((o) => o.title)).toEqual([]);
  });

  it('tsdav: discovery from the server URL, fetch, create, time range, update with ETag, sync-collection', async () => {
    const client = new DAVClient({
      serverUrl: server.url,
      credentials: { username: 'owner', password: key },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
    });
    await client.login();
    const calendars = await client.fetchCalendars();
    const events = calendars.find((c) => c.url.endsWith('/events/'));
    expect(events?.components).toEqual(['VEVENT']);
    if (!events) throw new Error('no calendar');
    const created = await client.createCalendarObject({
      calendar: events,
      filename: 'tsdav-1.ics',
      iCalString:
        'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tsdav test//EN\r\nBEGIN:VEVENT\r\nUID:tsdav-1\r\n' +
        'DTSTAMP:20261201T000000Z\r\nDTSTART:20270105T120000Z\r\nDTEND:20270105T130000Z\r\nSUMMARY:Lunch\r\n' +
        'END:VEVENT\r\nEND:VCALENDAR\r\n',
    });
    expect(created.status).toBe(201);
    const inJanuary = await client.fetchCalendarObjects({
      calendar: events,
      timeRange: { start: '2027-01-01T00:00:00Z', end: '2027-02-01T00:00:00Z' },
    });
    // The python session's weekly stand-up goes on into January too.
    expect(inJanuary.map((o) => o.url).sort()).toEqual([
      `${server.url}/dav/calendars/owner/events/py-standup.ics`,
      `${server.url}/dav/calendars/owner/events/tsdav-1.ics`,
    ]);
    const object = inJanuary.find((o) => o.url.endsWith('tsdav-1.ics'));
    if (!object) throw new Error('not found');
    expect(object.etag).toMatch(/^"\d+"$/);
    const updated = await client.updateCalendarObject({
      calendarObject: { ...object, data: String(object.data).replace('SUMMARY:Lunch', 'SUMMARY:Long lunch') },
    });
    expect(updated.status).toBe(204);
    const stale = await client.updateCalendarObject({
      calendarObject: { ...object, data: String(object.data).replace('SUMMARY:Lunch', 'SUMMARY:Stale') },
    });
    expect(stale.status).toBe(412);
    const changes = await client.syncCollection({
      url: events.url,
      props: { 'd:getetag': {} },
      syncLevel: 1,
      ...(events.syncToken ? { syncToken: events.syncToken } : {}),
    });
    expect(changes.map((r) => r.href)).toEqual(['/dav/calendars/owner/events/tsdav-1.ics']);
    const day = await owner.client.calendar.events.list.query({
      from: new Date('2027-01-05T00:00:00Z'),
      to: new Date('2027-01-06T00:00:00Z'),
    });
    expect(day.items.map((o) => o.title).sort()).toEqual(['Long lunch', 'Team stand-up']);
  });
});
