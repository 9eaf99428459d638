import { type Database, sql } from '@lifeos/db';
import type { FastifyBaseLogger } from 'fastify';
import type { AppServices } from '../services.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The start-up check waits until start-up traffic (the first page loads) has passed. */
const FIRST_RUN_DELAY_MS = 60 * 1000;

/**
 * Reclaims dead rows and refreshes the planner's statistics. Embedded PGlite runs PostgreSQL in single-user mode,
 * which has no autovacuum: without this, every update's old row version stays (the journal's autosave rewrites an
 * entry every few seconds) and the planner never learns how many rows a user has — it then picks plans like reading
 * all of a user's weekly reviews once per step of the streak walk (8 ms instead of 0.4).
 */
export async function maintainEmbeddedDatabase(database: Database): Promise<void> {
  await sql`vacuum (analyze)`.execute(database.db);
}

/** Whether a table of ours was never vacuumed nor analyzed (PostgreSQL 14+: its reltuples is -1 until then). */
export async function hasUnanalyzedTables(database: Database): Promise<boolean> {
  const result = await sql<{ tables: number }>`
    select count(*)::int as tables from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and c.reltuples < 0`.execute(database.db);
  return (result.rows[0]?.tables ?? 0) > 0;
}

/**
 * On PGlite: `maintainEmbeddedDatabase` daily, and a minute after start when some table was never analyzed (a new
 * data directory, or one from before this job existed). On PostgreSQL, autovacuum does this and nothing is
 * scheduled. PGlite runs queries one at a time on this thread, so a run holds other requests while it lasts: ~2–4 s
 * on ten years of data, most of it ANALYZE (bench/README.md); the daily run is the price of fresh statistics.
 */
export function scheduleMaintenance({ database }: Pick<AppServices, 'database'>, log: FastifyBaseLogger): () => void {
  if (database.driver !== 'pglite') return () => {};
  const run = async () => {
    const started = performance.now();
    await maintainEmbeddedDatabase(database);
    log.info({ ms: Math.round(performance.now() - started) }, 'database maintenance done');
  };
  const failed = (err: unknown) => log.warn({ err }, 'database maintenance failed');
  const first = setTimeout(() => {
    hasUnanalyzedTables(database)
      .then((needed) => (needed ? run() : undefined))
      .catch(failed);
  }, FIRST_RUN_DELAY_MS);
  const daily = setInterval(() => run().catch(failed), DAY_MS);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
