import { describe, expect, it } from 'vitest';
import {
  correlationSentence,
  isoWeekStart,
  sameDayInEarlierYears,
  volumeByWeek,
  yearsBetween,
} from './dashboard.rules.js';

describe('sameDayInEarlierYears', () => {
  it('gives the same month and day in each earlier year', () => {
    expect(sameDayInEarlierYears('2026-03-10', 3)).toEqual(['2025-03-10', '2024-03-10', '2023-03-10']);
  });
  it('looks back from 29 February only to leap years', () => {
    expect(sameDayInEarlierYears('2028-02-29', 8)).toEqual(['2024-02-29', '2020-02-29']);
  });
  it('counts whole calendar years', () => {
    expect(yearsBetween('2020-12-31', '2026-01-01')).toBe(6);
  });
});

describe('volumeByWeek', () => {
  it('buckets sessions by the user week start, oldest first, with empty weeks as zeros', () => {
    const weeks = volumeByWeek(
      [
        { date: '2026-03-01', volumeKg: 100 }, // a Sunday: the week of 23 Feb (Mondays)
        { date: '2026-03-02', volumeKg: 200 },
        { date: '2026-03-10', volumeKg: 300 },
        { date: '2026-03-11', volumeKg: 50 },
        { date: '2026-01-01', volumeKg: 999 }, // before the window
      ],
      '2026-03-11',
      'monday',
      3,
    );
    expect(weeks).toEqual([
      { weekStart: '2026-02-23', volumeKg: 100, sessions: 1 },
      { weekStart: '2026-03-02', volumeKg: 200, sessions: 1 },
      { weekStart: '2026-03-09', volumeKg: 350, sessions: 2 },
    ]);
  });
  it('starts weeks on Sunday when the user does', () => {
    const weeks = volumeByWeek([{ date: '2026-03-01', volumeKg: 100 }], '2026-03-04', 'sunday', 1);
    expect(weeks).toEqual([{ weekStart: '2026-03-01', volumeKg: 100, sessions: 1 }]);
    expect(isoWeekStart('sunday')).toBe(7);
    expect(isoWeekStart('monday')).toBe(1);
  });
});

describe('correlationSentence', () => {
  const group = (days: number, mood: number | null) => ({ days, mood, energy: null });

  it('says nothing before 30 days of moods', () => {
    expect(correlationSentence(group(10, 4), group(19, 3), 90).sentence).toBeNull();
  });
  it('names both averages and the direction', () => {
    const { sentence, daysWithMood } = correlationSentence(group(12, 4.25), group(20, 3.1), 90);
    expect(daysWithMood).toBe(32);
    expect(sentence).toBe(
      "Your mood averages 4.3 on days you train and 3.1 on days you don't — higher when you work out (last 90 days: 12 days with a workout, 20 without).",
    );
    expect(correlationSentence(group(12, 2), group(20, 3), 90).sentence).toContain('lower when you work out');
  });
  it('calls a small gap about the same', () => {
    expect(correlationSentence(group(15, 3.5), group(15, 3.4), 90).sentence).toMatch(/^Your mood is about the same/);
  });
  it('says why it cannot compare when one side is too small', () => {
    expect(correlationSentence(group(2, 5), group(40, 3), 90).sentence).toContain('too few to compare');
    expect(correlationSentence(group(40, 4), group(1, 3), 90).sentence).toContain('nothing to compare');
  });
});
