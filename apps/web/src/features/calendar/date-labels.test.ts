import { format } from 'date-fns';
import { describe, expect, it } from 'vitest';
import {
  clock,
  dayKey,
  dayMonthLong,
  dayMonthShort,
  monthLong,
  weekdayDayMonth,
  weekdayLong,
  weekdayShort,
} from './date-labels';

// Every day of a leap year at an odd minute, and both ends of the clock: the labels must read as date-fns's format.
const DAYS = Array.from({ length: 366 }, (_, i) => new Date(2028, 0, 1 + i, i % 24, (i * 7) % 60));
DAYS.push(new Date(2026, 11, 31, 23, 59), new Date(2027, 0, 1, 0, 0));

describe('calendar date labels', () => {
  it('read exactly as date-fns format with its default locale', () => {
    for (const day of DAYS) {
      expect(weekdayShort(day)).toBe(format(day, 'EEE'));
      expect(weekdayLong(day)).toBe(format(day, 'EEEE'));
      expect(monthLong(day)).toBe(format(day, 'MMMM'));
      expect(dayKey(day)).toBe(format(day, 'yyyy-MM-dd'));
      expect(clock(day)).toBe(format(day, 'HH:mm'));
      expect(dayMonthShort(day)).toBe(format(day, 'd MMM'));
      expect(dayMonthLong(day)).toBe(format(day, 'd MMMM'));
      expect(weekdayDayMonth(day)).toBe(format(day, 'EEEE d MMMM'));
    }
  });
});
