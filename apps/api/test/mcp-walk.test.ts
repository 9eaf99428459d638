/**
 * The router walk for MCP, as caldav-walk.test.ts is for CalDAV: every tool, as each kind of caller — nobody, a wrong
 * key, another user with a valid key, a read-only key, the owner with hostile arguments. Nobody gets a 401,
 * another user finds none of the owner's things (their ids answer not found, and nothing of theirs shows), a read
 * key writes nothing, no argument makes the server fail; wrong keys are throttled per address.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserClient, createUser, setupOwner, startTestServer, type TestServer } from './harness.js';
import { call, errorText, mcpClient } from './mcp-harness.js';

let server: TestServer;
let ownerWrite: string;
let ownerRead: string;
let malloryKey: string;
let ids: { task: string; project: string; session: string; exercise: string };

/** Arguments for every tool, naming the owner's things wherever a tool takes an id. A new tool must be added here. */
const argsFor = (): Record<string, Record<string, unknown>> => ({
  add_capture: { text: 'walk capture' },
  add_task: { title: 'walk task', projectId: ids.project },
  agenda: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z' },
  complete_task: { id: ids.task },
  create_event: {
    title: 'walk event',
    start: '2026-12-02T10:00:00.000Z',
    end: '2026-12-02T11:00:00.000Z',
    timezone: 'UTC',
  },
  list_exercises: { q: 'Secret' },
  list_tasks: { projectId: ids.project },
  log_set: { sessionId: ids.session, exerciseId: ids.exercise, reps: 5, weightKg: 50 },
  read_today: {},
  records: {},
  search: { q: 'Secret' },
  start_workout: { name: 'walk workout' },
  week_facts: { weekStart: '2026-12-01' },
  write_morning_pages: { text: 'walk page', date: '2026-12-01' },
});
/** The tools that take one of the owner's ids above: another user is told it is not found. */
const TAKES_AN_OWNER_ID = ['add_task', 'complete_task', 'list_tasks', 'log_set'];

