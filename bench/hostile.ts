/**
 * The worst event-loop stall across the robustness issue's hostile inputs (apps/api/test/hostile-cases.ts, the same
 * cases the test runs against a server process): the real server in this process on a fresh in-memory PGlite, or on
 * a scratch PostgreSQL database when DATABASE_URL is set, each case measured with perf_hooks'
 * monitorEventLoopDelay (10 ms resolution), its wall time and the growth of this process's RSS. The figure to watch
 * is the longest stall, against the target of 250 ms; a line per case tells which input costs what.
 *
 *   pnpm --filter @lifeos/bench hostile
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench hostile
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDatabase, type Database, migrateToLatest } from '@lifeos/db';
import { HOSTILE_CASES, startFileServer } from '../apps/api/test/hostile-cases.js';
import { createLifeOsClient } from '../packages/client/src/index.js';
import { signIn, startServer } from './lib/api.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { machine, ms, table } from './stats.js';

const STALL_TARGET_MS = 250;
const databaseUrl = process.env.DATABASE_URL || undefined;

async function openDatabase(): Promise<{ database: Database; name: string; cleanup: () => Promise<void> }> {
  if (!databaseUrl) {
    return { database: createDatabase({ dataDir: null }), name: 'PGlite (in memory)', cleanup: async () => {} };
  }
  const scratch = await createScratchDatabase(databaseUrl, 'lifeos_hostile');
  return {
    database: createDatabase({ databaseUrl: scratch.url }),
    name: `PostgreSQL (scratch database ${scratch.name})`,
    cleanup: scratch.drop,
  };
}

const mib = (bytes: number) => bytes / 2 ** 20;

const { database, name, cleanup } = await openDatabase();
const files = await startFileServer();
// The server closes the database when it shuts down.
try {
  await migrateToLatest(database.db);
  const { server, base } = await startServer(database, undefined, { CALENDAR_ALLOW_PRIVATE_URLS: 'true' });
  const owner = { username: 'owner', email: 'owner@example.com', password: 'correct horse battery staple' };
  await createLifeOsClient({
    baseUrl: base,
    headers: { 'x-lifeos-csrf': '1', 'sec-fetch-site': 'same-origin' },
  }).auth.setup.mutate(owner);
  const session = await signIn(base, owner.username, owner.password);
  const { key } = await session.apiKeys.create.mutate({ name: 'hostile bench', scope: 'write' });
  const target = { url: base, username: owner.username, apiKey: key, serve: files.serve };

  console.log(`Hostile inputs — ${machine()}\n${name}\n`);
  const rows: (string | number)[][] = [];
  let worst = 0;
  for (const hostile of HOSTILE_CASES) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 20);
    delay.enable();
    const started = performance.now();
    const outcome = await hostile.run(target).catch((error: unknown) => ({ status: 0, text: String(error) }));
    const wall = performance.now() - started;
    delay.disable();
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const stall = delay.max / 1e6;
    worst = Math.max(worst, stall);
    const problem = hostile.check(outcome);
    rows.push([
      hostile.name,
      outcome.status,
      ms(wall),
      ms(stall),
      Math.round(mib(rssPeak - rssBefore)),
      problem === null ? 'ok' : problem.slice(0, 60),
    ]);
  }
  console.log(
    table(['case', 'status', 'wall ms', 'longest stall ms', 'RSS +MiB', 'answer'], rows, 1).replace(
      /^(.*)$/gm,
      (line) => line.trimEnd(),
    ),
  );
  console.log(
    `\nworst event-loop stall: ${ms(worst)} ms (target < ${STALL_TARGET_MS} ms: ${worst < STALL_TARGET_MS ? 'met' : 'missed'})`,
  );
  await server.shutdown();
} finally {
  await files.close();
  await cleanup();
}
