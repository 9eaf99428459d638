/**
 * Browser end-to-end: the built web app (apps/web/dist, from `pnpm --filter @lifeos/web build`) served by a real
 * Life OS server in this process, on a fresh in-memory PGlite, driven through Debian's Chromium.
 *
 * First run → shell → logout → login → silent refresh → settings → API key shown once → the key works from Node.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLifeOsClient } from '@lifeos/client';
import { type Browser, type BrowserContext, chromium, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/src/env.js';
import { buildServer, type LifeOsServer } from '../../api/src/http/server.js';
import { openTestDatabase } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
const OWNER = {
  username: 'owner',
  displayName: 'Ada',
  email: 'ada@example.com',
  password: 'correct horse battery staple',
};

/** A free port, so APP_ORIGIN can name the server's own origin before it starts. */
async function freePort(): Promise<number> {
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

let server: LifeOsServer;
let baseUrl: string;
let dataDir: string;
let dropDatabase: (() => Promise<void>) | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Problems the page reported: uncaught errors, console errors (CSP violations land there), failed requests. */
const pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`The web app is not built: run \`pnpm --filter @lifeos/web build\` first (${WEB_DIST})`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\` (apt-get install chromium)`,
    );
  }
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-e2e-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: dataDir,
    APP_ORIGIN: baseUrl,
    LOG_LEVEL: 'warn',
  });
  const opened = await openTestDatabase('app');
  dropDatabase = opened.drop;
  server = await buildServer({ config, database: opened.database, webDistDir: WEB_DIST });
  await server.app.listen({ port, host: '127.0.0.1' });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    // Navigations abort in-flight fetches on purpose; anything else failing is a bug.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') {
      pageProblems.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`);
    }
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.shutdown();
  await dropDatabase?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Problems the page reported since the last check, except the expected 401s of a silent refresh. */
function takeProblems(): string[] {
  const problems = pageProblems.splice(0).filter((p) => !/status of 401 \(Unauthorized\)/.test(p));
  return problems;
}

describe('Life OS in a browser', () => {
  it('first run: creates the owner account and lands in the shell, under the CSP', async () => {
    const response = await page.goto('/');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");

    await page.waitForURL('**/setup');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Create the owner account');

    // The form validates with the API's schema before sending anything.
    await page.getByRole('button', { name: 'Create the owner account' }).click();
    await page.getByText('Username must be at least 3 characters').waitFor();

    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Display name (optional)').fill(OWNER.displayName);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByLabel('Repeat the password').press('Enter');

    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole('heading', { level: 1, name: new RegExp(`, ${OWNER.displayName}$`) }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Modules' });
    for (const name of ['Dashboard', 'Journal', 'Fitness', 'Projects', 'Tasks', 'Inbox', 'Calendar', 'Settings']) {
      expect(await nav.getByRole('link', { name }).isVisible()).toBe(true);
    }
    expect(takeProblems()).toEqual([]);
  });

  it('logs out and back in', async () => {
    await page.getByRole('button', { name: OWNER.displayName }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'lifeos_at')).toBeUndefined();

    // The shell is closed now, and a signed-out load does not even try the doomed auth.me / auth.refresh calls.
    expect(cookies.find((c) => c.name === 'lifeos_session')).toBeUndefined();
    const authCalls: string[] = [];
    const onAuthCall = (request: Request) => {
      if (/\/trpc\/[^?]*auth\.(me|refresh)/.test(request.url())) authCalls.push(request.url());
    };
    page.on('request', onAuthCall);
    await page.goto('/settings');
    await page.waitForURL('**/login?next=%2Fsettings');
    page.off('request', onAuthCall);
    expect(authCalls).toEqual([]);

    await page.getByLabel('Username or email').fill(OWNER.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Invalid username or password').waitFor();

    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL('**/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('refreshes an expired access token silently', async () => {
    await context.clearCookies({ name: 'lifeos_at' });
    const refreshes: string[] = [];
    const onRequest = (request: Request) => {
      if (request.url().includes('/trpc/auth.refresh')) refreshes.push(request.url());
    };
    page.on('request', onRequest);

    // A full load needs auth.me: it fails, the refresh cookie restores the session, and the page stays.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(page.url()).toBe(`${baseUrl}/settings`);
    expect(refreshes).toHaveLength(1);
    expect((await context.cookies()).some((c) => c.name === 'lifeos_at')).toBe(true);
    page.off('request', onRequest);
    expect(takeProblems()).toEqual([]);
  });

  it('refreshes inside the running app too: a mutation after the token vanished, then the theme follows', async () => {
    await context.clearCookies({ name: 'lifeos_at' });
    let refreshes = 0;
    const onRequest = (request: Request) => {
      if (request.url().includes('/trpc/auth.refresh')) refreshes += 1;
    };
    page.on('request', onRequest);
    await page.getByLabel('Dark', { exact: true }).check();
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Saved.').waitFor();
    expect(refreshes).toBe(1);
    expect(page.url()).toBe(`${baseUrl}/settings`);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    page.off('request', onRequest);
    expect(takeProblems()).toEqual([]);
  });

  it('creates an API key, shows it once, and the key works from Node', async () => {
    await page.getByLabel('Name', { exact: true }).fill('e2e script');
    await page.getByLabel('Access').selectOption('read');
    await page.getByRole('button', { name: 'Create key' }).click();

    const keyField = page.getByLabel('New API key', { exact: true });
    await keyField.waitFor();
    const key = await keyField.inputValue();
    expect(key).toMatch(/^lifeos_[A-Za-z0-9_-]{43}$/);
    await page.getByText('this is the only time it is shown').waitFor();

    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    const list = page.getByRole('list', { name: 'Active API keys' });
    await list.getByText('e2e script').waitFor();
    await list.getByText(`${key.slice(0, 13)}…`).waitFor();

    const client = createLifeOsClient({ baseUrl, apiKey: key });
    const me = await client.auth.me.query();
    expect(me).toMatchObject({ username: OWNER.username, authMethod: 'apiKey', scope: 'read' });

    await page.getByRole('button', { name: 'I have saved it' }).click();
    expect(await page.getByLabel('New API key', { exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    expect(takeProblems()).toEqual([]);
  });

  it('works on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const nav = page.getByRole('navigation', { name: 'Modules' });
    await expect.poll(() => nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Open menu' }).click();
    await nav.getByRole('link', { name: 'Journal' }).click();
    await page.getByRole('heading', { level: 1, name: 'Journal' }).waitFor();
    await page.getByRole('navigation', { name: 'Journal' }).waitFor();
    await expect.poll(() => nav.isVisible()).toBe(false);
    expect(takeProblems()).toEqual([]);
  });
});
