import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { expandOccurrences } from './calendar.recurrence.js';
import { occurrencesBetween, WALK_BUDGET, walkRule } from './calendar.rrule-engine.js';
import { RRule } from './calendar.rrule-lib.js';
import { parseRule, RuleSyntaxError } from './calendar.rrule-parse.js';
import { seriesEnd, seriesOccurrences, validateRecurrenceRule } from './calendar.series.js';

const DAY_MS = 86_400_000;
const timed = (startsAt: string, timezone = 'Europe/Berlin') => ({
  allDay: false,
  startsAt: new Date(startsAt),
  timezone,
});
/** Milliseconds `run` takes. */
const timeOf = (run: () => unknown) => {
  const started = performance.now();
  run();
  return performance.now() - started;
};
/**
 * The walk's wall-time budget plus room for a busy machine (two cores shared by several test runs, a GC pause); the
 * step budget, checked exactly, is what keeps a walk short on an idle one (5–25 ms).
 */
const SLACK_MS = WALK_BUDGET.maxMs + 450;

const HOSTILE = [
  // Never: 30 February.
  ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', '2025-01-06T08:00:00Z'],
  // Never: February of a year that is never a leap year has no fifth Monday.
  ['FREQ=MONTHLY;INTERVAL=48;BYDAY=5MO', '2025-02-03T08:00:00Z'],
  ['FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29', '2025-02-03T08:00:00Z'],
  ['FREQ=WEEKLY;BYDAY=MO;BYMONTHDAY=31;BYMONTH=4', '2025-01-06T08:00:00Z'],
  ['FREQ=YEARLY;BYWEEKNO=1;BYMONTH=7', '2025-01-06T08:00:00Z'],
  // dateutil's reading, kept: a plain weekday and a numbered one must both hold.
  ['FREQ=MONTHLY;BYDAY=MO,1TU', '2025-01-06T08:00:00Z'],
] as const;

