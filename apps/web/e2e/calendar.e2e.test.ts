/**
 * Browser end-to-end for the calendar: the built web app served by a real Life OS server in this process, on a
 * fresh in-memory PGlite, driven through Debian's Chromium.
 *
 * Owner → calendar → a weekly event shows on the next weeks → delete one occurrence → import a Google .ics →
 * its never-ending weekly series shows in the agenda.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/src/env.js';
import { buildServer, type LifeOsServer } from '../../api/src/http/server.js';
import { openTestDatabase } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
const FIXTURE = fileURLToPath(
  new URL('../../../packages/core/src/calendar/fixtures/google-public-calendar-berlin.ics', import.meta.url),
);
const OWNER = { username: 'owner', email: 'ada@example.com', password: 'correct horse battery staple' };

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
/** A local server publishing the Thunderbird fixture, for the subscribed-calendars panel. */
let icsServer: HttpServer;
let icsUrl: string;
let baseUrl: string;
let dataDir: string;
let dropDatabase: (() => Promise<void>) | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`The web app is not built: run \`pnpm --filter @lifeos/web build\` first (${WEB_DIST})`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}`);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-e2e-calendar-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: dataDir,
    APP_ORIGIN: baseUrl,
    LOG_LEVEL: 'warn',
    // The subscribed calendar below is served from 127.0.0.1.
    CALENDAR_ALLOW_PRIVATE_URLS: 'true',
  });
  const thunderbird = readFileSync(
    FIXTURE.replace('google-public-calendar-berlin.ics', 'thunderbird-moved-occurrences.ics'),
  );
  icsServer = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/calendar' }).end(thunderbird));
  const icsPort = await freePort();
  await new Promise<void>((resolve) => icsServer.listen(icsPort, '127.0.0.1', resolve));
  icsUrl = `http://127.0.0.1:${icsPort}/thunderbird.ics`;
  const opened = await openTestDatabase('calendar');
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
  context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.shutdown();
  await dropDatabase?.();
  icsServer?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const agendaItems = (title: string) => page.getByRole('list', { name: 'Agenda' }).getByRole('button', { name: title });

