import type { RequestInfo } from './request.js';

/**
 * CSRF (DESIGN.md §4): a request that may carry the session cookie must come from our own pages — `Sec-Fetch-Site:
 * same-origin`, or failing that header an allowed `Origin` — and carry `x-lifeos-csrf: 1`, which the web client
 * always sends. Bearer (API key) requests carry no ambient credential and are exempt. Shared by the tRPC middleware
 * and the plain HTTP routes, so both enforce exactly the same rule.
 */
export function isCrossSiteRefused(req: RequestInfo, appOrigins: readonly string[], isWrite: boolean): boolean {
  const usesCookies = Object.keys(req.cookies).length > 0;
  if (req.authorization !== undefined || !(isWrite || usesCookies)) return false;
  const sameSite =
    req.secFetchSite !== undefined
      ? req.secFetchSite === 'same-origin'
      : req.origin !== undefined && appOrigins.includes(req.origin);
  return !sameSite || req.csrfHeader !== '1';
}
