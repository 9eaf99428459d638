import { describe, expect, it } from 'vitest';
import { parseIcs } from './calendar.ics-import.js';

const vevent = (uid: string, rrule: string) => [
  'BEGIN:VEVENT',
  `UID:${uid}`,
  `SUMMARY:${uid}`,
  'DTSTART:20250203T080000Z',
  'DTEND:20250203T090000Z',
  `RRULE:${rrule}`,
  'END:VEVENT',
];

/** Never, or not within a walk's budget (a search from the start that found nothing). */
const NEVER = (rrule: string) =>
  new RegExp(`^Recurrence rule \\(RRULE\\) "${rrule}" (never occurs|has no occurrence within a bounded search)`);

describe('parseIcs and repeat rules', () => {
  it('skips series whose rule never occurs or repeats more often than daily, naming the rule, within a second', () => {
    const rules = {
      'weekly@test': 'FREQ=WEEKLY',
      'never@test': 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
      'never-count@test': 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3',
      'fifth-monday@test': 'FREQ=MONTHLY;INTERVAL=48;BYDAY=5MO',
      'hourly@test': 'FREQ=HOURLY;INTERVAL=24;BYHOUR=5',
      'minutely@test': 'FREQ=MINUTELY',
      'absurd@test': 'FREQ=DAILY;COUNT=99999999',
    };
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      ...Object.entries(rules).flatMap(([uid, rrule]) => vevent(uid, rrule)),
      'END:VCALENDAR',
    ].join('\r\n');
    const started = performance.now();
    const { events, skipped } = parseIcs(ics, { defaultTimezone: 'UTC' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(events.map((e) => e.icsUid)).toEqual(['weekly@test']);
    const reasons = Object.fromEntries(skipped.map((s) => [s.uid, s.reason]));
    expect(reasons).toEqual({
      'never@test': expect.stringMatching(NEVER('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30')),
      'never-count@test': expect.stringMatching(NEVER('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3')),
      'fifth-monday@test': expect.stringMatching(NEVER('FREQ=MONTHLY;INTERVAL=48;BYDAY=5MO')),
      'hourly@test': 'Repeats more often than daily, which Life OS does not support',
      'minutely@test': 'Repeats more often than daily, which Life OS does not support',
      'absurd@test': expect.stringContaining('"FREQ=DAILY;COUNT=99999999" cannot be read: COUNT must lie between'),
    });
  });
});
