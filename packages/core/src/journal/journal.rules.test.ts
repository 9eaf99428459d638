import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, localDate } from '../common/local-date.js';
import { countWords, dailyStreak, entryWordCount, weeklyStreak } from './journal.rules.js';

/** `n` consecutive dates ending at `last`. */
const run = (last: string, n: number) => Array.from({ length: n }, (_, i) => addCalendarDays(last, -i));

describe('word counting', () => {
  it('counts words, not punctuation or spaces', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('   \n\t  ')).toBe(0);
    expect(countWords('Hello, world!')).toBe(2);
    expect(countWords('one    two\n\nthree\tfour')).toBe(4);
    expect(countWords('— … !!! ?? ,,, --')).toBe(0);
    expect(countWords("don't stop-believing, it's 9:30 a.m.")).toBeGreaterThanOrEqual(5);
    expect(countWords('3.14 and 42')).toBe(3);
  });

  it('counts words in scripts without spaces, and in other alphabets', () => {
    expect(countWords('Привет, как дела?')).toBe(3);
    expect(countWords('Γειά σου κόσμε')).toBe(3);
    expect(countWords('مرحبا بالعالم')).toBe(2);
    // Chinese and Japanese have no spaces: a dictionary segmentation finds several words, not one per sentence.
    expect(countWords('我今天很高兴')).toBeGreaterThanOrEqual(3);
    expect(countWords('今日はとても良い天気です')).toBeGreaterThanOrEqual(4);
    expect(countWords('emoji 🎉 are not words')).toBe(4);
  });

  it('never counts more words than there are non-space characters, and adding text never lowers the count', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        const count = countWords(a);
        expect(count).toBeLessThanOrEqual(a.replace(/\s/g, '').length);
        expect(countWords(`${a} ${b}`)).toBeGreaterThanOrEqual(count);
      }),
    );
  });

  it('counts every text of an entry', () => {
    expect(entryWordCount('morning_pages', { text: 'one two three' })).toBe(3);
    expect(
      entryWordCount('daily_reflection', {
        wins: ['shipped it'],
        challenges: ['slept badly'],
        gratitude: ['coffee'],
        mood: 4,
        energy: 3,
        tomorrowFocus: 'write tests',
      }),
    ).toBe(7);
    expect(
      entryWordCount('weekly_review', {
        wins: ['a b'],
        lessons: ['c'],
        priorities: ['d e f'],
        ratings: [{ area: 'health', score: 7 }],
      }),
    ).toBe(6);
  });
});

