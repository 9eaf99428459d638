/**
 * Browser end-to-end for export and import: the built web app (apps/web/dist) served by a real Life OS server in
 * this process, on a fresh in-memory PGlite, driven through Debian's Chromium. Sign-up is open (ALLOW_SIGNUP), so a
 * second account can be created in the browser.
 *
 * Account A writes morning pages and a reflection, and (through the API, as the web app calls it) gets a project, a
 * task and a workout → Settings → Download JSON and Download ZIP → log out → sign up as B → Settings → pick the JSON
 * → preview (counts per kind) → import → B's journal, projects, tasks and dashboard show A's data.
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from './harness.js';

const A = { username: 'ada', email: 'ada@example.com', password: 'export everything tonight', displayName: 'Ada' };
const B = { username: 'bea', email: 'bea@example.com', password: 'import everything tomorrow' };
const PAGES = 'Fog over the river this morning; the heron stood still for an hour and so did I.';

let app: BrowserApp;
let baseUrl: string;
let page: Page;
let jsonPath: string;

beforeAll(async () => {
  app = await startBrowserApp({ name: 'data', env: { ALLOW_SIGNUP: 'true' } });
  ({ baseUrl, page } = app);
});

afterAll(() => app?.close());

const takeProblems = () => app.takeProblems();

/** A tRPC call from the page, as the web app makes it (same-origin cookies and the CSRF header). */
async function call<T>(path: string, input: unknown, kind: 'query' | 'mutation' = 'mutation'): Promise<T> {
  return page.evaluate(
    async ({ path, input, kind }) => {
      const wire = JSON.stringify({ json: input });
      const response =
        kind === 'query'
          ? await fetch(`/trpc/${path}?input=${encodeURIComponent(wire)}`, { headers: { 'x-lifeos-csrf': '1' } })
          : await fetch(`/trpc/${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-lifeos-csrf': '1' },
              body: wire,
            });
      const body = await response.json();
      if (!response.ok) throw new Error(`${path}: ${JSON.stringify(body)}`);
      return body.result.data.json;
    },
    { path, input, kind },
  ) as Promise<T>;
}

async function signUp(user: { username: string; email: string; password: string; displayName?: string }) {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Email').fill(user.email);
  if (user.displayName) await page.getByLabel('Display name').fill(user.displayName);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByLabel('Repeat the password').fill(user.password);
  await page.getByLabel('Repeat the password').press('Enter');
  await page.waitForURL(`${baseUrl}/`);
}

async function openYourData() {
  await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Your data' }).scrollIntoViewIfNeeded();
}

describe('export from one account, import into another', () => {
  it('account A writes in the journal', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await signUp(A);
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Journal' }).click();
    await page.getByRole('link', { name: 'Write morning pages' }).click();
    const editor = page.getByLabel(/^Morning pages for /);
    await editor.waitFor();
    await editor.fill(PAGES);
    await page.locator('output', { hasText: /^Saved$/ }).waitFor();

    await page.getByRole('navigation', { name: 'Journal' }).getByRole('link', { name: 'Reflection' }).click();
    await page.getByRole('heading', { level: 1, name: 'Daily reflection' }).waitFor();
    await page.getByLabel('Wins: win 1').fill('Exported my whole life');
    await page.getByLabel('Grateful for: thing 1').fill('Open formats');
    await page.getByLabel('Mood 4').check();
    await page.getByLabel('Energy 3').check();
    await page.getByLabel("Tomorrow's focus").fill('Import it elsewhere');
    await page.getByRole('button', { name: 'Save reflection' }).click();
    await page.getByText('Saved.').waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it('account A gets a project, a task and a finished workout', async () => {
    const project = await call<{ id: string }>('projects.create', { name: 'Greenhouse' });
    await call('tasks.create', { title: 'Order seed trays', projectId: project.id, priority: 2 });
    const [bench] = await call<Array<{ id: string }>>(
      'fitness.exercises.list',
      { q: 'Bench Press (Barbell)' },
      'query',
    );
    const session = await call<{ id: string }>('fitness.sessions.start', { name: 'Push day' });
    await call('fitness.sessions.logSet', { sessionId: session.id, exerciseId: bench?.id, reps: 5, weightKg: 80 });
    await call('fitness.sessions.finish', { id: session.id });
    expect(takeProblems()).toEqual([]);
  });

  it('downloads the JSON export and the ZIP from Settings', async () => {
    await openYourData();
    const downloadOf = async (button: string): Promise<Download> => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: button }).click(),
      ]);
      return download;
    };

    const json = await downloadOf('Download JSON');
    expect(json.suggestedFilename()).toMatch(/^lifeos-export-\d{4}-\d{2}-\d{2}\.json$/);
    jsonPath = await json.path();
    const document = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(document.format).toBe('lifeos-export');
    expect(document.journal).toHaveLength(2);
    expect(document.tasks.map((t: { title: string }) => t.title)).toEqual(['Order seed trays']);
    await page.getByText(/^Saved lifeos-export-.*\.json\.$/).waitFor();

    const zip = await downloadOf('Download ZIP');
    expect(zip.suggestedFilename()).toMatch(/^lifeos-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const bytes = readFileSync(await zip.path());
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04])); // "PK\3\4": a ZIP
    expect(bytes.includes(Buffer.from('lifeos-export.json'))).toBe(true);
    expect(bytes.includes(Buffer.from('journal/'))).toBe(true);
    expect(takeProblems()).toEqual([]);
  });

  it('logs out, and account B signs up with nothing in it', async () => {
    await page.getByRole('button', { name: A.displayName }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL('**/setup');
    await signUp(B);
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    expect(await page.getByText('Greenhouse').count()).toBe(0);
    expect(takeProblems()).toEqual([]);
  });

  it('B previews the import (counts per kind), then imports', async () => {
    await openYourData();
    await page.getByLabel('Export file (JSON)').setInputFiles(jsonPath);
    const importButton = page.getByRole('button', { name: 'Import', exact: true });
    expect(await importButton.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Preview' }).click();

    const preview = page.getByRole('status', { name: 'Import preview' });
    await preview.waitFor();
    const table = preview.getByRole('table', { name: /Preview — nothing has been written yet/ });
    const cells = async (kind: string) => table.getByRole('row', { name: kind }).getByRole('cell').allTextContents();
    expect(await cells('Journal entries')).toEqual(['2', '0', '0', '0']);
    expect(await cells('Projects')).toEqual(['1', '0', '0', '0']);
    expect(await cells('Tasks')).toEqual(['1', '0', '0', '0']);
    expect(await cells('Workouts')).toEqual(['1', '0', '0', '0']);
    expect(await cells('Sets')).toEqual(['1', '0', '0', '0']);

    // A dry run wrote nothing.
    const before = await call<unknown[]>('projects.list', {}, 'query');
    expect(before).toEqual([]);

    await importButton.click();
    const result = page.getByRole('status', { name: 'Import result' });
    await result.waitFor();
    await result.getByText(/^Done\./).waitFor();
    expect(
      await result
        .getByRole('table', { name: 'Imported' })
        .getByRole('row', { name: 'Journal entries' })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['2', '0', '0', '0']);
    expect(takeProblems()).toEqual([]);
  });

  it("B's journal and projects (with their tasks) show A's data", async () => {
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Journal' }).click();
    await page.getByRole('navigation', { name: 'Journal' }).getByRole('link', { name: 'History' }).click();
    const entries = page.getByRole('list', { name: 'Journal entries' });
    await entries.waitFor();
    expect(await entries.getByRole('listitem').count()).toBe(2);
    await entries
      .getByText(/heron stood still/)
      .first()
      .waitFor();

    await page.getByRole('navigation', { name: 'Journal' }).getByRole('link', { name: 'Morning pages' }).click();
    await expect.poll(() => page.getByLabel(/^Morning pages for /).inputValue()).toBe(PAGES);

    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    // The tasks page lists tasks by due date; an undated task shows on its project's page.
    await page.getByRole('link', { name: 'Greenhouse' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Greenhouse' }).waitFor();
    await page.getByText('Order seed trays').first().waitFor();
    expect(takeProblems()).toEqual([]);
  });

  it("B's dashboard shows A's day: the journal, the project and the workout", async () => {
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL(`${baseUrl}/`);
    const card = (id: string) => page.getByTestId(`card-${id}`);
    await card('journal').waitFor();
    await expect.poll(() => card('journal').textContent()).toContain('Mood 4/5 · energy 3/5');
    await expect.poll(() => card('projects').textContent()).toContain('Greenhouse');
    await expect.poll(() => card('fitness').textContent()).toContain('Push day');
    expect(takeProblems()).toEqual([]);
  });
});
