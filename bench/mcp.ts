/**
 * Issue 23: what an MCP tool call costs beside the same tRPC call. The real server in this process (PGlite in a temp
 * folder; a scratch PostgreSQL database too when DATABASE_URL is set), one user with 200 tasks, one API key. Each
 * pair is called back to back from one client (`--runs` times after `--warmup`, the pair alternating so a drift of
 * the machine falls on both): the tRPC query with the typed client (one HTTP GET with the key), and the MCP tool
 * with the SDK's client over Streamable HTTP (one POST; the server builds its MCP server and transport per request,
 * stateless). Prints p50/p99 of each and the ratio MCP / tRPC of the p50s.
 *
 *   pnpm --filter @lifeos/bench mcp [-- --runs 300 --warmup 30 --skip-pglite]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench mcp
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { apiKeysService, authService, createPasswordHasher, systemClock, tasksService } from '@lifeos/core/server';
import { createDatabase, type Database, migrateToLatest } from '@lifeos/db';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createLifeOsClient } from '../packages/client/src/index.js';
import { startServer } from './lib/api.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { machine, summarize, table } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    runs: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);

async function measure(label: string, database: Database) {
  await migrateToLatest(database.db);
  const deps = {
    db: database.db,
    clock: systemClock,
    hasher: createPasswordHasher({ memoryCost: 19_456, timeCost: 2, parallelism: 1, concurrency: 1 }),
  };
  const user = await authService.createUser(deps, {
    username: 'bench',
    email: 'bench@example.com',
    password: 'correct horse battery staple',
  });
  for (let i = 0; i < 200; i++) await tasksService.createTask(deps, user.id, { title: `Task ${i}` });
  const { key } = await apiKeysService.createApiKey(deps, user.id, { name: 'bench', scope: 'read' });
  const { server, base } = await startServer(database);
  const trpc = createLifeOsClient({ baseUrl: base, apiKey: key });
  const mcp = new Client({ name: 'bench', version: '1.0.0' });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  const pairs: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    [
      'tasks.list (200 tasks) / list_tasks',
      () => trpc.tasks.list.query({ status: 'todo' }),
      () => mcp.callTool({ name: 'list_tasks', arguments: { status: 'todo' } }),
    ],
    [
      'dashboard.today / read_today',
      () => trpc.dashboard.today.query(),
      () => mcp.callTool({ name: 'read_today', arguments: {} }),
    ],
    [
      'search.all / search',
      () => trpc.search.all.query({ q: 'task 1' }),
      () => mcp.callTool({ name: 'search', arguments: { q: 'task 1' } }),
    ],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, viaTrpc, viaMcp] of pairs) {
    const times = { trpc: [] as number[], mcp: [] as number[] };
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const [kind, call] of i % 2
        ? ([
            ['mcp', viaMcp],
            ['trpc', viaTrpc],
          ] as const)
        : ([
            ['trpc', viaTrpc],
            ['mcp', viaMcp],
          ] as const)) {
        const start = performance.now();
        await call();
        if (i >= WARMUP) times[kind].push(performance.now() - start);
      }
    }
    const t = summarize(times.trpc);
    const m = summarize(times.mcp);
    rows.push([
      `${label}: ${name}`,
      t.p50.toFixed(2),
      t.p99.toFixed(2),
      m.p50.toFixed(2),
      m.p99.toFixed(2),
      (m.p50 / t.p50).toFixed(2),
    ]);
  }
  await mcp.close();
  await server.shutdown();
  return rows;
}

const rows: (string | number)[][] = [];
if (!values['skip-pglite']) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-mcp-'));
  try {
    rows.push(...(await measure('PGlite', createDatabase({ dataDir: dir }))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (process.env.DATABASE_URL) {
  const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'lifeos_bench_mcp');
  try {
    rows.push(...(await measure('PostgreSQL', createDatabase({ databaseUrl: scratch.url }))));
  } finally {
    await scratch.drop();
  }
}
console.log(machine());
console.log(`${RUNS} calls each after ${WARMUP} warm-up, one client, back to back (ms)`);
console.log(table(['call', 'tRPC p50', 'tRPC p99', 'MCP p50', 'MCP p99', 'MCP/tRPC'], rows));
