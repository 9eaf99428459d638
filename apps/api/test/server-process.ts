/**
 * The real server process, as `pnpm start` and the Docker image run it (the bundle in dist/, rebuilt before the first
 * test of a file that imports this when its sources changed: see bundle.ts), for tests that start, signal and kill it:
 * spawned with only the environment a test gives it, its output kept, its exit awaited; children still running
 * when a test ends are killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { createDatabase, sql } from '@lifeos/db';
import { afterEach, beforeAll } from 'vitest';
import { API_DIR, ensureBundle } from './bundle.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export interface Running {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

beforeAll(ensureBundle);

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the bundled server (dist/main.js) with only the given environment (nothing leaks in from the test runner's).
 * It is killed when the test ends, unless it serves the whole file (`forFile`): then the file's afterAll kills it.
 */
export function startServer(env: Record<string, string>, options: { forFile?: boolean } = {}): Running {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: API_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!options.forFile) children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, url: `http://127.0.0.1:${env.PORT}`, stdout: () => stdout, stderr: () => stderr, exited };
}

export async function waitForHealth(server: Running, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server exited while starting:\n${server.stderr()}\n${server.stdout()}`);
    try {
      const response = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return (await response.json()) as unknown;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no healthy server within ${timeoutMs} ms:\n${server.stderr()}`);
}

export async function stop(server: Running, signal: NodeJS.Signals = 'SIGTERM') {
  const started = Date.now();
  server.child.kill(signal);
  const result = await server.exited;
  return { ...result, ms: Date.now() - started };
}

/** A tRPC call the way the web app makes it: same-origin headers, the CSRF header, superjson bodies. */
export async function trpc(
  server: Running,
  procedure: string,
  options: { input?: unknown; cookie?: string; mutation?: boolean } = {},
) {
  const origin = server.url.replace('127.0.0.1', 'localhost');
  const headers: Record<string, string> = { origin, 'x-lifeos-csrf': '1' };
  if (options.cookie) headers.cookie = options.cookie;
  const response = options.mutation
    ? await fetch(`${server.url}/trpc/${procedure}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ json: options.input }),
      })
    : await fetch(
        `${server.url}/trpc/${procedure}${
          options.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: options.input }))}`
        }`,
        { headers },
      );
  const body = (await response.json()) as { result?: { data: { json: unknown } }; error?: unknown };
  return { status: response.status, data: body.result?.data.json, error: body.error, response };
}

/** Runs one statement (create/drop database) on the TEST_DATABASE_URL server. */
export async function admin(statement: string) {
  const server = createDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
  try {
    await sql.raw(statement).execute(server.db);
  } finally {
    await server.close();
  }
}
