/**
 * Offline-first (issue 21), in one browser and one phone-sized context: after one online visit the installed app
 * starts without a network on the device's copy of the data; a workout logged and finished offline and three
 * captures, kept through a reload while still offline, reach the server exactly once when the network returns (also
 * when the answer to one of them is lost on the way: its Idempotency-Key makes the repeat harmless); an access token
 * that expires offline signs nobody out and is renewed once online; and a write the server refuses is shown, to
 * discard, not dropped.
 */
import { createLifeOsClient, type LifeOsClient } from '@lifeos/client';
import { apiKeysService } from '@lifeos/core/server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'basement', email: 'basement@example.com', password: 'lifting without signal' };
const CAPTURES = ['Buy chalk', 'Ask about the squat rack', 'Book a deload week'];

let app: BrowserApp;
let page: Page;
let api: LifeOsClient;
let sessionId: string;
let exerciseName: string;
let projectId: string;

/** Whether the device's copy of the data (IndexedDB, saved at most once a second) holds `text` yet. */
const copyHolds = (text: string) =>
  page.evaluate(async (wanted) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('lifeos-cache');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const values = await new Promise<unknown[]>((resolve) => {
      const request = db.transaction('queries', 'readonly').objectStore('queries').getAll();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return values.some((value) => String(value).includes(wanted));
  }, text);

const banner = () => page.getByRole('status').filter({ hasText: /^Offline/ });
const waiting = () => page.getByText(/\d+ changes? waiting/);

beforeAll(async () => {
  // Offline, the browser logs every failed fetch; the refused write answers 404.
  app = await startBrowserApp({
    name: 'offline',
    viewport: { width: 390, height: 844 },
    ignore: /net::ERR_INTERNET_DISCONNECTED|net::ERR_FAILED|status of 404 \(Not Found\)/,
  });
  ({ page } = app);
  await page.goto('/setup');
  await page.getByLabel('Username').fill(OWNER.username);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Repeat the password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create the owner account' }).click();
  await page.waitForURL((url) => url.pathname === '/');

  const { services } = app.server;
  const user = await services.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', OWNER.username)
    .executeTakeFirstOrThrow();
  const { key } = await apiKeysService.createApiKey(services, user.id, { name: 'check', scope: 'write' });
  api = createLifeOsClient({ baseUrl: app.baseUrl, apiKey: key });
  const exercise = (await api.fitness.exercises.list.query({})).find((e) => e.category !== 'cardio');
  if (!exercise) throw new Error('no exercise in the library');
  exerciseName = exercise.name;
  const program = await api.fitness.programs.create.mutate({
    name: 'Basement',
    days: [
      {
        name: 'Heavy day',
        exercises: [
          { exerciseId: exercise.id, targetSets: 3, repMin: 5, repMax: 5, targetWeightKg: 60, restSeconds: 60 },
        ],
      },
    ],
  });
  const session = await api.fitness.sessions.start.mutate({ programDayId: program.days[0]?.id });
  sessionId = session.id;
  const project = await api.projects.create.mutate({ name: 'Home' });
  projectId = project.id;
  await api.tasks.create.mutate({ title: 'Water the plants', projectId });
});

afterAll(() => app?.close());

describe('Life OS without a network', () => {
  it('starts offline on the last visit’s data, saying so', async () => {
    // One online visit of the pages used offline below, under the service worker's control.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // Each page's data in the device's copy before the next (a person does not leave a page within the second).
    await page.goto(`/projects/${projectId}`);
    await page.getByRole('checkbox', { name: 'Done: Water the plants' }).waitFor();
    await expect.poll(() => copyHolds('Water the plants')).toBe(true);
    await page.goto(`/fitness/workout/${sessionId}`);
    await page.getByRole('region', { name: exerciseName }).waitFor();
    await expect.poll(() => copyHolds(sessionId)).toBe(true);
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await expect.poll(() => copyHolds('"dashboard","today"')).toBe(true);

    await app.context.setOffline(true);
    await page.reload();
    await banner().waitFor();
    expect(await banner().textContent()).toMatch(/^Offline — last updated \d\d:\d\d/);
    // Still signed in, on the dashboard, with its data from the device.
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goto(`/fitness/workout/${sessionId}`);
    await page.getByRole('region', { name: exerciseName }).waitFor();
    expect(app.takeProblems()).toEqual([]);
  });

  it('logs a whole workout and three captures offline, kept through a reload', async () => {
    // The access token expires while offline: the app stays signed in (it is renewed once the network is back).
    await app.context.clearCookies({ name: 'lifeos_at' });
    const card = page.getByRole('region', { name: exerciseName });
    const skipRest = async () => {
      const timer = page.getByRole('region', { name: 'Rest timer' });
      await timer.waitFor();
      await timer.getByRole('button', { name: 'Skip rest' }).click();
      await timer.waitFor({ state: 'detached' });
    };
    for (const n of [1, 2, 3]) {
      await card
        .getByRole('form', { name: `Set ${n}` })
        .getByRole('button', { name: 'Log set' })
        .click();
      await skipRest();
    }
    // One set more than planned (a new set, not a planned one).
    const extra = card.getByRole('form', { name: 'Set 4' });
    await extra.getByLabel('Set 4: reps').fill('8');
    await extra.getByRole('button', { name: 'Add set' }).click();
    await skipRest();
    await expect.poll(() => card.locator('.set-row-done').count()).toBe(4);
    await expect.poll(() => waiting().textContent()).toMatch(/^4 changes waiting/);

    await page.reload();
    await expect.poll(() => card.locator('.set-row-done').count()).toBe(4);
    await page.getByRole('button', { name: 'Finish workout' }).click();
    await page.getByText('Saved on this device.').waitFor();

    for (const text of CAPTURES) {
      await page.keyboard.press('c');
      const box = page.getByLabel('What is on your mind?');
      await box.fill(text);
      await box.press('Enter');
      await box.waitFor({ state: 'detached' });
    }
    await page.reload();
    await banner().waitFor();
    await expect.poll(() => waiting().textContent()).toMatch(/^8 changes waiting/);
    expect(new URL(page.url()).pathname).not.toBe('/login');
    // Nothing reached the server yet.
    expect((await api.fitness.sessions.get.query({ id: sessionId })).finishedAt).toBeNull();
    expect(await api.captures.list.query({})).toEqual([]);
    expect(app.takeProblems()).toEqual([]);
  });

  it('sends everything once when the network is back, even when an answer is lost on the way', async () => {
    // The first capture reaches the server, but its answer never reaches the page: the outbox sends it again.
    let lost = 0;
    await app.context.route('**/trpc/captures.create*', async (route) => {
      if (lost > 0) return route.continue();
      lost++;
      await route.fetch();
      await route.abort('connectionreset');
    });
    const refreshes: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/trpc/auth.refresh')) refreshes.push(request.url());
    });
    await app.context.setOffline(false);
    await expect.poll(() => waiting().count(), { timeout: 20_000 }).toBe(0);
    // The expired access token was renewed once, and nobody was sent to the sign-in page.
    expect(refreshes).toHaveLength(1);
    expect(new URL(page.url()).pathname).not.toBe('/login');
    await app.context.unrouteAll();
    expect(lost).toBe(1);
    await expect.poll(() => banner().count()).toBe(0);

    const session = await api.fitness.sessions.get.query({ id: sessionId });
    expect(session.finishedAt).not.toBeNull();
    expect(session.sets.map((s) => [s.completed, s.reps])).toEqual([
      [true, 5],
      [true, 5],
      [true, 5],
      [true, 8],
    ]);
    const captures = await api.captures.list.query({});
    expect(captures.map((c) => c.text).sort()).toEqual([...CAPTURES].sort());
    app.takeProblems(); // the reset connection is logged
  });

  it('shows a write the server refused, to discard', async () => {
    await page.goto(`/projects/${projectId}`);
    const box = page.getByRole('checkbox', { name: 'Done: Water the plants' });
    await box.waitFor();
    await app.context.setOffline(true);
    await box.click();
    await expect.poll(() => box.isChecked()).toBe(true);
    // Meanwhile, elsewhere: the task is deleted.
    const [task] = await api.tasks.list.query({ projectId });
    await api.tasks.delete.mutate({ id: task?.id ?? '' });

    await app.context.setOffline(false);
    const refused = page.getByRole('region', { name: 'A change was not accepted' });
    await refused.waitFor();
    expect(await refused.textContent()).toContain('Complete “Water the plants”');
    await refused.getByRole('button', { name: 'Discard' }).click();
    await refused.waitFor({ state: 'detached' });
    expect(app.takeProblems()).toEqual([]);
  });
});
