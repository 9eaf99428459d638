/**
 * The router walk (DESIGN.md §8): every procedure of `appRouter`, found by enumerating the router (so a new
 * procedure is walked with no edit here), called over real HTTP. For each: signed-out calls are refused unless the
 * procedure is on the public list, a `read` key cannot mutate, a cross-site call cannot mutate, malformed input
 * (derived from the procedure's own zod schema) is BAD_REQUEST and never a 500, and another user's `id` is
 * NOT_FOUND, alone and inside a batch.
 */
import { randomUUID } from 'node:crypto';
import { authService, createPasswordHasher } from '@lifeos/core/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/routers/_app.js';
import { protectedProcedure, sessionProcedure } from '../src/trpc/init.js';
import { type BrowserClient, browserClient, OWNER, startTestServer, type TestServer } from './harness.js';
import { batch, type CallResult, call, PAGE_HEADERS } from './raw-trpc.js';
import { accepts, malformedVariants, type Parser, toJsonSchema, validSample } from './walk-inputs.js';

// ---------- what the walk needs to know by hand (keep it short) ----------

/** The only procedures anyone may call signed out. Every other procedure must answer UNAUTHORIZED. */
const PUBLIC_PROCEDURES = new Set(['auth.setupStatus', 'auth.setup', 'auth.login', 'auth.refresh', 'auth.logout']);

interface Actor {
  username: string;
  password: string;
  browser: BrowserClient;
}

interface IdFactory {
  /** Creates one, as `actor`, and returns its id. */
  create(actor: Actor): Promise<string>;
  /** Its current state as `actor` sees it (undefined once gone), to show another user's calls changed nothing. */
  snapshot(actor: Actor, id: string): Promise<unknown>;
}

/** Journal entries the walk created, by id, with their dates (the journal is keyed by type and date). */
const journalWalkDates = new Map<string, string>();

async function fitnessWalkSet(actor: Actor) {
  const session = await actor.browser.client.fitness.sessions.start.mutate({ name: 'walk' });
  const logged = await actor.browser.client.fitness.sessions.logSet.mutate({
    sessionId: session.id,
    exerciseId: await fitnessWalkExercise(actor),
    reps: 5,
    weightKg: 100,
  });
  const set = logged.sets[0];
  if (!set) throw new Error('the logged set is missing');
  fitnessWalkSetSessions.set(set.id, session.id);
  return set.id;
}
async function fitnessWalkSetSnapshot(actor: Actor, id: string) {
  const sessionId = fitnessWalkSetSessions.get(id);
  const session = sessionId
    ? await orUndefined(actor.browser.client.fitness.sessions.get.query({ id: sessionId }))
    : undefined;
  return session?.sets.find((x) => x.id === id);
}

/**
 * For procedures whose input has an `id`: how to create, as a given user, the kind of resource that id names, and
 * how to look at it. Keyed by path prefix; the longest matching prefix wins. A procedure with an `id` input and no
 * entry here fails the walk — add one when you add a module.
 */
/** Fitness: the sessions behind the sets the walk created, a counter for unique names, and "gone" as undefined. */
const fitnessWalkSetSessions = new Map<string, string>();
let fitnessWalkCount = 0;
const orUndefined = <T>(promise: Promise<T>) => promise.catch(() => undefined);
async function fitnessWalkExercise(actor: Actor) {
  const [squat] = await actor.browser.client.fitness.exercises.list.query({ q: 'Squat (Barbell)' });
  if (!squat) throw new Error('the built-in library has no barbell squat');
  return squat.id;
}

