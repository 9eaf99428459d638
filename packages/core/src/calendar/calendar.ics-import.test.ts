import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { buildIcs } from './calendar.ics-export.js';
import { type ParsedEvent, parseIcs } from './calendar.ics-import.js';
import { expandOccurrences } from './calendar.recurrence.js';
import { resolveTimezone } from './calendar.timezones.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const parse = (name: string, defaultTimezone = 'UTC') => parseIcs(fixture(name), { defaultTimezone });
const byUid = (events: ParsedEvent[], uid: string) => events.filter((e) => e.icsUid === uid);

describe('parseIcs on files from real calendar software', () => {
  it('Google public calendar: TZID Europe/Berlin with DST, overrides, all-day, escaped text', () => {
    const { events, skipped, warnings } = parse('google-public-calendar-berlin.ics');
    expect(skipped).toEqual([]);
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(64);
    expect(events.filter((e) => e.recurrenceId)).toHaveLength(6);
    expect(events.filter((e) => e.allDay).length).toBeGreaterThan(0);
    const [weekly] = byUid(events, '37jkbgv9regint2hqhlmd9risn@google.com');
    expect(weekly).toMatchObject({
      timezone: 'Europe/Berlin',
      startsAt: new Date('2019-03-04T13:00:00Z'), // 14:00 CET
      rrule: 'FREQ=WEEKLY;WKST=SU;COUNT=6;BYDAY=MO,TU,WE',
    });
    // After the change to CEST on 31 March the series stays at 14:00 local, 12:00 UTC.
    const april = expandOccurrences(
      [{ ...(weekly as ParsedEvent), id: 'x', seriesId: null }],
      new Date('2019-03-01Z'),
      new Date('2019-05-01Z'),
    ).items;
    expect(april).toHaveLength(6);
    expect(april.map((o) => o.start.toISOString().slice(11, 16))).toEqual([
      '13:00',
      '13:00',
      '13:00',
      '13:00',
      '13:00',
      '13:00',
    ]);
    expect(events.some((e) => e.location?.includes(','))).toBe(true); // \\, unescaped
  });

  it('Outlook/Exchange: a Windows zone name, an all-day bi-weekly series with UNTIL and an EXDATE', () => {
    const { events, skipped } = parse('outlook-exchange-windows-tzid.ics');
    expect(skipped).toEqual([]);
    expect(events).toHaveLength(3);
    const timed = events.find((e) => e.title === 'outlook event with alarm');
    expect(timed).toMatchObject({
      timezone: 'Europe/London',
      startsAt: new Date('2024-10-04T17:30:00Z'),
      location: null,
    });
    const [series] = byUid(events, '111');
    expect(series).toMatchObject({ allDay: true, startsAt: new Date('2024-07-01Z'), endsAt: new Date('2024-07-08Z') });
    expect(series?.exdates).toEqual([new Date('2024-07-15Z')]);
    const occurrences = expandOccurrences(
      [{ ...(series as ParsedEvent), id: 'x', seriesId: null }],
      new Date('2024-06-01Z'),
      new Date('2024-09-01Z'),
    ).items;
    // 15 July excluded; UNTIL=20240728T230000Z is Exchange's local midnight of 29 July, the last day (as rie reads it)
    expect(occurrences.map((o) => o.startDate)).toEqual(['2024-07-01', '2024-07-29']);
    expect(series?.rrule).toContain('UNTIL=20240729;');
  });

  it('Outlook with many Windows zones: maps them, skips the event whose DTSTART swallowed its value', () => {
    const { events, skipped } = parse('outlook-exchange-many-windows-timezones.ics');
    expect(events.map((e) => e.timezone).sort()).toEqual([
      'America/Los_Angeles',
      'America/Los_Angeles',
      'Europe/Berlin',
    ]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.reason).toMatch(/Malformed event: .*DTSTART;TZID="W\. Europe Standard Time:20200609T090000"/);
    expect(skipped[0]?.summary).toBe("Log Yesterday's Jira time");
  });

  it('Apple iOS: zone with DST, escaped semicolon and non-ASCII in LOCATION', () => {
    const { events, skipped } = parse('apple-ios-structured-location.ics');
    expect(skipped).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]?.timezone).toBe('Europe/Vienna');
    expect(events[0]?.location).toContain('Hauptstraße 1-5; 4041 Linz');
  });

  it('Apple iCal (malformed): imports what it can read, reports the rest with reasons', () => {
    const { events, skipped } = parse('apple-ical-mixed-monthly-bysetpos-malformed.ics');
    // The holidays "since 1753" are imported: their occurrences from 1900 on are what the calendar shows.
    expect(events).toHaveLength(16);
    expect(skipped.map((s) => s.reason)).toEqual(['Unreadable date in line "DTEND;VALUE=DATE-TIME:20031114T18300"']);
    // US/Pacific (no VTIMEZONE) is an alias; the Evolution-style prefixed TZID resolves too; all-day events are UTC.
    expect(new Set(events.map((e) => e.timezone))).toEqual(
      new Set(['America/Los_Angeles', 'America/New_York', 'America/Chicago', 'UTC']),
    );
    expect(events.find((e) => e.rrule?.includes('BYSETPOS=3'))).toBeDefined();
    // Overrides without SUMMARY keep their series' title.
    expect(events.filter((e) => e.recurrenceId).every((e) => e.title !== '(no title)')).toBe(true);
  });

  it('Google with an invalid RRULE: skips that event, keeps the others (X- parameter, zone without VTIMEZONE)', () => {
    const { events, skipped } = parse('google-busycal-invalid-rrule.ics');
    expect(events.map((e) => e.title).sort()).toEqual(['Brain Break', 'Invalid RRULE property']);
    expect(skipped).toEqual([
      {
        uid: '11le1ep09hvog7dbotn6foj38e@google.com',
        summary: 'Academic Time',
        reason: 'Invalid recurrence rule in line "RRULE:RRULE:AnythingRandom;FREQ=WEEKLY;BYDAY=FR,MO,TH,TU,WE"',
      },
    ]);
    const budapest = events.find((e) => e.timezone === 'Europe/Budapest');
    expect(budapest?.exdates).toHaveLength(10);
  });

  it('Google birthdays, Thunderbird, Zimbra, Nextcloud and a minimal file', () => {
    const birthdays = parse('google-birthdays-all-day-overrides.ics');
    expect(birthdays.events).toHaveLength(4);
    expect(birthdays.events.filter((e) => e.recurrenceId)).toHaveLength(3);
    // `RDATE:20131210Z` is a DATE with a UTC mark, no RFC 5545 value: left out as libical does, and said.
    expect(birthdays.warnings).toEqual([
      `"PErson #2's birthday": line "RDATE:20131210Z" holds a date with a time-zone mark, which was left out`,
      `"PErson #2's birthday": line "RDATE:20121210Z" holds a date with a time-zone mark, which was left out`,
    ]);
    const thunderbird = parse('thunderbird-moved-occurrences.ics');
    expect(thunderbird.events.filter((e) => e.recurrenceId)).toHaveLength(3);
    const zimbra = parse('zimbra-recurrence-overrides.ics');
    expect(zimbra.events[0]).toMatchObject({
      timezone: 'America/Los_Angeles',
      rrule: 'FREQ=MONTHLY;INTERVAL=1;BYDAY=1TU',
    });
    // RDATE as a UTC date-time, a PERIOD (with its own end) and zoned date-times, in a list and on two lines.
    expect(
      zimbra.events[0]?.rdates.map((d, i) => [d.toISOString(), zimbra.events[0]?.rdateEnds[i]?.toISOString() ?? null]),
    ).toEqual([
      ['2012-11-05T18:00:00.000Z', null],
      ['2012-11-10T18:00:00.000Z', null],
      ['2012-11-30T18:00:00.000Z', null],
      ['2023-11-23T09:00:00.000Z', null],
      ['2023-11-25T09:00:00.000Z', '2023-11-25T12:30:00.000Z'],
    ]);
    expect(parse('nextcloud-yearly-all-day-alarms.ics').events[0]).toMatchObject({
      allDay: true,
      rrule: 'FREQ=YEARLY',
    });
    const minimal = parse('rdate-exdate-daily-count.ics').events[0];
    expect(minimal?.rrule).toBe('FREQ=DAILY;INTERVAL=1;COUNT=4');
    // EXDATE given as a DATE against a DATE-TIME start: the occurrence on that day.
    expect(minimal?.exdates.map((d) => d.toISOString())).toEqual(['2024-06-11T03:00:00.000Z']);
  });

  it('reads the double-semicolon DTSTART leniently, as a floating time in the default zone', () => {
    const { events, skipped } = parse('malformed-double-semicolon.ics', 'Europe/Berlin');
    expect(skipped).toEqual([]);
    expect(events[0]).toMatchObject({
      icsUid: 'abc',
      startsAt: new Date('2014-04-09T07:30:00Z'),
      timezone: 'Europe/Berlin',
    });
  });

  it('refuses text that is no calendar, and survives junk inside one', () => {
    expect(() => parseIcs('hello', { defaultTimezone: 'UTC' })).toThrow(ValidationError);
    const junk =
      'BEGIN:VCALENDAR\nBEGIN:VEVENT\n;;;\n:::\nEND:VEVENT\nBEGIN:VEVENT\nUID:ok\nDTSTART:20240101T100000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:open';
    const result = parseIcs(junk, { defaultTimezone: 'UTC' });
    expect(result.events.map((e) => e.icsUid)).toEqual(['ok']);
    expect(result.skipped).toHaveLength(2);
  });
});

