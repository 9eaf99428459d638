import { LRUCache } from 'lru-cache';
import { localDate } from '../common/local-date.js';
import { deepFreeze } from '../deep-freeze.js';
import type { TDashboardToday } from './dashboard.schemas.js';

/** What a dashboard was computed from. */
export interface KeptDashboardKey {
  /** The user's data version read before the data (users.dataVersion). */
  version: number;
  /** The user's time zone then (part of the data: a new zone is a new version) and the local date in it. */
  timezone: string;
  date: string;
}

/**
 * The last dashboard computed for each user, with what it was computed from: the user's data version and the local
 * date. The version is moved on by database triggers in the same transaction as any change to the user's data
 * (from this process or any other: an import, the calendar refresh, the CLI, psql), and it is read before the data,
 * so a kept answer is never older than its key; a change or a new day makes the key differ and the answer is
 * computed again. The landing page is asked for on every visit and every refocus, far more often than the data
 * behind it changes, and checking the version is one primary-key read.
 *
 * Bounded by users, least recently used first out. Answers are shared between callers, so they are kept frozen, deeply:
 * a caller that tried to change one would throw instead of changing what the next caller sees.
 */
export class DashboardCache {
  readonly #entries: LRUCache<string, { key: KeptDashboardKey; answer: TDashboardToday }>;

  constructor(private readonly maxUsers: number) {
    this.#entries = new LRUCache({ max: Math.max(1, maxUsers) });
  }

  get enabled(): boolean {
    return this.maxUsers > 0;
  }

  /** The answer kept for this user if it was computed from this data version and `now` is still on its date. */
  get(userId: string, version: number, now: Date): TDashboardToday | undefined {
    const entry = this.#entries.get(userId);
    if (entry?.key.version !== version || localDate(now, entry.key.timezone) !== entry.key.date) return undefined;
    return entry.answer;
  }

  set(userId: string, key: KeptDashboardKey, answer: TDashboardToday): void {
    if (!this.enabled) return;
    this.#entries.set(userId, { key, answer: deepFreeze(answer) });
  }

  get size(): number {
    return this.#entries.size;
  }
}
