/**
 * HTTP latency and throughput of the API on ten years of one user's data (the bench:seed dataset, seeded into a
 * scratch database first), with the server in this process and autocannon firing from a worker thread over
 * loopback. Embedded PGlite always; PostgreSQL too when DATABASE_URL is set (a scratch database is created on that
 * server and dropped afterwards), beside pgbench's select-only rate on the same server as the floor.
 *
 *   baseline            a plain Fastify route running the same Kysely query as journal.get, no auth
 *   journal.get         the tRPC procedure, API key (Authorization: Bearer) — the ratio to the baseline is the cost
 *                       of tRPC + auth + validation (target ≥ 60 % of the baseline's req/s on PostgreSQL)
 *   journal.get cookie  the same, signed in with the session cookie as the web app is
 *   journal.get own     the same with the API key through tRPC's own resolveResponse path (Fetch Request/Response),
 *                       which our route (apps/api/src/http/trpc-route.ts) skips for GET queries: what it saves
 *   dashboard.today     the landing page's one call (target p99 < 25 ms on PostgreSQL, < 60 ms on PGlite): a repeat
 *                       visit answered from the kept dashboard (the data version and the date unchanged), and the
 *                       same call computed every time, as on the first visit after any change (cache off)
 *   journal.list        the journal's first page (target p99 < 10 ms)
 *   calendar.events     a month of occurrences, recurrences expanded (target p99 < 10 ms)
 *   /api/health         select 1
 *   one client          the lists and the computed dashboard again from a single connection, back to back: what
 *                       one person's browser waits for (the rows above load the 2-core machine with 10 at once)
 *
 *   pnpm --filter @lifeos/bench api-latency [-- --duration 10 --connections 10 --skip-pglite]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench api-latency
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { localDate } from '@lifeos/core/schemas';
import { apiKeysService, systemClock } from '@lifeos/core/server';
import { createDatabase, type Database, journalQueries } from '@lifeos/db';
import { withDatabase } from '@lifeos/db/testing';
import autocannon from 'autocannon';
import superjson from 'superjson';
import { appTrpcRoute } from '../apps/api/src/http/server.js';
import { registerTrpcRoute } from '../apps/api/src/http/trpc-route.js';
import { startServer } from './lib/api.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { BENCH_TIMEZONE, DEFAULT_PASSWORD, seedUser } from './lib/seed-user.js';
import { machine, table } from './stats.js';

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    years: { type: 'string', default: '10' },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const databaseUrl = process.env.DATABASE_URL || undefined;
const until = localDate(new Date(), BENCH_TIMEZONE);

interface Target {
  name: 'PGlite' | 'PostgreSQL';
  open(): Promise<{ database: Database; url?: string; cleanup: () => Promise<void> }>;
}

const targets: Target[] = [];
if (!values['skip-pglite']) {
  targets.push({
    name: 'PGlite',
    async open() {
      // On disk, as `pnpm start` runs it.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-'));
      return { database: createDatabase({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true }) };
    },
  });
}
if (databaseUrl) {
  targets.push({
    name: 'PostgreSQL',
    async open() {
      const scratch = await createScratchDatabase(databaseUrl, 'lifeos_bench');
      return {
        database: createDatabase({ databaseUrl: scratch.url, statementTimeoutMs: 60_000 }),
        url: scratch.url,
        cleanup: scratch.drop,
      };
    },
  });
}

type Row = (string | number)[];
interface Measured {
  p50: number;
  p99: number;
  rps: number;
  failed: number;
}

/** A tRPC GET URL for a query with input, encoded the way the client encodes it (superjson). */
const query = (base: string, procedure: string, input?: unknown) =>
  `${base}/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`}`;

interface Endpoint {
  url: string;
  headers: Record<string, string>;
}

async function check({ url, headers }: Endpoint) {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Measures several endpoints in alternating blocks (A B C A B C …, `duration` s each in all), so a drift of the
 * machine during the run — another process, PostgreSQL's autovacuum — falls on all of them alike and their ratio
 * holds. req/s over all blocks; p50/p99 the median of the blocks'.
 */
async function fireInterleaved(endpoints: Endpoint[], blocks: number, clients = connections): Promise<Measured[]> {
  for (const endpoint of endpoints) {
    await check(endpoint);
    // Warm-up: JIT, pool connections, the caller cache.
    await autocannon({ url: endpoint.url, connections: clients, duration: 2, headers: endpoint.headers, workers: 1 });
  }
  const runs = endpoints.map(() => [] as autocannon.Result[]);
  for (let block = 0; block < blocks; block++) {
    for (const [index, { url, headers }] of endpoints.entries()) {
      runs[index]?.push(
        await autocannon({ url, connections: clients, duration: duration / blocks, headers, workers: 1 }),
      );
    }
  }
  return runs.map((results) => ({
    p50: median(results.map((r) => r.latency.p50)),
    p99: median(results.map((r) => r.latency.p99)),
    rps: results.reduce((sum, r) => sum + r.requests.total, 0) / results.reduce((sum, r) => sum + r.duration, 0),
    failed: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
  }));
}

const fire = async (endpoint: Endpoint, clients = connections): Promise<Measured> => {
  const [measured] = await fireInterleaved([endpoint], 1, clients);
  return measured as Measured;
};

const msText = (value: number) => (value < 1 ? '<1' : value.toFixed(value < 10 ? 1 : 0));

function pgbenchSelectOnly(adminUrl: string): string {
  const name = `lifeos_pgbench_${randomBytes(4).toString('hex')}`;
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'pgbench not installed (apt-get install postgresql-client) — floor not measured';
  }
  const url = withDatabase(adminUrl, name);
  execFileSync('psql', [adminUrl, '-qc', `create database ${name}`], { stdio: 'ignore' });
  try {
    execFileSync('pgbench', ['-i', '-q', '-s', '10', url], { stdio: 'ignore' });
    const out = execFileSync(
      'pgbench',
      ['-S', '-n', '-c', String(connections), '-j', '2', '-T', String(duration), url],
      { encoding: 'utf8' },
    );
    const tps = /tps = ([\d.]+)/.exec(out)?.[1];
    const latency = /latency average = ([\d.]+) ms/.exec(out)?.[1];
    return `pgbench -S (select-only, scale 10, ${connections} clients, ${duration} s): ${Math.round(Number(tps))} tps, average latency ${latency} ms`;
  } finally {
    execFileSync('psql', [adminUrl, '-qc', `drop database if exists ${name} with (force)`], { stdio: 'ignore' });
  }
}

async function benchTarget(target: Target): Promise<{ rows: Row[]; floor?: string }> {
  const { database, cleanup } = await target.open();
  let serverOwnsDatabase = false;
  try {
    process.stderr.write(`${target.name}: seeding ${values.years} years…\n`);
    const seeded = await seedUser(database, {
      username: 'bench',
      password: DEFAULT_PASSWORD,
      until,
      years: Number(values.years),
      seed: 42,
      reset: true,
    });
    const { key } = await apiKeysService.createApiKey({ db: database.db, clock: systemClock }, seeded.userId, {
      name: 'bench',
      scope: 'read',
    });
    const { server, base } = await startServer(database, async ({ app, services }) => {
      // tRPC's own request path (resolveResponse with Fetch objects) beside ours, on the same router and services:
      // what the custom route in apps/api/src/http/trpc-route.ts saves, measured in every run.
      await registerTrpcRoute(app, { ...appTrpcRoute(services), prefix: '/bench/trpc-own/trpc', fastQueries: false });
      // The baseline: what the same read costs without tRPC, auth, validation or the output schema.
      app.get<{ Params: { date: string } }>('/bench/journal/:date', async (request) => {
        const row = await journalQueries.findEntry(database.db, seeded.userId, 'morning_pages', request.params.date);
        return row ?? null;
      });
    });
    serverOwnsDatabase = true;
    const cookie = await cookieHeader(base);
    const bearer = { authorization: `Bearer ${key}` };
    // A day with an entry (the seed writes most days), so every row returns a document.
    const day = localDate(new Date(Date.now() - 3 * 86_400_000), BENCH_TIMEZONE);
    const monthStart = new Date(`${until.slice(0, 7)}-01T00:00:00Z`);
    const monthEnd = new Date(monthStart.getTime() + 31 * 86_400_000);

    const measured: [string, Measured, string][] = [];
    const run = async (title: string, url: string, headers: Record<string, string>, target = '', clients?: number) => {
      process.stderr.write(`  ${title}\n`);
      measured.push([title, await fire({ url, headers }, clients), target]);
    };
    const pglite = target.name === 'PGlite';
    // The ratio's rows run interleaved, in five rounds.
    process.stderr.write("  baseline vs journal.get (key, cookie, tRPC's own path), interleaved\n");
    const journalGet = query(base, 'journal.get', { type: 'morning_pages', date: day });
    const journalGetOwnPath = query(`${base}/bench/trpc-own`, 'journal.get', { type: 'morning_pages', date: day });
    const [plain, withKey, withCookie, ownPath] = await fireInterleaved(
      [
        { url: `${base}/bench/journal/${day}`, headers: {} },
        { url: journalGet, headers: bearer },
        { url: journalGet, headers: cookie },
        { url: journalGetOwnPath, headers: bearer },
      ],
      5,
    );
    measured.push(
      ['baseline: Fastify route, same query as journal.get', plain as Measured, ''],
      ['journal.get (API key)', withKey as Measured, ''],
      ['journal.get (session cookie)', withCookie as Measured, ''],
      ["journal.get (API key, tRPC's own resolveResponse path)", ownPath as Measured, ''],
    );
    await run(
      'dashboard.today (repeat visit: the kept answer)',
      query(base, 'dashboard.today'),
      bearer,
      pglite ? 'p99 < 60' : 'p99 < 25',
    );
    {
      // What every visit after a change costs: the same server with the dashboard cache off, on the same database.
      const computing = await startServer(database, undefined, { DASHBOARD_CACHE_USERS: '0' });
      await run(
        'dashboard.today (computed: first visit after a change)',
        query(computing.base, 'dashboard.today'),
        bearer,
      );
      await computing.server.app.close();
    }
    const journalList = query(base, 'journal.list', {});
    const eventsList = query(base, 'calendar.events.list', { from: monthStart, to: monthEnd });
    await run('journal.list (first page)', journalList, bearer, 'p99 < 10');
    await run('calendar.events.list (a month)', eventsList, bearer, 'p99 < 10');
    await run('GET /api/health', `${base}/api/health`, {});
    // One person's browser asks one or two things at a time: the same reads from a single client, back to back.
    await run('one client: journal.list (first page)', journalList, bearer, '', 1);
    await run('one client: calendar.events.list (a month)', eventsList, bearer, '', 1);
    {
      const computing = await startServer(database, undefined, { DASHBOARD_CACHE_USERS: '0' });
      await run('one client: dashboard.today (computed)', query(computing.base, 'dashboard.today'), bearer, '', 1);
      await computing.server.app.close();
    }
    await server.shutdown();

    const baseline = measured[0]?.[1].rps ?? Number.NaN;
    const rows = measured.map(([title, m, goal], index) => {
      let verdict = '';
      const limit = /p99 < (\d+)/.exec(goal)?.[1];
      if (limit) verdict = `${goal}: ${m.p99 < Number(limit) ? 'met' : 'MISSED'}`;
      if (index === 1) verdict = `≥ 60 % of baseline: ${m.rps >= 0.6 * baseline ? 'met' : 'MISSED'}`;
      return [
        target.name,
        title,
        msText(m.p50),
        msText(m.p99),
        Math.round(m.rps),
        index === 0 || title.startsWith('journal.get') ? `${Math.round((100 * m.rps) / baseline)} %` : '',
        m.failed === 0 ? '0' : `${m.failed} (!)`,
        verdict,
      ];
    });
    const floor = target.name === 'PostgreSQL' && databaseUrl ? pgbenchSelectOnly(databaseUrl) : undefined;
    return { rows, ...(floor ? { floor } : {}) };
  } finally {
    if (!serverOwnsDatabase) await database.close().catch(() => {});
    await cleanup();
  }
}

/** Signs in over HTTP and returns the Cookie header a browser would send, plus the CSRF headers of our pages. */
async function cookieHeader(base: string): Promise<Record<string, string>> {
  const response = await fetch(`${base}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-lifeos-csrf': '1', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify(superjson.serialize({ identifier: 'bench', password: DEFAULT_PASSWORD })),
  });
  if (!response.ok) throw new Error(`login answered ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';', 1)[0])
    .join('; ');
  return { cookie, 'x-lifeos-csrf': '1', 'sec-fetch-site': 'same-origin' };
}

const rows: Row[] = [];
const floors: string[] = [];
for (const target of targets) {
  const result = await benchTarget(target);
  rows.push(...result.rows);
  if (result.floor) floors.push(result.floor);
}

console.log(`API latency — ${machine()}`);
console.log(
  `ten years of one user's data (seed 42, until ${until}); autocannon: ${connections} connections, ${duration} s per ` +
    'row after a 2 s warm-up (the first three rows interleaved in five rounds), 1 worker thread in the same process ' +
    'as the server\n',
);
console.log(table(['database', 'endpoint', 'p50 ms', 'p99 ms', 'req/s', 'of baseline', 'failed', 'target'], rows, 2));
for (const floor of floors) console.log(`\nPostgreSQL floor — ${floor}`);
if (!databaseUrl) console.log('\n(set DATABASE_URL to a PostgreSQL server to add it to the comparison)');
