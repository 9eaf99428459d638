import { describe, expect, it } from 'vitest';
import { dueWindow, firstOccurrence, isValidTaskRrule, nextDueDate } from './tasks.rules.js';
import { ZCreateTaskInput, ZTaskRrule } from './tasks.schemas.js';

const repeat = (rrule: string | null, dueDate: string | null, repeatAfterDays: number | null = null) => ({
  rrule,
  dueDate,
  repeatAfterDays,
});

describe('dueWindow', () => {
  it('overdue is before today, today is today, week is today and the next six days (across a month end)', () => {
    expect(dueWindow('overdue', '2026-03-31')).toEqual({ dueBefore: '2026-03-31' });
    expect(dueWindow('today', '2026-03-31')).toEqual({ dueFrom: '2026-03-31', dueTo: '2026-03-31' });
    expect(dueWindow('week', '2026-03-29')).toEqual({ dueFrom: '2026-03-29', dueTo: '2026-04-04' });
  });
});

describe('nextDueDate', () => {
  it('does not repeat a task without a rule', () => {
    expect(nextDueDate(repeat(null, '2026-03-10'), '2026-03-10')).toBeUndefined();
  });

  it('every weekday: Friday → Monday, Monday → Tuesday', () => {
    const weekdays = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
    expect(nextDueDate(repeat(weekdays, '2026-03-13'), '2026-03-13')).toBe('2026-03-16');
    expect(nextDueDate(repeat(weekdays, '2026-03-16'), '2026-03-16')).toBe('2026-03-17');
  });

  it('every 2 weeks keeps its cadence from the due date, also when done early', () => {
    const fortnightly = 'FREQ=WEEKLY;INTERVAL=2';
    expect(nextDueDate(repeat(fortnightly, '2026-03-10'), '2026-03-10')).toBe('2026-03-24');
    expect(nextDueDate(repeat(fortnightly, '2026-03-10'), '2026-03-05')).toBe('2026-03-24');
  });

  it('done late, the next occurrence is after the day it was done (no occurrence in the past)', () => {
    const fortnightly = 'FREQ=WEEKLY;INTERVAL=2';
    expect(nextDueDate(repeat(fortnightly, '2026-03-10'), '2026-03-30')).toBe('2026-04-07');
    expect(nextDueDate(repeat('FREQ=DAILY', '2026-03-01'), '2026-03-10')).toBe('2026-03-11');
  });

  it('monthly on the last Friday, across months of different lengths and a leap February', () => {
    const lastFriday = 'FREQ=MONTHLY;BYDAY=-1FR';
    expect(nextDueDate(repeat(lastFriday, '2026-01-30'), '2026-01-30')).toBe('2026-02-27');
    expect(nextDueDate(repeat(lastFriday, '2028-01-28'), '2028-01-28')).toBe('2028-02-25');
    expect(nextDueDate(repeat(lastFriday, '2026-03-27'), '2026-03-27')).toBe('2026-04-24');
  });

  it('is a calendar-day rule: the DST change (2026-03-29 in Europe) moves nothing', () => {
    expect(nextDueDate(repeat('FREQ=DAILY', '2026-03-28'), '2026-03-28')).toBe('2026-03-29');
    expect(nextDueDate(repeat('FREQ=WEEKLY', '2026-03-25'), '2026-03-25')).toBe('2026-04-01');
  });

  it('N days after completion counts from the day it was done, not from the due date', () => {
    expect(nextDueDate(repeat(null, '2026-03-01', 3), '2026-03-10')).toBe('2026-03-13');
    expect(nextDueDate(repeat(null, null, 3), '2026-02-27')).toBe('2026-03-02');
  });

  it('a rule without a due date counts from the day it was done', () => {
    expect(nextDueDate(repeat('FREQ=DAILY;INTERVAL=3', null), '2026-03-10')).toBe('2026-03-13');
  });

  it('null once the rule has ended (UNTIL)', () => {
    expect(nextDueDate(repeat('FREQ=DAILY;UNTIL=20260311', '2026-03-11'), '2026-03-11')).toBeNull();
  });
});

describe('firstOccurrence and rule validation', () => {
  it('gives a new repeating task its first due date on or after today', () => {
    expect(firstOccurrence('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '2026-03-14')).toBe('2026-03-16');
    expect(firstOccurrence('FREQ=MONTHLY;BYDAY=-1FR', '2026-03-01')).toBe('2026-03-27');
    expect(firstOccurrence('FREQ=DAILY', '2026-03-14')).toBe('2026-03-14');
  });

  it('accepts day rules and refuses COUNT, hourly rules and nonsense', () => {
    expect(ZTaskRrule.parse('rrule:freq=weekly;interval=2')).toBe('FREQ=WEEKLY;INTERVAL=2');
    expect(isValidTaskRrule('FREQ=MONTHLY;BYDAY=-1FR')).toBe(true);
    expect(ZTaskRrule.safeParse('FREQ=DAILY;COUNT=3').success).toBe(false);
    expect(ZTaskRrule.safeParse('FREQ=HOURLY').success).toBe(false);
    expect(ZTaskRrule.safeParse('every day').success).toBe(false);
    expect(isValidTaskRrule('FREQ=WEEKLY;BYDAY=XX')).toBe(false);
    expect(
      ZCreateTaskInput.safeParse({ title: 't', rrule: 'FREQ=DAILY', repeatAfterDays: 3 }).success,
      'one way to repeat',
    ).toBe(false);
  });
});
