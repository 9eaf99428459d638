/**
 * Browser end-to-end for fitness: the built web app (apps/web/dist) served by a real Life OS server in this
 * process, on a fresh in-memory PGlite, driven through Debian's Chromium.
 *
 * Set up the owner → create a program (one day, one barbell exercise) → start the due day → log its sets with the
 * rest timer and the plate calculator → finish, the summary shows the new records → the 1RM chart draws a line.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'lifter', email: 'lifter@example.com', password: 'five by five every monday' };
const EXERCISE = 'Bench Press (Barbell)';

let app: BrowserApp;
let baseUrl: string;
let page: Page;

beforeAll(async () => {
  app = await startBrowserApp({ name: 'fitness' });
  ({ baseUrl, page } = app);
});

afterAll(() => app?.close());

const takeProblems = () => app.takeProblems();

describe('fitness in a browser', () => {
  it('sets up the owner and meets an empty fitness module', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByLabel('Repeat the password').press('Enter');
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Fitness' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fitness' }).waitFor();
    await page.getByText('No program yet').waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('creates a program with one day and one barbell exercise', async () => {
    await page.getByRole('navigation', { name: 'Fitness' }).getByRole('link', { name: 'Programs' }).click();
    await page.getByRole('link', { name: 'Create your first program' }).click();
    await page.getByRole('heading', { level: 1, name: 'New program' }).waitFor();
    // Validated in the browser with the API's schema before anything is sent.
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.locator('.field-error').first().waitFor();

    await page.getByLabel('Program name').fill('Strength');
    await page.getByLabel('Day 1 name').fill('Heavy day');
    await page.getByText('Add an exercise to this day').click();
    await page.getByLabel('Find an exercise for day 1').fill(EXERCISE);
    await page.getByRole('button', { name: new RegExp(`^${EXERCISE.replace(/[()]/g, '\\$&')}`) }).click();
    const item = page.getByRole('listitem', { name: EXERCISE });
    await item.getByLabel('Sets', { exact: true }).fill('3');
    await item.getByLabel('Reps from').fill('5');
    await item.getByLabel('Reps to').fill('5');
    await item.getByLabel('Weight (kg)').fill('100');
    await item.getByLabel('Rest (s)').fill('60');
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.waitForURL(/\/fitness\/programs\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Strength' }).waitFor();
    expect(await page.getByRole('listitem', { name: EXERCISE }).getByLabel('Weight (kg)').inputValue()).toBe('100');
    expect(takeProblems()).toEqual([]);
  });

  it('starts the due day, logs the sets with rest timer and plates, and finishes with new records', async () => {
    await page.getByRole('navigation', { name: 'Fitness' }).getByRole('link', { name: 'Workout' }).click();
    await page.getByRole('button', { name: 'Start Heavy day' }).click();
    await page.waitForURL(/\/fitness\/workout\/[0-9a-f-]{36}$/);
    const card = page.getByRole('region', { name: EXERCISE });
    await card.waitFor();
    await card.getByText('3 sets · 5 reps · rest 60 s').waitFor();

    // The plate calculator: 100 kg is the 20 kg bar and 25 + 15 a side.
    const set1 = card.getByRole('form', { name: 'Set 1' });
    expect(await set1.getByLabel('Set 1: weight (kg)').inputValue()).toBe('100');
    await set1.getByRole('button', { name: 'Plates' }).click();
    expect(await set1.getByTestId('plates-per-side').textContent()).toBe('25 + 15');

    for (const n of [1, 2, 3]) {
      const form = card.getByRole('form', { name: `Set ${n}` });
      if (n === 3) await form.getByLabel(`Set ${n}: reps`).fill('6');
      await form.getByRole('button', { name: 'Log set' }).click();
      const timer = page.getByRole('region', { name: 'Rest timer' });
      await timer.waitFor();
      expect(await timer.getByRole('timer').textContent()).toMatch(/^[01]:\d\d$/);
      if (n === 1) {
        await timer.getByRole('button', { name: '+30 s' }).click();
        await expect.poll(() => timer.getByRole('timer').textContent()).toMatch(/^1:[23]\d$/);
      }
      await timer.getByRole('button', { name: 'Skip rest' }).click();
      await timer.waitFor({ state: 'detached' });
    }
    expect(await card.locator('.set-row-done').count()).toBe(3);
    expect(await card.locator('.set-row-done').last().textContent()).toContain('100 kg × 6');

    await page.getByRole('button', { name: 'Finish workout' }).click();
    await page.getByRole('heading', { level: 1, name: 'Workout finished' }).waitFor();
    const records = page.getByRole('list', { name: 'New records' });
    await records.waitFor();
    const text = await records.textContent();
    expect(text).toContain(EXERCISE);
    expect(text).toContain('Heaviest weight: 100 kg');
    expect(text).toContain('Best estimated 1RM: 120 kg');
    expect(takeProblems()).toEqual([]);
  });

  it('proposes 2.5 kg more next time, since every set reached the top of the range', async () => {
    await page.getByRole('navigation', { name: 'Fitness' }).getByRole('link', { name: 'Workout' }).click();
    await page.getByRole('button', { name: 'Start Heavy day' }).click();
    await page.waitForURL(/\/fitness\/workout\/[0-9a-f-]{36}$/);
    const card = page.getByRole('region', { name: EXERCISE });
    // Previous performance beside each set, from the last workout.
    await card.getByRole('form', { name: 'Set 3' }).getByText('100 kg × 6').waitFor();
    for (const n of [1, 2, 3]) {
      const form = card.getByRole('form', { name: `Set ${n}` });
      expect(await form.getByLabel(`Set ${n}: weight (kg)`).inputValue()).toBe('102.5');
      await form.getByRole('button', { name: 'Log set' }).click();
      await page.getByRole('region', { name: 'Rest timer' }).getByRole('button', { name: 'Skip rest' }).click();
    }
    await page.getByRole('button', { name: 'Finish workout' }).click();
    const records = page.getByRole('list', { name: 'New records' });
    await records.waitFor();
    expect(await records.textContent()).toContain('Heaviest weight: 102.5 kg');
    expect(await records.textContent()).toContain('was 100 kg');
    expect(takeProblems()).toEqual([]);
  });

  it('lists the workouts in history and draws the 1RM chart', async () => {
    await page.getByRole('navigation', { name: 'Fitness' }).getByRole('link', { name: 'History' }).click();
    const list = page.getByRole('list', { name: 'Workouts' });
    await list.waitFor();
    expect(await list.getByRole('listitem').count()).toBe(2);
    await list.getByRole('link', { name: 'Strength: Heavy day' }).last().click();
    await page.getByRole('heading', { level: 1, name: 'Strength: Heavy day' }).waitFor();
    await page.getByText('100 kg × 6').waitFor();

    await page.getByRole('navigation', { name: 'Fitness' }).getByRole('link', { name: 'Progress' }).click();
    const chart = page.getByRole('figure', { name: `Estimated 1RM of ${EXERCISE} (kg)` });
    await chart.waitFor();
    const line = chart.locator('svg path.recharts-line-curve').first();
    await line.waitFor();
    expect(await line.getAttribute('d')).toMatch(/^M/);
    await page
      .getByRole('figure', { name: /Weekly volume per muscle/ })
      .locator('.recharts-bar-rectangle')
      .first()
      .waitFor();
    expect(takeProblems()).toEqual([]);
  });
});
