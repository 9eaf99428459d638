/**
 * The MCP server at /mcp, through the SDK's own client over real HTTP: the tools it lists, each tool called with a
 * key and its effect checked in the database, refusals without a key and outside a key's permissions, and the
 * "no journal text" key, which never sees journal content from any tool, resource or tRPC procedure.
 */

import type { TApiKeyModules } from '@lifeos/core/schemas';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/routers/_app.js';
import { type BrowserClient, expectCode, keyClient, setupOwner, startTestServer, type TestServer } from './harness.js';
import { answer, call, errorText, mcpClient, resourceJson } from './mcp-harness.js';
import { call as trpcCall } from './raw-trpc.js';
import { accepts, type Parser, validSample } from './walk-inputs.js';

const ALL_TOOLS = [
  'add_capture',
  'add_task',
  'agenda',
  'complete_task',
  'create_event',
  'list_exercises',
  'list_tasks',
  'log_set',
  'read_today',
  'records',
  'search',
  'start_workout',
  'week_facts',
  'write_morning_pages',
];
const READ_TOOLS = ['agenda', 'list_exercises', 'list_tasks', 'read_today', 'records', 'search', 'week_facts'];

/** A word that appears only in the owner's journal text. */
const SECRET = 'Zanzibarish';

let server: TestServer;
let owner: BrowserClient;
let ownerId: string;

async function key(scope: 'read' | 'write', extra: { modules?: TApiKeyModules; journalText?: boolean } = {}) {
  return (await owner.client.apiKeys.create.mutate({ name: `${scope} key`, scope, ...extra })).key;
}

const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();

beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_PER_IP: '400' } });
  owner = await setupOwner(server);
  ownerId = (await owner.client.auth.me.query()).id;
});
afterAll(() => server.close());

