import { type Database, sql } from '@lifeos/db';
import type { AppServices } from '../services.js';
import type { JobKind, RecurringJob } from './runner.js';

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
 * On PGlite, `maintainEmbeddedDatabase` as a daily job of the runner; on PostgreSQL autovacuum does this and the
 * kind is not registered. The day's slot runs at the first start of a day or at midnight UTC, never before a minute
 * after start (start-up traffic, the first page loads, goes first), so a new data directory, or one from before this
 * job existed, is analyzed within a minute too. PGlite runs queries one at a time on this thread, so a run holds
 * other requests while it lasts: ~2–4 s on ten years of data, most of it ANALYZE (bench/README.md); the daily run is
 * the price of fresh statistics. PGlite is one process's, so no replica question arises.
 */
export const maintenanceJob = ({ database }: Pick<AppServices, 'database'>): JobKind => ({
  kind: 'database.maintenance',
  run: async (_payload, { log }) => {
    const started = performance.now();
    await maintainEmbeddedDatabase(database);
    log.info({ ms: Math.round(performance.now() - started) }, 'database maintenance done');
  },
});

export const maintenanceSchedule: RecurringJob = {
  kind: 'database.maintenance',
  every: 'daily',
  firstRunDelayMs: 60_000,
};
