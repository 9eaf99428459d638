import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, type KyselyPlugin, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './database.js';
import { prepareReads } from './prepared.js';

// timestamptz and date columns: keep `date` as the plain 'YYYY-MM-DD' string it is, never a shifted Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type DatabaseDriver = 'pglite' | 'postgres';

export interface CreateDatabaseOptions {
  /** A postgres:// URL; when absent, embedded PGlite under `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** Directory for PGlite's files; `null` keeps the database in memory. */
  dataDir?: string | null | undefined;
  /** Restore PGlite from a `dumpDataDir()` tarball instead of an empty directory (used by tests). */
  loadDataDir?: Blob | File | undefined;
  poolSize?: number | undefined;
  /** PostgreSQL statement_timeout for every pooled connection. */
  statementTimeoutMs?: number | undefined;
  /** PostgreSQL: keep reads prepared per connection (default true; see prepared.ts). */
  prepareReads?: boolean | undefined;
  /** Called with each compiled query (tests count queries with it). */
  onQuery?: ((sql: string) => void) | undefined;
}

export interface Database {
  db: Kysely<DB>;
  driver: DatabaseDriver;
  /** Closes the pool or the embedded database. */
  close(): Promise<void>;
  /** The PGlite instance when the driver is PGlite (for dumps in tests). */
  pglite?: PGlite;
}

export function kyselyPlugins(): KyselyPlugin[] {
  return [new CamelCasePlugin()];
}

export function createDatabase(options: CreateDatabaseOptions): Database {
  const log = options.onQuery
    ? (event: { level: string; query: { sql: string } }) => {
        if (event.level === 'query') options.onQuery?.(event.query.sql);
      }
    : undefined;

  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.statementTimeoutMs
        ? {
            statement_timeout: options.statementTimeoutMs,
            // The server enforces statement_timeout only while it can answer; if the network stalls, this
            // client-side limit still ends the query, so no request waits on a dead connection for ever.
            query_timeout: options.statementTimeoutMs + 5_000,
          }
        : {}),
      connectionTimeoutMillis: 5_000,
      // Prepared reads are planned for their parameters every time, as unnamed ones are (see prepared.ts).
      ...(options.prepareReads === false ? {} : { options: '-c plan_cache_mode=force_custom_plan' }),
    });
    // An idle client losing its server must not crash the process: the pool replaces it on the next checkout.
    pool.on('error', () => {});
    // A checked-out client whose connection drops mid-query emits 'error' too; the query itself rejects, and the
    // pool discards the broken client on release. Unhandled, that event would take the whole server down.
    pool.on('connect', (client) => {
      client.on('error', () => {});
      if (options.prepareReads !== false) prepareReads(client);
    });
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool }),
      plugins: kyselyPlugins(),
      ...(log ? { log } : {}),
    });
    return { db, driver: 'postgres', close: () => db.destroy() };
  }

  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = path.resolve(options.dataDir, 'pglite');
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    relaxedDurability: true,
    // The same value shapes as the pg driver above: dates as 'YYYY-MM-DD', numerics as exact strings, counts as numbers.
    parsers: {
      [pgliteTypes.DATE]: (value: string) => value,
      [pgliteTypes.NUMERIC]: (value: string) => value,
      [pgliteTypes.INT8]: (value: string) => Number(value),
    },
  });
  // The first use of the text-search dictionary loads it (0.1–0.3 s on the server's own thread): done here, at start,
  // rather than inside the first journal write or import of some user's request.
  pglite.query("select to_tsvector('english', 'warm up')").catch(() => {});
  const db = new Kysely<DB>({
    dialect: new PGliteDialect({ pglite }),
    plugins: kyselyPlugins(),
    ...(log ? { log } : {}),
  });
  return {
    db,
    driver: 'pglite',
    pglite,
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
