import { apiKeyPolicy } from '@lifeos/core/server';
import type { FastifyRequest } from 'fastify';
import { resolveCaller } from '../auth/caller.js';
import { isCrossSiteRefused } from '../auth/csrf.js';
import { type Caller, requestInfoOf } from '../auth/request.js';
import type { AppServices } from '../services.js';

/**
 * An error Fastify answers as JSON `{ statusCode, error, message }` with its status (its default error handler does
 * so for any error carrying a 4xx `statusCode`), so a route can simply let it propagate.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface AuthenticatedRequest {
  userId: string;
  caller: Caller;
}

/**
 * Authenticates a plain Fastify route with exactly the tRPC rules (trpc/init.ts): the access-token cookie or
 * `Authorization: Bearer <api key>`; CSRF for cookie-authenticated requests (writes always, reads whenever cookies
 * are sent); the key's permissions (core's API-key policy) by the procedure the route mirrors. Throws an HttpError: 403 for a cross-site request (checked first, like the
 * tRPC middleware order, so a forged request learns nothing about the session), 401 without a valid credential,
 * 403 for a read-only key on a write.
 */
export async function authenticateRequest(
  request: FastifyRequest,
  services: AppServices,
  /** The procedure the route mirrors (`data.export`), for core's API-key policy, and whether it writes. */
  options: { scope: 'read' | 'write'; operation: string },
): Promise<AuthenticatedRequest> {
  const req = requestInfoOf(request);
  if (isCrossSiteRefused(req, services.config.appOrigins, options.scope === 'write')) {
    throw new HttpError(403, 'Cross-site request refused');
  }
  const caller = await resolveCaller(services, req);
  if (!caller) throw new HttpError(401, 'Sign in to continue');
  const refusal = apiKeyPolicy.refusalOf(caller.grant, options.operation, options.scope);
  if (refusal) throw new HttpError(403, refusal);
  return { userId: caller.user.id, caller };
}
