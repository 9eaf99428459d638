import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TDataExport } from '@lifeos/core/schemas';
import { sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, expectCode, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import { runCalendarRefresh } from '../jobs/calendar-refresh.js';

/**
 * Repeat rules are bounded on every entry point (issue 17): a rule that never occurs, or that Life OS does not
 * support, is refused on write naming it (the imports skip or fail that one row and go on), and a stored one is
 * walked within a budget on read. Before, each such rule cost a walk to the year 9999 (~30 s) on write and read.
 */

const NEVER = 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30';
/** From a February of a year that is never a leap year: no fifth Monday, ever. */
const NEVER_5MO = 'FREQ=MONTHLY;INTERVAL=48;BYDAY=5MO';
const WEEK = { from: new Date('2026-01-05T00:00:00Z'), to: new Date('2026-01-12T00:00:00Z') };
/** What a week's list may take with hostile series stored: far below the ~30 s one such series cost before. */
const FAST_MS = 3_000;

const vevent = (uid: string, rrule: string | null, summary = uid) =>
  [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `SUMMARY:${summary}`,
    'DTSTART:20250203T080000Z',
    'DTEND:20250203T090000Z',
    ...(rrule ? [`RRULE:${rrule}`] : []),
    'END:VEVENT',
  ].join('\r\n');
const HOSTILE_ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  vevent('good@test', 'FREQ=WEEKLY', 'Weekly'),
  vevent('never@test', NEVER),
  vevent('never-hourly@test', 'FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30'),
  vevent('secondly@test', 'FREQ=SECONDLY'),
  vevent('never-5mo@test', NEVER_5MO),
  'END:VCALENDAR',
  '',
].join('\r\n');

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

let server: TestServer;
let feedServer: Server;
let feedUrl: string;

