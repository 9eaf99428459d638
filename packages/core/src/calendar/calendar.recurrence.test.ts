import { TZDate } from '@date-fns/tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { fromFloating, localMidnight, toFloating } from './calendar.floating-time.js';
import { expandOccurrences } from './calendar.recurrence.js';
import { type ExpandableEvent, expandWithoutFastForward, isOccurrenceStart, seriesEnd } from './calendar.series.js';

const base: ExpandableEvent = {
  id: '00000000-0000-4000-8000-000000000001',
  title: 'Standup',
  description: null,
  location: null,
  allDay: false,
  startsAt: new Date('2024-03-18T08:00:00Z'), // Monday 09:00 in Berlin (CET)
  endsAt: new Date('2024-03-18T08:30:00Z'),
  timezone: 'Europe/Berlin',
  rrule: 'FREQ=WEEKLY',
  exdates: [],
  recurrenceId: null,
  seriesId: null,
};
const event = (over: Partial<ExpandableEvent>): ExpandableEvent => ({ ...base, ...over });
const berlinTime = (d: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(d);
const iso = (list: { start: Date }[]) => list.map((o) => o.start.toISOString());

describe('expandOccurrences', () => {
  it('keeps a weekly 09:00 Europe/Berlin event at 09:00 local across the spring DST change', () => {
    const list = expandOccurrences([base], new Date('2024-03-01T00:00:00Z'), new Date('2024-04-16T00:00:00Z')).items;
    expect(iso(list)).toEqual([
      '2024-03-18T08:00:00.000Z',
      '2024-03-25T08:00:00.000Z',
      '2024-04-01T07:00:00.000Z', // CEST from 31 March
      '2024-04-08T07:00:00.000Z',
      '2024-04-15T07:00:00.000Z',
    ]);
    expect(new Set(list.map((o) => berlinTime(o.start)))).toEqual(new Set(['09:00']));
    expect(list.every((o) => o.end.getTime() - o.start.getTime() === 30 * 60_000)).toBe(true);
    expect(list[0]).toMatchObject({ eventId: base.id, seriesId: base.id, detached: false });
    expect(list[2]?.occurrenceStart?.toISOString()).toBe('2024-04-01T07:00:00.000Z');
  });

  it('and across the autumn change in New York', () => {
    const ny = event({
      startsAt: new Date('2024-10-28T13:30:00Z'), // 09:30 EDT
      endsAt: new Date('2024-10-28T14:30:00Z'),
      timezone: 'America/New_York',
      rrule: 'FREQ=DAILY;COUNT=10',
    });
    const list = expandOccurrences([ny], new Date('2024-10-01T00:00:00Z'), new Date('2024-12-01T00:00:00Z')).items;
    expect(list).toHaveLength(10);
    const local = list.map((o) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' }).format(
        o.start,
      ),
    );
    expect(new Set(local)).toEqual(new Set(['09:30']));
    expect(list.at(-1)?.start.toISOString()).toBe('2024-11-06T14:30:00.000Z'); // EST
  });

  it('leaves out exception dates and stops at COUNT and UNTIL', () => {
    const withExdate = event({ exdates: [new Date('2024-03-25T08:00:00Z')], rrule: 'FREQ=WEEKLY;COUNT=3' });
    expect(iso(expandOccurrences([withExdate], new Date('2024-03-01Z'), new Date('2024-06-01Z')).items)).toEqual([
      '2024-03-18T08:00:00.000Z',
      '2024-04-01T07:00:00.000Z',
    ]);
    // UNTIL is an instant (UTC): the 09:00 CEST occurrence on 8 April starts at 07:00Z, inside it.
    const until = event({ rrule: 'FREQ=WEEKLY;UNTIL=20240408T070000Z' });
    expect(expandOccurrences([until], new Date('2024-03-01Z'), new Date('2024-06-01Z')).items).toHaveLength(4);
  });

  it('expands monthly rules by weekday position (second Tuesday, last Friday)', () => {
    const second = event({
      startsAt: new Date('2024-01-09T17:00:00Z'),
      endsAt: new Date('2024-01-09T18:00:00Z'),
      rrule: 'FREQ=MONTHLY;BYDAY=2TU',
    });
    const days = expandOccurrences([second], new Date('2024-01-01Z'), new Date('2024-06-01Z')).items.map((o) =>
      o.start.toISOString().slice(0, 10),
    );
    expect(days).toEqual(['2024-01-09', '2024-02-13', '2024-03-12', '2024-04-09', '2024-05-14']);
    const last = event({
      startsAt: new Date('2024-01-26T17:00:00Z'),
      endsAt: new Date('2024-01-26T18:00:00Z'),
      rrule: 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=3',
    });
    expect(
      expandOccurrences([last], new Date('2024-01-01Z'), new Date('2024-06-01Z')).items.map((o) =>
        o.start.toISOString().slice(0, 10),
      ),
    ).toEqual(['2024-01-26', '2024-02-23', '2024-03-29']);
  });

  it('gives all-day events their dates, matched against the range in the viewer zone', () => {
    const holiday = event({
      allDay: true,
      startsAt: new Date('2024-07-01T00:00:00Z'),
      endsAt: new Date('2024-07-03T00:00:00Z'),
      timezone: 'UTC',
      rrule: 'FREQ=YEARLY;COUNT=3',
    });
    const list = expandOccurrences([holiday], new Date('2024-06-01Z'), new Date('2025-07-05Z')).items;
    expect(list.map((o) => [o.startDate, o.endDate])).toEqual([
      ['2024-07-01', '2024-07-02'],
      ['2025-07-01', '2025-07-02'],
    ]);
    expect(list[0]).toMatchObject({ allDay: true, start: new Date('2024-07-01Z'), end: new Date('2024-07-03Z') });
    // The day after in Tokyo starts at 15:00Z: a range from then does not hold 1–2 July any more.
    const tokyoFrom = new Date('2024-07-02T15:00:00Z');
    expect(
      expandOccurrences([holiday], tokyoFrom, new Date('2024-07-10Z'), { viewerTimezone: 'Asia/Tokyo' }).items,
    ).toEqual([]);
    expect(
      expandOccurrences([holiday], tokyoFrom, new Date('2024-07-10Z'), { viewerTimezone: 'UTC' }).items,
    ).toHaveLength(1);
  });

  it('lets a detached occurrence replace the one it was moved from, even when moved out of the range', () => {
    const moved = event({
      id: '00000000-0000-4000-8000-000000000002',
      rrule: null,
      title: 'Standup (moved)',
      startsAt: new Date('2024-06-01T10:00:00Z'),
      endsAt: new Date('2024-06-01T10:30:00Z'),
      recurrenceId: new Date('2024-03-25T08:00:00Z'),
      seriesId: base.id,
    });
    const march = expandOccurrences([base, moved], new Date('2024-03-18Z'), new Date('2024-04-01Z')).items;
    expect(iso(march)).toEqual(['2024-03-18T08:00:00.000Z']);
    const june = expandOccurrences([base, moved], new Date('2024-06-01Z'), new Date('2024-06-02Z')).items;
    expect(june).toEqual([expect.objectContaining({ title: 'Standup (moved)', detached: true, seriesId: base.id })]);
  });

  it('sorts occurrences of many events by start', () => {
    const other = event({
      id: '00000000-0000-4000-8000-000000000003',
      startsAt: new Date('2024-03-18T07:00:00Z'),
      endsAt: new Date('2024-03-18T07:10:00Z'),
      rrule: 'FREQ=DAILY',
    });
    const list = expandOccurrences([base, other], new Date('2024-03-18Z'), new Date('2024-03-25Z')).items;
    const starts = list.map((o) => o.start.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(list).toHaveLength(8);
  });

  it('refuses ranges over 400 days and empty ones', () => {
    expect(() => expandOccurrences([base], new Date('2024-01-01Z'), new Date('2025-02-05Z'))).toThrow(ValidationError);
    expect(() => expandOccurrences([base], new Date('2024-01-01Z'), new Date('2024-01-01Z'))).toThrow(ValidationError);
    expect(expandOccurrences([base], new Date('2024-01-01Z'), new Date('2025-02-04Z')).items.length).toBeGreaterThan(
      40,
    );
  });

  it('caps an hourly series in a long range', () => {
    const hourly = event({ rrule: 'FREQ=HOURLY' });
    expect(
      expandOccurrences([hourly], new Date('2024-03-18Z'), new Date('2025-03-18Z'), { maxPerSeries: 100 }).items,
    ).toHaveLength(100);
  });
});

describe('floating time and series helpers', () => {
  it('toFloating and fromFloating round-trip every instant to the same wall-clock time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true }),
        fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'),
        (instant, zone) => {
          const wall = toFloating(instant, zone);
          const back = fromFloating(wall, zone);
          // The hour repeated in autumn has two instants; either one shows the same wall-clock time.
          expect(toFloating(back, zone)).toEqual(wall);
          expect(Math.abs(back.getTime() - instant.getTime())).toBeLessThanOrEqual(60 * 60_000);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('knows which starts are occurrences, and when a series ends', () => {
    expect(isOccurrenceStart(base, new Date('2024-04-01T07:00:00Z'))).toBe(true);
    expect(isOccurrenceStart(base, new Date('2024-04-01T08:00:00Z'))).toBe(false);
    expect(seriesEnd(base)).toBeNull();
    const counted = event({ rrule: 'FREQ=WEEKLY;COUNT=3' });
    expect(seriesEnd(counted)?.getTime()).toBeGreaterThanOrEqual(new Date('2024-04-01T07:30:00Z').getTime());
    expect(seriesEnd(event({ rrule: null }))).toEqual(base.endsAt);
  });
});

describe('starting a long series near the range (fastForward)', () => {
  const rules = [
    'FREQ=DAILY',
    'FREQ=DAILY;INTERVAL=3',
    'FREQ=WEEKLY',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH',
    'FREQ=WEEKLY;BYDAY=SU,WE;WKST=SU',
    'FREQ=WEEKLY;INTERVAL=3;BYDAY=FR;UNTIL=20300101T000000Z',
    'FREQ=MONTHLY;BYMONTHDAY=1,15,31',
    'FREQ=MONTHLY;INTERVAL=3',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    'FREQ=YEARLY',
    'FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29',
    'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO',
    'FREQ=WEEKLY;COUNT=400',
  ];
  it('gives exactly the occurrences of walking from the first one, for any start, rule, zone and range, and the same again from memory', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...rules),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 5_000 }), // the range starts this many days after the series
        fc.integer({ min: 1, max: 60 }), // and spans this many days
        fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC'),
        fc.boolean(),
        (rrule, start, offsetDays, spanDays, timezone, allDay) => {
          const startsAt = allDay ? new Date(`${start.toISOString().slice(0, 10)}T00:00:00Z`) : start;
          const series = event({
            rrule,
            allDay,
            startsAt,
            endsAt: new Date(startsAt.getTime() + (allDay ? 86_400_000 : 45 * 60_000)),
            timezone: allDay ? 'UTC' : timezone,
          });
          const from = new Date(startsAt.getTime() + offsetDays * 86_400_000);
          const to = new Date(from.getTime() + spanDays * 86_400_000);
          const fast = expandOccurrences([series], from, to, { viewerTimezone: timezone }).items;
          const walked = expandWithoutFastForward(
            () => expandOccurrences([series], from, to, { viewerTimezone: timezone }).items,
          );
          expect(iso(fast)).toEqual(iso(walked));
          // The second time the starts come from memory; what a caller did to the first answer does not leak in.
          for (const occurrence of fast) occurrence.start.setTime(0);
          const remembered = expandOccurrences([series], from, to, { viewerTimezone: timezone }).items;
          expect(iso(remembered)).toEqual(iso(walked));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('zone conversions (an offset per uniform day, TZDate around changes)', () => {
  // Half-hour and 45-minute offsets, 30-minute DST (Lord Howe), changes at 00:01 (St John's until 2011) and Morocco's
  // Ramadan suspensions, beside the usual ones.
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'Africa/Casablanca',
    'Pacific/Apia',
    'UTC',
  ];
  const instant = fc.date({ min: new Date('1965-01-01'), max: new Date('2060-01-01'), noInvalidDate: true });
  // Near the changes, where a wrong answer would show: minutes around 00:00–04:00 local on change days.
  const nearChanges = fc
    .tuple(fc.integer({ min: 1970, max: 2040 }), fc.constantFrom(2, 3, 4, 9, 10, 11), fc.integer({ min: 1, max: 31 }))
    .chain(([year, month, day]) =>
      fc
        .integer({ min: -6 * 60, max: 30 * 60 })
        .map((minutes) => new Date(Date.UTC(year, month, Math.min(day, 28)) + minutes * 60_000)),
    );

  const viaTZDate = {
    toFloating(at: Date, zone: string) {
      const l = new TZDate(at.getTime(), zone);
      return Date.UTC(
        l.getFullYear(),
        l.getMonth(),
        l.getDate(),
        l.getHours(),
        l.getMinutes(),
        l.getSeconds(),
        l.getMilliseconds(),
      );
    },
    fromFloating(f: Date, zone: string) {
      return new TZDate(
        f.getUTCFullYear(),
        f.getUTCMonth(),
        f.getUTCDate(),
        f.getUTCHours(),
        f.getUTCMinutes(),
        f.getUTCSeconds(),
        f.getUTCMilliseconds(),
        zone,
      ).getTime();
    },
  };

  it('gives what TZDate gives, at any instant and around every change', () => {
    fc.assert(
      fc.property(fc.oneof(instant, nearChanges), fc.constantFrom(...zones), (at, zone) => {
        expect(toFloating(at, zone).getTime()).toBe(viaTZDate.toFloating(at, zone));
        expect(fromFloating(at, zone).getTime()).toBe(viaTZDate.fromFloating(at, zone));
        const date = at.toISOString().slice(0, 10);
        expect(localMidnight(date, zone).getTime()).toBe(viaTZDate.fromFloating(new Date(`${date}T00:00:00Z`), zone));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers an impossible date as TZDate does', () => {
    expect(Number.isNaN(localMidnight('2026-02-30x', 'Europe/Berlin').getTime())).toBe(true);
  });
});