const ID_FACTORIES: Record<string, IdFactory> = {
  'fitness.exercises.': {
    create: async (actor) =>
      (
        await actor.browser.client.fitness.exercises.create.mutate({
          name: `walk exercise ${++fitnessWalkCount}`,
          category: 'strength',
          primaryMuscles: ['chest'],
          equipment: 'dumbbell',
        })
      ).id,
    snapshot: async (actor, id) =>
      (await actor.browser.client.fitness.exercises.list.query({ includeArchived: true })).find((e) => e.id === id),
  },
  'fitness.programs.': {
    create: async (actor) =>
      (
        await actor.browser.client.fitness.programs.create.mutate({
          name: `walk program ${++fitnessWalkCount}`,
          days: [{ name: 'A', exercises: [{ exerciseId: await fitnessWalkExercise(actor), targetSets: 3 }] }],
        })
      ).id,
    snapshot: (actor, id) => orUndefined(actor.browser.client.fitness.programs.get.query({ id })),
  },
  'fitness.sessions.': {
    create: async (actor) => (await actor.browser.client.fitness.sessions.start.mutate({ name: 'walk' })).id,
    snapshot: (actor, id) => orUndefined(actor.browser.client.fitness.sessions.get.query({ id })),
  },
  // updateSet and deleteSet take a set's id.
  'fitness.sessions.updateSet': { create: fitnessWalkSet, snapshot: fitnessWalkSetSnapshot },
  'fitness.sessions.deleteSet': { create: fitnessWalkSet, snapshot: fitnessWalkSetSnapshot },
  'journal.': {
    // A morning page on a day of its own (counting back from 2025-06-01), so every call creates a new entry.
    create: async (actor) => {
      const day = new Date(Date.UTC(2025, 5, 1 - journalWalkDates.size)).toISOString().slice(0, 10);
      const entry = await actor.browser.client.journal.upsert.mutate({
        type: 'morning_pages',
        date: day,
        content: { text: `walk ${day}` },
      });
      journalWalkDates.set(entry.id, day);
      return entry.id;
    },
    snapshot: async (actor, id) => {
      const date = journalWalkDates.get(id);
      const entry = date ? await actor.browser.client.journal.get.query({ type: 'morning_pages', date }) : null;
      return entry?.id === id ? entry : undefined;
    },
  },
  'calendar.events.': {
    create: async (actor) =>
      (
        await actor.browser.client.calendar.events.create.mutate({
          title: 'walk event',
          start: new Date('2024-01-15T09:30:00Z'),
          end: new Date('2024-01-15T10:30:00Z'),
          recurrence: { freq: 'weekly' },
        })
      ).id,
    snapshot: (actor, id) => orUndefined(actor.browser.client.calendar.events.get.query({ id })),
  },
  'projects.': {
    create: async (actor) =>
      (await actor.browser.client.projects.create.mutate({ name: `walk project ${++fitnessWalkCount}` })).id,
    snapshot: (actor, id) => orUndefined(actor.browser.client.projects.get.query({ id })),
  },
  'tasks.': {
    create: async (actor) =>
      (await actor.browser.client.tasks.create.mutate({ title: `walk task ${++fitnessWalkCount}` })).id,
    snapshot: async (actor, id) =>
      (await actor.browser.client.tasks.list.query({ projectId: null })).find((t) => t.id === id),
  },
  'captures.': {
    create: async (actor) =>
      (await actor.browser.client.captures.create.mutate({ text: `walk capture ${++fitnessWalkCount}` })).id,
    snapshot: async (actor, id) => {
      for (const status of ['inbox', 'processed', 'archived'] as const) {
        const found = (await actor.browser.client.captures.list.query({ status })).find((c) => c.id === id);
        if (found) return found;
      }
      return undefined;
    },
  },
  'calendar.subscriptions.': {
    // A host that never resolves: the subscription is added with its fetch error, quickly and without a network.
    create: async (actor) =>
      (
        await actor.browser.client.calendar.subscriptions.add.mutate({
          name: 'walk calendar',
          url: `https://walk-${++fitnessWalkCount}.lifeos-test.invalid/calendar.ics`,
        })
      ).id,
    snapshot: async (actor, id) => {
      const found = (await actor.browser.client.calendar.subscriptions.list.query()).find((s) => s.id === id);
      // What another user's calls could change: that it exists, where it points, its events.
      return found && { id: found.id, name: found.name, url: found.url, eventCount: found.eventCount };
    },
  },
  'apiKeys.': {
    create: async (actor) =>
      (await actor.browser.client.apiKeys.create.mutate({ name: 'walk', scope: 'read' })).apiKey.id,
    snapshot: async (actor, id) => (await actor.browser.client.apiKeys.list.query()).find((k) => k.id === id),
  },
  'webhooks.': {
    create: async (actor) =>
      (
        await actor.browser.client.webhooks.create.mutate({
          url: `https://walk-${++fitnessWalkCount}.lifeos-test.invalid/hook`,
          eventTypes: ['task.created'],
        })
      ).endpoint.id,
    snapshot: async (actor, id) => (await actor.browser.client.webhooks.list.query()).find((e) => e.id === id),
  },
  // A delivery id: a failed delivery of the actor's (what replay takes), made in the database.
  'webhooks.replay': {
    create: async (actor) => {
      const { endpoint } = await actor.browser.client.webhooks.create.mutate({
        url: `https://walk-${++fitnessWalkCount}.lifeos-test.invalid/hook`,
        eventTypes: ['task.created'],
      });
      const { userId } = await server.database.db
        .selectFrom('webhookEndpoints')
        .select('userId')
        .where('id', '=', endpoint.id)
        .executeTakeFirstOrThrow();
      const id = randomUUID();
      await server.database.db
        .insertInto('webhookDeliveries')
        .values({ id, userId, endpointId: endpoint.id, eventType: 'task.created', body: '{}', status: 'failed' })
        .execute();
      return id;
    },
    snapshot: async (_actor, id) =>
      server.database.db
        .selectFrom('webhookDeliveries')
        .select(['id', 'status', 'replays'])
        .where('id', '=', id)
        .executeTakeFirst(),
  },
  'auth.sessions.': {
    create: async (actor) => {
      // Another device of the same user, so that revoking it leaves the actor's own browser signed in.
      const device = browserClient(server);
      await device.client.auth.login.mutate({ identifier: actor.username, password: actor.password });
      const current = (await device.client.auth.sessions.list.query()).find((s) => s.current);
      if (!current) throw new Error('the new device has no current session');
      return current.id;
    },
    snapshot: async (actor, id) => (await actor.browser.client.auth.sessions.list.query()).find((s) => s.id === id),
  },
};

