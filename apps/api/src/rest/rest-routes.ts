/**
 * The REST face at /api/v1 (rest-operations.ts) and its OpenAPI document at /api/openapi.json; the API reference
 * page at /api/docs is rest-docs.ts.
 *
 * Authentication is `Authorization: Bearer <api key>` only, read by the same code as tRPC and /mcp
 * (auth/caller.ts's `resolveCaller`, cookies left out): with no ambient credential there is no cross-site request to
 * forge, so CORS can stay the API's. A wrong key is throttled per address like a wrong login (as /mcp and /dav).
 * What a key may do is core's API-key policy, asked by the procedure each operation mirrors, and answers are
 * redacted by it as tRPC's are. A POST with an `Idempotency-Key` runs through tRPC's idempotency (one transaction
 * holding the key and the write).
 *
 * Errors are Fastify's JSON shape, `{ statusCode, error, message }`: 400 with zod's message, 401, 403, 404 for
 * another user's id (services find nothing of theirs), 409, 413 and 415 (http/server.ts), 429 with Retry-After.
 */

import { STATUS_CODES } from 'node:http';
import { apiKeyPolicy, RateLimitedError } from '@lifeos/core/server';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError, z } from 'zod';
import { resolveCaller } from '../auth/caller.js';
import { wrongCredentialWait } from '../auth/credential-throttle.js';
import type { Caller } from '../auth/request.js';
import { requestInfoOf } from '../auth/request.js';
import { inputProblem, parseInput } from '../http/plain-input.js';
import type { AppServices } from '../services.js';
import { createContextInner } from '../trpc/context.js';
import { toTRPCError } from '../trpc/errors.js';
import { withIdempotency } from '../trpc/idempotency.js';
import { OPENAPI_PATH, openApiDocument } from './rest-openapi.js';
import { REST_OPERATIONS, REST_PREFIX, type RestOperation } from './rest-operations.js';

function sendError(reply: FastifyReply, statusCode: number, message: string) {
  return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message });
}

async function authenticate(services: AppServices, request: FastifyRequest, reply: FastifyReply) {
  const req = requestInfoOf(request);
  const caller = req.authorization ? await resolveCaller(services, { ...req, cookies: {} }) : null;
  if (caller) return caller;
  if (req.authorization) {
    const retryAfter = await wrongCredentialWait(services, 'rest', request.ip);
    if (retryAfter !== null) {
      reply.header('retry-after', String(retryAfter));
      sendError(reply, 429, 'Too many wrong API keys');
      return null;
    }
  }
  reply.header('www-authenticate', 'Bearer realm="Life OS"');
  sendError(reply, 401, 'Send an API key as Authorization: Bearer <key> (Settings → API keys)');
  return null;
}

/** The input object the procedure's schema reads: the query string or the body, with the path's parameters. */
function rawInput(operation: RestOperation, request: FastifyRequest): { value: unknown } | { problem: string } {
  const source = operation.method === 'GET' ? request.query : request.body;
  if (source === null || typeof source !== 'object' || Array.isArray(source)) {
    return { problem: 'The body must be a JSON object' };
  }
  // A copy of the request's own: parsing converts dates in place.
  const value: Record<string, unknown> = { ...(source as Record<string, unknown>) };
  const params = request.params as Record<string, string>;
  for (const [param, key] of Object.entries(operation.pathParams ?? {})) value[key] = params[param];
  return { value };
}

/** Runs the operation for the caller (a POST under its Idempotency-Key, when sent), its answer redacted. */
async function execute(
  services: AppServices,
  request: FastifyRequest,
  operation: RestOperation,
  caller: Caller,
  raw: unknown,
) {
  const input = operation.input
    ? parseInput(operation.input, raw, operation.method === 'GET' ? 'query' : 'body')
    : undefined;
  const userId = caller.user.id;
  let answer: unknown;
  if (operation.method === 'POST' && request.headers['idempotency-key'] !== undefined) {
    const ctx = createContextInner(services, requestInfoOf(request));
    const result = await withIdempotency(
      ctx,
      userId,
      // Its own path per operation: a REST key is never taken as a tRPC call's, whose input reads otherwise.
      { type: 'mutation', path: `rest.${operation.id}`, getRawInput: async () => raw },
      async (db) => ({ ok: true as const, data: await operation.run({ ...services, db }, userId, input) }),
    );
    answer = result.data;
  } else {
    answer = await operation.run(services, userId, input);
  }
  return apiKeyPolicy.redactFor(caller.grant, operation.procedure, answer);
}

function sendFailure(request: FastifyRequest, reply: FastifyReply, operation: RestOperation, error: unknown) {
  if (error instanceof ZodError) return sendError(reply, 400, z.prettifyError(error));
  const mapped = error instanceof TRPCError ? error : toTRPCError(error);
  if (!mapped) {
    request.log.error({ err: error, operation: operation.id }, 'rest operation failed');
    return sendError(reply, 500, 'Something went wrong on our side');
  }
  if (mapped.cause instanceof RateLimitedError) reply.header('retry-after', String(mapped.cause.retryAfterSeconds));
  const status = getHTTPStatusCodeFromError(mapped);
  if (status >= 500) request.log.warn({ err: mapped.cause?.message, operation: operation.id }, 'rest unavailable');
  return sendError(reply, status, mapped.message);
}

export async function registerRest(app: FastifyInstance, services: AppServices) {
  app.get(OPENAPI_PATH, (_request, reply) => reply.header('content-type', 'application/json').send(openApiDocument()));

  for (const operation of REST_OPERATIONS) {
    // Fastify's `{id}` is `:id`.
    const url = `${REST_PREFIX}${operation.path.replace(/\{(\w+)\}/g, ':$1')}`;
    app.route({
      method: operation.method,
      url,
      bodyLimit: services.config.limits.bodyBytes,
      handler: async (request, reply) => {
        const caller = await authenticate(services, request, reply);
        if (!caller) return reply;
        const refusal = apiKeyPolicy.refusalOf(caller.grant, operation.procedure, operation.access);
        if (refusal) return sendError(reply, 403, refusal);
        const raw = rawInput(operation, request);
        if ('problem' in raw) return sendError(reply, 400, raw.problem);
        const problem = inputProblem(raw.value);
        if (problem) return sendError(reply, 400, problem);
        try {
          const answer = await execute(services, request, operation, caller, raw.value);
          return reply.code(operation.status).send(answer);
        } catch (error) {
          return sendFailure(request, reply, operation, error);
        }
      },
    });
  }
}
