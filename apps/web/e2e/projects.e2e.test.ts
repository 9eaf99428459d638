/**
 * Browser end-to-end for projects, tasks and the capture inbox: the built web app (apps/web/dist) served by a real
 * Life OS server in this process, on a fresh in-memory PGlite, driven through Debian's Chromium.
 *
 * Set up the owner → quick capture with the `c` shortcut (a failed send keeps the text; retry) → process it from
 * the Inbox into a task in a new project "Launch" → complete the task on the project page → progress is 1/1 (100%).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const OWNER = { username: 'maker', email: 'maker@example.com', password: 'ship small things often' };
const CAPTURE = 'Write the launch post +Launch #writing';

let app: BrowserApp;
let baseUrl: string;
let page: Page;

beforeAll(async () => {
  app = await startBrowserApp({ name: 'projects', ignore: /net::ERR_FAILED/ });
  ({ baseUrl, page } = app);
});

afterAll(() => app?.close());

const takeProblems = () => app.takeProblems();

describe('projects, tasks and the inbox in a browser', () => {
  it('sets up the owner', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByLabel('Repeat the password').press('Enter');
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole('button', { name: /Capture/ }).waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('captures with the shortcut; a failed send waits in the outbox until it goes through', async () => {
    // From the topbar button: Escape closes and focus returns to the button.
    const button = page.getByRole('button', { name: /Capture/ });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Quick capture' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => button.evaluate((el) => el === document.activeElement)).toBe(true);

    // From anywhere with the shortcut.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('c');
    await dialog.waitFor();
    const box = dialog.getByLabel('What is on your mind?');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await box.pressSequentially(CAPTURE);
    // The parser's proposal shows as you type.
    const proposal = dialog.getByRole('list', { name: 'Proposal' });
    await proposal.getByText('+Launch (new project)').waitFor();
    expect(await proposal.textContent()).toContain('#writing');

    // The send fails (the network dropped): the capture is kept on the device (the outbox) and sent again.
    const offline = (url: URL) => url.pathname.includes('captures.create');
    await page.route(offline, (route) => route.abort());
    await box.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Captured to the inbox.').waitFor();
    await page.getByText('1 change waiting').waitFor();
    const created = page.waitForResponse((r) => r.url().includes('captures.create') && r.status() === 200);
    await page.unroute(offline);
    await created;
    await expect.poll(() => page.getByText(/change waiting/).count()).toBe(0);
    expect(takeProblems()).toEqual([]);
  });

  it('processes the capture from the inbox into a task in a new project', async () => {
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    const list = page.getByRole('list', { name: 'Captures' });
    await list.getByText(CAPTURE).waitFor();
    expect(await list.getByRole('listitem').count()).toBe(1);

    await page.keyboard.press('t');
    const dialog = page.getByRole('dialog', { name: 'Make it a task' });
    await dialog.getByLabel('Title').waitFor();
    expect(await dialog.getByLabel('Title').inputValue()).toBe('Write the launch post');
    expect(await dialog.getByLabel('Labels').inputValue()).toBe('writing');
    expect(await dialog.getByLabel('New project name').inputValue()).toBe('Launch');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Inbox zero').waitFor();
    await page.getByText('Turned into a task.').waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('completes the task on the project page and the progress moves to 1/1 (100%)', async () => {
    await page.getByRole('link', { name: 'Open the project' }).click();
    await page.getByRole('heading', { level: 1, name: 'Launch' }).waitFor();
    const summary = page.getByRole('region', { name: 'Summary' });
    await summary.getByText('0/1 (0%)').waitFor();
    const tasks = page.getByRole('list', { name: 'Tasks' });
    await tasks.getByText('Write the launch post').waitFor();
    expect(await tasks.getByText('#writing').count()).toBe(1);

    const done = tasks.getByLabel('Done: Write the launch post');
    await done.click();
    await expect.poll(() => done.isChecked()).toBe(true);
    await summary.getByText('1/1 (100%)').waitFor();
    expect(await summary.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');

    await page.getByRole('link', { name: '← Projects' }).click();
    const card = page.getByRole('article', { name: 'Launch' });
    await card.getByText('1/1 (100%)').waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('adds tasks and reorders them with the keyboard in one reorder call that survives a reload', async () => {
    await page.getByRole('article', { name: 'Launch' }).getByRole('link', { name: 'Launch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Launch' }).waitFor();
    const tasks = page.getByRole('list', { name: 'Tasks' });
    for (const title of ['Draft the outline', 'Publish it']) {
      await page.getByLabel('New task').fill(title);
      await page.getByLabel('New task').press('Enter');
      await tasks.getByText(title).waitFor();
    }
    const titles = () => tasks.locator('.list-title').allTextContents();
    expect(await titles()).toEqual(['Write the launch post', 'Draft the outline', 'Publish it']);
    await page.getByRole('region', { name: 'Summary' }).getByText('1/3 (33%)').waitFor();

    const reorders: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('tasks.reorder')) reorders.push(r.url());
    });
    const saved = page.waitForResponse((r) => r.url().includes('tasks.reorder') && r.status() === 200);
    await tasks.getByLabel('Done: Publish it').focus();
    await page.keyboard.press('Alt+ArrowUp');
    await saved;
    expect(await titles()).toEqual(['Write the launch post', 'Publish it', 'Draft the outline']);
    expect(reorders).toHaveLength(1);
    // Focus stays on the moved task, so it can keep moving.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Done: Publish it');

    await page.reload();
    await tasks.getByText('Publish it').waitFor();
    expect(await titles()).toEqual(['Write the launch post', 'Publish it', 'Draft the outline']);

    // Drag and drop: the last task onto the first.
    const dropped = page.waitForResponse((r) => r.url().includes('tasks.reorder') && r.status() === 200);
    await tasks
      .getByRole('listitem')
      .filter({ hasText: 'Draft the outline' })
      .dragTo(tasks.getByRole('listitem').filter({ hasText: 'Write the launch post' }));
    await dropped;
    expect(await titles()).toEqual(['Draft the outline', 'Write the launch post', 'Publish it']);
    expect(takeProblems()).toEqual([]);
  });

  it("edits a task's due date to today and completes it from the Tasks view", async () => {
    const tasks = page.getByRole('list', { name: 'Tasks' });
    await tasks.getByRole('button', { name: 'Edit Draft the outline' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));
    await dialog.getByLabel('Due date').fill(today);
    await dialog.getByLabel('Priority').selectOption('high');
    await dialog.getByRole('button', { name: 'Save task' }).click();
    await dialog.waitFor({ state: 'detached' });
    await tasks.getByText('!high').waitFor();

    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
    const todayList = page.getByRole('list', { name: 'Tasks: Today' });
    await todayList.getByText('Draft the outline').waitFor();
    expect(await todayList.getByRole('listitem').count()).toBe(1);
    await page.getByRole('link', { name: 'Overdue' }).click();
    await page.getByText('Nothing overdue').waitFor();
    await page.getByRole('link', { name: 'This week' }).click();
    const week = page.getByRole('list', { name: 'Tasks: This week' });
    await week.getByLabel('Done: Draft the outline').click();
    // Done tasks leave the open-task views.
    await page.getByText('Nothing due this week').waitFor();
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('article', { name: 'Launch' }).getByText('2/3 (67%)').waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('sets a task to repeat every weekday; completing it brings the next one, due the next weekday', async () => {
    await page.getByRole('article', { name: 'Launch' }).getByRole('link', { name: 'Launch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Launch' }).waitFor();
    const tasks = page.getByRole('list', { name: 'Tasks' });
    await page.getByLabel('New task').fill('Daily standup');
    await page.getByLabel('New task').press('Enter');
    await tasks.getByText('Daily standup').waitFor();

    await tasks.getByRole('button', { name: 'Edit Daily standup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    expect(await dialog.getByLabel('Repeat').inputValue()).toBe('none');
    // A Friday: the next weekday is the Monday after.
    await dialog.getByLabel('Due date').fill('2027-03-12');
    await dialog.getByLabel('Repeat').selectOption('weekdays');
    await dialog.getByText('the next one is due the next weekday').waitFor();
    await dialog.getByRole('button', { name: 'Save task' }).click();
    await dialog.waitFor({ state: 'detached' });
    await tasks.getByText('↻ repeats').waitFor();

    await tasks.getByLabel('Done: Daily standup').click();
    const items = tasks.getByRole('listitem').filter({ hasText: 'Daily standup' });
    await expect.poll(() => items.count()).toBe(2);
    const open = items.filter({ has: page.getByRole('checkbox', { checked: false }) });
    await open.getByRole('button', { name: 'Edit Daily standup' }).click();
    expect(await dialog.getByLabel('Due date').inputValue()).toBe('2027-03-15');
    expect(await dialog.getByLabel('Repeat').inputValue()).toBe('weekdays');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(takeProblems()).toEqual([]);
  });
});
