/**
 * Browser end-to-end for the journal: the built web app (apps/web/dist) served by a real Life OS server in this
 * process, on a fresh in-memory PGlite, driven through Debian's Chromium.
 *
 * Set up the owner → write morning pages until "Saved" → reload, the text is there → fill a reflection → the
 * streaks show 1 day → find the page through search.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'writer', email: 'writer@example.com', password: 'three pages every morning' };
const PAGES = 'The kettle hums while I write. Morning light on the desk, and a quiet zeppelin of thoughts drifting by.';

let app: BrowserApp;
let baseUrl: string;
let page: Page;

beforeAll(async () => {
  app = await startBrowserApp({ name: 'journal' });
  ({ baseUrl, page } = app);
});

afterAll(() => app?.close());

const takeProblems = () => app.takeProblems();

describe('the journal in a browser', () => {
  it('sets up the owner', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByLabel('Repeat the password').press('Enter');
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Journal' }).click();
    await page.getByRole('heading', { level: 1, name: 'Journal' }).waitFor();
    await page.getByText('Not yet today').first().waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('writes morning pages that save themselves and survive a reload', async () => {
    await page.getByRole('link', { name: 'Write morning pages' }).click();
    const editor = page.getByLabel(/^Morning pages for /);
    await editor.waitFor();
    const saved = page.waitForResponse((r) => r.url().includes('journal.upsert') && r.status() === 200);
    await editor.pressSequentially(PAGES.slice(0, 40));
    await editor.fill(PAGES);
    await page.getByText('Saving…').waitFor();
    await saved;
    await page.locator('output', { hasText: /^Saved$/ }).waitFor();
    expect(await page.locator('.journal-words strong').textContent()).toBe('19');

    await page.reload();
    await page.getByLabel(/^Morning pages for /).waitFor();
    await expect.poll(() => page.getByLabel(/^Morning pages for /).inputValue()).toBe(PAGES);
    await page.locator('output', { hasText: /^Saved$/ }).waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('fills a daily reflection', async () => {
    await page.getByRole('navigation', { name: 'Journal' }).getByRole('link', { name: 'Reflection' }).click();
    await page.getByRole('heading', { level: 1, name: 'Daily reflection' }).waitFor();
    // Validated in the browser with the API's schema before anything is sent.
    await page.getByRole('button', { name: 'Save reflection' }).click();
    await page.getByText('Pick a number from 1 to 5').first().waitFor();

    await page.getByLabel('Wins: win 1').fill('Wrote before breakfast');
    await page.getByLabel('Wins: win 1').press('Enter');
    await page.getByLabel('Wins: win 2').fill('Walked to work');
    await page.getByLabel('Grateful for: thing 1').fill('Sunshine');
    await page.getByLabel('Mood 4').check();
    await page.getByLabel('Energy 3').check();
    await page.getByLabel("Tomorrow's focus").fill('Finish the review');
    await page.getByRole('button', { name: 'Save reflection' }).click();
    await page.getByText('Saved.').waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('shows the streaks and the day in the heatmap', async () => {
    await page.getByRole('navigation', { name: 'Journal' }).getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { level: 1, name: 'Journal' }).waitFor();
    const pagesCard = page.getByRole('article', { name: 'Morning pages' });
    const reflectionCard = page.getByRole('article', { name: 'Daily reflection' });
    await expect.poll(() => pagesCard.textContent()).toContain('Current streak 1 day');
    await expect.poll(() => reflectionCard.textContent()).toContain('Current streak 1 day');
    expect(await reflectionCard.textContent()).toContain('Done today');
    expect(await page.getByRole('article', { name: 'Weekly review' }).textContent()).toContain(
      'Current streak 0 weeks',
    );
    await page.getByRole('img', { name: /Writing days in \d{4}: 1 of 36[56] days/ }).waitFor();
    expect(await page.locator('rect[data-count="2"]').count()).toBe(1);
    expect(takeProblems()).toEqual([]);
  });

  it('finds the page through search, with the match highlighted', async () => {
    await page.getByRole('navigation', { name: 'Journal' }).getByRole('link', { name: 'History' }).click();
    const entries = page.getByRole('list', { name: 'Journal entries' });
    await entries.waitFor();
    expect(await entries.getByRole('listitem').count()).toBe(2);
    await page.getByLabel('Search the journal').fill('zeppelin');
    await page.getByLabel('Search the journal').press('Enter');
    const results = page.getByRole('list', { name: 'Search results' });
    await results.waitFor();
    expect(await results.locator('mark').allTextContents()).toEqual(['zeppelin']);
    expect(takeProblems()).toEqual([]);
  });
});
