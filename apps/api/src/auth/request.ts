/**
 * What any transport tells the authentication rules about a request, and what those rules may do to its response
 * (cookies). tRPC, the plain HTTP routes and later transports each map their own request onto these.
 */
// Loads @fastify/cookie's typing of `request.cookies`.
import type {} from '@fastify/cookie';
import type { TApiKeyScope, TUser } from '@lifeos/core/schemas';
import type { ApiKeyGrant } from '@lifeos/core/server';
import type { FastifyRequest } from 'fastify';

/**
 * Who is calling, once a credential has been checked (auth/caller.ts). `grant` is what core's API-key policy
 * (api-keys.policy.ts) decides by: a session holds every permission; `scope` is the grant's scope.
 */
export type Caller =
  | { method: 'session'; user: TUser; sessionId: string; scope: 'write'; grant: ApiKeyGrant }
  | { method: 'apiKey'; user: TUser; keyId: string; scope: TApiKeyScope; grant: ApiKeyGrant };

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  cookies: Record<string, string | undefined>;
  authorization: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  csrfHeader: string | undefined;
  /** The `Idempotency-Key` header, as sent (trpc/idempotency.ts checks it). */
  idempotencyKey?: string | undefined;
}

/** What a procedure may do to the response (cookies); absent when called without HTTP. */
export interface ResponseHooks {
  setCookie(name: string, value: string, options: CookieOptions): void;
  clearCookie(name: string, options: CookieOptions): void;
}

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'lax' | 'strict';
  path: string;
  maxAge?: number;
}

export const noRequest: RequestInfo = {
  ip: null,
  userAgent: null,
  cookies: {},
  authorization: undefined,
  origin: undefined,
  secFetchSite: undefined,
  csrfHeader: undefined,
};

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** What a Fastify request tells about its caller. */
export function requestInfoOf(req: FastifyRequest): RequestInfo {
  return {
    ip: req.ip ?? null,
    userAgent: header(req.headers['user-agent']) ?? null,
    cookies: req.cookies,
    authorization: header(req.headers.authorization),
    origin: header(req.headers.origin),
    secFetchSite: header(req.headers['sec-fetch-site']),
    csrfHeader: header(req.headers['x-lifeos-csrf']),
    idempotencyKey: header(req.headers['idempotency-key']),
  };
}
