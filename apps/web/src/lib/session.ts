import { queryClient } from './trpc';

/** Public pages: reachable without a session. */
export const PUBLIC_PATHS = ['/login', '/setup'];

/**
 * Whether this browser holds a session at all. The server sets a readable `lifeos_session` flag beside its httpOnly
 * tokens; without it there is nothing to refresh, so a signed-out visitor goes straight to the login page.
 */
export function hasSessionFlag(cookies: string = document.cookie): boolean {
  return /(?:^|;\s*)(?:__Host-)?lifeos_session=/.test(cookies);
}

/**
 * Where to send someone back after signing in. Only a path on this site is accepted (never `//evil.example` or
 * a full URL), so the `next` parameter cannot become an open redirect.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (PUBLIC_PATHS.some((p) => next === p || next.startsWith(`${p}?`))) return '/';
  return next;
}

export function loginPath(next?: string): string {
  const target = next ? safeNext(next) : '/';
  return target === '/' ? '/login' : `/login?next=${encodeURIComponent(target)}`;
}

/**
 * Forgets everything cached for the signed-out user. Not an invalidation after a mutation: when a session ends,
 * no data of that account may stay in memory for whoever uses the browser next. Call it after navigating away
 * from the shell, so no mounted query refetches into an UNAUTHORIZED.
 */
export function clearSessionData() {
  // The device's copy goes too (a later save still queued for this user is dropped by the cache itself); the
  // outbox stops sending. Loaded on demand: neither belongs in the sign-in page's JavaScript.
  void import('./offline/cache').then((cache) => cache.forgetOfflineCache());
  void import('./outbox/writes').then((outbox) => outbox.stopOutbox());
  void queryClient.cancelQueries();
  queryClient.removeQueries();
  queryClient.getMutationCache().clear();
}