describe('buildIcs', () => {
  it('re-imports every fixture to the same events', () => {
    for (const name of [
      'google-public-calendar-berlin.ics',
      'outlook-exchange-windows-tzid.ics',
      'thunderbird-moved-occurrences.ics',
      'apple-ical-mixed-monthly-bysetpos-malformed.ics',
    ]) {
      const first = parse(name).events;
      const now = new Date('2026-01-01Z');
      const ics = buildIcs(
        first.map((e) => ({ ...e, createdAt: now, updatedAt: now })),
        { name: 'Life OS' },
      );
      const again = parseIcs(ics, { defaultTimezone: 'UTC' });
      expect(again.skipped, name).toEqual([]);
      const strip = (e: ParsedEvent) => ({ ...e, sequence: 0, cancelled: false });
      expect(again.events.map(strip), name).toEqual(first.map(strip));
    }
  });
});

describe('parseIcs on odd lines and calendar-wide zones', () => {
  const calendar = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n');
  const event = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, ...lines, 'END:VEVENT'];

  it('reads an empty parameter (DTSTART;;) and says so, quoting the line', () => {
    const { events, warnings } = parse('malformed-double-semicolon.ics');
    expect(events).toHaveLength(1);
    expect(warnings).toEqual([
      expect.stringContaining('line "DTSTART;;VALUE=DATE-TIME:20140409T093000" has an empty parameter'),
    ]);
  });

  it('skips an event whose date has an unknown value type, quoting the line, and imports the rest', () => {
    const { events, skipped } = parseIcs(
      calendar(
        ...event('bad', 'SUMMARY:Odd', 'DTSTART;VALUE=MOMENT:20240101T090000Z'),
        ...event('good', 'SUMMARY:Fine', 'DTSTART:20240101T090000Z'),
      ),
      { defaultTimezone: 'UTC' },
    );
    expect(events.map((e) => e.icsUid)).toEqual(['good']);
    expect(skipped).toEqual([
      { uid: 'bad', summary: 'Odd', reason: 'Unknown value type in line "DTSTART;VALUE=MOMENT:20240101T090000Z"' },
    ]);
  });

  it("reads floating times in the calendar's X-WR-TIMEZONE, not the user's zone", () => {
    const ics = calendar(
      'X-WR-TIMEZONE:America/New_York',
      ...event('floating', 'SUMMARY:Standup', 'DTSTART:20240110T090000', 'DTEND:20240110T093000'),
      ...event('zoned', 'SUMMARY:Call', 'DTSTART;TZID=Europe/Berlin:20240110T090000'),
    );
    const { events } = parseIcs(ics, { defaultTimezone: 'Asia/Tokyo' });
    expect(events.find((e) => e.icsUid === 'floating')).toMatchObject({
      timezone: 'America/New_York',
      startsAt: new Date('2024-01-10T14:00:00Z'),
    });
    expect(events.find((e) => e.icsUid === 'zoned')?.startsAt).toEqual(new Date('2024-01-10T08:00:00Z'));
    // Without it (or with a zone nobody knows), floating times stay in the user's zone.
    const plain = parseIcs(ics.replace('America/New_York', 'Nowhere/Special'), { defaultTimezone: 'Asia/Tokyo' });
    expect(plain.events.find((e) => e.icsUid === 'floating')?.startsAt).toEqual(new Date('2024-01-10T00:00:00Z'));
  });

  it('keeps a series that started before 1900', () => {
    const { events, skipped } = parseIcs(
      calendar(...event('dst', 'SUMMARY:DST', 'DTSTART;VALUE=DATE:17530401', 'RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU')),
      { defaultTimezone: 'UTC' },
    );
    expect(skipped).toEqual([]);
    const page = expandOccurrences(
      events.map((e, i) => ({ ...e, id: String(i), seriesId: null })),
      new Date('2024-01-01Z'),
      new Date('2025-01-01Z'),
    );
    expect(page.items.map((o) => o.startDate)).toEqual(['2024-04-07']);
  });
});

