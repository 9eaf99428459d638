import type { TApiKeyScope, TUser } from '@lifeos/core/schemas';
import { apiKeysService, authService } from '@lifeos/core/server';
import type { Context } from '../trpc/context.js';
import { cookieNames } from './cookies.js';

export type Caller =
  | { method: 'session'; user: TUser; sessionId: string; scope: 'write' }
  | { method: 'apiKey'; user: TUser; keyId: string; scope: TApiKeyScope };

/**
 * Who is calling: an API key from `Authorization: Bearer`, otherwise the access-token cookie. A Bearer header
 * that does not hold a valid key is refused outright rather than falling back to cookies.
 */
export async function resolveCaller(ctx: Context): Promise<Caller | null> {
  const authorization = ctx.req.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) return null;
    const key = await apiKeysService.authenticateApiKey(ctx, match[1]);
    return key ? { method: 'apiKey', user: key.user, keyId: key.keyId, scope: key.scope } : null;
  }
  const accessToken = ctx.req.cookies[cookieNames(ctx.config).access];
  if (!accessToken) return null;
  const session = await authService.authenticateAccessToken(
    { db: ctx.db, clock: ctx.clock, config: ctx.config.auth },
    accessToken,
  );
  return session ? { method: 'session', user: session.user, sessionId: session.sessionId, scope: 'write' } : null;
}