describe('validateRecurrenceRule', () => {
  it.each(HOSTILE)('refuses %s quickly, naming it', (rrule, start) => {
    let error: unknown;
    const ms = timeOf(() => {
      try {
        validateRecurrenceRule(rrule, timed(start));
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(`"${rrule}"`);
    expect(ms).toBeLessThan(SLACK_MS);
  });

  it('refuses frequencies Life OS does not support, absurd counts and intervals, and unreadable rules', () => {
    const cases: [string, RegExp][] = [
      ['FREQ=SECONDLY', /repeats secondly/],
      ['FREQ=MINUTELY;INTERVAL=5', /repeats minutely/],
      ['FREQ=HOURLY', /repeats hourly/],
      ['FREQ=DAILY;COUNT=1000000', /more than 10,000 times/],
      ['FREQ=DAILY;INTERVAL=5000', /INTERVAL over 1,000/],
      ['FREQ=SOMETIMES', /cannot be read: unknown FREQ/],
      ['FREQ=WEEKLY;BYDAY=XX', /cannot be read: BYDAY/],
      ['FREQ=MONTHLY;BYMONTHDAY=0', /cannot be read: BYMONTHDAY/],
      ['FREQ=DAILY;UNTIL=20250231', /cannot be read: UNTIL is not a real date/],
      ['FREQ=DAILY;FOO=1', /cannot be read: unknown part "FOO"/],
      ['FREQ=DAILY;UNTIL=20200101', /never occurs/],
      ['INTERVAL=2', /FREQ is missing/],
    ];
    for (const [rrule, message] of cases) {
      expect(() => validateRecurrenceRule(rrule, timed('2025-01-06T08:00:00Z')), rrule).toThrow(message);
    }
  });

  it('accepts the rules of real calendars (the .ics fixtures) and rare but real ones', () => {
    for (const rrule of [
      'FREQ=WEEKLY;UNTIL=20300101T000000Z;INTERVAL=2;BYDAY=TU',
      'FREQ=MONTHLY;INTERVAL=1;BYDAY=TH;BYSETPOS=3',
      'FREQ=MONTHLY;INTERVAL=1;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=11',
      'FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=3;BYDAY=2SU',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
      'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO', // next in 2044
      'FREQ=MONTHLY;INTERVAL=48;BYDAY=5MO', // from a February of a leap year
      'FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH',
      'FREQ=DAILY;COUNT=10000',
    ]) {
      expect(() => validateRecurrenceRule(rrule, timed('2024-02-05T08:00:00Z')), rrule).not.toThrow();
    }
  });
});

describe('reading stored hostile rules', () => {
  const hostile = {
    id: '00000000-0000-4000-8000-000000000001',
    title: 'Never',
    description: null,
    location: null,
    allDay: false,
    startsAt: new Date('2024-03-18T08:00:00Z'),
    endsAt: new Date('2024-03-18T08:30:00Z'),
    timezone: 'Europe/Berlin',
    exdates: [],
    recurrenceId: null,
    seriesId: null,
  };
  it.each([
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=5',
    'FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30',
    'FREQ=HOURLY;INTERVAL=24;BYHOUR=5',
    'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=10000',
    'FREQ=SECONDLY',
  ])('walks %s within its budget on every read', (rrule) => {
    const event = { ...hostile, rrule };
    const from = new Date('2026-01-05T00:00:00Z');
    const to = new Date('2026-01-12T00:00:00Z');
    let list: unknown[] = [];
    expect(timeOf(() => (list = expandOccurrences([event], from, to).items))).toBeLessThan(SLACK_MS);
    expect(list).toEqual([]);
    expect(timeOf(() => seriesEnd(event))).toBeLessThan(SLACK_MS);
    expect(timeOf(() => expandOccurrences([event], from, to))).toBeLessThan(SLACK_MS);
  });

  it('leaves a stored rule it cannot read out of a list (it does not break the list)', () => {
    const list = expandOccurrences(
      [
        { ...hostile, rrule: 'FREQ=YEARLY;BYSETPOS=400;BYDAY=MO' },
        { ...hostile, id: '00000000-0000-4000-8000-000000000002', rrule: 'FREQ=DAILY' },
      ],
      new Date('2026-01-05T00:00:00Z'),
      new Date('2026-01-12T00:00:00Z'),
    );
    expect(list.items.map((o) => o.eventId)).toEqual(Array(7).fill('00000000-0000-4000-8000-000000000002'));
    expect(() => seriesEnd({ ...hostile, rrule: 'FREQ=MINUTELY;BYHOUR=25' })).toThrow(/BYHOUR takes values/);
  });

  it('says when a walk stopped early', () => {
    const event = { ...hostile, rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' };
    const walk = seriesOccurrences(event, new Date('2026-01-01Z'), new Date('2026-12-31Z'), 100);
    expect(walk).toEqual({ starts: [], exhausted: false });
    // Never (1 January is no 31st), and COUNT keeps it from moving its start near the range: 100,000 days to walk.
    const far = seriesOccurrences(
      { ...event, rrule: 'FREQ=DAILY;BYMONTHDAY=31;BYYEARDAY=1;COUNT=3' },
      new Date('2300-01-01Z'),
      new Date('2300-12-31Z'),
      100,
    );
    expect(far.exhausted).toBe(true);
    const weekly = seriesOccurrences(
      { ...event, rrule: 'FREQ=WEEKLY' },
      new Date('2026-01-01Z'),
      new Date('2026-02-01Z'),
      100,
    );
    expect(weekly.exhausted).toBe(false);
    expect(weekly.starts).toHaveLength(4);
  });

  it('stops a walk at its step budget', () => {
    const rule = parseRule('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30');
    const walk = walkRule(rule, new Date('2024-01-01Z'), null, () => true, { maxSteps: 1_000, maxMs: 1_000 });
    expect(walk.exhausted).toBe(true);
    expect(walk.steps).toBeLessThanOrEqual(1_003);
  });
});

describe('parseRule', () => {
  it('reads every part and refuses what it does not know', () => {
    expect(
      parseRule('RRULE:freq=monthly;interval=2;byday=-1fr,2TU;bymonth=1,3;until=20301231T235959Z;wkst=su'),
    ).toMatchObject({
      freq: 'MONTHLY',
      interval: 2,
      byday: [
        { weekday: 4, n: -1 },
        { weekday: 1, n: 2 },
      ],
      bymonth: [1, 3],
      until: { date: new Date('2030-12-31T23:59:59Z'), form: 'utc' },
      wkst: 6,
    });
    for (const bad of ['', 'FREQ=DAILY;FREQ=WEEKLY', 'FREQ=DAILY;BYHOUR=24', 'FREQ=DAILY;COUNT=0', 'FREQ=DAILY;X']) {
      expect(() => parseRule(bad), bad).toThrow(RuleSyntaxError);
    }
  });
});

// ---------- the fuzz test: budget always, rrule.js's answer where rrule.js finishes ----------

const sortedSubset = <T>(values: T[], max: number) =>
  fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: max });
/** Present in one rule of four: with every part present, nearly every rule would never occur. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary, weight: 1 });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const numbers = (values: number[]) => [...values].sort((a, b) => a - b).join(',');

const ZArbRule = fc
  .record({
    freq: fc.constantFrom('YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY'),
    interval: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 60 })),
    end: fc.oneof(
      fc.constant(null),
      fc.record({ count: fc.integer({ min: 1, max: 60 }) }),
      fc.record({ untilDays: fc.integer({ min: -30, max: 3_000 }) }),
    ),
    bymonth: rarely(sortedSubset(range(1, 12), 3)),
    bymonthday: rarely(sortedSubset([...range(1, 31), ...range(-31, -1)], 3)),
    byyearday: rarely(sortedSubset([1, 2, 59, 60, 100, 200, 365, 366, -1, -2, -100, -366], 3)),
    byweekno: rarely(sortedSubset([1, 2, 10, 20, 52, 53, -1, -2], 2)),
    byday: fc.option(
      fc.uniqueArray(
        fc.record({
          n: fc.constantFrom(0, 0, 0, 1, 2, 3, 4, 5, -1, -2, -5, 20, 53),
          day: fc.integer({ min: 0, max: 6 }),
        }),
        { minLength: 1, maxLength: 3, selector: (d) => d.day },
      ),
    ),
    byhour: rarely(sortedSubset(range(0, 23), 3)),
    byminute: rarely(sortedSubset([0, 15, 30, 59], 2)),
    bysecond: rarely(sortedSubset([0, 30], 2)),
    // Negative positions past the start of a small set: rrule.js takes the set's first day (`slice(-n)[0]`), RFC 5545
    // and dateutil none; -1 is the same in both.
    bysetpos: rarely(fc.oneof(sortedSubset(range(1, 5), 2), fc.constant<number[]>([-1]))),
    wkst: rarely(fc.integer({ min: 0, max: 6 })),
  })
  .map((r) => {
    const days = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    const parts = [`FREQ=${r.freq}`];
    if (r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
    if (r.bymonth) parts.push(`BYMONTH=${numbers(r.bymonth)}`);
    if (r.bymonthday) parts.push(`BYMONTHDAY=${numbers(r.bymonthday)}`);
    if (r.byyearday) parts.push(`BYYEARDAY=${numbers(r.byyearday)}`);
    // rrule.js reads week numbers for every frequency; RFC 5545 has them for YEARLY only.
    if (r.byweekno && r.freq === 'YEARLY') parts.push(`BYWEEKNO=${numbers(r.byweekno)}`);
    if (r.byday) parts.push(`BYDAY=${r.byday.map((d) => `${d.n || ''}${days[d.day]}`).join(',')}`);
    if (r.byhour) parts.push(`BYHOUR=${numbers(r.byhour)}`);
    if (r.byminute) parts.push(`BYMINUTE=${numbers(r.byminute)}`);
    if (r.bysecond) parts.push(`BYSECOND=${numbers(r.bysecond)}`);
    // rrule.js throws on BYSETPOS over an hour BYHOUR leaves out (its set of times is empty).
    if (r.bysetpos && r.freq !== 'HOURLY') parts.push(`BYSETPOS=${numbers(r.bysetpos)}`);
    if (r.wkst !== null) parts.push(`WKST=${days[r.wkst]}`);
    return { text: parts.join(';'), end: r.end };
  });

describe('the engine against rrule.js', () => {
  it('ends every walk within its budget, and gives the occurrences rrule.js gives wherever rrule.js finishes', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        ZArbRule,
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -100, max: 4_000 }), // the range starts this many days after the series
        fc.integer({ min: 1, max: 400 }), // and spans this many days
        ({ text, end }, startDate, offsetDays, spanDays) => {
          const dtstart = new Date(Math.floor(startDate.getTime() / 1000) * 1000);
          let rrule = text;
          let until: Date | null = null;
          if (end && 'count' in end) rrule += `;COUNT=${end.count}`;
          if (end && 'untilDays' in end) {
            until = new Date(dtstart.getTime() + end.untilDays * DAY_MS);
            rrule += `;UNTIL=${until.toISOString().replace(/[-:]|\.\d{3}/g, '')}`;
          }
          const rule = parseRule(rrule);
          const from = new Date(dtstart.getTime() + offsetDays * DAY_MS);
          const to = new Date(from.getTime() + spanDays * DAY_MS);
          let ours: ReturnType<typeof occurrencesBetween> | undefined;
          expect(timeOf(() => (ours = occurrencesBetween(rule, dtstart, until, from, to, 300)))).toBeLessThan(SLACK_MS);
          if (!ours) throw new Error('no walk');
          // One period's candidates at most past the budget (a year's days here).
          expect(ours.steps).toBeLessThanOrEqual(WALK_BUDGET.maxSteps + 400);
          if (ours.exhausted) return;
          // rrule.js stops at its first candidate after the range or UNTIL (only a candidate ends it: a rule that
          // matches nothing walks to the year 9999 whatever its UNTIL), at COUNT, or at the limit. Where our walk to
          // that point is short, rrule.js's is too (it steps through the months BYMONTH leaves out: ×12).
          const stopAt = Math.min(to.getTime(), until?.getTime() ?? Number.POSITIVE_INFINITY);
          let inRange = 0;
          const estimate = walkRule(
            rule,
            dtstart,
            null,
            (date) => {
              if (date.getTime() > stopAt) return false;
              if (date.getTime() >= from.getTime()) inRange++;
              return inRange <= 300;
            },
            { maxSteps: 5_000, maxMs: 1_000 },
          );
          const skipped = rule.bymonth && (rule.freq === 'DAILY' || rule.freq === 'WEEKLY') ? 12 : 1;
          if (estimate.exhausted || estimate.steps * skipped > 3_000) return;
          const options = RRule.parseString(rrule);
          const oracle = new RRule({ ...options, dtstart, until, tzid: null }).between(
            from,
            to,
            true,
            (_date, index) => index < 300,
          );
          compared++;
          expect(
            ours.dates.map((d) => d.toISOString()),
            rrule,
          ).toEqual(oracle.map((d) => d.toISOString()));
        },
      ),
      { numRuns: 800 },
    );
    expect(compared).toBeGreaterThan(300);
  }, 180_000);
});