describe('resolveTimezone', () => {
  it('maps Windows names, IANA aliases and prefixed Olson names', () => {
    expect(resolveTimezone('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(resolveTimezone('"Pacific Standard Time"')).toBe('America/Los_Angeles');
    expect(resolveTimezone('US/Eastern')).toBe('America/New_York');
    expect(resolveTimezone('/softwarestudio.org/Olson_20011030_5/America/Chicago')).toBe('America/Chicago');
    expect(resolveTimezone('Customized Time Zone')).toBeNull();
  });
});

describe('resolveTimezone on every Windows zone', () => {
  it("maps each of CLDR's Windows names to a zone the runtime knows", async () => {
    const { WINDOWS_TO_IANA_MAP } = await import('windows-iana');
    const names = [...new Set(WINDOWS_TO_IANA_MAP.map((entry) => entry.windowsName))];
    expect(names.length).toBeGreaterThan(130);
    const unresolved = names.filter((name) => resolveTimezone(name) === null);
    expect(unresolved).toEqual([]);
    expect(resolveTimezone('jordan standard time')).toBe('Asia/Amman');
    expect(resolveTimezone('Coordinated Universal Time')).toBe('UTC');
  });
});

describe('RECURRENCE-ID;RANGE=THISANDFUTURE', () => {
  const cases = (name: string) =>
    readFileSync(new URL(`../../../../apps/api/test/ics-cases/${name}`, import.meta.url), 'utf8');

  it('ends the series before the override and carries on as a new series with its changes', () => {
    const { events, skipped } = parseIcs(cases('thisandfuture.ics'), { defaultTimezone: 'UTC' });
    expect(skipped).toEqual([]);
    const head = events.find((e) => e.icsUid === 'moved-later@lifeos.test');
    const next = events.find((e) => e.icsUid === 'moved-later@lifeos.test_R20240205T080000Z');
    expect(head).toMatchObject({ title: 'Weekly review', rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4', exdates: [] });
    expect(next).toMatchObject({
      title: 'Weekly review (new time)',
      recurrenceId: null,
      startsAt: new Date('2024-02-05T13:30:00Z'),
      endsAt: new Date('2024-02-05T15:00:00Z'),
      timezone: 'Europe/Berlin',
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=6',
      // The exception of 19 February 09:00 moves with its occurrence.
      exdates: [new Date('2024-02-19T13:30:00Z')],
    });
    const renamed = events.find((e) => e.icsUid === 'renamed-daily@lifeos.test_R20240310T080000Z');
    expect(renamed).toMatchObject({ title: 'Stand-up (new room)', location: 'Room 4' });
    expect(events.find((e) => e.icsUid === 'renamed-daily@lifeos.test')?.rrule).toBe(
      'FREQ=DAILY;UNTIL=20240310T075959Z',
    );
    // Nothing is left of the overrides themselves.
    expect(events.filter((e) => e.recurrenceId)).toEqual([]);
  });

  it('moves later single overrides to the new series, by the same shift', () => {
    const ics = cases('thisandfuture.ics').replace(
      'END:VCALENDAR',
      [
        'BEGIN:VEVENT',
        'UID:moved-later@lifeos.test',
        'RECURRENCE-ID;TZID=Europe/Berlin:20240226T090000',
        'SUMMARY:Review with guests',
        'DTSTART;TZID=Europe/Berlin:20240226T170000',
        'DTEND;TZID=Europe/Berlin:20240226T180000',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
    const { events } = parseIcs(ics, { defaultTimezone: 'UTC' });
    const moved = events.filter((e) => e.recurrenceId);
    expect(moved).toEqual([
      expect.objectContaining({
        icsUid: 'moved-later@lifeos.test_R20240205T080000Z',
        recurrenceId: new Date('2024-02-26T13:30:00Z'), // 14:30 Berlin, the new series' time that day
        startsAt: new Date('2024-02-26T16:00:00Z'),
      }),
    ]);
  });

  it('writes the split series back as two series other clients read', () => {
    const first = parseIcs(cases('thisandfuture.ics'), { defaultTimezone: 'UTC' }).events;
    const now = new Date('2026-01-01Z');
    const ics = buildIcs(
      first.map((e) => ({ ...e, createdAt: now, updatedAt: now })),
      { name: 'Life OS' },
    );
    expect(ics).not.toContain('RANGE=THISANDFUTURE');
    const again = parseIcs(ics, { defaultTimezone: 'UTC' }).events;
    const strip = (e: ParsedEvent) => ({ ...e, sequence: 0 });
    expect(again.map(strip)).toEqual(first.map(strip));
  });
});

describe('what Life OS does not interpret is kept and written back', () => {
  const valarm = (name: string) => readFileSync(new URL(`./fixtures/valarm/${name}`, import.meta.url), 'utf8');
  const unfolded = (ics: string) => ics.replace(/\r?\n[ \t]/g, '');

  it('keeps alarms, attendees and X- properties as the file wrote them, and writes them back', () => {
    for (const name of [
      'google-calendar-four-alarms-email.ics',
      'apple-macos-default-audio-alarms.ics',
      'thunderbird-absolute-alarm-repeat.ics',
      'davx5-alarm-on-recurrence-override.ics',
    ]) {
      const source = unfolded(valarm(name));
      const { events } = parseIcs(source, { defaultTimezone: 'UTC' });
      const alarms = (source.match(/BEGIN:VALARM[\s\S]*?END:VALARM/g) ?? []).map((a) => a.replace(/\r\n/g, '\n'));
      expect(alarms.length, name).toBeGreaterThan(0);
      const kept = events.map((e) => (e.icsKept ?? '').replace(/\r\n/g, '\n')).join('\n');
      for (const alarm of alarms) expect(kept, name).toContain(alarm);
      // What Life OS reads itself is not kept twice (an alarm's own SUMMARY is the alarm's).
      expect(kept.replace(/BEGIN:VALARM[\s\S]*?END:VALARM/g, ''), name).not.toMatch(
        /^(UID|DTSTART|DTEND|SUMMARY|RRULE|EXDATE|SEQUENCE|DTSTAMP)[;:]/m,
      );
      const now = new Date('2026-01-01Z');
      const ics = unfolded(
        buildIcs(
          events.map((e) => ({ ...e, createdAt: now, updatedAt: now })),
          { name: 'Life OS' },
        ),
      );
      for (const alarm of alarms) expect(ics.replace(/\r\n/g, '\n'), name).toContain(alarm);
    }
    const google = parseIcs(valarm('google-calendar-four-alarms-email.ics'), { defaultTimezone: 'UTC' }).events[0];
    expect(google?.icsKept).toContain('ATTENDEE:mailto:niccokunzmann@googlemail.com');
    expect(google?.icsKept).toContain('ACTION:EMAIL');
  });

  it('keeps the SEQUENCE of the file', () => {
    const { events } = parseIcs(valarm('apple-macos-default-audio-alarms.ics'), { defaultTimezone: 'UTC' });
    expect(events.map((e) => e.sequence)).toEqual(
      [...unfolded(valarm('apple-macos-default-audio-alarms.ics')).matchAll(/^SEQUENCE:(\d+)/gm)].map((m) =>
        Number(m[1]),
      ),
    );
  });
});