/** A raw JSON-RPC POST to /mcp (what a client without the SDK sends). */
function post(body: unknown, authorization?: string) {
  return fetch(`${server.url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_PER_IP: '400' } });
  const owner = await setupOwner(server);
  ownerWrite = (await owner.client.apiKeys.create.mutate({ name: 'w', scope: 'write' })).key;
  ownerRead = (await owner.client.apiKeys.create.mutate({ name: 'r', scope: 'read' })).key;
  const project = await owner.client.projects.create.mutate({ name: 'Secret project' });
  const task = await owner.client.tasks.create.mutate({ title: 'Secret task', projectId: project.id });
  const exercise = await owner.client.fitness.exercises.create.mutate({
    name: 'Secret lift',
    category: 'strength',
    primaryMuscles: ['chest'],
    equipment: 'barbell',
  });
  const session = await owner.client.fitness.sessions.start.mutate({ name: 'Secret workout' });
  await owner.client.captures.create.mutate({ text: 'Secret capture' });
  await owner.client.calendar.events.create.mutate({
    title: 'Secret event',
    start: new Date('2026-12-01T10:00:00Z'),
    end: new Date('2026-12-01T11:00:00Z'),
    timezone: 'UTC',
  });
  ids = { task: task.id, project: project.id, session: session.id, exercise: exercise.id };
  await createUser(server, { username: 'mallory', email: 'm@example.com', password: 'correct horse battery staple' });
  const other = browserClient(server);
  await other.client.auth.login.mutate({ identifier: 'mallory', password: 'correct horse battery staple' });
  malloryKey = (await other.client.apiKeys.create.mutate({ name: 'm', scope: 'write' })).key;
});
afterAll(() => server.close());

describe('MCP walk', () => {
  let toolNames: string[];

  beforeAll(async () => {
    const client = await mcpClient(server, ownerWrite);
    toolNames = (await client.listTools()).tools.map((t) => t.name).sort();
    await client.close();
  });

  it('knows every tool', () => {
    expect(Object.keys(argsFor()).sort()).toEqual(toolNames);
  });

  it('answers 401 to every request without a valid key, before any tool runs', async () => {
    const before = await server.database.db.selectFrom('captures').select('id').execute();
    for (const name of toolNames) {
      const request = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: argsFor()[name] } };
      for (const authorization of [undefined, 'Bearer lifeos_wrong', 'Basic b3duZXI6eA==', `Bearer ${ownerWrite}x`]) {
        const response = await post(request, authorization);
        expect(response.status, `${name} ${authorization}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="Life OS"');
        expect(await response.text()).not.toContain('Secret');
      }
    }
    for (const method of ['tools/list', 'resources/list', 'prompts/list']) {
      expect((await post({ jsonrpc: '2.0', id: 1, method })).status).toBe(401);
    }
    expect(await server.database.db.selectFrom('captures').select('id').execute()).toEqual(before);
  });

  it("shows another user none of the owner's things: their ids answer not found", async () => {
    const client = await mcpClient(server, malloryKey);
    const args = argsFor();
    for (const name of toolNames) {
      const result = await call(client, name, args[name]);
      const text = JSON.stringify(result);
      expect(text, name).not.toMatch(/Secret (task|project|lift|workout|capture|event)/);
      if (TAKES_AN_OWNER_ID.includes(name)) {
        expect(result.isError, name).toBe(true);
        expect(errorText(result), name).toMatch(/not found/i);
      } else {
        expect(result.isError, `${name}: ${errorText(result)}`).toBeFalsy();
      }
    }
    for (const uri of ['lifeos://today', 'lifeos://journal/recent']) {
      expect(JSON.stringify(await client.readResource({ uri }))).not.toContain('Secret');
    }
    await client.close();
    // The owner's things are as they were.
    const db = server.database.db;
    expect((await db.selectFrom('tasks').select('status').where('id', '=', ids.task).executeTakeFirst())?.status).toBe(
      'todo',
    );
    expect(await db.selectFrom('workoutSets').select('id').where('sessionId', '=', ids.session).execute()).toEqual([]);
  });

  it('lets a read key call every read tool and no write tool', async () => {
    const client = await mcpClient(server, ownerRead);
    const listed = (await client.listTools()).tools;
    const args = argsFor();
    for (const name of toolNames) {
      const result = await call(client, name, args[name]);
      const readOnly = listed.some((t) => t.name === name);
      if (readOnly) expect(result.isError, `${name}: ${errorText(result)}`).toBeFalsy();
      else expect(errorText(result), name).toBe('This API key is read-only');
    }
    await client.close();
  });

  it('never fails on hostile arguments: each is a tool error naming the problem', async () => {
    const client: Client = await mcpClient(server, ownerWrite);
    const hostile: unknown[] = [
      { unexpected: true },
      { id: 'not-a-uuid', q: '', text: '', title: 'x'.repeat(100_000), limit: -1 },
      { id: ['a'], sessionId: { nested: 1 }, from: 'yesterday', to: 12, weekStart: '2026-02-30', date: '0000-01-01' },
      { text: 'a\u0000b', title: 'a\u0000b', q: 'a\u0000b' },
      { start: '9999-12-31T00:00:00Z', end: '1000-01-01T00:00:00Z', timezone: 'Mars/Olympus' },
    ];
    for (const name of toolNames) {
      for (const args of hostile) {
        const result = await call(client, name, args as Record<string, unknown>);
        expect(errorText(result), `${name} ${JSON.stringify(args).slice(0, 80)}`).not.toContain('Something went wrong');
      }
    }
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/no tool named/);
    await client.close();
  });

  it('refuses a body over the limit, and GET and DELETE (the server keeps no sessions)', async () => {
    const big = await post(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'add_capture', arguments: { text: 'x'.repeat(2 << 20) } },
      },
      `Bearer ${ownerWrite}`,
    );
    expect(big.status).toBe(413);
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${server.url}/mcp`, { method, headers: { authorization: `Bearer ${ownerWrite}` } });
      expect(response.status).toBe(405);
    }
  });
});

describe('MCP key throttle', () => {
  it('answers 429 with Retry-After once an address has sent too many wrong keys', async () => {
    const throttled = await startTestServer({ env: { LOGIN_MAX_PER_IP: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${throttled.url}/mcp`, {
          method: 'POST',
          headers: { authorization: `Bearer lifeos_guess${i}`, 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
        statuses.push(response.status);
        if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await throttled.close();
    }
  });
});
