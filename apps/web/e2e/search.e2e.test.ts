/**
 * Browser end-to-end for search: the built web app served by a real Life OS server on a fresh in-memory PGlite,
 * driven through Debian's Chromium.
 *
 * A journal entry and a task share a distinctive word → Ctrl+K opens the palette → typing part of the word shows
 * both, grouped, with the match marked → Enter opens the first, arrows and Enter the other → "/" and Escape, and
 * the `c` shortcut still belongs to quick capture.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'finder', email: 'finder@example.com', password: 'search before you ask' };

let app: BrowserApp;
let baseUrl: string;
let page: Page;
let projectId: string;

beforeAll(async () => {
  app = await startBrowserApp({ name: 'search' });
  ({ baseUrl, page } = app);
});

afterAll(() => app?.close());

/** A procedure call from inside the page, with its cookies and the CSRF header the web client always sends. */
async function call<T>(path: string, input: unknown): Promise<T> {
  const { status, body } = await page.evaluate(
    async ({ path, input }) => {
      const response = await fetch(`/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lifeos-csrf': '1' },
        body: JSON.stringify({ json: input }),
      });
      return { status: response.status, body: await response.json() };
    },
    { path, input },
  );
  expect(status).toBe(200);
  return (body as { result: { data: { json: T } } }).result.data.json;
}

const palette = () => page.getByRole('dialog', { name: 'Search and commands' });
const searchBox = () => palette().getByRole('combobox', { name: 'Search' });

describe('search in a browser', () => {
  it('sets up the owner and writes in two modules', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByLabel('Repeat the password').press('Enter');
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole('button', { name: /Search/ }).waitFor();

    await call('journal.upsert', {
      type: 'morning_pages',
      date: '2026-01-05',
      content: { text: 'On the island a quokka smiled at me before breakfast.' },
    });
    projectId = (await call<{ id: string }>('projects.create', { name: 'Rottnest trip' })).id;
    await call('tasks.create', { title: 'Photograph the quokka', projectId });
    expect(app.takeProblems()).toEqual([]);
  });

  it('opens with Ctrl+K, offers commands when empty, finds both as you type, and Enter opens one', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+k');
    await palette().waitFor();
    await expect.poll(() => searchBox().evaluate((el) => el === document.activeElement)).toBe(true);
    await palette()
      .getByRole('option', { name: /Go to Journal/ })
      .waitFor();

    await searchBox().pressSequentially('quok');
    const task = palette().getByRole('option', { name: /Photograph the quokka/ });
    const entry = palette().getByRole('option', { name: /Morning pages/ });
    await task.waitFor();
    await entry.waitFor();
    expect(await palette().getByRole('group', { name: 'Tasks' }).count()).toBe(1);
    expect(await palette().getByRole('group', { name: 'Journal' }).count()).toBe(1);
    expect(await task.locator('mark').first().textContent()).toBe('quokka');
    expect(await entry.textContent()).toContain('quokka smiled');
    // A title match ranks first, so it is what Enter opens.
    expect(await task.getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/projects/${projectId}`);
    await palette().waitFor({ state: 'detached' });
    await page.getByRole('heading', { level: 1, name: 'Rottnest trip' }).waitFor();
    expect(app.takeProblems()).toEqual([]);
  });

  it('moves with the arrows to the journal entry and opens it', async () => {
    await page.keyboard.press('Control+k');
    await palette().waitFor();
    await searchBox().pressSequentially('quokka');
    const entry = palette().getByRole('option', { name: /Morning pages/ });
    await entry.waitFor();
    await palette()
      .getByRole('option', { name: /Photograph the quokka/ })
      .waitFor();
    while ((await entry.getAttribute('aria-selected')) !== 'true') await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/journal/morning-pages/2026-01-05`);
    expect(app.takeProblems()).toEqual([]);
  });

  it('opens with "/" outside fields, closes with Escape, and leaves "c" to quick capture', async () => {
    await page.goto('/tasks');
    await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
    const button = page.getByRole('button', { name: /Search/ });
    await button.focus();
    await page.keyboard.press('/');
    await palette().waitFor();
    await searchBox().pressSequentially('nothing like this');
    await palette().getByText('Nothing found for “nothing like this”.').waitFor();
    await page.keyboard.press('Escape');
    await palette().waitFor({ state: 'detached' });
    await expect.poll(() => button.evaluate((el) => el === document.activeElement)).toBe(true);

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('c');
    const capture = page.getByRole('dialog', { name: 'Quick capture' });
    await capture.waitFor();
    // Inside another dialog the palette's keys stay out of the way.
    await page.keyboard.press('Control+k');
    await page.waitForTimeout(200);
    expect(await palette().count()).toBe(0);
    await page.keyboard.press('Escape');
    await capture.waitFor({ state: 'detached' });

    // The "New capture" command opens quick capture.
    await page.keyboard.press('Control+k');
    await searchBox().pressSequentially('new cap');
    await palette()
      .getByRole('option', { name: /New capture/ })
      .click();
    await capture.waitFor();
    await page.keyboard.press('Escape');
    expect(app.takeProblems()).toEqual([]);
  });

  it('fits a phone', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.keyboard.press('Control+k');
    await palette().waitFor();
    await searchBox().pressSequentially('quokka');
    await palette()
      .getByRole('option', { name: /Photograph the quokka/ })
      .waitFor();
    const box = await palette().boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
    await page.keyboard.press('Escape');
    expect(app.takeProblems()).toEqual([]);
  });
});
