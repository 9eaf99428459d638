import { AppError, type AppErrorKind } from '@lifeos/core/server';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

/** The one table from domain errors to tRPC codes. */
const codeForKind: Record<AppErrorKind, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
};

/** PostgreSQL error codes a user's input can still reach (races, out-of-range values). */
const codeForSqlState: Record<string, { code: TRPC_ERROR_CODE_KEY; message: string }> = {
  '23505': { code: 'CONFLICT', message: 'That already exists' },
  '23503': { code: 'NOT_FOUND', message: 'A referenced item does not exist' },
  '22P02': { code: 'BAD_REQUEST', message: 'Invalid value' },
  '22003': { code: 'BAD_REQUEST', message: 'A number is out of range' },
  '22001': { code: 'BAD_REQUEST', message: 'A value is too long' },
  '22007': { code: 'BAD_REQUEST', message: 'Invalid date' },
  // Datetime field overflow and out-of-range values: the schemas keep dates in the product's range (years 1000–9999,
  // common.schemas.ts), so these are a backstop for a date a service derives past it (a week after 9999-12-31).
  '22008': { code: 'BAD_REQUEST', message: 'Date out of range' },
  '22009': { code: 'BAD_REQUEST', message: 'Date out of range' },
  // Two writes of the same user's data crossing (an import while the journal autosaves): one of them is undone.
  '40P01': {
    code: 'CONFLICT',
    message: 'Another change was being saved at the same moment; nothing was saved. Try again.',
  },
  '40001': {
    code: 'CONFLICT',
    message: 'Another change was being saved at the same moment; nothing was saved. Try again.',
  },
};

/** Node socket errors and pg/pg-pool messages that mean "no usable connection to the database". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
const UNREACHABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /query read timeout/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
];

/**
 * Whether an error says the database could not be reached (down, restarting, network cut), as opposed to a bug:
 * SQLSTATE class 08 (connection exception), 57P01–57P03 (shutdown, cannot connect now), or a socket-level error.
 */
export function isDatabaseUnavailable(cause: unknown): boolean {
  if (!(cause instanceof Error)) return false;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNREACHABLE_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) return true;
  }
  if (UNREACHABLE_MESSAGES.some((pattern) => pattern.test(cause.message))) return true;
  // AggregateError (happy eyeballs) and wrapped causes.
  const inner = (cause as { errors?: unknown[]; cause?: unknown }).errors ?? [(cause as { cause?: unknown }).cause];
  return inner.some((error) => error !== cause && isDatabaseUnavailable(error));
}

/** Turns what a service threw into the TRPCError the caller sees, or null for an unexpected failure. */
export function toTRPCError(cause: unknown): TRPCError | null {
  if (cause instanceof TRPCError) return cause;
  if (cause instanceof AppError) return new TRPCError({ code: codeForKind[cause.kind], message: cause.message, cause });
  if (isDatabaseUnavailable(cause)) {
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The database is not reachable right now; nothing was saved. Try again in a moment.',
      cause,
    });
  }
  const sqlState = (cause as { code?: unknown } | null)?.code;
  if (typeof sqlState === 'string' && codeForSqlState[sqlState]) {
    const { code, message } = codeForSqlState[sqlState];
    return new TRPCError({ code, message, cause });
  }
  return null;
}
