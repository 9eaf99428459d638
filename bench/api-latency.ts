/**
 * HTTP latency and throughput of the API, with the server in this process and autocannon firing from a worker
 * thread, on embedded PGlite and — when DATABASE_URL is set — on PostgreSQL (in a scratch database created on that
 * server and dropped afterwards). Per database:
 *   baseline        a plain Fastify route running the same SQL as settings.get, no auth
 *   baseline + key  the same route, also resolving the API key the way the tRPC middleware does
 *   settings.get    the tRPC procedure, called with an API key (Authorization: Bearer)
 *   /api/health     the health check (select 1)
 *
 *   pnpm --filter @lifeos/bench api-latency [-- --duration 10 --connections 10]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench api-latency
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { apiKeysService, authService, createPasswordHasher, systemClock } from '@lifeos/core/server';
import { createDatabase, type Database, migrateToLatest, settingsQueries } from '@lifeos/db';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../apps/api/src/env.js';
import { buildServer } from '../apps/api/src/http/server.js';
import { machine, table } from './stats.js';

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const databaseUrl = process.env.DATABASE_URL || undefined;

interface Target {
  name: string;
  open(): Promise<{ database: Database; cleanup: () => Promise<void> }>;
}

async function adminQuery(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const targets: Target[] = [
  {
    name: 'PGlite',
    async open() {
      // On disk, as `pnpm start` runs it.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-'));
      const database = createDatabase({ dataDir: dir });
      return { database, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
if (databaseUrl) {
  targets.push({
    name: 'PostgreSQL',
    async open() {
      const name = `lifeos_bench_${randomBytes(5).toString('hex')}`;
      await adminQuery(databaseUrl, `create database ${name}`);
      const url = new URL(databaseUrl);
      url.pathname = `/${name}`;
      const database = createDatabase({ databaseUrl: url.toString(), statementTimeoutMs: 15_000 });
      return { database, cleanup: () => adminQuery(databaseUrl, `drop database if exists ${name} with (force)`) };
    },
  });
}

type Row = (string | number)[];

async function fire(title: string, url: string, headers: Record<string, string> = {}): Promise<Row> {
  // Warm-up: JIT, pool connections, prepared plans.
  await autocannon({ url, connections, duration: 2, headers, workers: 1 });
  const result = await autocannon({ url, connections, duration, headers, workers: 1 });
  const failed = result.non2xx + result.errors + result.timeouts;
  // autocannon records latency in whole milliseconds.
  const latency = (value: number) => (value < 1 ? '<1' : String(Math.round(value)));
  return [
    title,
    latency(result.latency.p50),
    latency(result.latency.p99),
    Math.round(result.requests.average),
    failed === 0 ? '0' : `${failed} (!)`,
  ];
}

async function benchTarget(target: Target): Promise<Row[]> {
  const { database, cleanup } = await target.open();
  try {
    await migrateToLatest(database.db);
    const config = loadConfig({
      NODE_ENV: 'production',
      SECRET_KEY: randomBytes(48).toString('base64url'),
      DATA_DIR: os.tmpdir(),
      LOG_LEVEL: 'silent',
    });
    const hasher = createPasswordHasher(config.argon2);
    const user = await authService.createUser(
      { db: database.db, hasher },
      { username: 'bench', email: 'bench@example.com', password: 'benchmark password 1234' },
    );
    const { key } = await apiKeysService.createApiKey({ db: database.db, clock: systemClock }, user.id, {
      name: 'bench',
      scope: 'read',
    });

    const server = await buildServer({ config, database, webDistDir: null });
    server.app.get('/bench/settings', async () => settingsQueries.getSettings(database.db, user.id));
    server.app.get('/bench/settings-with-key', async (request, reply) => {
      const presented = request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
      const caller = await apiKeysService.authenticateApiKey({ db: database.db, clock: systemClock }, presented);
      if (!caller) return reply.code(401).send({ error: 'unauthorized' });
      return settingsQueries.getSettings(database.db, caller.user.id);
    });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    const bearer = { authorization: `Bearer ${key}` };

    // Sanity: every endpoint answers 200 before we measure it.
    for (const [url, headers] of [
      [`${base}/bench/settings`, {}],
      [`${base}/bench/settings-with-key`, bearer],
      [`${base}/trpc/settings.get`, bearer],
      [`${base}/api/health`, {}],
    ] as const) {
      const response = await fetch(url, { headers });
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
    }

    const rows = [
      await fire('baseline: Fastify route, same SQL as settings.get', `${base}/bench/settings`),
      await fire('baseline + API key lookup', `${base}/bench/settings-with-key`, bearer),
      await fire('tRPC settings.get (API key)', `${base}/trpc/settings.get`, bearer),
      await fire('GET /api/health', `${base}/api/health`),
    ];
    await server.shutdown();
    return rows.map((row) => [target.name, ...row]);
  } finally {
    await database.close().catch(() => {});
    await cleanup();
  }
}

const rows: Row[] = [];
for (const target of targets) {
  process.stderr.write(`benchmarking on ${target.name}…\n`);
  rows.push(...(await benchTarget(target)));
}

console.log(`API latency — ${machine()}`);
console.log(
  `autocannon: ${connections} connections, ${duration} s per row (after 2 s warm-up), 1 worker thread; ` +
    'latency in whole ms\n',
);
console.log(table(['database', 'endpoint', 'p50 ms', 'p99 ms', 'req/s', 'failed'], rows, 2));
if (!databaseUrl) console.log('\n(set DATABASE_URL to a PostgreSQL server to add it to the comparison)');
