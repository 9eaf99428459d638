/**
 * Ten years of one person's data in every module, for benchmarks and for trying the app at scale: ~7,000 journal
 * entries, ~1,500 workout sessions with ~30,000 sets, ~3,500 body weights, 60 projects with ~5,000 tasks,
 * ~3,000 events, 10,000 captures. Deterministic: the same --seed, --until and --years give the same content.
 * Then it signs in through the real API and calls a few procedures, to prove the app reads the data.
 *
 *   pnpm bench:seed                                  # PGlite under bench/data (or DATA_DIR)
 *   pnpm bench:seed -- --reset --until 2026-11-25    # replace the user, fixed end date
 *   pnpm bench:seed -- --database-url postgres://postgres@127.0.0.1:5432/lifeos_bench --reset
 * Options: --years 10 --username bench --password '…' --seed 42 --no-check (skip the API check).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { localDate } from '@lifeos/core/schemas';
import { signIn, startServer } from './lib/api.js';
import { BENCH_TIMEZONE, countRows, DEFAULT_PASSWORD, openBenchDatabase, seedUser } from './lib/seed-user.js';
import { machine, table } from './stats.js';

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    years: { type: 'string', default: '10' },
    until: { type: 'string' },
    username: { type: 'string', default: 'bench' },
    password: { type: 'string', default: DEFAULT_PASSWORD },
    seed: { type: 'string', default: '42' },
    reset: { type: 'boolean', default: false },
    'no-check': { type: 'boolean', default: false },
  },
  strict: true,
});

const databaseUrl = values['database-url'] ?? (process.env.DATABASE_URL || undefined);
// bench/data is covered by the repository's `data/` ignore rule.
const dataDir = path.resolve(values['data-dir'] ?? process.env.DATA_DIR ?? 'data');
const until = values.until ?? localDate(new Date(), BENCH_TIMEZONE);
if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(until))) throw new Error('--until: YYYY-MM-DD');
const years = Number(values.years);
if (!(years > 0 && years <= 30)) throw new Error('--years: a number from 0 to 30');

const target = databaseUrl ? `PostgreSQL ${new URL(databaseUrl).pathname.slice(1)}` : `PGlite ${dataDir}`;
process.stderr.write(`seeding "${values.username}" on ${target}: ${years} years until ${until}, seed ${values.seed}\n`);

const opening = performance.now();
const database = await openBenchDatabase({ databaseUrl, dataDir });
const openMs = performance.now() - opening;
let closed = false;
try {
  const result = await seedUser(database, {
    username: values.username,
    password: values.password,
    until,
    years,
    seed: Number(values.seed),
    reset: values.reset,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const counts = await countRows(database, result.userId);
  const insertMs = result.timings.reduce((sum, t) => sum + t.ms, 0);
  const totalRows = result.timings.reduce((sum, t) => sum + t.rows, 0);

  console.log(`Seed — ${machine()}`);
  console.log(`${target}; ${years} years until ${until}; seed ${values.seed}; user "${values.username}"\n`);
  console.log(
    table(
      ['table', 'rows', 'insert ms', 'rows/s'],
      [
        ...result.timings.map((t) => [t.table, counts[t.table], Math.round(t.ms), Math.round(t.rows / (t.ms / 1000))]),
        ['all', totalRows, Math.round(insertMs), Math.round(totalRows / (insertMs / 1000))],
      ],
    ),
  );
  console.log(
    `\nopen + migrate ${ms0(openMs + result.migrateMs)} · create user ${ms0(result.createUserMs)} · ` +
      `generate ${ms0(result.generateMs)} · insert ${ms0(insertMs)} · total ${ms0(openMs + result.totalMs)}`,
  );
  const mismatch = result.timings.filter((t) => counts[t.table] !== t.rows);
  if (mismatch.length) throw new Error(`row counts differ from what was written: ${mismatch.map((t) => t.table)}`);

  if (!values['no-check']) {
    const { server, base } = await startServer(database);
    closed = true; // the server's shutdown closes the database
    try {
      console.log(`\n${await checkThroughApi(base, values.username, values.password, until)}`);
    } finally {
      await server.shutdown();
    }
  }
} finally {
  if (!closed) await database.close();
}

function ms0(value: number) {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** Signs in with the password and reads every module through tRPC: one line of what came back. */
async function checkThroughApi(base: string, username: string, password: string, until: string): Promise<string> {
  const started = performance.now();
  const client = await signIn(base, username, password);
  const to = new Date(`${until}T00:00:00Z`);
  const from = new Date(to.getTime() - 28 * 86_400_000);
  const [streaks, heatmap, records, volume, occurrences, projects, tasks, inbox, today] = await Promise.all([
    client.journal.streaks.query(),
    client.journal.heatmap.query({ year: Number(until.slice(0, 4)) - 1 }),
    client.fitness.records.list.query(),
    client.fitness.stats.weeklyVolume.query({ weeks: 52 }),
    client.calendar.events.list.query({ from, to }),
    client.projects.list.query(),
    client.tasks.list.query({ status: 'done', limit: 1000 }),
    client.captures.list.query({ status: 'inbox' }),
    client.dashboard.today.query(),
  ]);
  const s = streaks.streaks;
  return (
    `API check (signed in as "${username}", ${Math.round(performance.now() - started)} ms): ` +
    `journal.streaks morning pages ${s.morning_pages.current}/${s.morning_pages.longest} (current/longest), ` +
    `reflections ${s.daily_reflection.current}/${s.daily_reflection.longest}, reviews ${s.weekly_review.current}/${s.weekly_review.longest}; ` +
    `heatmap ${heatmap.days.length} days; fitness.records ${records.length} exercises; weeklyVolume ${volume.length} rows; ` +
    `calendar.events.list ${occurrences.items.length} occurrences in 4 weeks; projects ${projects.length}; ` +
    `tasks done (first page) ${Array.isArray(tasks) ? tasks.length : 'ok'}; inbox ${inbox.length}; ` +
    `dashboard.today ${today ? 'ok' : 'empty'}`
  );
}
