/**
 * The router walk for the REST face, as mcp-walk.test.ts is for MCP and caldav-walk.test.ts for CalDAV: every REST
 * operation, as each kind of caller — nobody, a wrong key, another user with a valid key, a read-only key, a key
 * kept from a module or from journal text, the owner with hostile input. Nobody gets a 401, another user's ids
 * answer 404 and nothing of theirs shows, a read key writes nothing, no input makes the server fail (400 with zod's
 * message); Idempotency-Key applies a POST once; wrong keys are throttled per address; CORS is the API's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_OPERATIONS, REST_PREFIX, type RestOperation } from '../src/rest/rest-operations.js';
import { APP_ORIGIN, browserClient, createUser, setupOwner, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let owner: Awaited<ReturnType<typeof setupOwner>>;
let ownerWrite: string;
let ownerRead: string;
let malloryKey: string;
let ids: { task: string; project: string; session: string; exercise: string };

interface Request {
  params?: Record<string, string>;
  /** The query string (GET) or the JSON body (POST). */
  input: Record<string, unknown>;
}

/** A request for every operation, naming the owner's things wherever one takes an id. A new one must be added. */
const requestFor = (): Record<string, Request> => ({
  createCapture: { input: { text: 'walk capture' } },
  getToday: { input: {} },
  listTasks: { input: { projectId: ids.project, limit: 5 } },
  createTask: { input: { title: 'walk task', projectId: ids.project } },
  completeTask: { params: { id: ids.task }, input: {} },
  listEvents: { input: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z' } },
  createEvent: {
    input: { title: 'walk event', start: '2026-12-02T10:00:00.000Z', end: '2026-12-02T11:00:00.000Z', timezone: 'UTC' },
  },
  writeMorningPages: { input: { text: 'walk page', date: '2026-12-01' } },
  search: { input: { q: 'Secret' } },
  listExercises: { input: { q: 'Secret' } },
  startWorkout: { input: { name: 'walk workout' } },
  logSet: { params: { id: ids.session }, input: { exerciseId: ids.exercise, reps: 5, weightKg: 50 } },
});
/** The operations that take one of the owner's ids above: another user is told it is not found. */
const TAKES_AN_OWNER_ID = ['listTasks', 'createTask', 'completeTask', 'logSet'];

function urlOf(operation: RestOperation, request: Request) {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(request.params?.[name] ?? ''),
  );
  const url = new URL(`${server.url}${REST_PREFIX}${path}`);
  if (operation.method === 'GET') {
    for (const [key, value] of Object.entries(request.input)) url.searchParams.set(key, String(value));
  }
  return url;
}

function send(operation: RestOperation, request: Request, headers: Record<string, string> = {}, body?: string) {
  return fetch(urlOf(operation, request), {
    method: operation.method,
    headers: { ...(operation.method === 'POST' ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(operation.method === 'POST' ? { body: body ?? JSON.stringify(request.input) } : {}),
  });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const counts = async () => {
  const db = server.database.db;
  const count = async (table: 'captures' | 'tasks' | 'events' | 'journalEntries' | 'workoutSessions' | 'workoutSets') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    captures: await count('captures'),
    tasks: await count('tasks'),
    events: await count('events'),
    journal: await count('journalEntries'),
    sessions: await count('workoutSessions'),
    sets: await count('workoutSets'),
  };
};

beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_PER_IP: '400' } });
  owner = await setupOwner(server);
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

