import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ZDataExport } from '@lifeos/core/schemas';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The client by path, as the harness does (a package dependency back would be a cycle).
import { fetchExport } from '../../../../packages/client/src/index.js';
import {
  type BrowserClient,
  browserClient,
  createUser,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';
import { DATA_ARCHIVE_ROUTE } from './data-archive.js';

let server: TestServer;
let owner: BrowserClient;

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  const { client } = owner;
  await client.settings.update.mutate({ timezone: 'Europe/Berlin' });
  await client.journal.upsert.mutate({
    type: 'daily_reflection',
    date: '2026-11-20',
    content: {
      wins: ['Archive route works'],
      challenges: [],
      gratitude: ['Coffee'],
      mood: 5,
      energy: 4,
      tomorrowFocus: 'Rest',
    },
  });
  await client.journal.upsert.mutate({
    type: 'morning_pages',
    date: '2026-11-21',
    content: { text: 'Three pages about nothing in particular.' },
  });
  const project = await client.projects.create.mutate({ name: 'Garden' });
  await client.tasks.create.mutate({ title: 'Plant bulbs', projectId: project.id });
  await client.calendar.events.create.mutate({
    title: 'Choir',
    start: new Date('2026-11-02T18:00:00Z'),
    end: new Date('2026-11-02T20:00:00Z'),
    timezone: 'Europe/Berlin',
    recurrence: { freq: 'weekly', byDay: ['MO'], count: 4 },
  });
  const [bench] = await client.fitness.exercises.list.query({ q: 'Bench Press (Barbell)' });
  if (!bench) throw new Error('no built-in bench press');
  const session = await client.fitness.sessions.start.mutate({
    name: 'Push',
    startedAt: new Date('2026-11-19T17:00:00Z'),
  });
  await client.fitness.sessions.logSet.mutate({ sessionId: session.id, exerciseId: bench.id, reps: 5, weightKg: 100 });
  await client.fitness.sessions.finish.mutate({ id: session.id, finishedAt: new Date('2026-11-19T18:00:00Z') });
});
afterAll(() => server.close());

const get = (fetcher: typeof fetch, headers: Record<string, string> = {}) =>
  fetcher(`${server.url}${DATA_ARCHIVE_ROUTE}`, { headers });

async function unzip(response: Response) {
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
  return { names: Object.keys(files).sort(), text: (name: string) => strFromU8(files[name] ?? new Uint8Array()) };
}

