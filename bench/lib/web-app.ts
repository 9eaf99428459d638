/**
 * The built web app as a browser meets it: apps/web/dist served by the real server (buildServer) in this process,
 * with a signed-in user who has data, so the dashboard renders its cards and charts. Used by web-size and
 * lighthouse. On PostgreSQL it uses the seeded ten-year user (`pnpm bench:seed -- --database-url …`); otherwise a
 * fresh in-memory PGlite gets the same generator's data for a shorter span.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localDate } from '@lifeos/core/schemas';
import { createDatabase, type Database } from '@lifeos/db';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../apps/api/src/env.js';
import { buildServer, type LifeOsServer } from '../../apps/api/src/http/server.js';
// The browser tests' Chromium, its flags (headless, no sandbox, no background traffic to measure), the built app
// and a free port: the same as theirs.
import { CHROMIUM, CHROMIUM_ARGS, freePort, WEB_DIST } from '../../apps/web/e2e/harness.js';
import { BENCH_TIMEZONE, findUserId, seedUser } from './seed-user.js';

export { CHROMIUM, CHROMIUM_ARGS, freePort, WEB_DIST };

/** Exits with what to build when the web app or Chromium is missing. */
export function requireBuiltWebApp(dist = WEB_DIST): void {
  if (!existsSync(path.join(dist, 'index.html'))) {
    console.error(`No ${dist}/index.html: build the web app first (pnpm --filter @lifeos/web build).`);
    process.exit(1);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium is missing at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\`.`);
    process.exit(1);
  }
}

export interface WebAppOptions {
  /** The seeded PostgreSQL database; without it, a fresh in-memory PGlite is seeded with `years` of data. */
  databaseUrl?: string | undefined;
  username: string;
  password: string;
  /** PGlite only: how much history to generate. */
  years: number;
  /** Another build to serve (to compare two builds); apps/web/dist by default. */
  webDist?: string | undefined;
  log?: (line: string) => void;
}

export interface RunningWebApp {
  base: string;
  server: LifeOsServer;
  /** Which database and user, for the printed header. */
  description: string;
  close(): Promise<void>;
}

export async function startWebApp(options: WebAppOptions): Promise<RunningWebApp> {
  const log = options.log ?? (() => {});
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-web-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: dataDir,
    APP_ORIGIN: base,
    LOG_LEVEL: 'silent',
    // Every run signs in once or twice; repeated runs against the same PostgreSQL user would otherwise meet the
    // per-account login throttle (5 in 15 minutes), which is not what these scripts measure.
    LOGIN_MAX_PER_USERNAME: '1000',
    LOGIN_MAX_PER_IP: '1000',
  });

  let database: Database;
  let description: string;
  if (options.databaseUrl) {
    database = createDatabase({ databaseUrl: options.databaseUrl, poolSize: 4 });
    if (!(await findUserId(database, options.username))) {
      await database.close();
      throw new Error(
        `no user "${options.username}" in ${new URL(options.databaseUrl).pathname.slice(1)}: seed it first ` +
          `(pnpm bench:seed -- --database-url ${options.databaseUrl})`,
      );
    }
    description = `PostgreSQL ${new URL(options.databaseUrl).pathname.slice(1)}, user "${options.username}" (seeded)`;
  } else {
    database = createDatabase({ dataDir: null });
    const started = performance.now();
    await seedUser(database, {
      username: options.username,
      password: options.password,
      until: localDate(new Date(), BENCH_TIMEZONE),
      years: options.years,
      seed: 42,
      reset: false,
    });
    log(`seeded ${options.years} year(s) on in-memory PGlite in ${Math.round(performance.now() - started)} ms`);
    description = `in-memory PGlite, user "${options.username}" with ${options.years} year(s) of generated data`;
  }

  const server = await buildServer({ config, database, webDistDir: options.webDist ?? WEB_DIST });
  await server.app.listen({ port, host: '127.0.0.1' });
  return {
    base,
    server,
    description,
    close: async () => {
      await server.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the login form, as a person would, and waits for the dashboard's first card. */
export async function signInThroughForm(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(`${base}/`);
  await page.locator('[data-testid^="card-"]').first().waitFor();
}
