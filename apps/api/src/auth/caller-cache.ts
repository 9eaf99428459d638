import { LRUCache } from 'lru-cache';
import type { Caller } from './request.js';

/**
 * Who a credential belonged to a moment ago, so a burst of requests with the same API key or access token costs one
 * database lookup instead of one each (the lookup was a second query on every call, as expensive as the procedure's
 * own read).
 *
 * Staleness is bounded: an entry lives `ttlMs` at most (and never past the access token's own expiry), and every
 * procedure that revokes a credential or changes who a caller is empties the cache of this process at once. Another
 * replica, or the CLI changing a password, is seen within `ttlMs`.
 */
export class CallerCache {
  /**
   * lru-cache bounds the entries (least recently used out first); the expiry is checked here against the caller's
   * clock rather than lru-cache's ttl, which reads its own timer: the services' Clock is the one time (tests move it).
   */
  readonly #entries: LRUCache<string, { caller: Caller; expiresAt: number }>;

  constructor(
    readonly ttlMs: number,
    maxEntries = 10_000,
  ) {
    this.#entries = new LRUCache({ max: Math.max(1, maxEntries) });
  }

  get(credential: string, nowMs: number): Caller | undefined {
    const entry = this.#entries.get(credential);
    if (!entry) return undefined;
    if (entry.expiresAt <= nowMs) {
      this.#entries.delete(credential);
      return undefined;
    }
    return entry.caller;
  }

  /** `notAfterMs`: the credential's own expiry, if it has one. */
  set(credential: string, caller: Caller, nowMs: number, notAfterMs = Number.POSITIVE_INFINITY): void {
    if (this.ttlMs <= 0) return;
    this.#entries.set(credential, { caller, expiresAt: Math.min(nowMs + this.ttlMs, notAfterMs) });
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