/** Valid inputs for procedures whose schema the walk cannot satisfy on its own (a rule across fields, say). */
const SAMPLE_INPUTS: Record<string, unknown> = {
  'calendar.events.list': { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-02-01T00:00:00Z') },
  'calendar.agenda': { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-02-01T00:00:00Z') },
};

/**
 * String fields that may legitimately take 100 KB or more (`path:field`, e.g. an ICS file to import). Every other
 * string field must have a maximum length below that (ASVS 2.2.1; a database and a log line's worth of DoS).
 */
const LARGE_TEXT_FIELDS = new Set<string>(['calendar.importIcs:ics', 'fitness.import.csv:csv']);

const RULES = {
  'max-length': 'a string field without a maximum length (add .max(), or list it in LARGE_TEXT_FIELDS)',
  'strict-object': 'an object that takes unknown keys (make it .strict())',
  'no-nul': 'a NUL character that reached the procedure',
} as const;

// ---------- the router, as data ----------

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: unknown[];
  middlewares: unknown[];
}

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>)
  .map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    parsers: procedure._def.inputs as Parser[],
    middlewares: procedure._def.middlewares,
  }))
  .sort((a, b) => a.path.localeCompare(b.path));

type Procedure = (typeof procedures)[number];
type CallType = 'query' | 'mutation';
const callType = (p: Procedure): CallType => (p.type === 'query' ? 'query' : 'mutation');

/** The guards that authenticate: protectedProcedure's and sessionProcedure's (each base has one, first). */
const authGuards = [protectedProcedure, sessionProcedure].map((base) => (base._def.middlewares as unknown[])[0]);
const requiresAuth = (p: Procedure) => authGuards.some((guard) => p.middlewares.includes(guard));

const hasIdInput = (p: Procedure) => {
  if (p.parsers.length === 0) return false;
  const schema = toJsonSchema(p.parsers[0] as Parser);
  return schema.properties?.id !== undefined;
};

