/**
 * What every browser test needs: the built web app (apps/web/dist) served by a real Life OS server in this process
 * on a fresh in-memory PGlite, and Debian's Chromium driven by playwright-core, with the page's errors collected.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Database } from '../../../packages/db/src/index.js';
import { createTestDatabase } from '../../../packages/db/src/testing.js';
import { loadConfig } from '../../api/src/env.js';
import { buildServer, type LifeOsServer } from '../../api/src/http/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The database behind one browser test, a fresh copy of the migrated test template (see packages/db's testing.ts):
 * on PostgreSQL (a database of its own) when TEST_DATABASE_URL is set (`TEST_DATABASE_URL=… pnpm test:e2e`; CI runs
 * the browser suite once, on PGlite, and the API's own suites on both); else in-memory PGlite. The server closes `database` on shutdown, which also drops it; `drop` is
 * kept for callers that close it themselves.
 */
export async function openTestDatabase(_name: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  const database = await createTestDatabase();
  return { database, drop: async () => {} };
}

/** A free port, so APP_ORIGIN can name the server's own origin before it starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface BrowserApp {
  baseUrl: string;
  server: LifeOsServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Problems the page reported since the last call (uncaught errors, console errors), minus expected ones. */
  takeProblems(): string[];
  close(): Promise<void>;
}

export async function startBrowserApp(options: {
  name: string;
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** Console messages that are expected in this flow (a 401 before a silent refresh always is). */
  ignore?: RegExp;
}): Promise<BrowserApp> {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`The web app is not built: run \`pnpm --filter @lifeos/web build\` first (${WEB_DIST})`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\``);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `lifeos-e2e-${options.name}-`));
  const config = loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: dataDir,
    APP_ORIGIN: baseUrl,
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const { database, drop } = await openTestDatabase(options.name);
  const server = await buildServer({ config, database, webDistDir: WEB_DIST });
  await server.app.listen({ port, host: '127.0.0.1' });

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  const expected = (problem: string) =>
    /status of 401 \(Unauthorized\)/.test(problem) || (options.ignore?.test(problem) ?? false);

  return {
    baseUrl,
    server,
    browser,
    context,
    page,
    takeProblems: () => problems.splice(0).filter((p) => !expected(p)),
    close: async () => {
      await context.close();
      await browser.close();
      await server.shutdown();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
