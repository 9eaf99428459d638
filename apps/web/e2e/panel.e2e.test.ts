/**
 * The tRPC panel in a real browser: the API (development mode, embedded PGlite in a temp dir) serves the built
 * panel page from apps/web/dist under its real CSP, and Debian's Chromium drives it.
 *
 * Build first: `pnpm --filter @lifeos/web build`, then `pnpm --filter @lifeos/web test:e2e`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = path.resolve(webDir, '../api');
const CHROMIUM = '/usr/bin/chromium';

function freePort(): Promise<number> {
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

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the API did not become healthy:\n${output()}`);
}

let api: ChildProcess;
let apiOutput = '';
let baseUrl: string;
let dataDir: string;
let browser: Browser;
let page: Page;
/** Console errors, uncaught exceptions and CSP violations seen by the page. */
const problems: string[] = [];
/** The read-only key created through the panel. */
let readKey = '';

beforeAll(async () => {
  if (!existsSync(path.join(webDir, 'dist', 'panel.html'))) {
    throw new Error('apps/web/dist/panel.html is missing: run `pnpm --filter @lifeos/web build` first');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-panel-e2e-'));
  api = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout?.on('data', (chunk) => {
    apiOutput += String(chunk);
  });
  api.stderr?.on('data', (chunk) => {
    apiOutput += String(chunk);
  });
  await waitForHealth(baseUrl, api, () => apiOutput);

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
  page = await browser.newPage();
  page.on('console', (message) => {
    // Chromium logs every non-2xx answer; the refused and invalid calls below are meant to fail.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
});

afterAll(async () => {
  await browser?.close();
  if (api && api.exitCode === null) {
    const exited = new Promise((resolve) => api.once('exit', resolve));
    api.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Selects a procedure in the list and waits for its view. */
async function open(procedurePath: string) {
  await page.click(`a[data-path="${procedurePath}"]`);
  await page.waitForSelector(`article[aria-label="${procedurePath}"]`);
}

/** Runs the open procedure and returns the text of its result (or error) block once it changed. */
async function runAndRead(): Promise<string> {
  const before = await page
    .locator('[data-testid="result"]')
    .textContent({ timeout: 100 })
    .catch(() => null);
  await page.click('button.tp-run');
  await page.waitForFunction((previous) => {
    const text = document.querySelector('[data-testid="result"]')?.textContent ?? null;
    return text !== null && text !== previous && !document.querySelector('button.tp-run[disabled]');
  }, before);
  return (await page.locator('[data-testid="result"]').textContent()) ?? '';
}

describe('the tRPC panel', () => {
  it('lists every procedure, grouped by router', async () => {
    const response = await page.goto(`${baseUrl}/panel`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('a[data-path="auth.login"]');
    await page.waitForSelector('a[data-path="settings.update"]');

    const listed = await page.locator('a[data-path]').evaluateAll((links) => links.map((a) => a.dataset.path));
    const described = (await (await fetch(`${baseUrl}/api/panel/procedures`)).json()) as { path: string }[];
    expect(listed.sort()).toEqual(described.map((p) => p.path).sort());
    const groups = await page.locator('.tp-group h2').allTextContents();
    expect(groups).toEqual(expect.arrayContaining(['auth', 'auth.sessions', 'apiKeys', 'settings']));
  });

  it('filters the list', async () => {
    try {
      await page.fill('input.tp-filter', 'auth.sessions');
      const listed = await page.locator('a[data-path]').evaluateAll((links) => links.map((a) => a.dataset.path));
      expect(listed).toEqual(['auth.sessions.list', 'auth.sessions.revoke']);
    } finally {
      await page.fill('input.tp-filter', '');
    }
  });

  it('runs a query without input: auth.setupStatus', async () => {
    await open('auth.setupStatus');
    expect(await page.textContent('article')).toContain('Whether the owner account still has to be created');
    const result = JSON.parse(await runAndRead()) as { needsSetup: boolean };
    expect(result.needsSetup).toBe(true);
  });

  it('runs a mutation from its generated form and signs in: auth.setup', async () => {
    await open('auth.setup');
    await page.fill('#root_username', 'owner');
    await page.fill('#root_email', 'Owner@Example.com');
    await page.fill('#root_password', 'correct horse battery staple');
    const result = JSON.parse(await runAndRead()) as { user: { username: string; email: string } };
    expect(result.user).toMatchObject({ username: 'owner', email: 'owner@example.com' });
    await page.waitForSelector('.tp-identity-signed-in');
    expect(await page.textContent('.tp-identity')).toContain('owner · session');
  });

  it('shows the server’s error code, message and field errors', async () => {
    await open('settings.update');
    await page.fill('#root_timezone', 'Mars/Olympus_Mons');
    const error = JSON.parse(await runAndRead()) as { code: string; fieldErrors: Record<string, string[]> };
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.fieldErrors.timezone?.[0]).toContain('Unknown time zone');
    // The message also shows under the field itself.
    expect(await page.textContent('.tp-form')).toContain('Unknown time zone');
  });

  it('checks input in the browser before sending', async () => {
    await open('auth.login');
    await page.click('button.tp-run');
    await page.waitForSelector('.tp-form .error-detail');
    expect(await page.locator('[data-testid="result"]').count()).toBe(0);
  });

  it('sends date fields as real Dates: apiKeys.create with an expiry', async () => {
    await open('apiKeys.create');
    await page.fill('#root_name', 'panel test');
    await page.selectOption('#root_scope', { label: 'read' });
    await page.fill('#root_expiresAt', '2030-01-02T03:04');
    const result = JSON.parse(await runAndRead()) as { key: string; apiKey: { expiresAt: string; scope: string } };
    expect(result.key).toMatch(/^lifeos_/);
    expect(result.apiKey.scope).toBe('read');
    expect(new Date(result.apiKey.expiresAt).getFullYear()).toBe(2030);
    readKey = result.key;
  });

  it('calls as an API key when one is given, the way a script would', async () => {
    await page.fill('.tp-key input', readKey);
    await page.press('.tp-key input', 'Enter');
    await page.waitForFunction(() => document.querySelector('.tp-identity')?.textContent?.includes('apiKey'));
    expect(await page.textContent('.tp-identity')).toContain('owner · apiKey · read');

    await open('settings.get');
    expect(JSON.parse(await runAndRead())).toMatchObject({ username: 'owner' });
    await open('settings.update');
    const error = JSON.parse(await runAndRead()) as { code: string; message: string };
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'This API key is read-only' });
  });

  it('ran without console errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
