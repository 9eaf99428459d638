import { createHash } from 'node:crypto';
import type pg from 'pg';

/** At most this many reads are kept prepared on one connection; later ones run unnamed (planned each time). */
export const MAX_PREPARED_PER_CONNECTION = 200;
const MAX_PREPARED_TEXT = 16_384;
const MAX_PREPARED_PARAMETERS = 100;

/**
 * Runs the reads Kysely sends on this connection as named prepared statements, so PostgreSQL parses and analyzes
 * each distinct statement once per connection instead of on every call (the dashboard's one statement is ~10 KiB of
 * SQL). Planning still happens on every call, for the call's parameters: the pool sets `plan_cache_mode =
 * force_custom_plan`. PostgreSQL's generic plans, which it would otherwise switch to after five calls, assume
 * nothing about the parameters; in a database with one user, `user_id = $1` then looks like every row and the
 * dashboard's plans got twice as slow as unprepared ones (10 ms against 5 of PostgreSQL CPU, measured with
 * statistics; 7–10 ms unprepared). Only reads (`select`/`with` whose text holds no data-modifying
 * `insert`/`update`/`delete`): writes vary in shape (multi-row inserts) and run rarely enough. Bounded per
 * connection.
 */
export function prepareReads(client: pg.PoolClient): void {
  const prepared = new Set<string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const namedQuery = (text: string, values: unknown[]) => {
    const name = statementName(text);
    if (!prepared.has(name)) {
      if (prepared.size >= MAX_PREPARED_PER_CONNECTION) return query(text, values);
      prepared.add(name);
    }
    return query({ name, text, values });
  };
  // Kysely calls `query(sql, parameters)`; every other shape (config objects, cursors, callbacks) passes through.
  client.query = ((...args: unknown[]) => {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && isPreparableRead(text, values)) {
      return namedQuery(text, values);
    }
    return query(...args);
  }) as typeof client.query;
}

function isPreparableRead(text: string, values: unknown[]): boolean {
  if (text.length > MAX_PREPARED_TEXT || values.length > MAX_PREPARED_PARAMETERS) return false;
  const start = text.trimStart().slice(0, 6).toLowerCase();
  if (start !== 'select' && !start.startsWith('with')) return false;
  return !WRITES.test(text);
}
const WRITES = /\b(insert|update|delete|merge)\b/i;

const names = new Map<string, string>();
/** A stable name per statement text (the same on every connection). */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `lifeos_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (names.size >= 2_000) names.clear();
    names.set(text, name);
  }
  return name;
}