beforeAll(async () => {
  feedServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/calendar' }).end(HOSTILE_ICS));
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed.ics`;
  server = await startTestServer({ env: { CALENDAR_ALLOW_PRIVATE_URLS: 'true' } });
});
afterAll(async () => {
  feedServer.closeAllConnections();
  await new Promise((resolve) => feedServer.close(resolve));
  await server.close();
});

let users = 0;
async function freshUser(): Promise<BrowserClient> {
  users++;
  if (users === 1) return setupOwner(server);
  const { createUser } = await import('../../test/harness.js');
  return createUser(server, {
    username: `user${users}`,
    email: `user${users}@example.com`,
    password: 'a long enough password',
  });
}

describe('repeat rules on write', () => {
  it('calendar.events.create and update refuse a rule that never occurs, naming it', async () => {
    const { client } = await freshUser();
    const times = { start: new Date('2025-02-03T08:00:00Z'), end: new Date('2025-02-03T09:00:00Z'), timezone: 'UTC' };
    const refused = await timed(
      expectCode(
        client.calendar.events.create.mutate({
          title: 'Fifth Monday',
          ...times,
          recurrence: { freq: 'monthly', interval: 48, byDay: ['5MO'] },
        }),
        'BAD_REQUEST',
      ),
    );
    expect((refused.value as Error).message).toContain(`"${NEVER_5MO}"`);
    expect(refused.ms).toBeLessThan(FAST_MS);
    const event = await client.calendar.events.create.mutate({ title: 'Plain', ...times });
    const update = await expectCode(
      client.calendar.events.update.mutate({
        id: event.id,
        recurrence: { freq: 'monthly', interval: 48, byDay: ['5MO'] },
      }),
      'BAD_REQUEST',
    );
    expect((update as Error).message).toMatch(/never occurs|no occurrence/);
    expect((await client.calendar.events.list.query(WEEK)).items).toEqual([]);
    // The same rule from a leap year's February does occur (2028-02-28 is the fifth Monday of February 2028).
    await client.calendar.events.create.mutate({
      title: 'Leap fifth Monday',
      start: new Date('2028-02-28T08:00:00Z'),
      end: new Date('2028-02-28T09:00:00Z'),
      timezone: 'UTC',
      recurrence: { freq: 'monthly', interval: 48, byDay: ['5MO'] },
    });
  });

  it('tasks.create refuses a rule with no day, naming it', async () => {
    const { client } = await freshUser();
    const refused = await timed(
      expectCode(client.tasks.create.mutate({ title: 'Never', rrule: NEVER }), 'BAD_REQUEST'),
    );
    expect((refused.value as Error).message).toContain(`"${NEVER}"`);
    expect(refused.ms).toBeLessThan(FAST_MS);
    expect(await client.tasks.list.query()).toEqual([]);
  });

  it('an .ics import skips hostile series with the reason, imports the rest, and the week lists fast', async () => {
    const { client } = await freshUser();
    const imported = await timed(client.calendar.importIcs.mutate({ ics: HOSTILE_ICS }));
    expect(imported.ms).toBeLessThan(FAST_MS);
    expect(imported.value.imported).toBe(1);
    const reasons = Object.fromEntries(imported.value.skipped.map((s) => [s.uid, s.reason]));
    expect(reasons).toEqual({
      'never@test': expect.stringMatching(/^Recurrence rule \(RRULE\) "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30" /),
      'never-hourly@test': 'Repeats more often than daily, which Life OS does not support',
      'secondly@test': 'Repeats more often than daily, which Life OS does not support',
      'never-5mo@test': expect.stringContaining(`"${NEVER_5MO}"`),
    });
    const list = await timed(client.calendar.events.list.query(WEEK));
    expect(list.value.items.map((o) => o.title)).toEqual(['Weekly']);
    expect(list.ms).toBeLessThan(FAST_MS);
  });

  it('a subscription to a hostile feed keeps the good events and lists fast', async () => {
    const { client } = await freshUser();
    const added = await timed(client.calendar.subscriptions.add.mutate({ name: 'Hostile', url: feedUrl }));
    expect(added.ms).toBeLessThan(FAST_MS);
    expect(added.value).toMatchObject({ lastError: null, eventCount: 1 });
    const list = await timed(client.calendar.events.list.query(WEEK));
    expect(list.value.items.map((o) => o.title)).toEqual(['Weekly']);
    expect(list.ms).toBeLessThan(FAST_MS);

    // The hourly refresh reports the events it left out, with the reason.
    const db = server.database.db;
    await db
      .updateTable('calendarSubscriptions')
      .set({ nextRefreshAt: sql<Date>`now() - interval '1 minute'` })
      .where('id', '=', added.value.id)
      .execute();
    const refreshed = await timed(runCalendarRefresh(server.services));
    expect(refreshed.ms).toBeLessThan(FAST_MS);
    const outcome = refreshed.value.find((r) => r.id === added.value.id)?.outcome;
    expect(outcome).toMatchObject({ status: 'updated', events: 1 });
    expect(outcome?.status === 'updated' ? outcome.skipped.map((e) => e.uid).sort() : []).toEqual([
      'never-5mo@test',
      'never-hourly@test',
      'never@test',
      'secondly@test',
    ]);
  });

  it('a JSON import fails the rows with hostile or unreadable rules, naming them, and imports the rest', async () => {
    const { client } = await freshUser();
    const doc: TDataExport = await client.data.export.query();
    const at = '2025-02-03T08:00:00.000Z';
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const event = (n: number, rrule: string | null, seriesId: string | null = null) => ({
      id: id(n),
      title: `Event ${n}`,
      description: null,
      location: null,
      startsAt: at,
      endsAt: '2025-02-03T09:00:00.000Z',
      allDay: false,
      timezone: 'UTC',
      rrule,
      exdates: [],
      icsUid: `e${n}@test`,
      recurrenceId: seriesId ? '2025-02-10T08:00:00.000Z' : null,
      seriesId,
      createdAt: at,
      updatedAt: at,
    });
    const task = (n: number, rrule: string | null) => ({
      id: id(100 + n),
      projectId: null,
      title: `Task ${n}`,
      notes: null,
      status: 'todo' as const,
      priority: 0,
      labels: [],
      dueDate: '2025-02-03',
      position: n,
      rrule,
      repeatAfterDays: null,
      seriesId: rrule ? id(200 + n) : null,
      completedAt: null,
      sourceCaptureId: null,
      createdAt: at,
      updatedAt: at,
    });
    doc.events = [
      event(1, 'FREQ=WEEKLY'),
      event(2, NEVER),
      event(3, 'FREQ=SECONDLY'),
      event(4, 'FREQ=HOURLY;INTERVAL=24;BYHOUR=5'),
      event(5, null, id(2)), // a moved occurrence of the refused series
      event(6, 'FREQ=WEEKLY;BYDAY=XX'),
    ];
    doc.tasks = [task(1, 'FREQ=WEEKLY'), task(2, NEVER), task(3, 'FREQ=WEEKLY;BYDAY=XX')];
    const report = await timed(client.data.import.mutate({ data: doc, mode: 'merge' }));
    expect(report.ms).toBeLessThan(FAST_MS);
    expect(report.value.counts.events).toMatchObject({ created: 1, failed: 5 });
    expect(report.value.counts.tasks).toMatchObject({ created: 1, failed: 2 });
    const reasons = Object.fromEntries(report.value.failures.map((f) => [f.id, f.reason]));
    expect(reasons[id(2)]).toContain(`"${NEVER}"`);
    expect(reasons[id(3)]).toMatch(/"FREQ=SECONDLY" repeats secondly/);
    expect(reasons[id(4)]).toMatch(/repeats hourly/);
    expect(reasons[id(5)]).toBe('Its series could not be imported');
    expect(reasons[id(6)]).toMatch(/"FREQ=WEEKLY;BYDAY=XX" cannot be read/);
    expect(reasons[id(102)]).toContain(`"${NEVER}"`);
    expect(reasons[id(103)]).toMatch(/"FREQ=WEEKLY;BYDAY=XX" cannot be read/);
    const list = await timed(client.calendar.events.list.query(WEEK));
    expect(list.value.items.map((o) => o.title)).toEqual(['Event 1']);
    expect(list.ms).toBeLessThan(FAST_MS);
    expect((await client.tasks.list.query()).map((t) => t.title)).toEqual(['Task 1']);
  });
});

describe('repeat rules stored before these checks', () => {
  it('events.list walks a stored hostile series within its budget, and lists the rest', async () => {
    const { client } = await freshUser();
    const good = await client.calendar.events.create.mutate({
      title: 'Daily',
      start: new Date('2025-02-03T08:00:00Z'),
      end: new Date('2025-02-03T09:00:00Z'),
      timezone: 'UTC',
      recurrence: { freq: 'daily' },
    });
    const bad = await client.calendar.events.create.mutate({
      title: 'Old data',
      start: new Date('2025-02-03T08:00:00Z'),
      end: new Date('2025-02-03T09:00:00Z'),
      timezone: 'UTC',
      recurrence: { freq: 'daily' },
    });
    for (const rrule of [NEVER, 'FREQ=HOURLY;INTERVAL=24;BYHOUR=5', 'FREQ=SECONDLY', 'FREQ=WEEKLY;BYDAY=XX']) {
      await sql`update events set rrule = ${rrule}, series_ends_at = null where id = ${bad.id}`.execute(
        server.database.db,
      );
      const list = await timed(client.calendar.events.list.query(WEEK));
      expect(list.ms, rrule).toBeLessThan(FAST_MS);
      expect(new Set(list.value.items.map((o) => o.eventId)), rrule).toEqual(new Set([good.id]));
    }
  });

  it('tasks.complete of a task with a stored rule that cannot be read answers 400 naming it, not 500', async () => {
    const { client } = await freshUser();
    const garbage = await client.tasks.create.mutate({ title: 'Garbage', rrule: 'FREQ=WEEKLY', dueDate: '2026-01-05' });
    await sql`update tasks set rrule = 'FREQ=WEEKLY;BYDAY=XX' where id = ${garbage.id}`.execute(server.database.db);
    const refused = await expectCode(client.tasks.complete.mutate({ id: garbage.id }), 'BAD_REQUEST');
    expect((refused as Error).message).toContain('"FREQ=WEEKLY;BYDAY=XX" cannot be read');
    expect((await client.tasks.list.query()).find((t) => t.id === garbage.id)?.status).toBe('todo');

    // A readable rule that never comes round again: done, with no next occurrence, at once.
    const never = await client.tasks.create.mutate({
      title: 'Never again',
      rrule: 'FREQ=WEEKLY',
      dueDate: '2026-01-05',
    });
    await sql`update tasks set rrule = ${NEVER} where id = ${never.id}`.execute(server.database.db);
    const done = await timed(client.tasks.complete.mutate({ id: never.id }));
    expect(done.ms).toBeLessThan(FAST_MS);
    expect(done.value).toMatchObject({ task: { status: 'done' }, next: null });
  });
});
