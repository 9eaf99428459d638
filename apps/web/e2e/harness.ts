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
import { createDatabase, type Database, migrateToLatest, sql } from '../../../packages/db/src/index.js';
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
 * The database behind one browser test, migrated: on PostgreSQL (a scratch database of its own, dropped by `drop`)
 * when TEST_DATABASE_URL is set, as CI's second run does, so the web app is proven on both; else in-memory PGlite.
 * The server closes `database` on shutdown; call `drop` after that.
 */
export async function openTestDatabase(name: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = createDatabase({ dataDir: null });
    await migrateToLatest(database.db);
    return { database, drop: async () => {} };
  }
  const scratch = `lifeos_e2e_${name.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const server = createDatabase({ databaseUrl: serverUrl, poolSize: 1 });
    try {
      await sql.raw(statement).execute(server.db);
    } finally {
      await server.close();
    }
  };
  await admin(`create database ${scratch}`);
  const url = new URL(serverUrl);
  url.pathname = `/${scratch}`;
  const database = createDatabase({ databaseUrl: url.toString() });
  await migrateToLatest(database.db);
  return { database, drop: () => admin(`drop database if exists ${scratch} with (force)`) };
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
