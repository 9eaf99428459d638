/**
 * Keyset pagination, the one idiom of every list that pages: a page holds `limit` items and, when more follow, a
 * cursor naming the sort key of its last item (say its date and id). The next query asks for rows after that key,
 * so pages stay stable while rows are added or removed, and no page costs more than its own rows.
 */
import { ValidationError } from '../errors.js';

export class InvalidCursorError extends ValidationError {
  constructor() {
    super('Invalid cursor: pass back the nextCursor of the previous page', 'cursor');
  }
}

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
export const isLocalDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
export const isInstant = (value: string) => !Number.isNaN(new Date(value).getTime());

/** The cursor for a sort key (the key's values, in the order the query sorts by). */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key a cursor names, each part checked by the check in its place; anything else (a cursor of another
 * list, one edited by hand) is an InvalidCursorError, never a query with an odd key.
 */
export function decodeCursor(cursor: string, checks: readonly ((part: string) => boolean)[]): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(key) ||
    key.length !== checks.length ||
    !key.every((part, i) => typeof part === 'string' && checks[i]?.(part))
  ) {
    throw new InvalidCursorError();
  }
  return key as string[];
}

/**
 * A page out of `rows` queried with `limit + 1`: the extra row only says that another page follows, and the
 * cursor names the last item kept.
 */
export function keysetPage<T>(
  rows: readonly T[],
  limit: number,
  keyOf: (last: T) => readonly string[],
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
