// Loads @fastify/cookie's request/reply typings wherever this context is type-checked (web, client).
import type {} from '@fastify/cookie';
import type { Clock, DashboardCache, PasswordHasher } from '@lifeos/core/server';
import type { DB, Kysely } from '@lifeos/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CallerCache } from '../auth/caller-cache.js';
import type { AppConfig } from '../env.js';

/** What the transport tells a procedure about the request. */
export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  cookies: Record<string, string | undefined>;
  authorization: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  csrfHeader: string | undefined;
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

export interface AppServices {
  db: Kysely<DB>;
  clock: Clock;
  config: AppConfig;
  hasher: PasswordHasher;
  callerCache: CallerCache;
  dashboardCache?: DashboardCache;
}

export interface Context extends AppServices {
  req: RequestInfo;
  res: ResponseHooks | null;
}

const noRequest: RequestInfo = {
  ip: null,
  userAgent: null,
  cookies: {},
  authorization: undefined,
  origin: undefined,
  secFetchSite: undefined,
  csrfHeader: undefined,
};

/** A context without HTTP, for `createCaller` in tests and scripts. */
export function createContextInner(
  services: AppServices,
  req: Partial<RequestInfo> = {},
  res: ResponseHooks | null = null,
): Context {
  return { ...services, req: { ...noRequest, ...req }, res };
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** What a Fastify request tells about its caller (also used by the plain HTTP routes' authentication). */
export function requestInfoOf(req: FastifyRequest): RequestInfo {
  return {
    ip: req.ip ?? null,
    userAgent: header(req.headers['user-agent']) ?? null,
    cookies: req.cookies,
    authorization: header(req.headers.authorization),
    origin: header(req.headers.origin),
    secFetchSite: header(req.headers['sec-fetch-site']),
    csrfHeader: header(req.headers['x-lifeos-csrf']),
  };
}

export function createContextFactory(services: AppServices) {
  return (request: FastifyRequest, reply: FastifyReply): Context =>
    createContextInner(services, requestInfoOf(request), {
      setCookie: (name, value, options) => void reply.setCookie(name, value, options),
      clearCookie: (name, options) => void reply.clearCookie(name, options),
    });
}
