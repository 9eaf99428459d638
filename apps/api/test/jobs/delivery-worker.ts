/**
 * A worker process for the replica test (jobs-replicas.test.ts): the real JobRunner on the PostgreSQL database of
 * DATABASE_URL, with one kind, `test.deliver`, whose handler posts the job's key to RECEIVER_URL, as a channel send
 * carries its idempotency key. Run with `node --import tsx`; prints `ready <worker id>` once it claims.
 */
import { systemClock } from '@lifeos/core/server';
import { createDatabase } from '@lifeos/db';
import Fastify from 'fastify';
import { JobRunner } from '../../src/jobs/runner.js';

const { DATABASE_URL, RECEIVER_URL, WORKER_ID, LEASE_MS } = process.env;
if (!DATABASE_URL || !RECEIVER_URL || !WORKER_ID)
  throw new Error('DATABASE_URL, RECEIVER_URL and WORKER_ID are needed');

const database = createDatabase({ databaseUrl: DATABASE_URL, poolSize: 4 });
const log = Fastify({ logger: { level: 'warn' } }).log;
const runner = new JobRunner({
  db: database.db,
  clock: systemClock,
  log,
  workerId: WORKER_ID,
  concurrency: 8,
  pollMs: 50,
  leaseMs: Number(LEASE_MS ?? 2_000),
  kinds: [
    {
      kind: 'test.deliver',
      run: async (payload, { key, id, signal }) => {
        // A little work before the send, so a kill finds jobs both before and after their delivery.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
        const response = await fetch(RECEIVER_URL, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ key, jobId: id, worker: WORKER_ID, payload }),
          signal,
        });
        if (!response.ok) throw new Error(`the receiver answered ${response.status}`);
        // And a little after it (a channel recording its delivery), so a kill also finds jobs sent but not done.
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
      },
    },
  ],
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
