import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, isWeekStart, localDate, weekStartOf } from './local-date.js';

describe('local dates', () => {
  it('is the calendar date in the user time zone, not the server one', () => {
    const instant = new Date('2026-01-01T03:30:00Z');
    expect(localDate(instant, 'UTC')).toBe('2026-01-01');
    expect(localDate(instant, 'America/Los_Angeles')).toBe('2025-12-31');
    expect(localDate(instant, 'Asia/Tokyo')).toBe('2026-01-01');
    expect(localDate(new Date('2026-01-01T20:00:00Z'), 'Pacific/Kiritimati')).toBe('2026-01-02');
  });

  it('follows DST changes: midnight local is still the day boundary', () => {
    // New York springs forward on 2026-03-08 (a 23-hour day) and falls back on 2026-11-01 (25 hours).
    expect(localDate(new Date('2026-03-08T04:59:00Z'), 'America/New_York')).toBe('2026-03-07');
    expect(localDate(new Date('2026-03-08T05:00:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(localDate(new Date('2026-03-09T03:59:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(localDate(new Date('2026-03-09T04:00:00Z'), 'America/New_York')).toBe('2026-03-09');
    expect(localDate(new Date('2026-11-02T04:59:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(localDate(new Date('2026-11-02T05:00:00Z'), 'America/New_York')).toBe('2026-11-02');
  });

  it('steps calendar days across month ends, year ends and leap days', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addCalendarDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addCalendarDays('2026-03-08', 1)).toBe('2026-03-09');
  });

  it('finds the first day of the week for Monday and Sunday starts', () => {
    // 2026-01-01 is a Thursday.
    expect(weekStartOf('2026-01-01', 'monday')).toBe('2025-12-29');
    expect(weekStartOf('2026-01-01', 'sunday')).toBe('2025-12-28');
    expect(weekStartOf('2026-01-04', 'monday')).toBe('2025-12-29'); // a Sunday ends a Monday week
    expect(weekStartOf('2026-01-04', 'sunday')).toBe('2026-01-04');
    expect(isWeekStart('2026-01-05', 'monday')).toBe(true);
    expect(isWeekStart('2026-01-05', 'sunday')).toBe(false);
  });

  it('puts every day in exactly one week, of seven days', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }),
        fc.constantFrom('monday' as const, 'sunday' as const),
        (instant, start) => {
          const day = localDate(instant, 'UTC');
          const first = weekStartOf(day, start);
          expect(isWeekStart(first, start)).toBe(true);
          expect(first <= day && day <= addCalendarDays(first, 6)).toBe(true);
          expect(weekStartOf(addCalendarDays(first, 6), start)).toBe(first);
          expect(weekStartOf(addCalendarDays(first, 7), start)).toBe(addCalendarDays(first, 7));
        },
      ),
    );
  });
});
