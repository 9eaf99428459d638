import { apiKeyPolicy, apiKeysService, authService } from '@lifeos/core/server';
import type { AppServices } from '../services.js';
import { cookieNames } from './cookies.js';
import type { Caller, RequestInfo } from './request.js';

/**
 * Who is calling: an API key from `Authorization: Bearer`, otherwise the access-token cookie. A Bearer header
 * that does not hold a valid key is refused outright rather than falling back to cookies. A caller found a moment
 * ago is taken from the services' `callerCache` (see there for how stale it may be); a refused credential is
 * never cached.
 */
export async function resolveCaller(services: AppServices, req: RequestInfo): Promise<Caller | null> {
  if (req.authorization !== undefined) return apiKeyCaller(services, req.authorization);
  const accessToken = req.cookies[cookieNames(services.config).access];
  return accessToken ? sessionCaller(services, accessToken) : null;
}

/** The header is read here; the key is verified by core's API-key service. */
async function apiKeyCaller(services: AppServices, authorization: string): Promise<Caller | null> {
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (!presented) return null;
  // Cached under the key's hash, like the database keeps it, never the key itself.
  const cacheKey = `key:${apiKeysService.apiKeyHash(presented)}`;
  const now = services.clock.now().getTime();
  const cached = services.callerCache.get(cacheKey, now);
  if (cached) return cached;
  const key = await apiKeysService.authenticateApiKey(services, presented);
  if (!key) return null;
  const caller: Caller = {
    method: 'apiKey',
    user: key.user,
    keyId: key.keyId,
    scope: key.grant.scope,
    grant: key.grant,
  };
  services.callerCache.set(cacheKey, caller, now, key.expiresAt?.getTime());
  return caller;
}

async function sessionCaller(services: AppServices, accessToken: string): Promise<Caller | null> {
  const cacheKey = `session:${accessToken}`;
  const now = services.clock.now().getTime();
  const cached = services.callerCache.get(cacheKey, now);
  if (cached) return cached;
  const session = await authService.authenticateAccessToken(
    { db: services.db, clock: services.clock, config: services.config.auth },
    accessToken,
  );
  if (!session) return null;
  const caller: Caller = {
    method: 'session',
    user: session.user,
    sessionId: session.sessionId,
    scope: 'write',
    grant: apiKeyPolicy.FULL_GRANT,
  };
  services.callerCache.set(cacheKey, caller, now, session.expiresAt.getTime());
  return caller;
}

/**
 * HTTP Basic with the username and an API key as the password (an app password), for clients that know no other
 * scheme (CalDAV). Never a session cookie. The key must belong to the user named, so a leaked key alone does not
 * reveal whose it is to a client that guesses names.
 */
export async function resolveBasicCaller(services: AppServices, authorization: string | undefined) {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]{1,1000})$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  const username = decoded.slice(0, colon);
  const caller = await apiKeyCaller(services, `Bearer ${decoded.slice(colon + 1)}`);
  if (!caller || caller.user.username.toLowerCase() !== username.toLowerCase()) return null;
  return caller;
}
