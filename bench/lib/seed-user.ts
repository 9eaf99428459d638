/**
 * The benchmark database and its ten-year user: opening PGlite or PostgreSQL (creating the PostgreSQL database
 * when it does not exist yet), migrating, and creating the user the way `pnpm user:create` does (core's
 * authService.createUser: the server's argon2id hash and a settings row) before writing the generated data.
 */
import { authService, createPasswordHasher, settingsService, systemClock } from '@lifeos/core/server';
import { createDatabase, type Database, migrateToLatest, sql } from '@lifeos/db';
import pg from 'pg';
import { loadConfig } from '../../apps/api/src/env.js';
import { DATASET_TABLES, type Dataset, type DatasetTable, generateDataset } from './generate.js';
import { type TableTiming, writeDataset } from './write.js';

export const BENCH_TIMEZONE = 'Europe/Berlin';
export const DEFAULT_PASSWORD = 'bench password 1234';

/** Opens the benchmark database: PostgreSQL when a URL is given (its database is created if missing), else PGlite. */
export async function openBenchDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL only; the default leaves room for deleting a previous seed (see the README). */
  statementTimeoutMs?: number;
}) {
  if (!options.databaseUrl) return createDatabase({ dataDir: options.dataDir });
  await ensurePostgresDatabase(options.databaseUrl);
  return createDatabase({
    databaseUrl: options.databaseUrl,
    poolSize: 4,
    statementTimeoutMs: options.statementTimeoutMs ?? 600_000,
  });
}

async function ensurePostgresDatabase(url: string) {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch (error) {
    await probe.end().catch(() => {});
    // 3D000: the database does not exist. Anything else (server down, auth) is the caller's to see.
    if ((error as { code?: string }).code !== '3D000') throw error;
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing to create a database named "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

export async function findUserId(database: Database, username: string): Promise<string | undefined> {
  const row = await database.db
    .selectFrom('users')
    .select('id')
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
  return row?.id;
}

/** Row counts of everything a user owns, per dataset table (built-in exercises excluded). */
export async function countRows(database: Database, userId: string): Promise<Record<DatasetTable, number>> {
  const counts = {} as Record<DatasetTable, number>;
  for (const table of DATASET_TABLES) {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

export interface SeedOptions {
  username: string;
  password: string;
  until: string;
  years: number;
  seed: number;
  /** Delete an existing user of that name (and, by cascade, everything they own) first. */
  reset: boolean;
  log?: (line: string) => void;
}

export interface SeedResult {
  userId: string;
  /** Opening (PGlite starts lazily, on the first query) and migrating. */
  migrateMs: number;
  generateMs: number;
  createUserMs: number;
  timings: TableTiming[];
  totalMs: number;
}

export async function seedUser(database: Database, options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  await migrateToLatest(database.db);
  const migrateMs = performance.now() - started;
  log(`opened and migrated in ${Math.round(migrateMs)} ms`);
  const existing = await findUserId(database, options.username);
  if (existing) {
    if (!options.reset) throw new Error(`user "${options.username}" exists: pass --reset to replace it`);
    const deleting = performance.now();
    await database.db.deleteFrom('users').where('id', '=', existing).execute();
    log(`deleted the existing user "${options.username}" in ${Math.round(performance.now() - deleting)} ms`);
  }

  const creating = performance.now();
  // The server's own argon2 parameters (a SECRET_KEY only satisfies loadConfig; nothing is signed here).
  const config = loadConfig({ ...process.env, SECRET_KEY: 'x'.repeat(32) });
  const user = await authService.createUser(
    { db: database.db, hasher: createPasswordHasher(config.argon2) },
    {
      username: options.username,
      email: `${options.username.toLowerCase()}@example.com`,
      password: options.password,
      displayName: 'Bench Marker',
    },
  );
  await settingsService.updateSettings({ db: database.db, clock: systemClock }, user.id, {
    timezone: BENCH_TIMEZONE,
    weekStart: 'monday',
    units: 'metric',
    journalWordGoal: 750,
  });
  const createUserMs = performance.now() - creating;

  const builtins = await database.db
    .selectFrom('exercises')
    .select(['id', 'name'])
    .where('userId', 'is', null)
    .execute();
  const generating = performance.now();
  const dataset: Dataset = generateDataset({
    userId: user.id,
    until: options.until,
    years: options.years,
    seed: options.seed,
    timezone: BENCH_TIMEZONE,
    builtinExercises: new Map(builtins.map((b) => [b.name.toLowerCase(), b.id])),
    verifyWordCountsEvery: 25,
  });
  const generateMs = performance.now() - generating;
  log(`generated in ${Math.round(generateMs)} ms`);

  const timings = await writeDataset(database.db, dataset, (t) =>
    log(`  ${t.table.padEnd(17)} ${String(t.rows).padStart(6)} rows  ${Math.round(t.ms)} ms`),
  );
  // What autovacuum does soon after a bulk load, and what the planner needs: without statistics it misjudges the
  // user's rows (a streak walk read all 485 weekly reviews per step, 8 ms instead of 0.4). The CI's PostgreSQL runs
  // with autovacuum off; PGlite has no autovacuum at all (the server maintains it, see jobs/maintenance.ts).
  const vacuuming = performance.now();
  await sql`vacuum (analyze)`.execute(database.db);
  log(`vacuum (analyze) in ${Math.round(performance.now() - vacuuming)} ms`);
  return { userId: user.id, migrateMs, generateMs, createUserMs, timings, totalMs: performance.now() - started };
}