describe('the calendar in a browser', () => {
  it('sets up the owner and opens the calendar', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByLabel('Repeat the password').press('Enter');
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL('**/calendar');
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    expect(pageProblems).toEqual([]);
  });

  it('creates a weekly event and sees it on the next weeks', async () => {
    await page.getByRole('button', { name: 'New event', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New event' });
    await dialog.getByLabel('Title').fill('Weekly sync');
    await dialog.getByLabel('Repeats').selectOption('weekly');
    await dialog.getByText(/^Every week on \w+day$/).waitFor();
    await dialog.getByLabel('Every').fill('1');
    await dialog.getByRole('button', { name: 'Save event' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByLabel('Agenda', { exact: true }).check();
    await expect.poll(() => agendaItems('Weekly sync').count()).toBeGreaterThanOrEqual(4);
    // And in the month after this one.
    await page.getByLabel('Month', { exact: true }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.getByRole('button', { name: /Weekly sync/ }).count()).toBeGreaterThanOrEqual(4);
    await page.getByRole('button', { name: 'Today' }).click();
    expect(pageProblems).toEqual([]);
  });

  it('deletes one occurrence and keeps the others', async () => {
    await page.getByLabel('Agenda', { exact: true }).check();
    const before = await agendaItems('Weekly sync').count();
    await agendaItems('Weekly sync').nth(1).click();
    const details = page.getByRole('dialog', { name: 'Weekly sync' });
    await details.getByRole('button', { name: 'Delete' }).click();
    await details.getByText('Delete only this occurrence, or the whole series?').waitFor();
    await details.getByRole('button', { name: 'Only this occurrence' }).click();
    await details.waitFor({ state: 'detached' });
    await expect.poll(() => agendaItems('Weekly sync').count()).toBe(before - 1);
    expect(pageProblems).toEqual([]);
  });

  it('imports a Google Calendar export and shows its events', async () => {
    await page.getByLabel('Calendar file to import').setInputFiles(FIXTURE);
    const report = page.getByRole('dialog', { name: 'Import finished' });
    await report.getByText('64 new, 0 updated, 0 unchanged.').waitFor();
    await report.getByRole('button', { name: 'Done' }).click();
    // Its weekly Friday class never ends, so it is on this agenda too.
    await expect.poll(() => agendaItems('Montessori Schulklasse').count()).toBeGreaterThanOrEqual(4);
    // Importing the same file again creates nothing new.
    await page.getByLabel('Calendar file to import').setInputFiles(FIXTURE);
    await page.getByRole('dialog', { name: 'Import finished' }).getByText('0 new, 0 updated, 64 unchanged.').waitFor();
    await page.getByRole('dialog', { name: 'Import finished' }).getByRole('button', { name: 'Done' }).click();
    expect(pageProblems).toEqual([]);
  });

  it('shows the subscription URL, and it serves the calendar', async () => {
    await page.getByText('Subscribe from another calendar app').click();
    const address = await page.getByLabel('Feed address').inputValue();
    expect(address).toMatch(/\/api\/calendar\/feed\/[A-Za-z0-9_-]+\.ics$/);
    const response = await fetch(address);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('SUMMARY:Weekly sync');
    expect(pageProblems).toEqual([]);
  });

  it('lists a task due tomorrow on the agenda, completes it there, and the feed includes tasks when asked', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const create = (title: string) =>
      page.evaluate(
        async (input) => {
          const response = await fetch('/trpc/tasks.create', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-lifeos-csrf': '1' },
            body: JSON.stringify({ json: input }),
          });
          return response.status;
        },
        { title, dueDate: tomorrow },
      );
    expect(await create('Pay the rent')).toBe(200);
    expect(await create('Water the plants')).toBe(200);
    const feedUrl = await page.getByLabel('Feed address').inputValue();
    expect(await (await fetch(feedUrl)).text()).not.toContain('Pay the rent');
    await page.getByLabel('Include tasks’ due dates (as all-day events)').check();
    await expect.poll(async () => (await fetch(feedUrl)).text()).toContain('SUMMARY:Pay the rent');

    // The tasks were made behind the page's back: load it afresh.
    await page.reload();
    await page.getByLabel('Agenda', { exact: true }).check();
    const agenda = page.getByRole('list', { name: 'Agenda' });
    await agenda.getByRole('link', { name: 'Pay the rent' }).waitFor();
    await agenda.getByLabel('Complete Pay the rent').check();
    await agenda.getByRole('link', { name: 'Pay the rent' }).waitFor({ state: 'detached' });
    await agenda.getByRole('link', { name: 'Water the plants' }).waitFor();
    expect(pageProblems).toEqual([]);
  });

  it('subscribes to an external calendar, refreshes it, and removes it', async () => {
    await page.getByText('Subscribed calendars', { exact: true }).click();
    await page.getByText('No subscribed calendars').waitFor();
    const form = page.getByRole('form', { name: 'Add a subscribed calendar' });
    await form.getByLabel('Name').fill('Thunderbird');
    await form.getByLabel('Calendar address (.ics URL)').fill(icsUrl);
    await form.getByRole('button', { name: 'Subscribe' }).click();
    const list = page.getByRole('list', { name: 'Subscribed calendars' });
    await list.getByText('Thunderbird', { exact: true }).waitFor();
    await list.getByText(/Updated .* · 2 events/).waitFor();
    await list.getByRole('button', { name: 'Refresh Thunderbird now' }).click();
    await list.getByRole('button', { name: 'Refresh Thunderbird now' }).getByText('Refresh now').waitFor();
    await list.getByRole('button', { name: 'Remove Thunderbird' }).click();
    await page
      .getByRole('dialog', { name: /Remove/ })
      .getByRole('button', { name: 'Remove' })
      .click();
    await page.getByText('No subscribed calendars').waitFor();
    expect(pageProblems).toEqual([]);
  });
});
