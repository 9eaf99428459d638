/**
 * What the outbox holds (waiting and refused writes), as a small store of its own: the banner reads it on every page
 * while the outbox itself (`writes.ts`, IndexedDB and the write registry) loads only once a user is signed in, off
 * the first page's critical path.
 */
import { useSyncExternalStore } from 'react';
import type { OutboxSnapshot } from './outbox';

const empty: OutboxSnapshot = { pending: [], refused: [] };
let current = empty;
const listeners = new Set<() => void>();

export function publishOutbox(snapshot: OutboxSnapshot): void {
  current = snapshot;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The writes waiting and refused, for the banner and the list. */
export function useOutbox(): OutboxSnapshot {
  return useSyncExternalStore(
    subscribe,
    () => current,
    () => empty,
  );
}
