import { createHash } from 'node:crypto';
import { type DB, idempotencyQueries, type Kysely } from '@lifeos/db';
import { TRPCError } from '@trpc/server';
import superjson, { type SuperJSONResult } from 'superjson';
import type { Context } from './context.js';
import { serializeAnswer } from './transformer.js';

/**
 * Idempotency-Key for mutations (issue 21: the outbox's server side; the IETF draft "The Idempotency-Key HTTP Header
 * Field"). A mutation sent with the header is applied at most once per (user, key); a repeat with the same procedure
 * and input is answered what the first was answered, without running again.
 *
 * Design: the procedure runs inside one transaction that first inserts the (user, key) row, then does the
 * procedure's writes (services join it through `inTransaction`, as `ctx.db` is that transaction), then stores the
 * answer, then commits. So the key and the write are committed together or not at all: a failed call (an error,
 * a crash) leaves no key and a retry runs again, and a committed key always has its write.
 *
 * Two racing requests with one key: the primary key on (user_id, key) decides. On PostgreSQL the second insert waits
 * on the index until the first transaction ends, then finds its committed row (and answers its stored answer) or,
 * when it rolled back, claims the key and runs. We wait rather than answer 409 "in progress": the retry gets the
 * real answer, which is what an outbox needs to settle its entry. The wait is bounded (IDEMPOTENCY_CLAIM_WAIT_MS, 10 s,
 * below the statement timeout): past it the repeat is answered 409 "still running". On PGlite there is one
 * connection, so the second transaction starts after the first one ended, with the same outcome.
 *
 * An answer is kept up to IDEMPOTENCY_ANSWER_MAX_BYTES of its JSON text. A larger one is not kept and its write is
 * still applied: a repeat is answered 409 "already applied" rather than the answer. Refusing the write instead would
 * make a call fail only because it carries a key; running it again would break the promise of the key.
 */

/** How long a key is kept (the clean-up job prunes older ones): longer than any outbox waits to drain. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Mutations that cannot run inside the key's transaction, refused with a key rather than run without one (a caller
 * relying on the key must learn that it does not hold), and why.
 */
const REFUSED_PATHS = new Map([
  ['data.import', 'commits in steps of its own'],
  // A transaction must not be held across the network: on PGlite it holds the one connection every request waits for.
  ['calendar.subscriptions.add', 'fetches a calendar from the network'],
  ['calendar.subscriptions.refresh', 'fetches a calendar from the network'],
]);

/** A procedure's result as tRPC's middlewares pass it on. */
type MiddlewareResult = { ok: true; data: unknown } | { ok: false; error: unknown };

/** Carries a failed result out of the transaction, so that it rolls back with the key. */
class Failed<R> {
  constructor(readonly result: R) {}
}

/** The key of a request, or undefined without the header; a malformed one is refused. */
export function idempotencyKeyOf(ctx: Context): string | undefined {
  const key = ctx.req.idempotencyKey;
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'The Idempotency-Key header must be 1–128 characters of A–Z, a–z, 0–9, "_" and "-"',
    });
  }
  return key;
}

/** Credential procedures answer secrets (a new API key, a feed URL), which are never stored. */
export function refuseKeyForCredentials(ctx: Context, type: string): void {
  if (type === 'mutation' && idempotencyKeyOf(ctx) !== undefined) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'Credential changes do not take an Idempotency-Key: their answers are never stored',
    });
  }
}

/**
 * Runs a mutation under the request's Idempotency-Key, if it has one; `run` calls the procedure with the database
 * it is given. Queries, and mutations without the header, run as they are.
 */
export async function withIdempotency<R extends MiddlewareResult>(
  ctx: Context,
  userId: string,
  call: { type: string; path: string; getRawInput: () => Promise<unknown> },
  run: (db: Kysely<DB>) => Promise<R>,
): Promise<R> {
  if (call.type !== 'mutation') return run(ctx.db);
  const key = idempotencyKeyOf(ctx);
  if (key === undefined) return run(ctx.db);
  const refused = REFUSED_PATHS.get(call.path);
  if (refused) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `${call.path} ${refused} and cannot take an Idempotency-Key; send it without one`,
    });
  }
  const claim = { userId, key, path: call.path, inputHash: await inputHash(call.getRawInput) };
  try {
    // The transport owns this transaction (services join it); the queries file holds its statements.
    return await ctx.db.transaction().execute(async (trx) => {
      if (!(await idempotencyQueries.claimKey(trx, claim, ctx.clock.now()))) return replay<R>(trx, claim);
      const result = await run(trx);
      if (!result.ok) throw new Failed(result);
      const text = JSON.stringify(serializeAnswer(result.data));
      const kept = Buffer.byteLength(text) <= idempotencyQueries.IDEMPOTENCY_ANSWER_MAX_BYTES ? text : null;
      await idempotencyQueries.storeAnswer(trx, userId, key, kept);
      return result;
    });
  } catch (error) {
    if (error instanceof Failed) return error.result as R;
    if (idempotencyQueries.isClaimTimeout(error)) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: 'A request with this Idempotency-Key is still running; try again in a moment',
      });
    }
    throw error;
  }
}

/** The answer of the call that holds the key, for a repeat of it; another procedure or input is a conflict. */
async function replay<R extends MiddlewareResult>(
  db: Kysely<DB>,
  claim: { userId: string; key: string; path: string; inputHash: string },
): Promise<R> {
  const held = await idempotencyQueries.findKey(db, claim.userId, claim.key);
  if (!held) {
    // Only a prune between the claim and this read gets here; the repeat is safe to try again.
    throw new TRPCError({ code: 'CONFLICT', message: 'This Idempotency-Key is being released; try again' });
  }
  if (held.path !== claim.path || held.inputHash !== claim.inputHash) {
    throw new TRPCError({
      code: 'CONFLICT',
      message: 'This Idempotency-Key was already used for another request; use a new key for a new request',
    });
  }
  if (held.answer === null) {
    throw new TRPCError({
      code: 'CONFLICT',
      message: 'This request was already applied; its answer was too large to keep for a repeat',
    });
  }
  const data = superjson.deserialize(JSON.parse(held.answer) as SuperJSONResult);
  // tRPC reads only `ok` and `data` of a middleware's result; its `marker` is a compile-time brand.
  return { ok: true, data, marker: 'middlewareMarker' } as unknown as R;
}

/**
 * SHA-256 of the input as the procedure receives it, in superjson's form with object keys sorted: a repeat that
 * orders its keys otherwise is the same request. The input was bounded in depth and size by checkInput.
 */
async function inputHash(getRawInput: () => Promise<unknown>): Promise<string> {
  let input: unknown;
  try {
    input = await getRawInput();
  } catch {
    input = undefined; // unreadable: the input parser refuses it, and nothing is claimed then
  }
  return createHash('sha256')
    .update(canonicalJson(superjson.serialize(input)))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
