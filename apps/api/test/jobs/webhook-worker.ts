/**
 * A worker process for the webhooks replica test (webhooks-replicas.test.ts): the real JobRunner with the real
 * `webhook.deliver` kind, on the PostgreSQL database of DATABASE_URL, private addresses allowed (the receiver is on
 * loopback). Run with `node --import tsx`; prints `ready <worker id>` once it claims.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '@lifeos/core/server';
import { createDatabase } from '@lifeos/db';
import Fastify from 'fastify';
import { loadConfig } from '../../src/env.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { webhookDeliverJob } from '../../src/jobs/webhook-deliver.js';
import { createServices } from '../../src/services.js';

const { DATABASE_URL, WORKER_ID, LEASE_MS } = process.env;
if (!DATABASE_URL || !WORKER_ID) throw new Error('DATABASE_URL and WORKER_ID are needed');

const database = createDatabase({ databaseUrl: DATABASE_URL, poolSize: 4 });
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL,
  SECRET_KEY: randomBytes(48).toString('base64url'),
  DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'lifeos-webhook-worker-')),
  CALENDAR_ALLOW_PRIVATE_URLS: 'true',
});
const services = createServices({ database, clock: systemClock, config });
const log = Fastify({ logger: { level: 'warn' } }).log;
const runner = new JobRunner({
  db: database.db,
  clock: systemClock,
  log,
  workerId: WORKER_ID,
  concurrency: 8,
  pollMs: 50,
  leaseMs: Number(LEASE_MS ?? 2_000),
  kinds: [webhookDeliverJob(services)],
});
runner.start();
process.stdout.write(`ready ${runner.workerId}\n`);
// The runner's timers do not hold the process open (in the server, the listening socket does).
setInterval(() => {}, 60_000);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    runner
      .stop(2_000)
      .then(() => database.close())
      .finally(() => process.exit(0));
  });
}
