/**
 * Browser end-to-end for the dashboard: the built web app served by a real Life OS server, driven through Debian's
 * Chromium (see harness.ts).
 *
 * A new owner lands on an empty dashboard that says where to start → a reflection with a mood, a task due today
 * and a finished workout are added (through the API, from the signed-in page) → the dashboard shows them, with
 * its charts → the weekly review offers the week's facts and inserts them → the page fits a phone's width, with the
 * charts below the fold drawn as they scroll near (or at the first Tab) and nothing moving when they arrive.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'daylight', email: 'daylight@example.com', password: 'one dashboard to see it all' };

let app: BrowserApp;
let baseUrl: string;
let page: Page;

beforeAll(async () => {
  app = await startBrowserApp({ name: 'dashboard' });
  ({ baseUrl, page } = app);
});

afterAll(() => app?.close());

/** A tRPC call from inside the signed-in page: its cookies, its origin and the CSRF header, as the app sends them. */
async function call<T>(path: string, input: unknown, kind: 'query' | 'mutation' = 'mutation'): Promise<T> {
  return page.evaluate(
    async ({ path, input, kind }) => {
      const body = JSON.stringify({ json: input });
      const response =
        kind === 'query'
          ? await fetch(`/trpc/${path}?input=${encodeURIComponent(body)}`, { headers: { 'x-lifeos-csrf': '1' } })
          : await fetch(`/trpc/${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-lifeos-csrf': '1' },
              body,
            });
      const payload = await response.json();
      if (!response.ok) throw new Error(`${path}: ${JSON.stringify(payload)}`);
      return payload.result.data.json;
    },
    { path, input, kind },
  ) as Promise<T>;
}

describe('the dashboard in a browser', () => {
  it('greets a new owner with an empty dashboard and where to start', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByLabel('Repeat the password').press('Enter');
    await page.waitForURL(`${baseUrl}/`);

    const start = page.getByRole('region', { name: 'Start here' });
    await start.waitFor();
    expect(await start.getByRole('link', { name: 'Write your first morning pages' }).getAttribute('href')).toBe(
      '/journal/morning-pages',
    );
    expect(await start.getByRole('link', { name: 'Add a task with a due date' }).getAttribute('href')).toBe('/tasks');
    await page.getByText('Nothing planned today.').waitFor();
    await page.getByText('Inbox zero.').waitFor();
    // One click into a module.
    await start.getByRole('link', { name: 'Log a workout' }).click();
    await page.waitForURL('**/fitness');
    await page.goBack();
    await start.waitFor();
    expect(app.takeProblems()).toEqual([]);
  });

  it('shows a reflection, a task due today and a workout once they exist', async () => {
    const { today } = await call<{ today: string }>('dashboard.today', undefined, 'query');
    await call('journal.upsert', {
      type: 'daily_reflection',
      date: today,
      content: { wins: ['sunny walk'], challenges: [], gratitude: [], mood: 4, energy: 2, tomorrowFocus: 'rest' },
    });
    await call('tasks.create', { title: 'Water the plants', dueDate: today });
    const exercises = await call<{ id: string; name: string }[]>(
      'fitness.exercises.list',
      { q: 'Squat (Barbell)' },
      'query',
    );
    const squat = exercises.find((e) => e.name === 'Squat (Barbell)');
    if (!squat) throw new Error('no squat in the library');
    const session = await call<{ id: string }>('fitness.sessions.start', { name: 'Leg day' });
    await call('fitness.sessions.logSet', { sessionId: session.id, exerciseId: squat.id, reps: 5, weightKg: 100 });
    await call('fitness.sessions.logSet', { sessionId: session.id, exerciseId: squat.id, reps: 5, weightKg: 100 });
    await call('fitness.sessions.finish', { id: session.id });

    await page.goto('/');
    const journal = page.getByTestId('card-journal');
    await journal.getByText('Mood 4/5 · energy 2/5').waitFor();
    expect(await journal.getByText('1 day streak').count()).toBe(1);
    const agenda = page.getByTestId('card-agenda');
    await agenda.getByRole('link', { name: 'Water the plants' }).waitFor();
    await agenda.getByRole('link', { name: 'Leg day' }).waitFor();
    const fitness = page.getByTestId('card-fitness');
    await fitness.getByText('1 workout').waitFor();
    await fitness.getByText(/1,000 kg lifted/).waitFor();
    await page.getByTestId('card-records').getByRole('link', { name: 'Squat (Barbell)' }).waitFor();
    expect(await page.getByRole('region', { name: 'Start here' }).count()).toBe(0);
    // The charts render once their card is near the viewport: the weekly volume, the mood trend, the year.
    await fitness.scrollIntoViewIfNeeded();
    await fitness.locator('.recharts-surface').first().waitFor();
    await page.getByTestId('card-mood').scrollIntoViewIfNeeded();
    await page.getByTestId('card-mood').locator('.recharts-surface').first().waitFor();
    await page.getByTestId('card-writing').scrollIntoViewIfNeeded();
    await page.getByTestId('card-writing').locator('svg.heatmap').waitFor();

    // The agenda's task link leads to the tasks.
    await agenda.getByRole('link', { name: 'Water the plants' }).click();
    await page.waitForURL('**/tasks');
    expect(app.takeProblems()).toEqual([]);
  });

  it("offers the week's facts in the weekly review and inserts them", async () => {
    await page.goto('/journal/review');
    const facts = page.getByTestId('week-facts');
    await facts.getByText(/Trained once/).waitFor();
    await facts.getByText(/Average mood 4\.0\/5/).waitFor();
    await facts.getByRole('button', { name: 'Insert facts into wins' }).click();
    const wins = page.getByRole('group', { name: 'Wins' }).locator('input, textarea');
    await expect
      .poll(async () => await wins.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)))
      .toEqual(expect.arrayContaining([expect.stringMatching(/^Trained once/), 'Average mood 4.0/5']));
    expect(app.takeProblems()).toEqual([]);
  });

  it('fits a phone, drawing the charts below the fold as they scroll near, without moving anything', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('/');
    await page.getByTestId('card-journal').waitFor();
    const writing = page.getByTestId('card-writing');
    // Far below the fold: a placeholder of the heatmap's height, not the heatmap.
    await page.waitForTimeout(500);
    expect(await writing.locator('[data-deferred-placeholder]').count()).toBe(1);
    expect(await writing.locator('svg.heatmap').count()).toBe(0);
    // Layout shifts from here on: a placeholder of the wrong height would move the cards below it.
    await page.evaluate(() => {
      const record = { total: 0 };
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) record.total += entry.value;
      }).observe({ type: 'layout-shift' });
      (window as unknown as { layoutShifts: typeof record }).layoutShifts = record;
    });
    await page.getByTestId('card-mood').scrollIntoViewIfNeeded();
    await page.getByTestId('card-mood').locator('.recharts-surface').first().waitFor();
    await writing.scrollIntoViewIfNeeded();
    await writing.locator('svg.heatmap').waitFor();
    expect(
      await page.evaluate(() => (window as unknown as { layoutShifts: { total: number } }).layoutShifts.total),
    ).toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(app.takeProblems()).toEqual([]);
  });

  it('draws every chart at the first Tab, so a keyboard user reaches each one', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('/');
    await page.getByTestId('card-journal').waitFor();
    await page.keyboard.press('Tab');
    // Still far below the fold, yet drawn and in the tab order.
    await page.getByTestId('card-writing').locator('svg.heatmap').waitFor({ state: 'attached' });
    await page.getByTestId('card-mood').locator('.recharts-surface[tabindex="0"]').waitFor({ state: 'attached' });
    expect(await page.locator('[data-deferred-placeholder]').count()).toBe(0);
    expect(app.takeProblems()).toEqual([]);
  });
});
