/**
 * Browser end-to-end for CalDAV (issue 20): the built web app served by a real Life OS server in this process, on a
 * fresh test database, driven through Debian's Chromium, with a phone played by `fetch`.
 *
 * Set up the owner → Settings shows the CalDAV server URL and username, and the per-client steps open from the
 * keyboard → make a write key there (the new key panel offers the URL and username beside it) → PUT an event over
 * CalDAV → it is on the calendar page → a project's task is ticked over CalDAV (GET, then PUT with STATUS:COMPLETED
 * and If-Match) → it is done on the project page.
 */
import { createLifeOsClient } from '@lifeos/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'phoebe', email: 'phoebe@example.com', password: 'calendars on every phone' };
const EVENT_TITLE = 'Dentist, booked on the phone';
const TASK_TITLE = 'Repot the fig';

let app: BrowserApp;
let baseUrl: string;
let page: Page;
/** The write key made in Settings, used as the phone's password. */
let key: string;

beforeAll(async () => {
  app = await startBrowserApp({ name: 'caldav' });
  ({ baseUrl, page } = app);
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
});

afterAll(() => app?.close());

const takeProblems = () => app.takeProblems();

/** One CalDAV request as a phone sends it: Basic auth with the username and the key, never a cookie. */
function dav(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${baseUrl}${path}`, {
    method,
    body: init.body,
    headers: {
      authorization: `Basic ${Buffer.from(`${OWNER.username}:${key}`).toString('base64')}`,
      ...init.headers,
    },
  });
}

/** An instant as iCalendar's UTC form, 20261210T080000Z. */
const icsUtc = (iso: string) => `${iso.replace(/[-:]/g, '').slice(0, 15)}Z`;

async function openSettings() {
  await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
}

describe('CalDAV from the web app', () => {
  it('sets up the owner', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByLabel('Repeat the password').press('Enter');
    await page.waitForURL(`${baseUrl}/`);
    expect(takeProblems()).toEqual([]);
  });

  it('shows the CalDAV server URL and username in Settings, copies them, and opens the steps from the keyboard', async () => {
    await openSettings();
    const section = page.getByRole('region', { name: 'Sync with your phone' });
    await section.scrollIntoViewIfNeeded();
    expect(await section.getByLabel('Server URL').inputValue()).toBe(`${baseUrl}/dav/`);
    expect(await section.getByLabel('Username').inputValue()).toBe(OWNER.username);

    await section.getByRole('button', { name: 'Copy server URL' }).click();
    await section.getByText('Copied the server URL to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseUrl}/dav/`);

    // From the last Copy button, Tab reaches the first client's steps; Enter opens them, Space the next one's.
    await section.getByRole('button', { name: 'Copy username' }).focus();
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    for (let i = 0; i < 5 && (await focusedText()) !== 'iPhone, iPad and Mac'; i += 1) await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('iPhone, iPad and Mac');
    await page.keyboard.press('Enter');
    await section.getByText(/Add CalDAV Account/).waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Android with DAVx⁵');
    await page.keyboard.press('Space');
    await section.getByText(/Login with URL and user name/).waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('makes a write key, with the server URL and username offered beside it', async () => {
    await page.getByLabel('Name', { exact: true }).fill('Phone');
    await page.getByLabel('Access').selectOption('write');
    await page.getByRole('button', { name: 'Create key' }).click();
    const panel = page.getByRole('region', { name: 'Your new API key “Phone”' });
    key = await panel.getByLabel('New API key', { exact: true }).inputValue();
    expect(key).toMatch(/^lifeos_/);
    expect(await panel.getByLabel('Server URL').inputValue()).toBe(`${baseUrl}/dav/`);
    expect(await panel.getByLabel('Username').inputValue()).toBe(OWNER.username);
    await panel.getByRole('button', { name: 'I have saved it' }).click();
    expect(takeProblems()).toEqual([]);
  });

  it('shows an event PUT over CalDAV on the calendar page', async () => {
    // Noon today where the browser is, so the month the calendar opens on shows it on today's square.
    const { start, end, day } = await page.evaluate(() => {
      const noon = new Date();
      noon.setHours(12, 0, 0, 0);
      const pad = (n: number) => String(n).padStart(2, '0');
      return {
        start: noon.toISOString(),
        end: new Date(noon.getTime() + 3_600_000).toISOString(),
        day: `${noon.getFullYear()}-${pad(noon.getMonth() + 1)}-${pad(noon.getDate())}`,
      };
    });
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Life OS e2e//phone//EN',
      'BEGIN:VEVENT',
      'UID:e2e-dentist@phone.example',
      `DTSTAMP:${icsUtc(new Date().toISOString())}`,
      `DTSTART:${icsUtc(start)}`,
      `DTEND:${icsUtc(end)}`,
      `SUMMARY:${EVENT_TITLE}`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const put = await dav('PUT', `/dav/calendars/${OWNER.username}/events/e2e-dentist.ics`, {
      body: ics,
      headers: { 'content-type': 'text/calendar; charset=utf-8', 'if-none-match': '*' },
    });
    expect(put.status).toBe(201);

    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await page
      .locator(`[data-date="${day}"]`)
      .getByRole('button', { name: new RegExp(EVENT_TITLE) })
      .waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('shows a task completed over CalDAV as done on its project page', async () => {
    const client = createLifeOsClient({ baseUrl, apiKey: key });
    const project = await client.projects.create.mutate({ name: 'Garden' });
    const task = await client.tasks.create.mutate({ title: TASK_TITLE, projectId: project.id });

    const href = `/dav/calendars/${OWNER.username}/${project.id}/${task.id}.ics`;
    const got = await dav('GET', href);
    expect(got.status).toBe(200);
    const etag = got.headers.get('etag') as string;
    const open = await got.text();
    expect(open).toContain(`SUMMARY:${TASK_TITLE}`);
    // Ticked as a phone ticks it: the status, the moment, and everything else it was given back untouched.
    const ticked = open
      .replace(/^STATUS:[^\r\n]*\r\n/m, '')
      .replace(/^END:VTODO\r\n/m, `STATUS:COMPLETED\r\nCOMPLETED:${icsUtc(new Date().toISOString())}\r\nEND:VTODO\r\n`);
    const put = await dav('PUT', href, {
      body: ticked,
      headers: { 'content-type': 'text/calendar; charset=utf-8', 'if-match': etag },
    });
    expect(put.status).toBe(204);

    await page.goto(`/projects/${project.id}`);
    await page.getByRole('heading', { level: 1, name: 'Garden' }).waitFor();
    const tasks = page.getByRole('list', { name: 'Tasks' });
    const done = tasks.getByLabel(`Done: ${TASK_TITLE}`);
    await expect.poll(() => done.isChecked()).toBe(true);
    await page.getByRole('region', { name: 'Summary' }).getByText('1/1 (100%)').waitFor();
    expect(takeProblems()).toEqual([]);
  });
});
