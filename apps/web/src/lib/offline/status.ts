/**
 * Whether the API can be reached, as the app has seen it: the browser's own flag (`navigator.onLine`, which says
 * only that some network is up) and the outcome of the last calls (a fetch that failed in transport says the API is
 * out of reach even on a network; an answered one says it is back). The offline banner reads it.
 */
import { onlineManager, type QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { errorCode } from '../trpc';

export interface NetworkStatus {
  /** The browser says it has a network. */
  online: boolean;
  /** The last call reached no server. */
  unreachable: boolean;
}

let status: NetworkStatus = {
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  unreachable: false,
};
const listeners = new Set<() => void>();

function update(next: Partial<NetworkStatus>) {
  const merged = { ...status, ...next };
  if (merged.online === status.online && merged.unreachable === status.unreachable) return;
  status = merged;
  for (const listener of listeners) listener();
}

/** A call reached the server (any answer, even a refusal) or failed on the way. */
export function reportReachable(reached: boolean) {
  update({ unreachable: !reached });
}

export function networkStatus(): NetworkStatus {
  return status;
}

export function subscribeNetworkStatus(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isOffline(s: NetworkStatus = status): boolean {
  return !s.online || s.unreachable;
}

export function useNetworkStatus(): NetworkStatus {
  return useSyncExternalStore(subscribeNetworkStatus, networkStatus, networkStatus);
}

/** A failure that never reached the API (no tRPC code: the fetch itself failed). */
export function isTransportFailure(error: unknown): boolean {
  return errorCode(error) === undefined;
}

/**
 * Follows the browser's online flag and the query cache's outcomes. TanStack Query's online manager starts as
 * "online" whatever the browser says; told the truth at start, queries opened offline pause (and keep their restored
 * data) instead of failing through their retries.
 */
export function watchNetwork(queryClient: QueryClient): () => void {
  const setOnline = () =>
    update({ online: navigator.onLine, unreachable: navigator.onLine ? status.unreachable : false });
  setOnline();
  onlineManager.setOnline(navigator.onLine);
  window.addEventListener('online', setOnline);
  window.addEventListener('offline', setOnline);
  const stop = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated') return;
    if (event.action.type === 'success') reportReachable(true);
    else if (event.action.type === 'error') reportReachable(!isTransportFailure(event.action.error));
  });
  return () => {
    window.removeEventListener('online', setOnline);
    window.removeEventListener('offline', setOnline);
    stop();
  };
}

/** The newest moment any cached query was fetched: what "last updated" means offline. */
export function lastUpdatedAt(queryClient: QueryClient): number {
  let newest = 0;
  for (const query of queryClient.getQueryCache().getAll()) newest = Math.max(newest, query.state.dataUpdatedAt);
  return newest;
}