function factoryFor(path: string) {
  const prefix = Object.keys(ID_FACTORIES)
    .filter((k) => path.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? ID_FACTORIES[prefix] : undefined;
}

// ---------- the server and its users ----------

let server: TestServer;
let alice: Actor;
let bob: Actor;
let walker: Actor;
let readKey: string;
let writeKey: string;
/** A valid input per procedure (undefined for procedures without input). */
const samples = new Map<string, unknown>();
const unsatisfiable: string[] = [];

async function makeActor(name: string): Promise<Actor> {
  const user = { username: name, email: `${name}@example.com`, password: `${name} walks the whole router` };
  await authService.createUser({ db: server.database.db, hasher: createPasswordHasher(server.config.argon2) }, user);
  const browser = browserClient(server);
  await browser.client.auth.login.mutate({ identifier: name, password: user.password });
  return { ...user, browser };
}

/** Signs the actor in again if a walked procedure ended their session. */
async function ensureSignedIn(actor: Actor): Promise<boolean> {
  const me = await call(server.url, 'auth.me', { type: 'query', fetch: actor.browser.fetch });
  if (me.status === 200) return true;
  await actor.browser.client.auth.login.mutate({ identifier: actor.username, password: actor.password });
  return false;
}

beforeAll(async () => {
  server = await startTestServer({
    env: { LOGIN_MAX_PER_IP: '100000', LOGIN_MAX_PER_PAIR: '100000', LOGIN_BACKOFF_AFTER: '100000' },
  });
  const ownerBrowser = browserClient(server);
  await ownerBrowser.client.auth.setup.mutate(OWNER);
  alice = { ...OWNER, browser: ownerBrowser };
  bob = await makeActor('bob');
  walker = await makeActor('walker');
  // Relinking needs an exercise every user may link to (the library's ids are made by the migration).
  SAMPLE_INPUTS['fitness.sessions.relinkExercise'] = {
    id: randomUUID(),
    sourceName: 'Squat',
    exerciseId: await fitnessWalkExercise(alice),
    everywhere: true,
  };
  readKey = (await alice.browser.client.apiKeys.create.mutate({ name: 'walk read', scope: 'read' })).key;
  writeKey = (await alice.browser.client.apiKeys.create.mutate({ name: 'walk write', scope: 'write' })).key;
  for (const p of procedures) {
    if (p.parsers.length === 0) continue;
    if (p.path in SAMPLE_INPUTS) samples.set(p.path, SAMPLE_INPUTS[p.path]);
    else {
      const found = await validSample(p.parsers);
      if (found) samples.set(p.path, found.value);
      else unsatisfiable.push(p.path);
    }
  }
});

afterAll(() => server.close());

const describeResult = (r: CallResult) => `HTTP ${r.status} ${r.code ?? ''} ${r.message?.slice(0, 120) ?? ''}`.trim();

/** Nothing an answer says may look like a stack trace or SQL. */
function leaks(r: CallResult): boolean {
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  return /\.(ts|js|mjs):\d+|node_modules|\bat async\b|insert into|select .+ from|update .+ set/i.test(text);
}

describe('router walk', () => {
  it('finds every procedure, and the public list matches what the code protects', () => {
    expect(procedures.length).toBeGreaterThan(10);
    expect(procedures.filter((p) => p.type === 'subscription').map((p) => p.path)).toEqual([]);
    const paths = new Set(procedures.map((p) => p.path));
    expect(
      [...PUBLIC_PROCEDURES].filter((p) => !paths.has(p)),
      'stale public entries',
    ).toEqual([]);
    expect(authGuards.every((guard) => typeof guard === 'function')).toBe(true);
    const mismatched = procedures
      .filter((p) => requiresAuth(p) === PUBLIC_PROCEDURES.has(p.path))
      .map((p) => `${p.path} (${requiresAuth(p) ? 'protected but listed public' : 'public but not listed'})`);
    expect(mismatched).toEqual([]);
    expect(unsatisfiable, 'no valid input found: add one to SAMPLE_INPUTS').toEqual([]);
  });

  it('answers UNAUTHORIZED to signed-out calls of every procedure but the public ones', async () => {
    const refusal = await call(server.url, 'auth.me', { type: 'query', headers: PAGE_HEADERS });
    expect(refusal.code).toBe('UNAUTHORIZED');
    const credentials: Record<string, Record<string, string>> = {
      'no credentials': PAGE_HEADERS,
      'a garbage access cookie': { ...PAGE_HEADERS, cookie: 'lifeos_at=garbage; lifeos_rt=garbage' },
      'a garbage Bearer key': { authorization: `Bearer lifeos_${'A'.repeat(43)}` },
    };
    const failures: string[] = [];
    for (const p of procedures) {
      const inputs = p.parsers.length ? [undefined, samples.get(p.path)] : [undefined];
      for (const input of inputs) {
        for (const [what, headers] of Object.entries(credentials)) {
          const r = await call(server.url, p.path, { type: callType(p), input, headers });
          const authRefusal = r.code === 'UNAUTHORIZED' && r.message === refusal.message && r.status === 401;
          if (PUBLIC_PROCEDURES.has(p.path) ? authRefusal || r.status >= 500 : !authRefusal) {
            failures.push(
              `${p.path} with ${what}${input === undefined ? '' : ' and a valid input'}: ${describeResult(r)}`,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses every mutation to a read-only key (FORBIDDEN), while its queries answer like a write key', async () => {
    const failures: string[] = [];
    for (const p of procedures.filter((x) => requiresAuth(x))) {
      const input = samples.get(p.path);
      const asKey = (key: string) =>
        call(server.url, p.path, { type: callType(p), input, headers: { authorization: `Bearer ${key}` } });
      const read = await asKey(readKey);
      if (p.type === 'mutation') {
        if (read.code !== 'FORBIDDEN') failures.push(`${p.path}: ${describeResult(read)}`);
      } else {
        const write = await asKey(writeKey);
        if (read.code !== write.code || read.status >= 500) {
          failures.push(`${p.path}: read key ${describeResult(read)}, write key ${describeResult(write)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses every mutation sent with session cookies from another site or without the CSRF header', async () => {
    const failures: string[] = [];
    const attempts: Record<string, Record<string, string>> = {
      'a foreign Origin': { origin: 'http://evil.example', 'x-lifeos-csrf': '1' },
      'Sec-Fetch-Site cross-site': { 'sec-fetch-site': 'cross-site', ...PAGE_HEADERS },
      'no CSRF header': { origin: PAGE_HEADERS.origin as string },
    };
    for (const p of procedures.filter((x) => x.type === 'mutation')) {
      for (const [what, headers] of Object.entries(attempts)) {
        const r = await call(server.url, p.path, {
          type: 'mutation',
          input: samples.get(p.path),
          headers: { ...headers, cookie: walker.browser.jar.header() },
        });
        if (r.code !== 'FORBIDDEN') failures.push(`${p.path} with ${what}: ${describeResult(r)}`);
      }
      if (!(await ensureSignedIn(walker))) failures.push(`${p.path}: a refused call ended the session`);
    }
    expect(failures).toEqual([]);
  });

  it('answers malformed input with BAD_REQUEST, and never with a 500', async () => {
    const failures: string[] = [];
    let calls = 0;
    for (const p of procedures) {
      const type = callType(p);
      if (p.parsers.length === 0) {
        // No input to validate; a query must still shrug off one it did not ask for. (Mutations without input,
        // such as logout, are not run with junk: they would simply run.)
        if (type === 'query') {
          const r = await call(server.url, p.path, {
            type,
            input: { junk: 'x'.repeat(1000) },
            fetch: walker.browser.fetch,
          });
          calls++;
          if (r.status >= 500 || leaks(r)) failures.push(`${p.path} with junk input: ${describeResult(r)}`);
        }
        continue;
      }
      const schema = toJsonSchema(p.parsers[0] as Parser);
      const base = samples.get(p.path) ?? {};
      for (const variant of malformedVariants(schema, base)) {
        // What the server's zod will see: the value itself, or the raw JSON as the server decodes it.
        const zodValue =
          variant.rawJson === undefined ? variant.value : superjson.deserialize(JSON.parse(variant.rawJson));
        const ruled =
          variant.rule && !(variant.rule === 'max-length' && LARGE_TEXT_FIELDS.has(`${p.path}:${variant.field}`));
        const zodRejects = (await accepts(p.parsers, zodValue)) !== null;
        const rejected = ruled || zodRejects;
        if (variant.rule === 'max-length' && ruled && !zodRejects) {
          // Checked on the schema too: a query's 100 KB input never gets past the URL limit to show it.
          failures.push(`${p.path}: ${variant.field} is ${RULES['max-length']}`);
          continue;
        }
        const r = await call(server.url, p.path, {
          type,
          ...(variant.rawJson === undefined ? { input: variant.value } : { rawInput: variant.rawJson }),
          fetch: walker.browser.fetch,
        });
        calls++;
        const label = `${p.path} with ${variant.name}`;
        if (r.status >= 500 || r.code === 'INTERNAL_SERVER_ERROR') failures.push(`${label}: ${describeResult(r)}`);
        else if (leaks(r)) failures.push(`${label} leaks internals: ${JSON.stringify(r.body).slice(0, 200)}`);
        else if (rejected && r.code !== 'BAD_REQUEST') {
          // A query's input rides in the URL; past the server's header limit the transport refuses it (431/414).
          const transportRefusal = type === 'query' && (r.status === 431 || r.status === 414);
          const why = ruled && variant.rule ? ` (${RULES[variant.rule]})` : '';
          if (!transportRefusal) failures.push(`${label}: expected BAD_REQUEST, got ${describeResult(r)}${why}`);
        }
      }
      await ensureSignedIn(walker);
    }
    expect(Object.hasOwn(Object.prototype, 'polluted'), 'Object.prototype was polluted').toBe(false);
    expect(calls).toBeGreaterThan(100);
    expect(failures).toEqual([]);
    // Thousands of calls over the whole router: ~40 s on PGlite on a quiet machine, so more than the default.
  }, 180_000);

  it("answers another user's id with NOT_FOUND, alone and inside a batch", async () => {
    const withId = procedures.filter(hasIdInput);
    expect(withId.length).toBeGreaterThan(0);
    expect(
      withId.filter((p) => !factoryFor(p.path)).map((p) => p.path),
      'procedures with an id input need an entry in ID_FACTORIES',
    ).toEqual([]);
    const failures: string[] = [];
    for (const p of withId) {
      const factory = factoryFor(p.path);
      if (!factory) continue;
      const type = callType(p);
      const base = (samples.get(p.path) ?? {}) as Record<string, unknown>;
      const input = (id: string) => ({ ...base, id });
      const asBob = (id: string) => call(server.url, p.path, { type, input: input(id), fetch: bob.browser.fetch });

      const aliceId = await factory.create(alice);
      const before = await factory.snapshot(alice, aliceId);
      if (before === undefined) failures.push(`${p.path}: the factory's resource is not visible to its owner`);
      const foreign = await asBob(aliceId);
      if (foreign.code !== 'NOT_FOUND') failures.push(`${p.path} with alice's id: ${describeResult(foreign)}`);
      // No existence oracle: an id that exists nowhere gets the very same answer.
      const nowhere = await asBob(randomUUID());
      if (nowhere.code !== 'NOT_FOUND' || nowhere.message !== foreign.message) {
        failures.push(`${p.path}: a random id answers ${describeResult(nowhere)}, alice's ${describeResult(foreign)}`);
      }

      for (const order of ['own first', 'foreign first'] as const) {
        const ownId = await factory.create(bob);
        const calls = [
          { path: p.path, input: input(ownId) },
          { path: p.path, input: input(aliceId) },
        ];
        if (order === 'foreign first') calls.reverse();
        const { results } = await batch(server.url, calls, { type, fetch: bob.browser.fetch });
        const [own, theirs] = order === 'own first' ? results : [...results].reverse();
        if (!own || own.code === 'NOT_FOUND' || own.code === 'INTERNAL_SERVER_ERROR') {
          failures.push(`${p.path} batch (${order}): bob's own id answered ${own ? describeResult(own) : 'nothing'}`);
        }
        if (theirs?.code !== 'NOT_FOUND') {
          failures.push(
            `${p.path} batch (${order}): alice's id answered ${theirs ? describeResult(theirs) : 'nothing'}`,
          );
        }
      }
      await ensureSignedIn(bob);

      // Bob's refused calls left alice's resource as it was, and she can still reach it.
      const after = await factory.snapshot(alice, aliceId);
      try {
        expect(after).toEqual(before);
      } catch {
        failures.push(
          `${p.path}: bob's calls changed alice's resource: ${JSON.stringify(before)} → ${JSON.stringify(after)}`,
        );
      }
      const mine = await call(server.url, p.path, { type, input: input(aliceId), fetch: alice.browser.fetch });
      if (mine.code === 'NOT_FOUND' || mine.status >= 500) {
        failures.push(`${p.path}: alice's own id afterwards answers ${describeResult(mine)}`);
      }
      await ensureSignedIn(alice);
    }
    expect(failures).toEqual([]);
  });
});
