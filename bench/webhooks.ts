/**
 * Issue 23, part 2: outgoing webhooks' delivery throughput and lag. One user with one endpoint (a receiver in this
 * process on loopback, answering 204 at once); `--events` events emitted one transaction each, as the writes that
 * cause them would (core's `webhooksService.emit`: a delivery row and its job), while the real runner with the real
 * `webhook.deliver` kind (`createJobRunner`'s options: concurrency 4, polling every second when idle) sends them,
 * signed. Throughput: events / (last received − first emitted). Lag: received − committed, per event, p50/p99/max.
 * PGlite on disk always; with DATABASE_URL, a scratch PostgreSQL database too.
 *
 *   pnpm --filter @lifeos/bench webhooks                    # [-- --events 1000 --concurrency 4]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench webhooks
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock, webhooksService } from '@lifeos/core/server';
import { createDatabase, type Database, migrateToLatest } from '@lifeos/db';
import Fastify from 'fastify';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../apps/api/src/env.js';
import { JobRunner } from '../apps/api/src/jobs/runner.js';
import { webhookDeliverJob } from '../apps/api/src/jobs/webhook-deliver.js';
import { createServices } from '../apps/api/src/services.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { machine, summarize, table } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    events: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const databaseUrl = process.env.DATABASE_URL || undefined;
const log = Fastify({ logger: { level: 'warn' } }).log;

async function run(database: Database, dataDir: string) {
  await migrateToLatest(database.db);
  const config = loadConfig({
    NODE_ENV: 'production',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: dataDir,
    CALENDAR_ALLOW_PRIVATE_URLS: 'true',
  });
  const services = createServices({ database, clock: systemClock, config });
  const deps = { db: database.db, clock: systemClock, sendPolicy: { allowPrivateAddresses: true } };

  const committedAt = new Map<string, number>();
  const lags: number[] = [];
  let secret = '';
  let bad = 0;
  let lastReceived = 0;
  let done: () => void = () => {};
  const allReceived = new Promise<void>((resolve) => {
    done = resolve;
  });
  const seen = new Set<string>();
  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const payload = new Webhook(secret).verify(body, request.headers as Record<string, string>) as {
          data: { id: string };
        };
        const emitted = committedAt.get(payload.data.id);
        if (emitted !== undefined && !seen.has(payload.data.id)) {
          seen.add(payload.data.id);
          lags.push(at - emitted);
        }
      } catch {
        bad++;
      }
      response.writeHead(204).end();
      lastReceived = at;
      if (seen.size === EVENTS) done();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const { id: userId } = await database.db
    .insertInto('users')
    .values({ username: 'bench-hooks', email: 'bench-hooks@example.com', displayName: 'hooks', passwordHash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  secret = (await webhooksService.createEndpoint(deps, userId, { url, eventTypes: ['task.created'] })).secret;

  const runner = new JobRunner({
    db: database.db,
    clock: systemClock,
    log,
    workerId: 'bench-webhooks',
    concurrency: CONCURRENCY,
    kinds: [webhookDeliverJob(services)],
  });
  runner.start();
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const id = `task-${i}`;
    await database.db
      .transaction()
      .execute((trx) => webhooksService.emit({ ...deps, db: trx }, userId, 'task.created', { id, object: 'task' }));
    committedAt.set(id, performance.now());
  }
  const emittedIn = performance.now() - started;
  const timeout = setTimeout(() => done(), 300_000);
  await allReceived;
  clearTimeout(timeout);
  await runner.stop(1_000);
  await new Promise((resolve) => receiver.close(resolve));
  const seconds = (lastReceived - started) / 1000;
  const lag = summarize(lags);
  return {
    received: seen.size,
    bad,
    emitPerSecond: Math.round(EVENTS / (emittedIn / 1000)),
    seconds,
    perSecond: Math.round(seen.size / seconds),
    lag,
  };
}

function row(name: string, r: Awaited<ReturnType<typeof run>>): (string | number)[] {
  return [
    name,
    `${r.received}/${EVENTS}`,
    r.bad,
    r.emitPerSecond,
    r.seconds.toFixed(2),
    r.perSecond,
    r.lag.p50.toFixed(1),
    r.lag.p99.toFixed(1),
    r.lag.max.toFixed(1),
  ];
}

async function main() {
  const rows: (string | number)[][] = [];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-webhooks-'));
  const pglite = createDatabase({ dataDir: path.join(dataDir, 'db') });
  try {
    rows.push(row('PGlite (on disk)', await run(pglite, dataDir)));
  } finally {
    await pglite.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (databaseUrl) {
    const scratch = await createScratchDatabase(databaseUrl, 'lifeos_bench_webhooks');
    const database = createDatabase({ databaseUrl: scratch.url, poolSize: 8 });
    const pgDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-webhooks-'));
    try {
      rows.push(row('PostgreSQL', await run(database, pgDir)));
    } finally {
      await database.close();
      await scratch.drop();
      rmSync(pgDir, { recursive: true, force: true });
    }
  }
  console.log(
    `Webhooks: ${EVENTS} events emitted one transaction each to one endpoint on loopback, runner concurrency ${CONCURRENCY} (${machine()})\n`,
  );
  console.log(
    table(
      [
        'database',
        'received',
        'bad signatures',
        'emitted/s',
        'seconds',
        'delivered/s',
        'lag p50 ms',
        'lag p99 ms',
        'lag max ms',
      ],
      rows,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