describe('daily streaks', () => {
  it('is zero for an empty history', () => {
    expect(dailyStreak([], '2026-01-10')).toEqual({ current: 0, longest: 0, lastDate: null, doneInPeriod: false });
  });

  it('counts consecutive days up to today', () => {
    expect(dailyStreak(run('2026-01-10', 5), '2026-01-10')).toMatchObject({
      current: 5,
      longest: 5,
      doneInPeriod: true,
    });
  });

  it('does not break while today is not written yet, and breaks once a whole day is missed', () => {
    const dates = run('2026-01-09', 3);
    expect(dailyStreak(dates, '2026-01-10')).toMatchObject({ current: 3, longest: 3, doneInPeriod: false });
    expect(dailyStreak(dates, '2026-01-11')).toMatchObject({ current: 0, longest: 3 });
  });

  it('finds the longest run across gaps', () => {
    const dates = [...run('2026-01-05', 4), ...run('2026-01-20', 2), ...run('2026-02-10', 6)];
    expect(dailyStreak(dates, '2026-02-10')).toMatchObject({ current: 6, longest: 6 });
    expect(dailyStreak(dates.slice(0, 6), '2026-02-10')).toMatchObject({ current: 0, longest: 4 });
  });

  it('runs across month ends, year ends and leap days', () => {
    expect(dailyStreak(run('2026-01-02', 5), '2026-01-02').current).toBe(5); // Dec 29 → Jan 2
    expect(dailyStreak(run('2024-03-02', 4), '2024-03-02').current).toBe(4); // through Feb 29
    expect(dailyStreak(['2024-02-28', '2024-03-01'], '2024-03-01').current).toBe(1); // Feb 29 missing
    expect(dailyStreak(['2025-02-28', '2025-03-01'], '2025-03-01').current).toBe(2); // no Feb 29 in 2025
    expect(dailyStreak(run('2026-05-01', 3), '2026-05-01').current).toBe(3); // April has 30 days
  });

  it('runs across DST changes in the user time zone', () => {
    const tz = 'Europe/Berlin'; // springs forward 2026-03-29, falls back 2026-10-25
    const dates = run('2026-03-30', 4);
    // Just after local midnight on the 30th, and late on the 30th: one day, whatever the UTC offset.
    expect(dailyStreak(dates, localDate(new Date('2026-03-29T22:30:00Z'), tz)).current).toBe(4);
    expect(dailyStreak(dates, localDate(new Date('2026-03-30T21:30:00Z'), tz)).current).toBe(4);
    // The 31st local has begun: still alive until the 31st is over.
    expect(dailyStreak(dates, localDate(new Date('2026-03-30T22:30:00Z'), tz)).current).toBe(4);
    expect(dailyStreak(run('2026-10-26', 3), localDate(new Date('2026-10-26T22:59:00Z'), tz)).current).toBe(3);
  });

  it('follows a change of time zone in settings', () => {
    // Written daily in Tokyo up to its Jan 10; the user then moves to Los Angeles, where it is still Jan 9.
    const dates = run('2026-01-10', 5);
    const now = new Date('2026-01-10T02:00:00Z'); // Jan 10, 11:00 in Tokyo; Jan 9, 18:00 in LA
    expect(dailyStreak(dates, localDate(now, 'Asia/Tokyo')).current).toBe(5);
    expect(dailyStreak(dates, localDate(now, 'America/Los_Angeles')).current).toBe(5);
    // Moving east instead: Jan 10 written in LA, now Jan 11 in Tokyo, today is still open.
    const east = new Date('2026-01-11T02:00:00Z');
    expect(dailyStreak(dates, localDate(east, 'Asia/Tokyo'))).toMatchObject({ current: 5, doneInPeriod: false });
  });

  it('agrees with a brute-force count on random histories', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 62 }),
        (offsets, todayOffset) => {
          const start = '2024-01-20';
          const dates = offsets.map((o) => addCalendarDays(start, o));
          const today = addCalendarDays(start, todayOffset);
          const set = new Set(offsets);
          let longest = 0;
          for (const o of set) {
            if (set.has(o - 1)) continue;
            let n = 0;
            while (set.has(o + n)) n++;
            longest = Math.max(longest, n);
          }
          const latest = Math.max(-10, ...offsets);
          let current = 0;
          if (offsets.length && latest >= todayOffset - 1) while (set.has(latest - current)) current++;
          expect(dailyStreak(dates, today)).toMatchObject({ current, longest });
        },
      ),
    );
  });
});

describe('weekly streaks', () => {
  it('counts consecutive weeks, with this week still open', () => {
    const mondays = ['2026-01-19', '2026-01-12', '2026-01-05', '2025-12-29'];
    expect(weeklyStreak(mondays, '2026-01-21', 'monday')).toMatchObject({ current: 4, doneInPeriod: true });
    // Next week, not written yet: still 4 until that week is over.
    expect(weeklyStreak(mondays, '2026-01-31', 'monday')).toMatchObject({ current: 4, doneInPeriod: false });
    expect(weeklyStreak(mondays, '2026-02-02', 'monday')).toMatchObject({ current: 0, longest: 4 });
  });

  it('counts Sunday weeks across the year end', () => {
    const sundays = ['2025-12-21', '2025-12-28', '2026-01-04'];
    expect(weeklyStreak(sundays, '2026-01-10', 'sunday')).toMatchObject({ current: 3, longest: 3 });
    expect(weeklyStreak(sundays, '2026-01-11', 'sunday')).toMatchObject({ current: 3, doneInPeriod: false });
  });

  it('keeps counting after the week start changes from Monday to Sunday', () => {
    const mixed = ['2026-01-05', '2026-01-12', '2026-01-18']; // two Mondays, then a Sunday
    expect(weeklyStreak(mixed, '2026-01-20', 'sunday')).toMatchObject({ current: 3, longest: 3 });
  });

  it('finds gaps between weeks', () => {
    expect(weeklyStreak(['2026-01-05', '2026-01-19'], '2026-01-19', 'monday')).toMatchObject({
      current: 1,
      longest: 1,
    });
  });
});
