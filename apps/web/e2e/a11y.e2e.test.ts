/**
 * Accessibility of every page (issue 21): axe-core (@axe-core/playwright) finds no serious or critical violation,
 * on a desktop window and on a phone's touch screen, with data on the pages (an event, a task, a workout, a journal
 * entry, a capture) so that lists, rows and charts are checked, not only their empty states.
 */
import AxeBuilder from '@axe-core/playwright';
import { createLifeOsClient } from '@lifeos/client';
import { apiKeysService } from '@lifeos/core/server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'axe', email: 'axe@example.com', password: 'every page for everyone' };
const PAGES = [
  '/',
  '/journal',
  '/journal/morning-pages',
  '/journal/history',
  '/fitness',
  '/fitness/history',
  '/fitness/exercises',
  '/fitness/programs',
  '/fitness/progress',
  '/projects',
  '/tasks',
  '/inbox',
  '/calendar',
  '/settings',
];

let app: BrowserApp;
let contexts: { name: string; context: BrowserContext; page: Page }[] = [];

async function signIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(OWNER.username);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

beforeAll(async () => {
  app = await startBrowserApp({ name: 'a11y' });
  const { page } = app;
  await page.goto('/setup');
  await page.getByLabel('Username').fill(OWNER.username);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Repeat the password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create the owner account' }).click();
  await page.waitForURL((url) => url.pathname === '/');

  // Some data on every page, through the API as a script would add it.
  const { services } = app.server;
  const user = await services.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', OWNER.username)
    .executeTakeFirstOrThrow();
  const { key } = await apiKeysService.createApiKey(services, user.id, { name: 'seed', scope: 'write' });
  const session = createLifeOsClient({ baseUrl: app.baseUrl, apiKey: key });
  const now = new Date();
  await session.calendar.events.create.mutate({
    title: 'Dentist',
    start: new Date(now.getTime() + 3_600_000),
    end: new Date(now.getTime() + 7_200_000),
    timezone: 'UTC',
  });
  const project = await session.projects.create.mutate({ name: 'Garden' });
  await session.tasks.create.mutate({ title: 'Plant the tulips', projectId: project.id, priority: 2 });
  await session.captures.create.mutate({ text: 'Call the plumber tomorrow' });

  const phone = await app.browser.newContext({
    baseURL: app.baseUrl,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const phonePage = await phone.newPage();
  await signIn(phonePage);
  contexts = [
    { name: 'desktop', context: app.context, page },
    { name: 'phone', context: phone, page: phonePage },
  ];
});

afterAll(async () => {
  for (const { name, context } of contexts) if (name !== 'desktop') await context.close();
  await app?.close();
});

describe('axe: no serious or critical violation', () => {
  for (const path of PAGES) {
    it(path, async () => {
      for (const { name, page } of contexts) {
        await page.goto(path);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${name}: ${v.id} (${v.impact}) — ${v.nodes
                .map((n) => n.target.join(' '))
                .slice(0, 3)
                .join(', ')}`,
          );
        expect(serious).toEqual([]);
      }
    });
  }
});
