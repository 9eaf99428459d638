import { describe, expect, it } from 'vitest';
import { nextAttemptAt, retryDelayMs, schedulePeriodMs, scheduleSlot } from './jobs.rules.js';

describe('retry backoff', () => {
  const backoff = { baseMs: 10_000, maxMs: 60_000 };

  it('doubles per failed attempt, half fixed and half random, up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, backoff, () => 0))).toEqual([5_000, 10_000, 20_000, 30_000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, backoff, () => 1))).toEqual([10_000, 20_000, 40_000, 60_000]);
    expect(retryDelayMs(1_000, backoff, () => 1)).toBe(60_000);
  });

  it('is dead after the last attempt', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    expect(nextAttemptAt({ attempts: 2, maxAttempts: 3 }, now, backoff, () => 0)).toEqual(
      new Date('2026-12-07T10:00:10Z'),
    );
    expect(nextAttemptAt({ attempts: 3, maxAttempts: 3 }, now, backoff)).toBeNull();
  });
});

describe('recurring schedules', () => {
  it('reads the schedules it knows and refuses periods that do not divide a day', () => {
    expect(schedulePeriodMs('every 5 min')).toBe(300_000);
    expect(schedulePeriodMs('every 30 s')).toBe(30_000);
    expect(schedulePeriodMs('hourly')).toBe(3_600_000);
    expect(schedulePeriodMs('daily')).toBe(86_400_000);
    expect(() => schedulePeriodMs('every 7 min')).toThrow(/divide a day/);
    expect(() => schedulePeriodMs('every 0 min')).toThrow(/Unreadable/);
  });

  it('puts every moment of a slot under the same key, and the next slot under another', () => {
    const a = scheduleSlot('every 5 min', new Date('2026-12-07T10:05:00.000Z'));
    const b = scheduleSlot('every 5 min', new Date('2026-12-07T10:09:59.999Z'));
    const c = scheduleSlot('every 5 min', new Date('2026-12-07T10:10:00.000Z'));
    expect(a).toEqual({ startsAt: new Date('2026-12-07T10:05:00.000Z'), key: 'slot:2026-12-07T10:05:00.000Z' });
    expect(b.key).toBe(a.key);
    expect(c.key).toBe('slot:2026-12-07T10:10:00.000Z');
    expect(scheduleSlot('daily', new Date('2026-12-07T23:59:00Z')).key).toBe('slot:2026-12-07T00:00:00.000Z');
  });
});
