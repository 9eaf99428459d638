import { describe, expect, it } from 'vitest';
import { DashboardCache } from './dashboard.cache.js';
import type { TDashboardToday } from './dashboard.schemas.js';

const answer = (label: string) => ({ displayName: label, agenda: { items: [] } }) as unknown as TDashboardToday;
const key = (version: number, date = '2026-03-10') => ({ version, timezone: 'America/New_York', date });
const at = (iso: string) => new Date(iso);

describe('DashboardCache', () => {
  it('gives back the answer for the same version while the user is still on its date', () => {
    const cache = new DashboardCache(10);
    const kept = answer('a');
    cache.set('u1', key(7), kept);
    expect(cache.get('u1', 7, at('2026-03-10T15:00:00Z'))).toBe(kept);
    // 23:59 in New York is still the 10th; one minute past midnight there is not.
    expect(cache.get('u1', 7, at('2026-03-11T03:59:00Z'))).toBe(kept);
    expect(cache.get('u1', 7, at('2026-03-11T04:01:00Z'))).toBeUndefined();
    expect(cache.get('u1', 8, at('2026-03-10T15:00:00Z'))).toBeUndefined();
    expect(cache.get('u2', 7, at('2026-03-10T15:00:00Z'))).toBeUndefined();
  });

  it('keeps answers frozen all the way down', () => {
    const cache = new DashboardCache(10);
    const kept = answer('a');
    cache.set('u1', key(1), kept);
    expect(() => {
      (kept as unknown as { agenda: { items: unknown[] } }).agenda.items.push(1);
    }).toThrow(TypeError);
  });

  it('holds at most its number of users, forgetting the least recently used', () => {
    const cache = new DashboardCache(2);
    const now = at('2026-03-10T15:00:00Z');
    cache.set('u1', key(1), answer('1'));
    cache.set('u2', key(1), answer('2'));
    cache.get('u1', 1, now);
    cache.set('u3', key(1), answer('3'));
    expect(cache.size).toBe(2);
    expect(cache.get('u2', 1, now)).toBeUndefined();
    expect(cache.get('u1', 1, now)).toBeDefined();
  });

  it('keeps nothing with room for no user', () => {
    const cache = new DashboardCache(0);
    expect(cache.enabled).toBe(false);
    cache.set('u1', key(1), answer('1'));
    expect(cache.size).toBe(0);
  });
});
