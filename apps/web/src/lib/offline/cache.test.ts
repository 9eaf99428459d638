import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { attachOfflineCache, forgetOfflineCache, restoreOfflineCache, shouldPersistQuery } from './cache';

const ALICE = '0c6f8e4e-4c7e-4f5e-9a53-1d1f5a6a0001';
const BOB = '0c6f8e4e-4c7e-4f5e-9a53-1d1f5a6a0002';
const meKey = [['auth', 'me'], { type: 'query' }];
const dayKey = [['dashboard', 'today'], { type: 'query' }];
const keysKey = [['apiKeys', 'list'], { type: 'query' }];

/** The save is throttled (1 s) and asynchronous: wait until it has landed. */
const saved = () => new Promise((resolve) => setTimeout(resolve, 1_300));

afterEach(async () => {
  await forgetOfflineCache();
});

describe('the offline read cache', () => {
  it('keeps queries but never credentials, searches or failed queries', () => {
    const success = { status: 'success' } as const;
    expect(shouldPersistQuery({ queryKey: dayKey, state: success } as never)).toBe(true);
    expect(shouldPersistQuery({ queryKey: keysKey, state: success } as never)).toBe(false);
    expect(shouldPersistQuery({ queryKey: [['auth', 'sessions', 'list']], state: success } as never)).toBe(false);
    expect(shouldPersistQuery({ queryKey: [['search', 'all'], {}], state: success } as never)).toBe(false);
    expect(shouldPersistQuery({ queryKey: dayKey, state: { status: 'error' } } as never)).toBe(false);
  });

  it("restores the last user's copy, with dates intact, in a fresh client", async () => {
    const online = new QueryClient();
    attachOfflineCache(online, ALICE);
    online.setQueryData(meKey, { id: ALICE, username: 'alice' });
    online.setQueryData(dayKey, { date: '2026-12-07', at: new Date('2026-12-07T08:00:00Z') });
    online.setQueryData(keysKey, [{ id: 'k', name: 'laptop' }]);
    await saved();

    const offline = new QueryClient();
    expect(await restoreOfflineCache(offline)).toBe(true);
    expect(offline.getQueryData(meKey)).toEqual({ id: ALICE, username: 'alice' });
    const day = offline.getQueryData<{ at: Date }>(dayKey);
    expect(day?.at).toBeInstanceOf(Date);
    expect(offline.getQueryData(keysKey)).toBeUndefined();
    // A copy can be a second behind the app it was saved from: what it restores is refetched by the next page.
    expect(offline.getQueryState(dayKey)?.isInvalidated).toBe(true);
  });

  it("deletes the copy on sign-out and another user's on sign-in", async () => {
    const client = new QueryClient();
    attachOfflineCache(client, ALICE);
    client.setQueryData(dayKey, { owner: 'alice' });
    await saved();

    // Bob signs in on the same device: Alice's copy goes, Bob's is saved.
    const bobs = new QueryClient();
    attachOfflineCache(bobs, BOB);
    bobs.setQueryData(dayKey, { owner: 'bob' });
    await saved();
    const restored = new QueryClient();
    await restoreOfflineCache(restored);
    expect(restored.getQueryData(dayKey)).toEqual({ owner: 'bob' });

    await forgetOfflineCache();
    const afterSignOut = new QueryClient();
    expect(await restoreOfflineCache(afterSignOut)).toBe(false);
    expect(afterSignOut.getQueryData(dayKey)).toBeUndefined();
  });
});
