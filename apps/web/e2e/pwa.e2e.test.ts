/**
 * The installable app (issue 21): the built app's manifest and icons, Chromium's installability checks, its service
 * worker (registered, in control after a reload, precaching the app and never the dev panel or an API answer), a
 * reload while offline that still renders the app, and the update prompt: a new worker waits until the user clicks
 * Reload.
 *
 * The server serves a copy of apps/web/dist, so the last test can publish a "new build" (a changed sw.js) without
 * touching the build the other browser tests use.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/src/env.js';
import { buildServer, type LifeOsServer } from '../../api/src/http/server.js';
import { CHROMIUM, CHROMIUM_ARGS, freePort, openTestDatabase, WEB_DIST } from './harness.js';

interface ManifestIcon {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
}

interface WebAppManifest {
  name: string;
  short_name: string;
  description: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: ManifestIcon[];
  shortcuts: { name: string; url: string }[];
}

let server: LifeOsServer;
let baseUrl: string;
let dataDir: string;
let distCopy: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(WEB_DIST, 'sw.js'))) {
    throw new Error(`The web app is not built with its service worker: run \`pnpm --filter @lifeos/web build\``);
  }
  distCopy = mkdtempSync(path.join(os.tmpdir(), 'lifeos-e2e-pwa-dist-'));
  cpSync(WEB_DIST, distCopy, { recursive: true });
  const port = await freePort();
  // 127.0.0.1 is a secure context, so the browser allows a service worker over plain HTTP.
  baseUrl = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-e2e-pwa-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: dataDir,
    APP_ORIGIN: baseUrl,
    LOG_LEVEL: 'warn',
  });
  const { database } = await openTestDatabase('pwa');
  server = await buildServer({ config, database, webDistDir: distCopy });
  await server.app.listen({ port, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 390, height: 844 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A 401 is how the app learns it is signed out (the panel asks too): expected, as in harness.ts.
    if (message.type() === 'error' && !/status of 401 \(Unauthorized\)/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.shutdown();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (distCopy) rmSync(distCopy, { recursive: true, force: true });
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/** The precache list the build wrote into sw.js (Workbox's `{url:"…",revision:…}` entries). */
function precachedUrls(): string[] {
  const sw = readFileSync(path.join(distCopy, 'sw.js'), 'utf8');
  return [...sw.matchAll(/\burl:"([^"]+)"/g)].map((match) => match[1] ?? '');
}

const waitingWorker = () =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return registration?.waiting?.state ?? null;
  });

