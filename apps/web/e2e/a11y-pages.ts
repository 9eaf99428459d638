/**
 * Accessibility of every page (issue 21): axe-core (@axe-core/playwright) finds no serious or critical violation,
 * with data on the pages (an event, a task, a project, a capture) so that lists and rows are checked, not only their
 * empty states. One file per screen (`a11y-desktop`, `a11y-phone`), so the browser suite's two workers share the
 * walk instead of one worker doing both screens while the other idles.
 */
import AxeBuilder from '@axe-core/playwright';
import { createLifeOsClient } from '@lifeos/client';
import { apiKeysService } from '@lifeos/core/server';
import type { Page } from 'playwright-core';
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

const SCREENS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} as const;

/** Registers the suite: the owner and some data made once, then every page checked on `screen`. */
export function checkEveryPage(screen: keyof typeof SCREENS) {
  let app: BrowserApp;
  let page: Page;

  beforeAll(async () => {
    app = await startBrowserApp({ name: `a11y-${screen}`, viewport: SCREENS.desktop.viewport });
    await app.page.goto('/setup');
    await app.page.getByLabel('Username').fill(OWNER.username);
    await app.page.getByLabel('Email').fill(OWNER.email);
    await app.page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await app.page.getByLabel('Repeat the password').fill(OWNER.password);
    await app.page.getByRole('button', { name: 'Create the owner account' }).click();
    await app.page.waitForURL((url) => url.pathname === '/');
    await seed(app);
    if (screen === 'desktop') {
      page = app.page;
    } else {
      const context = await app.browser.newContext({ baseURL: app.baseUrl, ...SCREENS[screen] });
      page = await context.newPage();
      await signIn(page);
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  describe(`axe on ${screen}: no serious or critical violation`, () => {
    for (const path of PAGES) {
      it(path, async () => {
        await page.goto(path);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${screen}: ${v.id} (${v.impact}) — ${v.nodes
                .map((n) => n.target.join(' '))
                .slice(0, 3)
                .join(', ')}`,
          );
        expect(serious).toEqual([]);
      });
    }
  });
}

async function signIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(OWNER.username);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Some data on every page, through the API as a script would add it. */
async function seed(app: BrowserApp) {
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
}
