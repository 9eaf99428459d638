// Loads @fastify/cookie's request/reply typings wherever this context is type-checked (web, client).
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { noRequest, type RequestInfo, type ResponseHooks, requestInfoOf } from '../auth/request.js';
import type { AppServices } from '../services.js';

/** A procedure's context: the composition root's services and what the transport says about the request. */
export interface Context extends AppServices {
  req: RequestInfo;
  res: ResponseHooks | null;
}

/** A context without HTTP, for `createCaller` in tests and scripts. */
export function createContextInner(
  services: AppServices,
  req: Partial<RequestInfo> = {},
  res: ResponseHooks | null = null,
): Context {
  return { ...services, req: { ...noRequest, ...req }, res };
}

export function createContextFactory(services: AppServices) {
  return (request: FastifyRequest, reply: FastifyReply): Context =>
    createContextInner(services, requestInfoOf(request), {
      setCookie: (name, value, options) => void reply.setCookie(name, value, options),
      clearCookie: (name, options) => void reply.clearCookie(name, options),
    });
}