describe('Life OS as an installable app', () => {
  it('links a manifest with the name, colours, standalone display, shortcuts and icons that load', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const appleIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
    expect(await page.locator('meta[name="theme-color"][media="(prefers-color-scheme: dark)"]').count()).toBe(1);

    const response = await page.request.get(`${baseUrl}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
    const manifest = (await response.json()) as WebAppManifest;
    expect(manifest).toMatchObject({
      name: 'Life OS',
      short_name: 'Life OS',
      start_url: '/',
      scope: '/',
      display: 'standalone',
    });
    expect(manifest.description.length).toBeGreaterThan(10);
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.shortcuts.map((s) => [s.name, s.url])).toEqual([
      ['Capture', '/inbox'],
      ['Start workout', '/fitness'],
      ["Today's pages", '/journal/morning-pages'],
    ]);

    const icons = [
      ...manifest.icons.map((icon) => ({ ...icon, purpose: icon.purpose ?? 'any' })),
      { src: appleIcon ?? '(missing)', sizes: '180x180', purpose: 'apple-touch-icon' },
    ];
    expect(icons.map((icon) => `${icon.sizes} ${icon.purpose}`).sort()).toEqual([
      '180x180 apple-touch-icon',
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    for (const icon of icons) {
      const image = await page.request.get(`${baseUrl}${icon.src}`);
      expect(image.status(), icon.src).toBe(200);
      expect(image.headers()['content-type'], icon.src).toBe('image/png');
      expect(pngSize(await image.body()), icon.src).toBe(icon.sizes);
    }
    expect(problems.splice(0)).toEqual([]);
  });

  it('precaches the app shell and every page chunk, never the dev panel', () => {
    const urls = precachedUrls();
    const viteManifest = JSON.parse(readFileSync(path.join(distCopy, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      { file: string; css?: string[] }
    >;
    const panel = viteManifest['panel.html'];
    expect(panel).toBeDefined();
    expect(urls).toContain('index.html');
    expect(urls).toContain('manifest.webmanifest');
    expect(urls).not.toContain('panel.html');
    for (const file of [panel?.file ?? '', ...(panel?.css ?? [])]) expect(urls, file).not.toContain(file);
    // The router's lazy pages: every one of them is there, so any page opens offline.
    for (const page of [
      'src/routes/login-page.tsx',
      'src/routes/shell.tsx',
      'src/features/fitness/live-workout-page.tsx',
    ]) {
      const chunk = viteManifest[page];
      expect(chunk, page).toBeDefined();
      expect(urls, page).toContain(chunk?.file);
    }
    expect(urls.some((url) => /^(trpc|api|dav)\//.test(url) || url.endsWith('.map'))).toBe(false);
    // Navigations to the server's own paths never get the app's page from the worker.
    const sw = readFileSync(path.join(distCopy, 'sw.js'), 'utf8');
    for (const server of ['trpc', 'api', 'dav', 'panel']) expect(sw, server).toContain(`/^\\/${server}(\\/|$)/`);
    expect(sw).toContain('/^\\/\\.well-known\\//');
  });

  it('registers its service worker, which controls the page after a reload and caches no API answer', async () => {
    const scriptUrl = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
    expect(scriptUrl).toBe(`${baseUrl}/sw.js`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Create the owner account' }).waitFor();
    const controller = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
    expect(controller).toBe(`${baseUrl}/sw.js`);

    // What Chromium itself asks of an installable app (the checks Lighthouse's installability audit read).
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    await cdp.detach();
    // A Playwright context is an incognito profile, where Chromium installs nothing: the one error that is not ours.
    expect(installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);

    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
      }
      return urls;
    });
    expect(cached.length).toBeGreaterThan(20);
    // Only the precache: the setup page's tRPC calls went past the worker to the network.
    expect(cached.filter((url) => /\/(trpc|api)\//.test(new URL(url).pathname))).toEqual([]);

    // A page path is answered by the worker from the precache; a server path opened as a page goes to the server.
    const pagePath = await page.goto('/login');
    expect(pagePath?.fromServiceWorker()).toBe(true);
    // (CalDAV's paths answer a navigation with a Basic challenge, which a headless page waits on: the same rule.)
    const health = await page.goto('/api/health');
    expect(health?.fromServiceWorker()).toBe(false);
    expect(health?.headers()['content-type']).toMatch(/^application\/json/);
    const panel = await page.goto('/panel');
    expect(panel?.fromServiceWorker()).toBe(false);
    expect(await page.title()).not.toBe('Life OS');
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Create the owner account' }).waitFor();
    expect(problems.splice(0)).toEqual([]);
  });

  it('still renders the app when the page is reloaded offline', async () => {
    await context.setOffline(true);
    try {
      await page.reload();
      // The page and its code come from the precache; the data it asks for cannot (that is the app's next step),
      // so it shows the setup form or the error page, in the app's own frame rather than the browser's.
      const heading = page.getByRole('heading', { level: 1 });
      await heading.waitFor();
      expect(['Create the owner account', 'Something went wrong']).toContain(await heading.textContent());
      expect(await page.title()).toBe('Life OS');
    } finally {
      await context.setOffline(false);
      problems.splice(0);
    }
  });

  it('offers a new version once its worker waits, and switches only when the user clicks Reload', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Create the owner account' }).waitFor();
    const prompt = page.getByRole('status').filter({ hasText: 'A new version of Life OS is ready' });
    expect(await prompt.count()).toBe(0);

    // A new build: the browser finds a byte-different sw.js when it next checks.
    appendFileSync(path.join(distCopy, 'sw.js'), '\n// the next build\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await prompt.waitFor();
    expect(await waitingWorker()).toBe('installed');

    // Dismissed, it stays out of the way, and the page keeps running the version it loaded.
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => prompt.count()).toBe(0);
    expect(await waitingWorker()).toBe('installed');
    // A plain reload does not switch either: the new worker still waits, and says so again.
    await page.reload();
    await prompt.waitFor();
    expect(await waitingWorker()).toBe('installed');

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Create the owner account' }).waitFor();
    await expect.poll(waitingWorker).toBeNull();
    expect(await prompt.count()).toBe(0);
    const controller = await page.evaluate(() => navigator.serviceWorker.controller?.state ?? null);
    expect(controller).toBe('activated');
    expect(problems.splice(0)).toEqual([]);
  });
});