describe('MCP over Streamable HTTP', () => {
  it('lists every tool, each with an object input schema, an output schema and a description', async () => {
    const client = await mcpClient(server, await key('write'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(READ_TOOLS.includes(tool.name));
    }
    // The procedure's schema, not a copy: add_task takes what tasks.create takes.
    const addTask = tools.find((t) => t.name === 'add_task');
    expect(Object.keys(addTask?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['title', 'dueDate']));
    expect((await client.listResources()).resources.map((r) => r.uri).sort()).toEqual([
      'lifeos://journal/recent',
      'lifeos://today',
    ]);
    expect((await client.listPrompts()).prompts.map((p) => p.name).sort()).toEqual(['plan-my-day', 'weekly-review']);
    const plan = await client.getPrompt({ name: 'plan-my-day', arguments: { focus: 'the tax return' } });
    expect(JSON.stringify(plan.messages)).toContain('the tax return');
    await client.close();
  });

  it('calls each tool with a write key, and each does what it says in the database', async () => {
    const client = await mcpClient(server, await key('write'));
    const db = server.database.db;

    const capture = await answer<{ id: string }>(client, 'add_capture', { text: 'Call the plumber' });
    const captureRow = await db
      .selectFrom('captures')
      .select(['userId', 'text'])
      .where('id', '=', capture.id)
      .executeTakeFirst();
    expect(captureRow).toEqual({ userId: ownerId, text: 'Call the plumber' });

    const task = await answer<{ id: string }>(client, 'add_task', { title: 'File the taxes', dueDate: '2026-12-08' });
    expect(
      await db.selectFrom('tasks').select(['userId', 'title', 'status']).where('id', '=', task.id).executeTakeFirst(),
    ).toEqual({ userId: ownerId, title: 'File the taxes', status: 'todo' });
    const listed = await answer<{ tasks: { id: string }[] }>(client, 'list_tasks', { status: 'todo' });
    expect(listed.tasks.map((t) => t.id)).toContain(task.id);
    await answer(client, 'complete_task', { id: task.id });
    expect(
      (await db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow()).status,
    ).toBe('done');

    const session = await answer<{ id: string }>(client, 'start_workout', { name: 'Push day' });
    const { exercises } = await answer<{ exercises: { id: string; name: string }[] }>(client, 'list_exercises', {
      q: 'bench',
    });
    expect(exercises.length).toBeGreaterThan(0);
    const exercise = exercises[0] as { id: string };
    await answer(client, 'log_set', { sessionId: session.id, exerciseId: exercise.id, reps: 5, weightKg: 80 });
    const sets = await db
      .selectFrom('workoutSets')
      .select(['reps', 'weightKg'])
      .where('sessionId', '=', session.id)
      .execute();
    expect(sets.map((s) => ({ reps: s.reps, weightKg: Number(s.weightKg) }))).toEqual([{ reps: 5, weightKg: 80 }]);
    const { records } = await answer<{ records: unknown[] }>(client, 'records');
    expect(Array.isArray(records)).toBe(true);

    // Dates travel as ISO strings and arrive at the service as the instants the procedure's schema wants.
    const event = await answer<{ id: string; start: string }>(client, 'create_event', {
      title: 'Dentist',
      start: '2026-12-09T09:00:00.000Z',
      end: '2026-12-09T10:00:00.000Z',
      timezone: 'Europe/Berlin',
    });
    expect(event.start).toBe('2026-12-09T09:00:00.000Z');
    expect(
      await db.selectFrom('events').select(['userId', 'title']).where('id', '=', event.id).executeTakeFirst(),
    ).toEqual({ userId: ownerId, title: 'Dentist' });
    const agenda = await answer<{ items: { title: string }[] }>(client, 'agenda', {
      from: '2026-12-09T00:00:00.000Z',
      to: '2026-12-10T00:00:00.000Z',
    });
    expect(agenda.items.map((i) => i.title)).toContain('Dentist');

    const today = await answer<{ today: string }>(client, 'read_today');
    await answer(client, 'write_morning_pages', { text: 'First paragraph.' });
    const entry = await answer<{ entry: { content: { text: string }; date: string } }>(client, 'write_morning_pages', {
      text: 'Second paragraph.',
    });
    expect(entry.entry.date).toBe(today.today);
    const stored = await db
      .selectFrom('journalEntries')
      .select('content')
      .where('userId', '=', ownerId)
      .where('type', '=', 'morning_pages')
      .executeTakeFirstOrThrow();
    expect(stored.content).toEqual({ text: 'First paragraph.\n\nSecond paragraph.' });
    await answer(client, 'write_morning_pages', { text: 'Instead.', mode: 'replace' });

    const { results } = await answer<{ results: { kind: string }[] }>(client, 'search', { q: 'plumber' });
    expect(results.map((r) => r.kind)).toContain('capture');
    const facts = await answer<{ weekStart: string; tasksCompleted: number }>(client, 'week_facts', {
      weekStart: today.today,
    });
    expect(facts.tasksCompleted).toBeGreaterThanOrEqual(0);

    expect((await resourceJson(client, 'lifeos://today')).today).toBe(today.today);
    await client.close();
  });

  it('answers a bad argument as a tool error with the schema’s message, and writes nothing', async () => {
    const client = await mcpClient(server, await key('write'));
    const before = await server.database.db.selectFrom('tasks').select('id').execute();
    const bad = await call(client, 'add_task', { title: '' });
    expect(bad.isError).toBe(true);
    expect(errorText(bad)).toMatch(/title/i);
    const nul = await call(client, 'add_task', { title: 'a\u0000b' });
    expect(errorText(nul)).toMatch(/NUL/);
    const date = await call(client, 'create_event', {
      title: 'x',
      start: 'not a date',
      end: 'nor this',
      timezone: 'UTC',
    });
    expect(date.isError).toBe(true);
    expect(await server.database.db.selectFrom('tasks').select('id').execute()).toEqual(before);
    await client.close();
  });

  it('refuses a request without a key, with a wrong key, or with a session cookie instead of a key', async () => {
    await expect(mcpClient(server)).rejects.toThrow(/401|Unauthorized|API key/i);
    await expect(mcpClient(server, 'lifeos_not-a-real-key')).rejects.toThrow(/401|Unauthorized|API key/i);
    const response = await owner.fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives a read-only key the read tools only, and refuses it a write tool with a clear error', async () => {
    const client = await mcpClient(server, await key('read'));
    expect(await names(client)).toEqual(READ_TOOLS);
    const count = async () => (await server.database.db.selectFrom('tasks').select('id').execute()).length;
    const before = await count();
    const refused = await call(client, 'add_task', { title: 'Sneaky' });
    expect(refused.isError).toBe(true);
    expect(errorText(refused)).toBe('This API key is read-only');
    expect(await count()).toBe(before);
    await client.close();
  });

  it('holds a key to its modules: tasks to write, captures to read, the journal not at all', async () => {
    const limited = await key('read', { modules: { tasks: 'write', journal: 'none' } });
    const client = await mcpClient(server, limited);
    const listed = await names(client);
    expect(listed).toContain('add_task');
    expect(listed).not.toContain('add_capture');
    expect(listed).not.toContain('write_morning_pages');
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['lifeos://today']);
    expect(errorText(await call(client, 'add_capture', { text: 'x' }))).toBe('This API key is read-only');
    expect(errorText(await call(client, 'write_morning_pages', { text: 'x' }))).toBe(
      'This API key has no access to journal',
    );
    await expect(client.readResource({ uri: 'lifeos://journal/recent' })).rejects.toThrow(/no access to journal/);
    await answer(client, 'add_task', { title: 'Allowed' });
    // Search shows nothing of a module the key may not read (the morning pages say "Instead.").
    const hits = await answer<{ results: { kind: string }[] }>(client, 'search', { q: 'Instead' });
    expect(hits.results.map((r) => r.kind)).not.toContain('journal');
    const full = await mcpClient(server, await key('read'));
    const fullHits = await answer<{ results: { kind: string }[] }>(full, 'search', { q: 'Instead' });
    expect(fullHits.results.map((r) => r.kind)).toContain('journal');
    await full.close();
    await client.close();
    // The same permissions hold on the tRPC API.
    const api = keyClient(server, limited);
    await expectCode(api.journal.list.query({}), 'FORBIDDEN');
    await expectCode(api.captures.create.mutate({ text: 'x' }), 'FORBIDDEN');
    expect((await api.tasks.create.mutate({ title: 'Also allowed' })).title).toBe('Also allowed');
  });
});