describe('REST walk', () => {
  it('knows every operation', () => {
    expect(Object.keys(requestFor()).sort()).toEqual(REST_OPERATIONS.map((op) => op.id).sort());
  });

  it('answers 401 to every request without a valid key (never a cookie), before anything runs', async () => {
    const before = await counts();
    for (const operation of REST_OPERATIONS) {
      const request = requestFor()[operation.id] as Request;
      for (const authorization of [undefined, 'Bearer lifeos_wrong', 'Basic b3duZXI6eA==', `Bearer ${ownerWrite}x`]) {
        const response = await send(operation, request, authorization ? { authorization } : {});
        expect(response.status, `${operation.id} ${authorization}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="Life OS"');
        const body = (await response.json()) as { statusCode: number; message: string };
        expect(body.statusCode).toBe(401);
        expect(JSON.stringify(body)).not.toContain('Secret');
      }
      // The signed-in browser's cookies are no credential here.
      const response = await owner.fetch(urlOf(operation, request), {
        method: operation.method,
        headers: operation.method === 'POST' ? { 'content-type': 'application/json' } : {},
        ...(operation.method === 'POST' ? { body: JSON.stringify(request.input) } : {}),
      });
      expect(response.status, `${operation.id} with cookies`).toBe(401);
    }
    expect(await counts()).toEqual(before);
  });

  it("shows another user none of the owner's things: their ids answer 404", async () => {
    for (const operation of REST_OPERATIONS) {
      const response = await send(operation, requestFor()[operation.id] as Request, bearer(malloryKey));
      const text = await response.text();
      expect(text, operation.id).not.toMatch(/Secret (task|project|lift|workout|capture|event)/);
      if (TAKES_AN_OWNER_ID.includes(operation.id)) {
        expect(response.status, `${operation.id}: ${text}`).toBe(404);
        expect(JSON.parse(text).message, operation.id).toMatch(/not found/i);
      } else {
        expect(response.status, `${operation.id}: ${text}`).toBe(operation.status);
      }
    }
    const db = server.database.db;
    expect((await db.selectFrom('tasks').select('status').where('id', '=', ids.task).executeTakeFirst())?.status).toBe(
      'todo',
    );
    expect(await db.selectFrom('workoutSets').select('id').where('sessionId', '=', ids.session).execute()).toEqual([]);
  });

  it('lets a read key call every read operation and no write', async () => {
    const before = await counts();
    for (const operation of REST_OPERATIONS) {
      const response = await send(operation, requestFor()[operation.id] as Request, bearer(ownerRead));
      const body = (await response.json()) as { message?: string };
      if (operation.access === 'read') expect(response.status, `${operation.id}: ${body.message}`).toBe(200);
      else {
        expect(response.status, operation.id).toBe(403);
        expect(body.message, operation.id).toBe('This API key is read-only');
      }
    }
    expect(await counts()).toEqual(before);
  });

  it('holds a key to its modules and keeps journal text from a key without it, as every door does', async () => {
    const limited = (
      await owner.client.apiKeys.create.mutate({
        name: 'limited',
        scope: 'write',
        modules: { tasks: 'none' },
        journalText: false,
      })
    ).key;
    const byId = new Map(REST_OPERATIONS.map((op) => [op.id, op]));
    const tasks = await send(byId.get('listTasks') as RestOperation, { input: {} }, bearer(limited));
    expect(tasks.status).toBe(403);
    expect(((await tasks.json()) as { message: string }).message).toBe('This API key has no access to tasks');
    const page = await send(
      byId.get('writeMorningPages') as RestOperation,
      { input: { text: 'a private sentence', date: '2026-11-30' } },
      bearer(limited),
    );
    expect(page.status).toBe(200);
    const entry = (await page.json()) as { content: { text: string }; wordCount: number };
    expect(entry.content.text).toBe('');
    expect(JSON.stringify(entry)).not.toContain('private');
  });

  it('never fails on hostile input: each is a 400 naming the problem', async () => {
    const hostile: Request[] = [
      { input: { unexpected: true } },
      { input: { id: 'not-a-uuid', q: '', text: '', title: 'x'.repeat(100_000), limit: -1 } },
      { input: { from: 'yesterday', to: 12, weekStart: '2026-02-30', date: '0000-01-01', limit: 'many' } },
      { input: { text: 'a\u0000b', title: 'a\u0000b', q: 'a\u0000b' } },
      { input: { start: '9999-12-31T00:00:00Z', end: '1000-01-01T00:00:00Z', timezone: 'Mars/Olympus' } },
      { params: { id: 'not-a-uuid' }, input: {} },
      { params: { id: `${'x'.repeat(300)}` }, input: { exerciseId: ['a'], reps: { nested: 1 } } },
    ];
    for (const operation of REST_OPERATIONS) {
      for (const request of hostile) {
        const response = await send(operation, { params: { id: ids.task }, ...request }, bearer(ownerWrite));
        const what = `${operation.id} ${JSON.stringify(request).slice(0, 80)}`;
        expect(response.status, what).toBeLessThan(500);
        const body = (await response.json()) as { message: string };
        if (response.status === 400) expect(body.message.length, what).toBeGreaterThan(0);
        expect(body.message ?? '', what).not.toContain('Something went wrong');
      }
      if (operation.method === 'POST') {
        for (const body of [
          '[]',
          'null',
          '"text"',
          '{',
          '{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":{"k":{"l":{"m":{"n":{"o":{"p":{"q":{}}}}}}}}}}}}}}}}}',
        ]) {
          const response = await send(operation, { params: { id: ids.task }, input: {} }, bearer(ownerWrite), body);
          expect(response.status, `${operation.id} ${body.slice(0, 20)}`).toBe(400);
        }
      }
    }
  });

  it("answers 400 with zod's message", async () => {
    const createTask = REST_OPERATIONS.find((op) => op.id === 'createTask') as RestOperation;
    const response = await send(createTask, { input: { title: '' } }, bearer(ownerWrite));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { statusCode: number; error: string; message: string };
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.message).toMatch(/→ at title/);
  });

  it('refuses a body over the limit and a body that is not JSON', async () => {
    const createCapture = REST_OPERATIONS.find((op) => op.id === 'createCapture') as RestOperation;
    const big = await send(createCapture, { input: { text: 'x'.repeat(2 << 20) } }, bearer(ownerWrite));
    expect(big.status).toBe(413);
    const form = await fetch(`${server.url}${REST_PREFIX}/captures`, {
      method: 'POST',
      headers: { ...bearer(ownerWrite), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'text=hello',
    });
    expect(form.status).toBe(415);
  });

  it('applies a POST with an Idempotency-Key once, and answers a repeat what the first was answered', async () => {
    const createCapture = REST_OPERATIONS.find((op) => op.id === 'createCapture') as RestOperation;
    const before = (await counts()).captures;
    const headers = { ...bearer(ownerWrite), 'idempotency-key': 'rest-walk-1' };
    const first = await send(createCapture, { input: { text: 'once only' } }, headers);
    const second = await send(createCapture, { input: { text: 'once only' } }, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await second.json()).toEqual(await first.json());
    expect((await counts()).captures).toBe(before + 1);
    const other = await send(createCapture, { input: { text: 'another' } }, headers);
    expect(other.status).toBe(409);
    const bad = await send(
      createCapture,
      { input: { text: 'x' } },
      { ...bearer(ownerWrite), 'idempotency-key': 'a b' },
    );
    expect(bad.status).toBe(400);
  });

  it("answers CORS as the API does: the app's origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}${REST_PREFIX}/captures`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    expect((await preflight(APP_ORIGIN)).headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('REST key throttle', () => {
  it('answers 429 with Retry-After once an address has sent too many wrong keys', async () => {
    const throttled = await startTestServer({ env: { LOGIN_MAX_PER_IP: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${throttled.url}${REST_PREFIX}/today`, {
          headers: { authorization: `Bearer lifeos_guess${i}` },
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
