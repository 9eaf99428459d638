import type { TApiKeyScope, TUser } from '@lifeos/core/schemas';
import { apiKeysService, authService, sha256 } from '@lifeos/core/server';
import type { Context } from '../trpc/context.js';
import { cookieNames } from './cookies.js';

export type Caller =
  | { method: 'session'; user: TUser; sessionId: string; scope: 'write' }
  | { method: 'apiKey'; user: TUser; keyId: string; scope: TApiKeyScope };

/**
 * Who is calling: an API key from `Authorization: Bearer`, otherwise the access-token cookie. A Bearer header
 * that does not hold a valid key is refused outright rather than falling back to cookies. A caller found a moment
 * ago is taken from `ctx.callerCache` (see there for how stale it may be); a refused credential is never cached.
 */
export async function resolveCaller(ctx: Context): Promise<Caller | null> {
  const authorization = ctx.req.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) return null;
    const presented = match[1];
    // Cached under the key's hash, like the database keeps it, never the key itself.
    const cacheKey = `key:${sha256(presented)}`;
    const now = ctx.clock.now().getTime();
    const cached = ctx.callerCache.get(cacheKey, now);
    if (cached) return cached;
    const key = await apiKeysService.authenticateApiKey(ctx, presented);
    if (!key) return null;
    const caller: Caller = { method: 'apiKey', user: key.user, keyId: key.keyId, scope: key.scope };
    ctx.callerCache.set(cacheKey, caller, now, key.expiresAt?.getTime());
    return caller;
  }
  const accessToken = ctx.req.cookies[cookieNames(ctx.config).access];
  if (!accessToken) return null;
  const cacheKey = `session:${accessToken}`;
  const now = ctx.clock.now().getTime();
  const cached = ctx.callerCache.get(cacheKey, now);
  if (cached) return cached;
  const session = await authService.authenticateAccessToken(
    { db: ctx.db, clock: ctx.clock, config: ctx.config.auth },
    accessToken,
  );
  if (!session) return null;
  const caller: Caller = { method: 'session', user: session.user, sessionId: session.sessionId, scope: 'write' };
  ctx.callerCache.set(cacheKey, caller, now, session.expiresAt.getTime());
  return caller;
}
