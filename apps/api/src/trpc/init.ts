import { AppError, apiKeyPolicy } from '@lifeos/core/server';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { resolveCaller } from '../auth/caller.js';
import { isCrossSiteRefused } from '../auth/csrf.js';
import type { Caller } from '../auth/request.js';
import type { Context } from './context.js';
import { toTRPCError } from './errors.js';
import { refuseKeyForCredentials, withIdempotency } from './idempotency.js';
import { apiTransformer } from './transformer.js';

export interface Meta {
  /** One line for the dev panel and generated docs. */
  description?: string;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: apiTransformer,
    // A streamed batch says what it is, so compression (json only) leaves it flowing line by line.
    jsonl: { contentType: 'application/jsonl' },
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      const domainField = error.cause instanceof AppError ? error.cause.field : undefined;
      return {
        ...shape,
        message: error.code === 'INTERNAL_SERVER_ERROR' ? 'Something went wrong on our side' : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          // Field-level messages for forms; never a stack.
          fieldErrors: zodError
            ? z.flattenError(zodError).fieldErrors
            : domainField
              ? { [domainField]: [error.message] }
              : undefined,
        },
      };
    },
  });

export const router = t.router;

/**
 * CSRF (DESIGN.md §4): a request that may carry the session cookie must come from our own pages. tRPC also
 * accepts form and octet-stream bodies, so a cross-site form could otherwise reach a mutation without input.
 * Bearer (API key) requests carry no ambient credential and are exempt.
 */
function refuseCrossSite(ctx: Context, type: string) {
  if (ctx.res && isCrossSiteRefused(ctx.req, ctx.config.appOrigins, type === 'mutation')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Cross-site request refused' });
  }
}

/** Who is calling, and whether their key may run this procedure (core's API-key policy, by the procedure's path). */
async function authenticateCaller(ctx: Context, type: string, path: string) {
  const caller = await resolveCaller(ctx, ctx.req);
  if (!caller) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  const refusal = apiKeyPolicy.refusalOf(caller.grant, path, type === 'query' ? 'read' : 'write');
  if (refusal) throw new TRPCError({ code: 'FORBIDDEN', message: refusal });
  return caller;
}

/** The answer as the caller's key may see it (journal text and search hits of modules it may not read left out). */
function redacted<T extends { ok: boolean; data?: unknown }>(caller: Caller, path: string, result: T): T {
  if (!result.ok) return result;
  const data = apiKeyPolicy.redactFor(caller.grant, path, result.data);
  // Unchanged for nearly every call: no copy of the result then.
  return data === result.data ? result : { ...result, data };
}

/** Domain errors become their TRPCError; anything else stays an internal error (logged, never shown). */
function mapDomainError<T extends { ok: boolean; error?: { cause?: unknown } }>(result: T): T {
  if (!result.ok) {
    const mapped = toTRPCError(result.error?.cause);
    if (mapped) throw mapped;
  }
  return result;
}

/** Runs a procedure's checks; what they throw (a domain error, the database gone) is mapped the same way. */
async function checked<T>(checks: () => Promise<T>): Promise<T> {
  try {
    return await checks();
  } catch (cause) {
    throw toTRPCError(cause) ?? cause;
  }
}

/**
 * For procedures that revoke a credential or change what a caller is (profile, password, sessions, keys): the
 * in-process caller cache is emptied once they ran, so the very next request sees the change.
 */
export const forgetsCachedCallers = t.middleware(async ({ ctx, next }) => {
  try {
    return await next();
  } finally {
    ctx.callerCache.clear();
  }
});

/** How deep a tRPC input may nest: every procedure's schema is a few levels deep; the margin is for the transport. */
export const TRPC_INPUT_MAX_DEPTH = 32;
/**
 * How many values (strings, numbers, keys…) a tRPC input may hold: the largest real input, a data.import document
 * within the 1 MiB body limit, holds well under 100,000; a body of bare numbers could hold 500,000.
 */
export const TRPC_INPUT_MAX_VALUES = 200_000;

