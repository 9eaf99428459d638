/**
 * Issue 22: reminders at scale. `--reminders` task reminders fall due in the same minute (over `--users` users, each
 * with one Web Push device at a local HTTPS push service that answers 201), and the real runner with the product's
 * job kinds (`reminder.task`, then `notify.deliver`: VAPID signing and RFC 8291 encryption per message) works
 * through them. Figures: the time until the last push reached the push service, the lag of each after its due time
 * (p50/p99), and the job table's rate (two jobs per reminder). The clock is moved to the due minute when the runner
 * starts, so the lag is the runner's, not a wait. PGlite on disk always; PostgreSQL with DATABASE_URL.
 *
 *   pnpm --filter @lifeos/bench reminders                   # [-- --reminders 10000 --users 100 --concurrency 16]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench reminders
 */
import { execFileSync } from 'node:child_process';
import { createECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { notificationsService, remindersService } from '@lifeos/core/server';
import { createDatabase, type Database, migrateToLatest, sql } from '@lifeos/db';
import Fastify from 'fastify';
import { notifyDeliverJob } from '../apps/api/src/jobs/notify-deliver.js';
import { taskReminderJob } from '../apps/api/src/jobs/reminders.js';
import { JobRunner } from '../apps/api/src/jobs/runner.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { machine, percentile, table } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    reminders: { type: 'string', default: '10000' },
    users: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '16' },
  },
});
const REMINDERS = Number(values.reminders);
const USERS = Number(values.users);
const CONCURRENCY = Number(values.concurrency);
const databaseUrl = process.env.DATABASE_URL || undefined;
const log = Fastify({ logger: { level: 'warn' } }).log;
const DUE_DATE = '2030-06-03';
const DUE_AT = new Date(`${DUE_DATE}T09:00:00Z`);

function certificate() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-push-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key].concat([
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]),
    { stdio: 'ignore' },
  );
  const pair = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(dir, { recursive: true, force: true });
  return pair;
}

function vapidKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = publicKey.export({ format: 'jwk' });
  const raw = Buffer.concat([
    Buffer.of(4),
    Buffer.from(pub.x ?? '', 'base64url'),
    Buffer.from(pub.y ?? '', 'base64url'),
  ]);
  return { publicKey: raw.toString('base64url'), privateKey: privateKey.export({ format: 'jwk' }).d ?? '' };
}

/** Users with a device each, and REMINDERS tasks due on DUE_DATE, whose reminders the preferences' save queues. */
async function seed(database: Database, pushUrl: string): Promise<void> {
  const { db } = database;
  await sql`delete from jobs`.execute(db);
  await sql`delete from users where username like 'bench-rem-%'`.execute(db);
  const users = await db
    .insertInto('users')
    .values(
      Array.from({ length: USERS }, (_, i) => ({
        username: `bench-rem-${i}`,
        email: `bench-rem-${i}@example.com`,
        displayName: `bench ${i}`,
        passwordHash: 'x',
      })),
    )
    .returning('id')
    .execute();
  await db
    .insertInto('userSettings')
    .values(users.map((u) => ({ userId: u.id, timezone: 'UTC' })))
    .execute();
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  await db
    .insertInto('notificationChannels')
    .values(
      users.map((u, i) => ({
        userId: u.id,
        kind: 'webpush' as const,
        label: `device ${i}`,
        endpoint: `${pushUrl}/push/${i}`,
        p256dh: ecdh.getPublicKey('base64url'),
        auth: randomBytes(16).toString('base64url'),
      })),
    )
    .execute();
  await sql`
    insert into tasks (user_id, title, due_date, position)
    select u.id, 'Reminder ' || g, ${DUE_DATE}::date, g
    from generate_series(0, ${REMINDERS - 1}::int) g
    join (select id, row_number() over (order by id) - 1 as n from users where username like 'bench-rem-%') u
      on u.n = g % ${USERS}`.execute(db);
  // Queued through the product: saving the preferences re-queues each user's open tasks' reminders.
  const clock = { now: () => new Date(DUE_AT.getTime() - 86_400_000) };
  for (const user of users) await remindersService.updatePreferences({ db, clock }, user.id, { taskTime: '09:00' });
  await sql`analyze`.execute(db);
}

async function run(database: Database, push: { url: string; received: number[] }, agent: https.Agent) {
  await seed(database, push.url);
  push.received.length = 0;
  const started = Date.now();
  // The due minute begins as the runner starts.
  const clock = { now: () => new Date(DUE_AT.getTime() + (Date.now() - started)) };
  const services = {
    db: database.db,
    clock,
    notifier: {
      webPush: notificationsService.createWebPushSender({
        ...vapidKeys(),
        subject: 'mailto:bench@example.com',
        agent,
        allowPrivateAddresses: true,
      }),
      email: null,
      appOrigin: 'http://localhost',
      secret: randomBytes(32),
    },
  };
  const runner = new JobRunner({
    db: database.db,
    clock,
    log,
    concurrency: CONCURRENCY,
    pollMs: 100,
    kinds: [taskReminderJob(services), notifyDeliverJob(services)],
  });
  runner.start();
  while (push.received.length < REMINDERS) {
    if (Date.now() - started > 600_000) throw new Error(`only ${push.received.length} pushes within 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await runner.stop(1_000);
  const lags = push.received.map((at) => at - started).sort((a, b) => a - b);
  const seconds = (lags.at(-1) ?? 0) / 1000;
  return [
    (lags.at(-1) ?? 0) / 1000,
    (percentile(lags, 50) / 1000).toFixed(2),
    (percentile(lags, 99) / 1000).toFixed(2),
    Math.round((2 * REMINDERS) / seconds),
  ].map((v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v));
}

async function main() {
  const tls = certificate();
  const push = { url: '', received: [] as number[] };
  const server = https.createServer(tls, (request, response) => {
    request.resume();
    request.on('end', () => {
      push.received.push(Date.now());
      response.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  push.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new https.Agent({ ca: tls.cert, keepAlive: true, maxSockets: CONCURRENCY });
  const rows: (string | number)[][] = [];

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-reminders-'));
  const pglite = createDatabase({ dataDir });
  try {
    await migrateToLatest(pglite.db);
    rows.push(['PGlite (on disk)', ...(await run(pglite, push, agent))]);
  } finally {
    await pglite.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (databaseUrl) {
    const scratch = await createScratchDatabase(databaseUrl, 'lifeos_bench_reminders');
    const database = createDatabase({ databaseUrl: scratch.url, poolSize: 8 });
    try {
      await migrateToLatest(database.db);
      rows.push(['PostgreSQL', ...(await run(database, push, agent))]);
    } finally {
      await database.close();
      await scratch.drop();
    }
  }
  agent.destroy();
  server.close();
  console.log(
    `Reminders: ${REMINDERS} due in one minute over ${USERS} users, one Web Push device each, concurrency ${CONCURRENCY} (${machine()})\n`,
  );
  console.log(table(['database', 'last push (s)', 'lag p50 (s)', 'lag p99 (s)', 'jobs/s'], rows));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
