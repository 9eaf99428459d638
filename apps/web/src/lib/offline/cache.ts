/**
 * The read cache kept on the device (issue 21): TanStack Query's cache persisted to IndexedDB, one copy per user,
 * so an installed app opens on the last dashboard, agenda, program and exercise library without a network.
 *
 * Which user's copy to restore is known before the session check answers: the id of the last signed-in user is
 * kept in localStorage (an id, not a secret), and main.tsx restores that user's copy before the router's first
 * loader runs. Once `auth.me` names the signed-in user, `attachOfflineCache` starts saving under that user; another
 * user's copy is deleted then, and sign-out deletes the signed-out user's (`forgetOfflineCache`).
 */

import { createAsyncStoragePersister } from '@tanstack/query-async-storage-persister';
import { dehydrate, type Query, type QueryClient } from '@tanstack/react-query';
import {
  type PersistedClient,
  persistQueryClientRestore,
  persistQueryClientSubscribe,
} from '@tanstack/react-query-persist-client';
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import superjson from 'superjson';
import { version } from '../../../package.json';
import { lastUserId, setLastUserId } from './last-user';

/** A restored copy older than this is dropped: a week-old agenda is more misleading than none. */
export const CACHE_MAX_AGE_MS = 7 * 24 * 3_600_000;
/** A new app version can change what a query answers: its cache starts afresh (bump FORMAT for a same-version change). */
const CACHE_FORMAT = 1;
export const CACHE_BUSTER = `${version}:${CACHE_FORMAT}`;

/**
 * Never on the device: credentials and lists of them (API keys, sessions), what the data section exports, and
 * search results (many, short-lived, and the search box needs the network anyway).
 */
const NOT_PERSISTED = new Set([
  'apiKeys',
  'data',
  'search',
  'auth.sessions',
  'auth.setupStatus',
  'calendar.feed',
  'calendar.exportIcs',
]);

/** The tRPC path of a query key (`[['fitness','sessions','get'], {…}]` → `fitness.sessions.get`). */
function queryPath(query: Pick<Query, 'queryKey'>): string[] {
  const first = query.queryKey[0];
  return Array.isArray(first) ? first.filter((part): part is string => typeof part === 'string') : [];
}

export function shouldPersistQuery(query: Pick<Query, 'queryKey' | 'state'>): boolean {
  if (query.state.status !== 'success') return false;
  const path = queryPath(query);
  if (path.length === 0) return false;
  for (let i = 1; i <= path.length; i++) if (NOT_PERSISTED.has(path.slice(0, i).join('.'))) return false;
  return true;
}

let store: UseStore | null = null;
function cacheStore(): UseStore {
  store ??= createStore('lifeos-cache', 'queries');
  return store;
}

const cacheKey = (userId: string) => `queries:${userId}`;

/** The user whose copy is being saved; a save still queued for anyone else (after sign-out) is dropped. */
let attachedUser: string | null = null;
let unsubscribe: (() => void) | null = null;

function persisterFor(userId: string) {
  const key = cacheKey(userId);
  return createAsyncStoragePersister({
    key,
    throttleTime: 1_000,
    serialize: (client) => superjson.stringify(client),
    deserialize: (text) => superjson.parse(text),
    storage: {
      getItem: (k) => get<string>(k, cacheStore()).then((value) => value ?? null),
      setItem: async (k, value) => {
        if (attachedUser === userId) await set(k, value, cacheStore());
      },
      removeItem: (k) => del(k, cacheStore()),
    },
  });
}

const dehydrateOptions = { shouldDehydrateQuery: shouldPersistQuery, shouldDehydrateMutation: () => false };

/**
 * Restores the last user's copy into the cache. Bounded: a slow or broken IndexedDB must not hold back the start
 * for long (the app then starts as it did before, from the network).
 */
export async function restoreOfflineCache(queryClient: QueryClient, timeoutMs = 1_500): Promise<boolean> {
  const userId = lastUserId();
  if (!userId || typeof indexedDB === 'undefined') return false;
  const restore = persistQueryClientRestore({
    queryClient,
    persister: persisterFor(userId),
    maxAge: CACHE_MAX_AGE_MS,
    buster: CACHE_BUSTER,
  }).then(
    () => {
      // The copy may be a moment older than the app's last state (saves are throttled): every restored query counts
      // as stale, so a page refetches it when it mounts online, and shows it as it is offline.
      void queryClient.invalidateQueries({ refetchType: 'none' });
      return true;
    },
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs));
  return Promise.race([restore, timeout]);
}

/** Saves the cache under `userId` from now on; another user's copy on this device is deleted. */
export function attachOfflineCache(queryClient: QueryClient, userId: string): void {
  if (attachedUser === userId || typeof indexedDB === 'undefined') return;
  const previous = lastUserId();
  unsubscribe?.();
  attachedUser = userId;
  if (previous && previous !== userId) void del(cacheKey(previous), cacheStore());
  setLastUserId(userId);
  const stopSaving = persistQueryClientSubscribe({
    queryClient,
    persister: persisterFor(userId),
    buster: CACHE_BUSTER,
    dehydrateOptions,
  });
  // Saves are throttled; a page closed or reloaded within that second would leave an older copy behind.
  const saveNow = (event: Event) => {
    if (attachedUser !== userId) return;
    if (event.type === 'visibilitychange' && document.visibilityState === 'visible') return;
    const client: PersistedClient = {
      buster: CACHE_BUSTER,
      timestamp: Date.now(),
      clientState: dehydrate(queryClient, dehydrateOptions),
    };
    void set(cacheKey(userId), superjson.stringify(client), cacheStore());
  };
  document.addEventListener('visibilitychange', saveNow);
  window.addEventListener('pagehide', saveNow);
  unsubscribe = () => {
    stopSaving();
    document.removeEventListener('visibilitychange', saveNow);
    window.removeEventListener('pagehide', saveNow);
  };
}

/** Sign-out or an ended session: stop saving and delete the signed-out user's copy. */
export async function forgetOfflineCache(): Promise<void> {
  const userId = attachedUser ?? lastUserId();
  unsubscribe?.();
  unsubscribe = null;
  attachedUser = null;
  setLastUserId(null);
  if (userId && typeof indexedDB !== 'undefined') await del(cacheKey(userId), cacheStore());
}