describe('a key without journal text', () => {
  let noText: string;

  beforeAll(async () => {
    const today = (await owner.client.dashboard.today.query()).today;
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: today,
      content: { text: `Dear diary, ${SECRET} again.` },
    });
    await owner.client.journal.upsert.mutate({
      type: 'daily_reflection',
      date: today,
      content: {
        wins: [`won ${SECRET}`],
        challenges: [`${SECRET} challenge`],
        gratitude: [`${SECRET} thanks`],
        mood: 4,
        energy: 3,
        tomorrowFocus: `${SECRET} focus`,
      },
    });
    // "On this day": an entry from a year ago, whose excerpt the dashboard shows.
    const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: yearAgo === `${Number(today.slice(0, 4)) - 1}-02-29` ? today : yearAgo,
      content: { text: `Last year ${SECRET}.` },
    });
    noText = await key('write', { journalText: false });
  });

  it('sees no journal content from any tool or resource, but titles, counts and mood', async () => {
    const client = await mcpClient(server, noText);
    expect(await names(client)).toEqual(ALL_TOOLS);
    const today = await answer<{ today: string; journal: { reflection: { mood: number } } }>(client, 'read_today');
    expect(today.journal.reflection.mood).toBe(4);
    const seen: string[] = [JSON.stringify(today)];
    const args: Record<string, Record<string, unknown>> = {
      agenda: { from: `${today.today}T00:00:00.000Z`, to: `${today.today}T23:59:00.000Z` },
      list_exercises: { q: 'bench' },
      list_tasks: {},
      search: { q: SECRET },
      week_facts: { weekStart: today.today },
    };
    for (const name of READ_TOOLS) {
      const result = await call(client, name, args[name] ?? {});
      expect(result.isError, name).toBeFalsy();
      seen.push(JSON.stringify(result));
    }
    const { results } = await answer<{ results: { kind: string }[] }>(client, 'search', { q: SECRET });
    expect(results.filter((r) => r.kind === 'journal')).toEqual([]);
    // Writing is not reading: the page is written, and the answer leaves its text out.
    const written = await answer<{ entry: { wordCount: number } }>(client, 'write_morning_pages', {
      text: `more ${SECRET}`,
    });
    expect(written.entry.wordCount).toBeGreaterThan(3);
    seen.push(JSON.stringify(written));
    for (const { uri } of (await client.listResources()).resources) {
      seen.push(JSON.stringify(await client.readResource({ uri })));
    }
    for (const text of seen) expect(text).not.toContain(SECRET);
    const recent = await resourceJson<{ items: unknown[] }>(client, 'lifeos://journal/recent');
    expect(recent.items.length).toBeGreaterThanOrEqual(2);
    await client.close();
    // It was written all the same.
    const stored = await owner.client.journal.get.query({ type: 'morning_pages', date: today.today });
    expect(stored?.content).toEqual({ text: `Dear diary, ${SECRET} again.\n\nmore ${SECRET}` });
  });

  it('sees no journal content over the tRPC journal, search and dashboard procedures, nor the data export', async () => {
    const api = keyClient(server, noText);
    const today = (await api.dashboard.today.query()).today;
    const answers = [
      await api.journal.get.query({ type: 'morning_pages', date: today }),
      await api.journal.get.query({ type: 'daily_reflection', date: today }),
      await api.journal.list.query({}),
      await api.search.all.query({ q: SECRET }),
      await api.dashboard.today.query(),
      await api.journal.upsert.mutate({ type: 'morning_pages', date: today, content: { text: `tRPC ${SECRET}` } }),
    ];
    for (const value of answers) expect(JSON.stringify(value)).not.toContain(SECRET);
    const reflection = await api.journal.get.query({ type: 'daily_reflection', date: today });
    expect(reflection?.content).toMatchObject({ mood: 4, energy: 3, wins: [] });
    await expectCode(api.journal.search.query({ q: SECRET }), 'FORBIDDEN');
    await expectCode(api.data.export.query(), 'FORBIDDEN');
    const archive = await fetch(`${server.url}/api/data/export`, { headers: { authorization: `Bearer ${noText}` } });
    expect(archive.status).toBe(403);
    // Every query of the API, not only those known to show journal text: a valid input (zod's own sample, steered to
    // today and to the secret word where the schema takes a date or a search), and the answer must not hold it.
    const queries = Object.entries(
      appRouter._def.procedures as unknown as Record<string, { _def: { type: string; inputs: unknown[] } }>,
    ).filter(([, procedure]) => procedure._def.type === 'query');
    expect(queries.length).toBeGreaterThan(20);
    for (const [path, procedure] of queries) {
      const parsers = procedure._def.inputs as Parser[];
      let input: unknown;
      if (parsers.length > 0) {
        input = (await validSample(parsers))?.value;
        if (input && typeof input === 'object') {
          for (const steer of [{ q: SECRET }, { date: today }, { type: 'morning_pages', date: today }]) {
            const steered = { ...(input as object), ...steer };
            if ((await accepts(parsers, steered)) === null) input = steered;
          }
        }
      }
      const result = await trpcCall(server.url, path, {
        type: 'query',
        input,
        headers: { authorization: `Bearer ${noText}` },
      });
      expect(JSON.stringify(result.body), path).not.toContain(SECRET);
    }
    // A key with journal text (every key made before this scope existed) still reads it.
    const withText = keyClient(server, await key('read'));
    expect(JSON.stringify(await withText.journal.get.query({ type: 'morning_pages', date: today }))).toContain(SECRET);
  });
});
