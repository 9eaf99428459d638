/**
 * The web app's one QueryClient and one tRPC options proxy (module singletons, CONVENTIONS.md §10).
 *
 * Every request goes to the same origin with the session cookies and the CSRF header the API requires
 * (DESIGN.md §4). A failed call with UNAUTHORIZED — an access token that expired — triggers one silent
 * `auth.refresh` (shared by every call that failed meanwhile) and is then retried once; when the refresh itself
 * fails the session is over and `onSessionExpired` sends the user to the login page.
 */
import type { AppRouter } from '@lifeos/api';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import superjson from 'superjson';

export const TRPC_URL = '/trpc';
export const CSRF_HEADERS = { 'x-lifeos-csrf': '1' } as const;

/**
 * The headers of an unbatched call: CSRF, plus the outbox's Idempotency-Key when the call's context carries one
 * (`{ skipBatch: true, idempotencyKey }`; a key names one call, so it never rides in a batch).
 */
function singleCallHeaders({ op }: { op: { context: Record<string, unknown> } }): Record<string, string> {
  const key = op.context.idempotencyKey;
  return typeof key === 'string' ? { ...CSRF_HEADERS, 'Idempotency-Key': key } : CSRF_HEADERS;
}

/** Same-origin fetch with cookies; resolves `globalThis.fetch` per call so tests can stub it. */
const sameOriginFetch: typeof fetch = (input, init) => globalThis.fetch(input, { ...init, credentials: 'same-origin' });

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `BAD_REQUEST`, …), if it is one. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  return (error.data as { code?: string } | undefined)?.code;
}

/** Procedures whose UNAUTHORIZED answer means "wrong credentials", not "expired access token". */
const NO_REFRESH = new Set(['auth.refresh', 'auth.login', 'auth.setup', 'auth.logout']);

// ---------- silent refresh ----------

/** A client without the refresh link, used only to call `auth.refresh`. */
const refreshClient = createTRPCClient<AppRouter>({
  links: [httpLink({ url: TRPC_URL, transformer: superjson, headers: CSRF_HEADERS, fetch: sameOriginFetch })],
});

/** `expired`: the server refused the refresh token, the session is over. `failed`: we could not ask (offline). */
export type RefreshOutcome = 'refreshed' | 'expired' | 'failed';

let refreshing: Promise<RefreshOutcome> | null = null;
/** Counts successful refreshes: a call sent before the latest one needs no refresh of its own, only a retry. */
let refreshGeneration = 0;
/** The last refresh could not reach the server: try again once the network is back (`refreshAfterReconnect`). */
let refreshFailed = false;

/**
 * Rotates the refresh cookie and gets a new access token. Concurrent callers share the one request in flight,
 * so a burst of expired calls costs one refresh (a second use of a rotated token would end the session).
 */
export function refreshSession(): Promise<RefreshOutcome> {
  refreshing ??= refreshClient.auth.refresh
    .mutate()
    .then(
      (): RefreshOutcome => 'refreshed',
      (error: unknown): RefreshOutcome => (errorCode(error) === 'UNAUTHORIZED' ? 'expired' : 'failed'),
    )
    .then((outcome) => {
      refreshFailed = outcome === 'failed';
      if (outcome === 'refreshed') refreshGeneration++;
      return outcome;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

type SessionExpiredHandler = () => void;
let sessionExpiredHandler: SessionExpiredHandler = () => {};

/** What happens when the session cannot be refreshed any more (main.tsx: go to the login page). */
export function onSessionExpired(handler: SessionExpiredHandler) {
  sessionExpiredHandler = handler;
}

/**
 * The network is back: a refresh that failed while offline is made now, before anything else asks, so the outbox and
 * the refetches go out with a fresh access token. Only now can a refused refresh token end the session.
 */
export async function refreshAfterReconnect(): Promise<RefreshOutcome | null> {
  if (!refreshFailed) return null;
  const outcome = await refreshSession();
  if (outcome === 'expired') sessionExpiredHandler();
  return outcome;
}

/** Retries a call once after a silent refresh when it failed with UNAUTHORIZED. */
export function refreshLink(refresh: () => Promise<RefreshOutcome> = refreshSession): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let stopped = false;
        const attempt = (isRetry: boolean) => {
          const sentInGeneration = refreshGeneration;
          subscription = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              if (isRetry || NO_REFRESH.has(op.path) || errorCode(error) !== 'UNAUTHORIZED') {
                observer.error(error);
                return;
              }
              // Many calls start at once (a page restored from the device's copy refetches all it shows): one whose
              // refusal arrives after another's refresh has finished is retried with the new token, not refreshed.
              if (refreshGeneration !== sentInGeneration) {
                attempt(true);
                return;
              }
              void refresh().then((outcome) => {
                if (stopped) return;
                if (outcome === 'refreshed') {
                  attempt(true);
                  return;
                }
                observer.error(error);
                // Offline is not signed out: only a refused refresh token ends the session.
                if (outcome === 'expired') sessionExpiredHandler();
              });
            },
          });
        };
        attempt(false);
        return () => {
          stopped = true;
          subscription?.unsubscribe();
        };
      });
}

// ---------- the singletons ----------

/**
 * A call's context flag for a request of its own. A batch answers when its slowest call is done: a slow page query
 * (the dashboard's) sent beside the session check would hold back the whole app shell.
 */
export const UNBATCHED = { trpc: { context: { skipBatch: true } } } as const;

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    refreshLink(),
    splitLink({
      condition: (op) => op.context.skipBatch === true,
      true: httpLink({ url: TRPC_URL, transformer: superjson, headers: singleCallHeaders, fetch: sameOriginFetch }),
      false: httpBatchLink({
        url: TRPC_URL,
        transformer: superjson,
        maxItems: 20,
        headers: CSRF_HEADERS,
        fetch: sameOriginFetch,
      }),
    }),
  ],
});

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      // Retrying a refused or invalid call cannot help; only flaky transport is worth a second try.
      retry: (failureCount, error) => errorCode(error) === undefined && failureCount < 2,
    },
    // A write that is not one of the outbox's fails at once offline, with its error on screen, rather than waiting
    // (paused) behind a spinner for a network that may not come back before the page is closed.
    mutations: { retry: false, networkMode: 'always' },
  },
});

export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