describe('GET /api/data/archive', () => {
  it('streams the signed-in user’s ZIP with the JSON export, Markdown journal, calendar and CSVs', async () => {
    const response = await get(owner.fetch);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="lifeos-export-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    // Streamed: no length known up front.
    expect(response.headers.get('content-length')).toBeNull();

    const { names, text } = await unzip(response);
    expect(names).toEqual([
      'README.txt',
      'calendar.ics',
      'journal/2026/2026-11-20-daily-reflection.md',
      'journal/2026/2026-11-21-morning-pages.md',
      'lifeos-export.json',
      'tasks.csv',
      'workouts.csv',
    ]);
    const document = ZDataExport.parse(JSON.parse(text('lifeos-export.json')));
    expect(document.settings.timezone).toBe('Europe/Berlin');
    expect(document.journal).toHaveLength(2);
    expect(document.tasks.map((t) => t.title)).toEqual(['Plant bulbs']);
    expect(document.workoutSets).toHaveLength(1);
    // The same document the JSON export route streams.
    const plain = (await (await owner.fetch(`${server.url}/api/data/export`)).json()) as Record<string, unknown>;
    expect({ ...document, exportedAt: null }).toEqual({ ...plain, exportedAt: null });

    expect(text('journal/2026/2026-11-20-daily-reflection.md')).toContain('mood: 5');
    expect(text('journal/2026/2026-11-20-daily-reflection.md')).toContain('- Archive route works');
    expect(text('journal/2026/2026-11-21-morning-pages.md')).toContain('Three pages about nothing in particular.');
    expect(text('calendar.ics')).toContain('SUMMARY:Choir');
    expect(text('calendar.ics')).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4');
    // Local time in the user's zone, as the fitness CSV export writes it; Strong's RPE, Notes and Workout Notes empty.
    expect(text('workouts.csv').split('\n')[1]).toBe(
      '2026-11-19 18:00:00,Push,1h 0m,Bench Press (Barbell),1,100,5,0,0,,,',
    );
    expect(text('tasks.csv')).toContain('Plant bulbs,todo,');
    expect(text('tasks.csv')).toContain(',Garden,');
  });

  it('escapes spreadsheet formulas in tasks.csv and workouts.csv, even behind a line break', async () => {
    const mallory = await createUser(server, {
      username: 'formulas',
      email: 'formulas@example.com',
      password: 'formulas long password',
    });
    const formula = '\n=HYPERLINK("http://evil.example","x")';
    await mallory.client.tasks.create.mutate({ title: '@SUM(A1)', notes: formula });
    const [bench] = await mallory.client.fitness.exercises.list.query({ q: 'Bench Press (Barbell)' });
    const session = await mallory.client.fitness.sessions.start.mutate({
      name: '-2+3',
      startedAt: new Date('2026-11-19T17:00:00Z'),
    });
    await mallory.client.fitness.sessions.logSet.mutate({
      sessionId: session.id,
      exerciseId: bench?.id ?? '',
      reps: 5,
    });
    await mallory.client.fitness.sessions.finish.mutate({
      id: session.id,
      finishedAt: new Date('2026-11-19T18:00:00Z'),
    });
    const { text } = await unzip(await get(mallory.fetch));
    // Escaped cells are quoted; quotes inside doubled.
    const tasks = text('tasks.csv');
    expect(tasks).toContain(`\n"'@SUM(A1)",todo,`);
    expect(tasks).toContain(`,"'\n=HYPERLINK(""http://evil.example"",""x"")",`);
    expect(text('workouts.csv').split('\n')[1]).toMatch(/^2026-11-19 \d\d:00:00,"'-2\+3",/);
    // The fitness export writes the same.
    const csv = (await mallory.client.fitness.export.csv.query()).csv;
    expect(csv.split('\n')[1]).toMatch(/^2026-11-19 \d\d:00:00,"'-2\+3",/);
  });

  it('serves the same archive to an API key, even a read-only one (the typed client’s fetchExport)', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'backup', scope: 'read' });
    const response = await fetchExport({ baseUrl: server.url, apiKey: key }, 'zip');
    expect(response.status).toBe(200);
    const { names, text } = await unzip(response);
    expect(names).toContain('lifeos-export.json');
    expect(JSON.parse(text('lifeos-export.json')).journal).toHaveLength(2);
  });

  it('refuses anonymous callers, bad keys and cookie requests without the CSRF header', async () => {
    expect((await get(fetch)).status).toBe(401);
    expect((await get(fetch, { authorization: 'Bearer lifeos_not-a-key' })).status).toBe(401);
    const noCsrf = browserClient(server, { csrfHeader: false });
    noCsrf.jar.cookies.clear();
    for (const [name, value] of owner.jar.cookies) noCsrf.jar.cookies.set(name, value);
    expect((await get(noCsrf.fetch)).status).toBe(403);
    const otherSite = browserClient(server, { origin: 'https://evil.example' });
    for (const [name, value] of owner.jar.cookies) otherSite.jar.cookies.set(name, value);
    expect((await get(otherSite.fetch)).status).toBe(403);
  });

  it('gives each user only their own data', async () => {
    const other = await createUser(server, {
      username: 'bea',
      email: 'bea@example.com',
      password: 'another long password',
    });
    const response = await get(other.fetch);
    expect(response.status).toBe(200);
    const { names, text } = await unzip(response);
    expect(names.filter((n) => n.startsWith('journal/'))).toEqual([]);
    const document = ZDataExport.parse(JSON.parse(text('lifeos-export.json')));
    expect(document.journal).toEqual([]);
    expect(document.tasks).toEqual([]);
    expect(text('calendar.ics')).not.toContain('Choir');
  });

  it('keeps serving after a client walks away mid-download (the export snapshot is released)', async () => {
    // Enough incompressible text that the archive is still being written when the client leaves.
    const big = await createUser(server, {
      username: 'cai',
      email: 'cai@example.com',
      password: 'a big journal to export',
    });
    const settings = {
      displayName: 'Cai',
      timezone: 'UTC',
      weekStart: 'monday',
      units: 'metric',
      journalWordGoal: 750,
      theme: 'system',
      icsFeedIncludeTasks: false,
    };
    const sections = Object.fromEntries(
      [
        'exercises',
        'programs',
        'programDays',
        'programExercises',
        'workoutSessions',
        'workoutSets',
        'bodyWeights',
        'projects',
        'tasks',
        'captures',
        'events',
      ].map((s) => [s, []]),
    );
    const journal = Array.from({ length: 1500 }, (_, i) => ({
      id: randomUUID(),
      type: 'morning_pages',
      entryDate: new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
      content: { text: randomBytes(3000).toString('base64') },
      createdAt: '2020-01-01T00:00:00.000Z',
      updatedAt: '2020-01-01T00:00:00.000Z',
    }));
    const document = {
      format: 'lifeos-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      settings,
      journal,
      ...sections,
    };
    const imported = await big.fetch(`${server.url}/api/data/import?mode=merge&dryRun=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(document),
    });
    expect(imported.status).toBe(200);

    const controller = new AbortController();
    const response = await big.fetch(`${server.url}${DATA_ARCHIVE_ROUTE}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    expect((await reader?.read())?.done).toBe(false);
    controller.abort();
    await reader?.cancel().catch(() => {});
    // On PGlite (one connection) an export transaction left open would block every later query.
    const me = await Promise.race([
      big.client.auth.me.query(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the database is still held')), 15_000)),
    ]);
    expect(me.username).toBe('cai');
    const again = await get(big.fetch);
    expect(again.status).toBe(200);
    const { names } = await unzip(again);
    expect(names.filter((n) => n.startsWith('journal/'))).toHaveLength(1500);
  });

  it('the client’s backup example saves the JSON export and the ZIP with a read key', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'nightly', scope: 'read' });
    const clientDir = fileURLToPath(new URL('../../../../packages/client/', import.meta.url));
    const target = mkdtempSync(path.join(os.tmpdir(), 'lifeos-backup-'));
    try {
      await promisify(execFile)(
        process.execPath,
        [path.join(clientDir, 'node_modules/tsx/dist/cli.mjs'), 'examples/backup.ts', '--zip', target],
        { cwd: clientDir, env: { ...process.env, LIFEOS_URL: server.url, LIFEOS_API_KEY: key } },
      );
      const files = readdirSync(target).sort();
      expect(files).toHaveLength(2);
      expect(files[0]).toMatch(/^lifeos-backup-\d{4}-\d{2}-\d{2}\.json$/);
      expect(files[1]).toMatch(/^lifeos-backup-\d{4}-\d{2}-\d{2}\.zip$/);
      const backup = ZDataExport.parse(JSON.parse(readFileSync(path.join(target, files[0] as string), 'utf8')));
      expect(backup.journal).toHaveLength(2);
      const zip = unzipSync(readFileSync(path.join(target, files[1] as string)));
      expect(Object.keys(zip)).toContain('lifeos-export.json');
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });
});
