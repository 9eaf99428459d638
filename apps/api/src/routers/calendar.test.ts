import { readFileSync } from 'node:fs';
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

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../packages/core/src/calendar/fixtures/${name}`, import.meta.url), 'utf8');
const DAY = 24 * 60 * 60 * 1000;
/**
 * A range's occurrences, asked again while the answer says it is truncated: a recurrence walk also stops at 50 ms of
 * wall time (a backstop for a busy machine, not remembered), so on a loaded CI machine one answer in many is honestly
 * cut short — and a comparison of two answers means something only when both are complete.
 */
async function completeOccurrences(client: BrowserClient['client'], range: { from: Date; to: Date }) {
  for (let attempt = 1; ; attempt++) {
    const answer = await client.calendar.events.list.query(range);
    if (!answer.truncated || attempt === 5) {
      expect(answer.truncated).toBe(false);
      return answer.items;
    }
  }
}
const berlinTime = (d: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(d);

let server: TestServer;
let owner: BrowserClient;
let other: BrowserClient;

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  other = await createUser(server, {
    username: 'other',
    email: 'other@example.com',
    password: 'another long password',
  });
});
afterAll(() => server.close());

describe('calendar events', () => {
  it('expands a weekly event on the next weeks, keeping 09:00 Berlin across DST', async () => {
    const { client } = owner;
    const created = await client.calendar.events.create.mutate({
      title: 'Team sync',
      start: new Date('2024-03-18T08:00:00Z'), // Monday 09:00 CET
      end: new Date('2024-03-18T09:00:00Z'),
      timezone: 'Europe/Berlin',
      recurrence: { freq: 'weekly', byDay: ['MO'] },
    });
    expect(created).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=MO', recurrence: { freq: 'weekly', byDay: ['MO'] } });
    const list = (
      await client.calendar.events.list.query({
        from: new Date('2024-03-18T00:00:00Z'),
        to: new Date('2024-04-15T00:00:00Z'),
      })
    ).items;
    const sync = list.filter((o) => o.eventId === created.id);
    expect(sync.map((o) => o.start.toISOString())).toEqual([
      '2024-03-18T08:00:00.000Z',
      '2024-03-25T08:00:00.000Z',
      '2024-04-01T07:00:00.000Z',
      '2024-04-08T07:00:00.000Z',
    ]);
    expect(new Set(sync.map((o) => berlinTime(o.start)))).toEqual(new Set(['09:00']));
  });

  it('deletes one occurrence, edits another, then deletes the series with its detached occurrence', async () => {
    const { client } = owner;
    const series = await client.calendar.events.create.mutate({
      title: 'Run',
      start: new Date('2025-01-06T07:00:00Z'),
      end: new Date('2025-01-06T08:00:00Z'),
      timezone: 'UTC',
      recurrence: { freq: 'weekly', interval: 1, byDay: ['MO', 'TH'], count: 6 },
    });
    const range = { from: new Date('2025-01-01Z'), to: new Date('2025-02-01Z') };
    const runs = async () =>
      (await client.calendar.events.list.query(range)).items.filter((o) => o.seriesId === series.id);
    const before = await runs();
    expect(before).toHaveLength(6);

    const second = before[1]?.occurrenceStart as Date;
    await client.calendar.events.delete.mutate({ id: series.id, scope: 'occurrence', occurrenceStart: second });
    const afterDelete = await runs();
    expect(afterDelete).toHaveLength(5);
    expect(afterDelete.some((o) => o.start.getTime() === second.getTime())).toBe(false);
    expect((await client.calendar.events.get.query({ id: series.id })).exdates).toEqual([second]);

    const third = afterDelete[1] as (typeof afterDelete)[number];
    const moved = await client.calendar.events.update.mutate({
      id: series.id,
      scope: 'occurrence',
      occurrenceStart: third.occurrenceStart as Date,
      title: 'Long run',
      start: new Date((third.occurrenceStart as Date).getTime() + 2 * 60 * 60 * 1000),
    });
    expect(moved).toMatchObject({ seriesId: series.id, recurrenceId: third.occurrenceStart, rrule: null });
    const afterEdit = await runs();
    expect(afterEdit).toHaveLength(5);
    const edited = afterEdit.find((o) => o.detached);
    expect(edited).toMatchObject({ title: 'Long run', eventId: moved.id, occurrenceStart: third.occurrenceStart });
    expect(edited?.end.getTime()).toBe((edited?.start.getTime() ?? 0) + 60 * 60 * 1000);
    expect(afterEdit.filter((o) => o.title === 'Run')).toHaveLength(4);

    // Deleting the detached occurrence leaves an exception in its place.
    await client.calendar.events.delete.mutate({ id: moved.id, scope: 'occurrence' });
    expect(await runs()).toHaveLength(4);

    // A date that is no occurrence is refused; the series is deleted whole.
    await expectCode(
      client.calendar.events.delete.mutate({
        id: series.id,
        scope: 'occurrence',
        occurrenceStart: new Date('2025-01-07T07:00:00Z'),
      }),
      'BAD_REQUEST',
    );
    await client.calendar.events.delete.mutate({ id: series.id });
    expect(await runs()).toEqual([]);
    await expectCode(client.calendar.events.get.query({ id: moved.id }), 'NOT_FOUND');
  });

  it('splits a series at "this and following"', async () => {
    const { client } = owner;
    const series = await client.calendar.events.create.mutate({
      title: 'Daily',
      start: new Date('2025-03-03T09:00:00Z'),
      end: new Date('2025-03-03T09:15:00Z'),
      timezone: 'UTC',
      recurrence: { freq: 'daily', count: 10 },
    });
    const from = new Date('2025-03-08T09:00:00Z');
    const tail = await client.calendar.events.update.mutate({
      id: series.id,
      scope: 'following',
      occurrenceStart: from,
      title: 'Daily (new time)',
    });
    const list = (
      await client.calendar.events.list.query({
        from: new Date('2025-03-01Z'),
        to: new Date('2025-04-01Z'),
      })
    ).items;
    expect(list.filter((o) => o.eventId === series.id)).toHaveLength(5);
    expect(list.filter((o) => o.eventId === tail.id)).toHaveLength(5);
    expect(tail.rrule).toBe('FREQ=DAILY;COUNT=5');
  });

  it('stores all-day events as dates', async () => {
    const trip = await owner.client.calendar.events.create.mutate({
      title: 'Trip',
      allDay: true,
      startDate: '2025-05-01',
      endDate: '2025-05-03',
    });
    expect(trip).toMatchObject({ allDay: true, startDate: '2025-05-01', endDate: '2025-05-03', timezone: 'UTC' });
    const list = (
      await owner.client.calendar.events.list.query({
        from: new Date('2025-05-03Z'),
        to: new Date('2025-05-04Z'),
      })
    ).items;
    expect(list).toEqual([expect.objectContaining({ title: 'Trip', startDate: '2025-05-01', endDate: '2025-05-03' })]);
  });

  it('refuses ranges longer than 400 days with BAD_REQUEST', async () => {
    const from = new Date('2025-01-01Z');
    const error = await expectCode(
      owner.client.calendar.events.list.query({ from, to: new Date(from.getTime() + 401 * DAY) }),
      'BAD_REQUEST',
    );
    expect(String(error)).toMatch(/at most 400 days/);
  });

  it("keeps other users' events out of sight", async () => {
    const mine = await owner.client.calendar.events.create.mutate({
      title: 'Private',
      start: new Date('2025-06-01T10:00:00Z'),
      end: new Date('2025-06-01T11:00:00Z'),
    });
    const range = { from: new Date('2025-06-01Z'), to: new Date('2025-06-02Z') };
    expect((await other.client.calendar.events.list.query(range)).items).toEqual([]);
    await expectCode(other.client.calendar.events.get.query({ id: mine.id }), 'NOT_FOUND');
    await expectCode(other.client.calendar.events.update.mutate({ id: mine.id, title: 'Mine now' }), 'NOT_FOUND');
    await expectCode(other.client.calendar.events.delete.mutate({ id: mine.id }), 'NOT_FOUND');
    expect((await owner.client.calendar.events.get.query({ id: mine.id })).title).toBe('Private');
  });

  it('lets a read key list but not create', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'reader', scope: 'read' });
    const reader = keyClient(server, key);
    const list = (
      await reader.calendar.events.list.query({
        from: new Date('2025-06-01Z'),
        to: new Date('2025-06-02Z'),
      })
    ).items;
    expect(list.map((o) => o.title)).toEqual(['Private']);
    await expectCode(
      reader.calendar.events.create.mutate({ title: 'x', start: new Date(), end: new Date() }),
      'FORBIDDEN',
    );
    await expectCode(
      reader.calendar.importIcs.mutate({ ics: fixture('apple-ios-structured-location.ics') }),
      'FORBIDDEN',
    );
  });
});

describe('ICS import and export', () => {
  let importer: BrowserClient;
  beforeAll(async () => {
    importer = await createUser(server, {
      username: 'importer',
      email: 'importer@example.com',
      password: 'import all the things',
    });
  });

  it("counts changes of time or rule in SEQUENCE, and keeps an imported event's alarms through edits and backups", async () => {
    const seq = await createUser(server, {
      username: 'seq',
      email: 'seq@example.com',
      password: 'a long enough password',
    });
    const ics = readFileSync(
      new URL(
        '../../../../packages/core/src/calendar/fixtures/valarm/davx5-alarm-on-recurrence-override.ics',
        import.meta.url,
      ),
      'utf8',
    );
    await seq.client.calendar.importIcs.mutate({ ics });
    const doc = await seq.client.data.export.query();
    const series = doc.events.find((e) => e.rrule !== null);
    expect(series?.icsKept).toContain('BEGIN:VALARM');
    const id = series?.id as string;
    const sequence = async () => (await seq.client.calendar.events.get.query({ id })).sequence;
    const start = await sequence();
    await seq.client.calendar.events.update.mutate({ id, title: 'Renamed' });
    expect(await sequence()).toBe(start); // a title is not a change a client must re-sync for
    const event = await seq.client.calendar.events.get.query({ id });
    await seq.client.calendar.events.update.mutate({ id, start: new Date(event.start.getTime() + 3_600_000) });
    expect(await sequence()).toBe(start + 1);
    const first = (
      await seq.client.calendar.events.list.query({ from: new Date('2024-06-01Z'), to: new Date('2024-08-01Z') })
    ).items.find((o) => o.eventId === id);
    await seq.client.calendar.events.delete.mutate({
      id,
      scope: 'occurrence',
      occurrenceStart: first?.occurrenceStart as Date,
    });
    expect(await sequence()).toBe(start + 2);
    const exported = (await seq.client.calendar.exportIcs.query()).ics.replace(/\r\n[ \t]/g, '');
    expect(exported).toContain(`SEQUENCE:${start + 2}`);
    expect(exported).toContain('BEGIN:VALARM');
    // The JSON backup carries both.
    const again = (await seq.client.data.export.query()).events.find((e) => e.id === id);
    expect(again).toMatchObject({ sequence: start + 2, icsKept: series?.icsKept });
  });

  it('refuses a series with more exceptions than it can keep, and its overrides, instead of cutting them', async () => {
    const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n, 9)).toISOString().replace(/[-:]|\.\d{3}/g, '');
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:many-exceptions@lifeos.test',
      'SUMMARY:Daily with many exceptions',
      `DTSTART:${day(0)}`,
      'RRULE:FREQ=DAILY;COUNT=2000',
      ...Array.from({ length: 1_001 }, (_, i) => `EXDATE:${day(i + 1)}`),
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:many-exceptions@lifeos.test',
      `RECURRENCE-ID:${day(1500)}`,
      'SUMMARY:Moved',
      `DTSTART:${day(1501)}`,
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const report = await importer.client.calendar.importIcs.mutate({ ics });
    expect(report).toMatchObject({ imported: 0 });
    expect(report.skipped.map((s) => s.reason)).toEqual([
      'More than 1000 exceptions (EXDATE and cancelled occurrences)',
      'Its series could not be imported',
    ]);
  });

  it('keeps extra dates (RDATE) through edits, the JSON export and its import', async () => {
    const ics = readFileSync(new URL('../../test/ics-cases/rdate.ics', import.meta.url), 'utf8');
    const rdates = await createUser(server, {
      username: 'rdates',
      email: 'rdates@example.com',
      password: 'a long enough password',
    });
    expect(await rdates.client.calendar.importIcs.mutate({ ics })).toMatchObject({ imported: 3, skipped: [] });
    const range = { from: new Date('2024-03-01Z'), to: new Date('2024-06-01Z') };
    const starts = async (client = rdates.client) =>
      (await client.calendar.events.list.query(range)).items
        .filter((o) => o.title === 'Three dates and no rule')
        .map((o) => o.start.toISOString());
    expect(await starts()).toEqual([
      '2024-03-05T17:00:00.000Z',
      '2024-04-02T16:00:00.000Z',
      '2024-05-07T16:00:00.000Z',
    ]);
    const period = (await rdates.client.calendar.events.list.query(range)).items.find(
      (o) => o.start.toISOString() === '2024-03-16T17:00:00.000Z',
    );
    expect(period?.end).toEqual(new Date('2024-03-16T21:00:00Z')); // the PERIOD's own end

    // One extra date deleted: an exception, as for the rule's dates.
    const series = (await rdates.client.calendar.events.list.query(range)).items.find(
      (o) => o.title === 'Three dates and no rule',
    );
    await rdates.client.calendar.events.delete.mutate({
      id: series?.eventId as string,
      scope: 'occurrence',
      occurrenceStart: new Date('2024-04-02T16:00:00Z'),
    });
    expect(await starts()).toEqual(['2024-03-05T17:00:00.000Z', '2024-05-07T16:00:00.000Z']);

    // The JSON export carries them; importing it into another account gives the same occurrences.
    const doc = await rdates.client.data.export.query();
    const exported = doc.events.find((e) => e.icsUid === 'rdate-period@lifeos.test');
    expect(exported?.rdates).toEqual(['2024-03-16T17:00:00.000Z', '2024-03-30T14:00:00.000Z']);
    expect(exported?.rdateEnds).toEqual(['2024-03-16T21:00:00.000Z', '2024-03-30T16:00:00.000Z']);
    const copy = await createUser(server, {
      username: 'rdates2',
      email: 'rdates2@example.com',
      password: 'a long enough password',
    });
    await copy.client.data.import.mutate({ data: doc, mode: 'replace' });
    const all = async (client: typeof copy.client) =>
      (await client.calendar.events.list.query(range)).items.map(
        (o) => `${o.title} ${o.start.toISOString()} ${o.end.toISOString()}`,
      );
    expect(await all(copy.client)).toEqual(await all(rdates.client));

    // "This and following" splits the extra dates with the rule: each part keeps its own.
    const weekly = (await rdates.client.calendar.events.list.query(range)).items.find(
      (o) => o.title === 'Weekly with a long extra session',
    );
    await rdates.client.calendar.events.update.mutate({
      id: weekly?.eventId as string,
      scope: 'following',
      occurrenceStart: new Date('2024-03-20T13:00:00Z'),
      title: 'Weekly, renamed',
    });
    const after = (await rdates.client.data.export.query()).events.filter((e) => e.title.startsWith('Weekly'));
    expect(after.map((e) => [e.title, e.rdates ?? []])).toEqual([
      ['Weekly with a long extra session', ['2024-03-16T17:00:00.000Z']],
      ['Weekly, renamed', ['2024-03-30T14:00:00.000Z']],
    ]);
    expect((await all(rdates.client)).filter((o) => o.startsWith('Weekly'))).toEqual([
      'Weekly with a long extra session 2024-03-06T14:00:00.000Z 2024-03-06T15:00:00.000Z',
      'Weekly with a long extra session 2024-03-13T13:00:00.000Z 2024-03-13T14:00:00.000Z',
      'Weekly with a long extra session 2024-03-16T17:00:00.000Z 2024-03-16T21:00:00.000Z',
      'Weekly, renamed 2024-03-20T13:00:00.000Z 2024-03-20T14:00:00.000Z',
      'Weekly, renamed 2024-03-27T13:00:00.000Z 2024-03-27T14:00:00.000Z',
      'Weekly, renamed 2024-03-30T14:00:00.000Z 2024-03-30T16:00:00.000Z',
    ]);
  });

  it('imports a THISANDFUTURE override as a split series, and a second import finds it again', async () => {
    const ics = readFileSync(new URL('../../test/ics-cases/thisandfuture.ics', import.meta.url), 'utf8');
    const first = await importer.client.calendar.importIcs.mutate({ ics });
    expect(first).toMatchObject({ imported: 4, updated: 0, unchanged: 0, skipped: [] });
    const again = await importer.client.calendar.importIcs.mutate({ ics });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 4, skipped: [] });
    const february = (
      await importer.client.calendar.events.list.query({ from: new Date('2024-02-01Z'), to: new Date('2024-03-01Z') })
    ).items.filter((o) => o.title.startsWith('Weekly review'));
    expect(february.map((o) => [o.title, berlinTime(o.start)])).toEqual([
      ['Weekly review (new time)', '14:30'],
      ['Weekly review (new time)', '14:30'],
      ['Weekly review (new time)', '14:30'],
    ]);
  });

  it('imports Google (TZID with DST, overrides) and is idempotent by UID', async () => {
    const ics = fixture('google-public-calendar-berlin.ics');
    const first = await importer.client.calendar.importIcs.mutate({ ics });
    expect(first).toMatchObject({ imported: 64, updated: 0, unchanged: 0, skipped: [] });
    const again = await importer.client.calendar.importIcs.mutate({ ics });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 64, skipped: [] });
    const march = (
      await importer.client.calendar.events.list.query({
        from: new Date('2019-01-01Z'),
        to: new Date('2019-12-31Z'),
      })
    ).items;
    const weekly = march.filter((o) => o.title === march.find((x) => x.rrule?.includes('COUNT=6'))?.title);
    expect(weekly.length).toBeGreaterThan(0);
    expect(new Set(weekly.filter((o) => !o.detached).map((o) => berlinTime(o.start)))).toEqual(new Set(['14:00']));
    expect(march.some((o) => o.detached)).toBe(true);
  });

  it('imports Outlook (Windows zone names), Apple, and malformed files with a report', async () => {
    const outlook = await importer.client.calendar.importIcs.mutate({
      ics: fixture('outlook-exchange-windows-tzid.ics'),
    });
    expect(outlook).toMatchObject({ imported: 3, skipped: [] });
    const october = (
      await importer.client.calendar.events.list.query({
        from: new Date('2024-10-04Z'),
        to: new Date('2024-10-05Z'),
      })
    ).items;
    // (The Google calendar imported above has a weekly series that never ends, on Fridays.)
    expect(october.filter((o) => o.title !== 'Montessori Schulklasse')).toEqual([
      expect.objectContaining({
        title: 'outlook event with alarm',
        timezone: 'Europe/London',
        start: new Date('2024-10-04T17:30:00Z'),
      }),
    ]);

    const many = await importer.client.calendar.importIcs.mutate({
      ics: fixture('outlook-exchange-many-windows-timezones.ics'),
    });
    expect(many.imported).toBe(3);
    expect(many.skipped).toEqual([
      expect.objectContaining({
        summary: "Log Yesterday's Jira time",
        reason: expect.stringMatching(/^Malformed event/),
      }),
    ]);

    const apple = await importer.client.calendar.importIcs.mutate({
      ics: fixture('apple-ios-structured-location.ics'),
    });
    expect(apple).toMatchObject({ imported: 1, skipped: [] });

    const mixed = await importer.client.calendar.importIcs.mutate({
      ics: fixture('apple-ical-mixed-monthly-bysetpos-malformed.ics'),
    });
    expect(mixed.imported).toBe(16);
    expect(mixed.skipped).toHaveLength(1);

    const badRrule = await importer.client.calendar.importIcs.mutate({
      ics: fixture('google-busycal-invalid-rrule.ics'),
    });
    expect(badRrule).toMatchObject({ imported: 2 });
    expect(badRrule.skipped).toEqual([
      expect.objectContaining({
        summary: 'Academic Time',
        reason: 'Invalid recurrence rule in line "RRULE:RRULE:AnythingRandom;FREQ=WEEKLY;BYDAY=FR,MO,TH,TU,WE"',
      }),
    ]);

    const semicolons = await importer.client.calendar.importIcs.mutate({
      ics: fixture('malformed-double-semicolon.ics'),
    });
    expect(semicolons).toMatchObject({ imported: 1, skipped: [] });

    await expectCode(importer.client.calendar.importIcs.mutate({ ics: 'not a calendar' }), 'BAD_REQUEST');
    await expectCode(importer.client.calendar.importIcs.mutate({ ics: 'x'.repeat(1_000_001) }), 'BAD_REQUEST').catch(
      // Past the 1 MiB body limit the transport refuses it before zod does.
      (error: unknown) => expect(String(error)).toMatch(/PAYLOAD_TOO_LARGE|413/),
    );
  });

  it('updates an event when a re-imported file changed it', async () => {
    const ics = fixture('apple-ios-structured-location.ics').replace(/SUMMARY:[^\r\n]*/, 'SUMMARY:Renamed');
    const report = await importer.client.calendar.importIcs.mutate({ ics });
    expect(report).toMatchObject({ imported: 0, updated: 1, unchanged: 0 });
  });

  it('exports a calendar that re-imports to the same events', async () => {
    const exported = await importer.client.calendar.exportIcs.query();
    expect(exported.ics.startsWith('BEGIN:VCALENDAR')).toBe(true);
    const copy = await createUser(server, {
      username: 'copy',
      email: 'copy@example.com',
      password: 'a copy of a calendar',
    });
    const report = await copy.client.calendar.importIcs.mutate({ ics: exported.ics });
    expect(report.skipped).toEqual([]);
    expect(report.updated + report.unchanged).toBe(0);
    for (const range of [
      { from: new Date('2019-01-01Z'), to: new Date('2020-01-01Z') },
      { from: new Date('2002-06-01Z'), to: new Date('2003-06-01Z') },
      { from: new Date('2024-06-01Z'), to: new Date('2025-06-01Z') },
    ]) {
      const strip = (list: { eventId: string; seriesId: string | null }[]) =>
        list.map(({ eventId: _e, seriesId: _s, ...rest }) => rest);
      const original = await completeOccurrences(importer.client, range);
      expect(original.length).toBeGreaterThan(0);
      expect(strip(await completeOccurrences(copy.client, range))).toEqual(strip(original));
    }
    // And the copy's export imports into itself as unchanged.
    const again = await copy.client.calendar.importIcs.mutate({
      ics: (await copy.client.calendar.exportIcs.query()).ics,
    });
    expect(again).toMatchObject({ imported: 0, updated: 0 });
  });
});
