/**
 * Life OS on a phone (issue 21): a 360 × 780 touch screen in Chromium (coarse pointer, no hover). On every page no
 * sideways scrolling, every button and field a finger can hit (at least 44 px tall), and no keyboard-shortcut hints.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'mobile', email: 'mobile@example.com', password: 'thumbs on a small screen' };
const PAGES = [
  '/',
  '/journal',
  '/fitness',
  '/fitness/history',
  '/fitness/exercises',
  '/projects',
  '/tasks',
  '/inbox',
  '/calendar',
  '/settings',
];
const WIDTH = 360;

let app: BrowserApp;
let phone: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await startBrowserApp({ name: 'phone' });
  phone = await app.browser.newContext({
    baseURL: app.baseUrl,
    viewport: { width: WIDTH, height: 780 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  page = await phone.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto('/setup');
  await page.getByLabel('Username').fill(OWNER.username);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Repeat the password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create the owner account' }).click();
  await page.waitForURL((url) => url.pathname === '/');
});

afterAll(async () => {
  await phone?.close();
  await app?.close();
});

/** What a page shows a thumb: its width against the screen's, and the visible controls shorter than 44 px. */
function measure() {
  const small: string[] = [];
  for (const element of document.querySelectorAll<HTMLElement>(
    'button, a.tab, .section-nav a, input:not([type="checkbox"]):not([type="radio"]):not([type="hidden"]), select, textarea, summary',
  )) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (box.height < 43.5) {
      const name = element.getAttribute('aria-label') || element.textContent?.trim() || element.tagName;
      small.push(`${element.tagName.toLowerCase()} "${name.slice(0, 40)}" ${Math.round(box.height)} px`);
    }
  }
  const hints = [...document.querySelectorAll<HTMLElement>('kbd, .keys-hint')].filter(
    (element) => element.getBoundingClientRect().height > 0,
  ).length;
  // Tabs and a module's sections stay one row (they scroll sideways instead of wrapping).
  const wrappedTabs = [...document.querySelectorAll<HTMLElement>('.tabs, .section-nav')].filter((tabs) => {
    const tops = new Set([...tabs.querySelectorAll<HTMLElement>('a')].map((tab) => tab.offsetTop));
    return tops.size > 1;
  }).length;
  return { scrollWidth: document.documentElement.scrollWidth, small, hints, wrappedTabs };
}

describe('on a phone', () => {
  it("moves between the day's places with the bottom bar, in a thumb's reach", async () => {
    await page.goto('/');
    const bar = page.getByRole('navigation', { name: 'Main' });
    const links = bar.getByRole('link');
    await links.first().waitFor();
    expect(await links.allTextContents()).toEqual(['◎Today', '▤Calendar', '⚡Train', '✓Tasks', '✎Journal']);
    const box = await bar.boundingBox();
    expect(box && box.y + box.height).toBeCloseTo(780, 0);
    for (const link of await links.all()) expect((await link.boundingBox())?.height).toBeGreaterThanOrEqual(44);
    await bar.getByRole('link', { name: 'Train' }).tap();
    await page.waitForURL((url) => url.pathname === '/fitness');
    await bar.getByRole('link', { name: 'Calendar' }).tap();
    await page.waitForURL((url) => url.pathname === '/calendar');
    // The bar marks the page it is on (waited for: the tap's navigation renders a moment after the URL changes).
    await bar.locator('a[aria-current="page"]', { hasText: 'Calendar' }).waitFor();
    expect(await bar.locator('a[aria-current="page"]').count()).toBe(1);
  });

  for (const path of PAGES) {
    it(`${path}: no sideways scrolling, controls a thumb can hit, no keyboard hints`, async () => {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const seen = await page.evaluate(measure);
      expect(seen.scrollWidth, 'page width').toBeLessThanOrEqual(WIDTH);
      expect(seen.small).toEqual([]);
      expect(seen.hints).toBe(0);
      expect(seen.wrappedTabs).toBe(0);
    });
  }
});
