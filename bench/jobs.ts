/**
 * Issue 22: the job table's claim rate. 10,000 no-op jobs due at once (spread over `--users` users, so the claim's
 * fair path between users is the one measured) are run to the end by the real runner (`JobRunner`: claim, run,
 * complete, one statement each), and the time from start to the last job done gives jobs/s. PGlite on disk always
 * (one worker: it is one process's database); with DATABASE_URL, PostgreSQL with one worker and with two (two
 * runners in this process, each with its own pool of connections, as two replicas would have). Each database is a
 * scratch one, migrated, and removed afterwards.
 *
 *   pnpm --filter @lifeos/bench jobs                        # [-- --jobs 10000 --users 100 --concurrency 16]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench jobs
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { jobsService, systemClock } from '@lifeos/core/server';
import { createDatabase, type Database, migrateToLatest, sql } from '@lifeos/db';
import Fastify from 'fastify';
import { JobRunner } from '../apps/api/src/jobs/runner.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { machine, table } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    jobs: { type: 'string', default: '10000' },
    users: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '16' },
  },
});
const JOBS = Number(values.jobs);
const USERS = Number(values.users);
const CONCURRENCY = Number(values.concurrency);
const databaseUrl = process.env.DATABASE_URL || undefined;
const log = Fastify({ logger: { level: 'warn' } }).log;

async function seed(database: Database): Promise<void> {
  const { db } = database;
  await sql`delete from jobs`.execute(db);
  await sql`delete from users where username like 'bench-jobs-%'`.execute(db);
  const users = await db
    .insertInto('users')
    .values(
      Array.from({ length: USERS }, (_, i) => ({
        username: `bench-jobs-${i}`,
        email: `bench-jobs-${i}@example.com`,
        displayName: `bench ${i}`,
        passwordHash: 'x',
      })),
    )
    .returning('id')
    .execute();
  const deps = { db, clock: systemClock };
  const past = new Date(Date.now() - 60_000);
  for (let at = 0; at < JOBS; at += 10_000) {
    await jobsService.enqueueJobs(
      deps,
      Array.from({ length: Math.min(10_000, JOBS - at) }, (_, i) => ({
        kind: 'bench.noop',
        userId: users[(at + i) % users.length]?.id ?? null,
        key: `noop-${at + i}`,
        runAt: past,
      })),
    );
  }
  // The planner knows the table's size, as autovacuum (PostgreSQL) or the daily maintenance (PGlite) would see to.
  await sql`analyze jobs`.execute(db);
}

/** Runs every job with `workers` runners (one database each) and answers the seconds until the last was done. */
async function runAll(databases: Database[]): Promise<{ seconds: number; perWorker: number[] }> {
  const counts = databases.map(() => 0);
  const runners = databases.map(
    (database, w) =>
      new JobRunner({
        db: database.db,
        clock: systemClock,
        log,
        workerId: `bench-${w}`,
        concurrency: CONCURRENCY,
        pollMs: 100,
        kinds: [
          {
            kind: 'bench.noop',
            run: async () => {
              counts[w] = (counts[w] ?? 0) + 1;
            },
          },
        ],
      }),
  );
  const [first] = databases;
  if (!first) throw new Error('no database');
  const started = performance.now();
  for (const runner of runners) runner.start();
  for (;;) {
    const left = await sql<{ n: number }>`select count(*)::int as n from jobs where state <> 'done'`.execute(first.db);
    if (left.rows[0]?.n === 0) break;
    if (performance.now() - started > 600_000) throw new Error('not done within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(runners.map((runner) => runner.stop(1_000)));
  return { seconds, perWorker: counts };
}

function row(name: string, result: { seconds: number; perWorker: number[] }): (string | number)[] {
  return [
    name,
    result.perWorker.length,
    JOBS,
    result.seconds.toFixed(2),
    Math.round(JOBS / result.seconds),
    result.perWorker.join(' / '),
  ];
}

async function main() {
  const rows: (string | number)[][] = [];

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-jobs-'));
  const pglite = createDatabase({ dataDir });
  try {
    await migrateToLatest(pglite.db);
    await seed(pglite);
    rows.push(row('PGlite (on disk)', await runAll([pglite])));
  } finally {
    await pglite.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (databaseUrl) {
    const scratch = await createScratchDatabase(databaseUrl, 'lifeos_bench_jobs');
    const open = () => createDatabase({ databaseUrl: scratch.url, poolSize: 4 });
    const one = open();
    const two = open();
    try {
      await migrateToLatest(one.db);
      await seed(one);
      rows.push(row('PostgreSQL, 1 worker', await runAll([one])));
      await seed(one);
      rows.push(row('PostgreSQL, 2 workers', await runAll([one, two])));
    } finally {
      await one.close();
      await two.close();
      await scratch.drop();
    }
  }

  console.log(
    `Job runner: ${JOBS} no-op jobs due at once over ${USERS} users, concurrency ${CONCURRENCY} per worker (${machine()})\n`,
  );
  console.log(table(['database', 'workers', 'jobs', 'seconds', 'jobs/s', 'jobs per worker'], rows));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
