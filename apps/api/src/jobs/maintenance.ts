import { type Database, sql } from '@lifeos/db';
import type { FastifyBaseLogger } from 'fastify';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The first run waits until start-up traffic (the first page loads) has passed. */
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

/**
 * On PGlite: `maintainEmbeddedDatabase` a minute after start, then daily. On PostgreSQL, autovacuum does this and
 * nothing is scheduled. PGlite runs queries one at a time on this thread, so a run holds other requests for its
 * duration (see bench/README.md for how long on ten years of data).
 */
export function scheduleMaintenance(database: Database, log: FastifyBaseLogger): () => void {
  if (database.driver !== 'pglite') return () => {};
  const run = () => {
    const started = performance.now();
    maintainEmbeddedDatabase(database).then(
      () => log.info({ ms: Math.round(performance.now() - started) }, 'database maintenance done'),
      (err: unknown) => log.warn({ err }, 'database maintenance failed'),
    );
  };
  const first = setTimeout(run, FIRST_RUN_DELAY_MS);
  const daily = setInterval(run, DAY_MS);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