/**
 * Walks a (decoded) input once, without recursion and without spreading its arrays onto the stack (a 400,000-element
 * array overflowed it), refusing a NUL character, nesting deeper than TRPC_INPUT_MAX_DEPTH and more than
 * TRPC_INPUT_MAX_VALUES values before any procedure does work with it.
 */
function checkInputShape(input: unknown) {
  const pending: { value: unknown; depth: number }[] = [{ value: input, depth: 0 }];
  let values = 0;
  // Counted as they are queued, so a huge array is refused before it is copied.
  const count = (more: number) => {
    values += more;
    if (values > TRPC_INPUT_MAX_VALUES) {
      throw new TRPCError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `The input holds too many values (the limit is ${TRPC_INPUT_MAX_VALUES})`,
      });
    }
  };
  while (pending.length > 0) {
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'Text cannot contain NUL characters' });
      }
    } else if (value !== null && typeof value === 'object') {
      if (depth >= TRPC_INPUT_MAX_DEPTH) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `The input is nested too deeply (the limit is ${TRPC_INPUT_MAX_DEPTH} levels)`,
        });
      }
      if (Array.isArray(value)) {
        count(value.length);
        for (const item of value) pending.push({ value: item, depth: depth + 1 });
      } else {
        for (const key in value) {
          if (!Object.hasOwn(value, key)) continue;
          count(2);
          pending.push({ value: key, depth: depth + 1 });
          pending.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
        }
      }
    }
  }
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb; such input would fail in the database as a 500 (even on the
 * signed-out login path), so it is refused up front, as is an input of absurd shape.
 */
async function checkInput(getRawInput: () => Promise<unknown>) {
  let input: unknown;
  try {
    input = await getRawInput();
  } catch {
    return; // unreadable: the input parser reports it, if the procedure takes input at all
  }
  checkInputShape(input);
}

/*
 * Each kind of procedure has one middleware doing its checks in order (CSRF, who is calling, the input's shape and NUL)
 * and mapping domain errors: tRPC copies its call options and context at every middleware, which was a tenth
 * of a cheap query's CPU with the checks as a chain of four (bench/profile.ts).
 */

/** Anyone may call it (login, setup status). */
export const publicProcedure = t.procedure.use(async ({ ctx, type, getRawInput, next }) => {
  await checked(async () => {
    refuseCrossSite(ctx, type);
    await checkInput(getRawInput);
  });
  return mapDomainError(await next());
});

/**
 * A signed-in user or an API key; `ctx.user` is set. A mutation with an Idempotency-Key runs at most once per user
 * and key (trpc/idempotency.ts), with `ctx.db` the transaction that records the key.
 */
export const protectedProcedure = t.procedure.use(async ({ ctx, type, path, getRawInput, next }) => {
  const caller = await checked(async () => {
    refuseCrossSite(ctx, type);
    const caller = await authenticateCaller(ctx, type, path);
    await checkInput(getRawInput);
    return caller;
  });
  if (type !== 'mutation' || ctx.req.idempotencyKey === undefined) {
    return redacted(caller, path, mapDomainError(await next({ ctx: { caller, user: caller.user } })));
  }
  const result = await checked(() =>
    withIdempotency(ctx, caller.user.id, { type, path, getRawInput }, (db) =>
      next({ ctx: { caller, user: caller.user, db } }),
    ),
  );
  return redacted(caller, path, mapDomainError(result));
});

/** Credential management (keys, password, sessions): a browser session only, never an API key. */
export const sessionProcedure = t.procedure.use(async ({ ctx, type, path, getRawInput, next }) => {
  const caller = await checked(async () => {
    refuseCrossSite(ctx, type);
    const caller = await authenticateCaller(ctx, type, path);
    if (caller.method !== 'session') {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Sign in with your password to manage credentials' });
    }
    refuseKeyForCredentials(ctx, type);
    await checkInput(getRawInput);
    return caller;
  });
  return mapDomainError(await next({ ctx: { caller, user: caller.user, sessionId: caller.sessionId } }));
});
