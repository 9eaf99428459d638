/**
 * Cold start: how long the built server (`node apps/api/dist/main.js`, what `pnpm start` runs after building)
 * takes from spawn to its first 200 from /api/health, on an existing data directory (embedded PGlite) and — when
 * DATABASE_URL is set — on PostgreSQL (a scratch database created on that server and dropped afterwards). The
 * first start of each creates and migrates the database and is not counted; the next `--runs` starts are.
 *
 *   pnpm --filter @lifeos/api build && pnpm --filter @lifeos/bench cold-start [-- --runs 5]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench cold-start
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createScratchDatabase } from './lib/scratch-database.js';
import { freePort } from './lib/web-app.js';
import { machine, ms, summarize, table } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { runs: { type: 'string', default: '5' } },
});
const runs = Number(values.runs);
const databaseUrl = process.env.DATABASE_URL || undefined;
const MAIN = fileURLToPath(new URL('../apps/api/dist/main.js', import.meta.url));

/** Spawns the server and resolves with the milliseconds until /api/health answered 200 (polling every 10 ms). */
async function startOnce(env: Record<string, string>): Promise<{ ms: number; child: ChildProcess }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const deadline = started + 60_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) return { ms: performance.now() - started, child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`no healthy server within 60 s: ${stderr}`);
}

async function stopChild(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function measure(name: string, env: Record<string, string>): Promise<(string | number)[]> {
  // The first start creates (PGlite) and migrates the database: a cold start of an existing install is the rest.
  await stopChild((await startOnce(env)).child);
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const { ms: elapsed, child } = await startOnce(env);
    samples.push(elapsed);
    await stopChild(child);
  }
  const s = summarize(samples);
  return [name, ms(s.p50), ms(s.max), s.n];
}

async function main() {
  if (!existsSync(MAIN)) throw new Error('Build the API first: pnpm --filter @lifeos/api build');
  const secret = randomBytes(48).toString('base64url');
  const rows: (string | number)[][] = [];

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-cold-'));
  try {
    rows.push(await measure('PGlite (existing data directory)', { DATA_DIR: dataDir, SECRET_KEY: secret }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (databaseUrl) {
    const database = await createScratchDatabase(databaseUrl, 'lifeos_cold');
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'lifeos-cold-pg-'));
    try {
      rows.push(
        await measure('PostgreSQL (migrated database)', {
          DATABASE_URL: database.url,
          DATA_DIR: scratch,
          SECRET_KEY: secret,
        }),
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      await database.drop();
    }
  }

  console.log(`Cold start: spawn → first 200 from /api/health (${machine()})\n`);
  console.log(table(['database', 'p50 ms', 'max ms', 'runs'], rows));
  console.log('\nTargets: PGlite < 2000 ms, PostgreSQL < 1000 ms.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
