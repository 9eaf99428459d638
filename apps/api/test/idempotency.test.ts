import { idempotencyQueries } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLifeOsClient } from '../../../packages/client/src/index.js';
import { appRouter } from '../src/routers/_app.js';
import { protectedProcedure, sessionProcedure } from '../src/trpc/init.js';
import { type BrowserClient, createUser, expectCode, setupOwner, startTestServer, type TestServer } from './harness.js';
import { type CallOptions, call } from './raw-trpc.js';
import { type Parser, validSample } from './walk-inputs.js';

let server: TestServer;
let owner: BrowserClient;
let other: BrowserClient;
let apiKey: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  other = await createUser(server, {
    username: 'other',
    email: 'other@example.com',
    password: 'another long password',
  });
  ({ key: apiKey } = await owner.client.apiKeys.create.mutate({ name: 'outbox', scope: 'write' }));
});
afterAll(() => server.close());

let keys = 0;
const newKey = () => `key-${Date.now()}-${++keys}`;

/** A mutation as the web app sends it (cookies, CSRF header), with an Idempotency-Key. */
const asOwner = (path: string, input: unknown, key: string, options: Partial<CallOptions> = {}) =>
  call(server.url, path, {
    type: 'mutation',
    input,
    fetch: owner.fetch,
    ...options,
    headers: { 'idempotency-key': key, ...options.headers },
  });

/** The same with the API key (a personal script's outbox). */
const asScript = (path: string, input: unknown, key: string) =>
  call(server.url, path, {
    type: 'mutation',
    input,
    headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': key },
  });

const capturesWith = async (text: string) =>
  (await owner.client.captures.list.query({ status: 'inbox' })).filter((c) => c.text === text);

describe('Idempotency-Key on mutations', () => {
  it('applies a capture sent twice once, and answers the repeat with the same status and body', async () => {
    const key = newKey();
    const first = await asOwner('captures.create', { text: 'sent twice' }, key);
    const second = await asOwner('captures.create', { text: 'sent twice' }, key);
    expect(first.status).toBe(200);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(await capturesWith('sent twice')).toHaveLength(1);
  });

  it('applies a task sent twice with an API key once; the typed client sends the key alone', async () => {
    const key = newKey();
    const first = await asScript('tasks.create', { title: 'keyed task', dueDate: '2026-12-24' }, key);
    const second = await asScript('tasks.create', { title: 'keyed task', dueDate: '2026-12-24' }, key);
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);

    const script = createLifeOsClient({ baseUrl: server.url, apiKey });
    const again = await script.tasks.create.mutate(
      { title: 'keyed task', dueDate: '2026-12-24' },
      { context: { idempotencyKey: key } },
    );
    expect(again).toEqual(first.data);
    const tasks = await owner.client.tasks.list.query({});
    expect(tasks.filter((t) => t.title === 'keyed task')).toHaveLength(1);
  });

  it('a key is the same request whatever order its input’s fields come in', async () => {
    const key = newKey();
    const first = await asOwner('captures.create', { text: 'ordered', url: 'https://example.com/o' }, key);
    const second = await asOwner('captures.create', { url: 'https://example.com/o', text: 'ordered' }, key);
    expect(second.body).toEqual(first.body);
    expect(await capturesWith('ordered')).toHaveLength(1);
  });

  it('applies concurrent calls with one key once, and answers them all alike', async () => {
    const key = newKey();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => asOwner('captures.create', { text: 'raced' }, key)),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
    expect(await capturesWith('raced')).toHaveLength(1);
  });

  it('a repeat arriving while the first still runs waits for it: then runs if it rolled back, or answers by its row', async () => {
    const { id: ownerId } = await server.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'owner')
      .executeTakeFirstOrThrow();
    /** Holds a claim of `key` in an open transaction (another request still running) until `end` is called. */
    const holdClaim = async (key: string) => {
      let end: (outcome: 'commit' | 'rollback') => void = () => {};
      const ended = new Promise<'commit' | 'rollback'>((resolve) => {
        end = resolve;
      });
      let claimed: () => void = () => {};
      const ready = new Promise<void>((resolve) => {
        claimed = resolve;
      });
      const transaction = server.database.db
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('idempotencyKeys')
            .values({ userId: ownerId, key, path: 'projects.create', inputHash: 'f'.repeat(64), answer: null })
            .execute();
          claimed();
          if ((await ended) === 'rollback') throw new Error('rolled back');
        })
        .catch(() => {});
      await ready;
      return { end, transaction };
    };
    const settles = async (request: Promise<unknown>) =>
      Promise.race([request.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 300))]);

    const key = newKey();
    const held = await holdClaim(key);
    const waiting = asOwner('captures.create', { text: 'waited' }, key);
    expect(await settles(waiting)).toBe(false);
    held.end('rollback');
    await held.transaction;
    expect((await waiting).status).toBe(200);
    expect(await capturesWith('waited')).toHaveLength(1);

    const committedKey = newKey();
    const committed = await holdClaim(committedKey);
    const conflicting = asOwner('captures.create', { text: 'never applied' }, committedKey);
    expect(await settles(conflicting)).toBe(false);
    committed.end('commit');
    await committed.transaction;
    expect((await conflicting).status).toBe(409);
    expect(await capturesWith('never applied')).toHaveLength(0);

    // PostgreSQL: the wait is bounded (PGlite's one connection serializes the transactions instead).
    if (server.services.database.driver === 'postgres') {
      const slowKey = newKey();
      const slow = await holdClaim(slowKey);
      const claim = { userId: ownerId, key: slowKey, path: 'captures.create', inputHash: '0'.repeat(64) };
      const waited = await server.database.db
        .transaction()
        .execute((trx) => idempotencyQueries.claimKey(trx, claim, new Date(), 200))
        .catch((error: unknown) => error);
      expect(idempotencyQueries.isClaimTimeout(waited)).toBe(true);
      slow.end('rollback');
      await slow.transaction;
    }
  });

  it('answers 409 for the same key with another input or another procedure, and applies neither', async () => {
    const key = newKey();
    expect((await asOwner('captures.create', { text: 'original' }, key)).status).toBe(200);
    const otherInput = await asOwner('captures.create', { text: 'changed' }, key);
    expect(otherInput.status).toBe(409);
    expect(otherInput.code).toBe('CONFLICT');
    expect(otherInput.message).toMatch(/already used for another request/);
    const otherPath = await asOwner('projects.create', { name: 'changed' }, key);
    expect(otherPath.status).toBe(409);
    expect(await capturesWith('changed')).toHaveLength(0);
    expect((await owner.client.projects.list.query({})).some((p) => p.name === 'changed')).toBe(false);
  });

  it('stores nothing for a call that failed: its retry runs again', async () => {
    const project = await owner.client.projects.create.mutate({ name: 'Retry' });
    const task = await owner.client.tasks.create.mutate({ title: 'in the way', projectId: project.id });
    const key = newKey();
    const failed = await asOwner('projects.delete', { id: project.id }, key);
    expect(failed.status).toBe(400);
    const again = await asOwner('projects.delete', { id: project.id }, key);
    expect(again.body).toEqual(failed.body); // it ran again and failed again

    await owner.client.tasks.delete.mutate({ id: task.id });
    const applied = await asOwner('projects.delete', { id: project.id }, key);
    expect(applied.status).toBe(200);
    expect(applied.data).toEqual({ ok: true });
    // Run again it would be NOT_FOUND: the repeat is the stored answer.
    const repeat = await asOwner('projects.delete', { id: project.id }, key);
    expect(repeat.body).toEqual(applied.body);
  });

  it('another user’s key of the same value is another key', async () => {
    const key = newKey();
    expect((await asOwner('captures.create', { text: 'mine' }, key)).status).toBe(200);
    const theirs = await call(server.url, 'captures.create', {
      type: 'mutation',
      input: { text: 'theirs' },
      fetch: other.fetch,
      headers: { 'idempotency-key': key },
    });
    expect(theirs.status).toBe(200);
    expect(theirs.data).toMatchObject({ text: 'theirs' });
    expect((await other.client.captures.list.query({ status: 'inbox' })).map((c) => c.text)).toEqual(['theirs']);
  });

  it('queries ignore the header, even a malformed one', async () => {
    for (const key of [newKey(), 'not a key!']) {
      const answer = await call(server.url, 'captures.list', {
        type: 'query',
        input: { status: 'inbox' },
        fetch: owner.fetch,
        headers: { 'idempotency-key': key },
      });
      expect(answer.status).toBe(200);
    }
  });

  it('refuses a malformed key with 400 and applies nothing', async () => {
    for (const key of ['not a key!', 'x'.repeat(129), 'key.with.dots', '"quoted"', '']) {
      const answer = await asOwner('captures.create', { text: 'malformed key' }, key);
      expect(answer.status).toBe(400);
      expect(answer.message).toMatch(/Idempotency-Key/);
    }
    expect('x'.repeat(128)).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
    expect((await asOwner('captures.create', { text: 'longest key' }, 'x'.repeat(128))).status).toBe(200);
    expect(await capturesWith('malformed key')).toHaveLength(0);
  });

  it('a write whose answer is too large to keep is applied once, and its repeat answered 409 "already applied"', async () => {
    const key = newKey();
    const input = { type: 'morning_pages', date: '2026-12-01', content: { text: 'words '.repeat(15_000) } };
    const first = await asOwner('journal.upsert', input, key);
    expect(first.status).toBe(200);
    const repeat = await asOwner('journal.upsert', input, key);
    expect(repeat.status).toBe(409);
    expect(repeat.message).toMatch(/already applied/);
  });

  it('refuses a key on credential changes (their answers hold secrets) and on procedures that commit in steps', async () => {
    const credential = await asOwner('apiKeys.create', { name: 'never kept', scope: 'read' }, newKey());
    expect(credential.status).toBe(400);
    expect(credential.message).toMatch(/Credential changes/);
    expect((await owner.client.apiKeys.list.query()).some((k) => k.name === 'never kept')).toBe(false);
    const importing = await asOwner('data.import', { data: {}, mode: 'merge' }, newKey());
    expect(importing.status).toBe(400);
    await expectCode(
      owner.client.apiKeys.create.mutate(
        { name: 'never kept', scope: 'read' },
        { context: { idempotencyKey: newKey() } },
      ),
      'BAD_REQUEST',
    );
  });
});

describe('every mutation with an Idempotency-Key', () => {
  const guardOf = (base: typeof protectedProcedure | typeof sessionProcedure) =>
    (base._def.middlewares as unknown[])[0];
  const mutations = Object.entries(
    appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string; inputs: unknown[]; middlewares: unknown[] } }
    >,
  )
    .filter(([, p]) => p._def.type === 'mutation')
    .map(([path, p]) => ({
      path,
      parsers: p._def.inputs as Parser[],
      guard: p._def.middlewares.includes(guardOf(sessionProcedure))
        ? 'session'
        : p._def.middlewares.includes(guardOf(protectedProcedure))
          ? 'protected'
          : 'public',
    }));

  it('answers without a 5xx or a hang, and a repeat as the first (a credential change: 400)', async () => {
    const walker = await createUser(server, {
      username: 'keywalker',
      email: 'keywalker@example.com',
      password: 'walks every mutation with a key',
    });
    const failures: string[] = [];
    const protectedOnes = mutations.filter((m) => m.guard !== 'public');
    expect(protectedOnes.length).toBeGreaterThan(20);
    for (const m of protectedOnes) {
      const sample = m.parsers.length === 0 ? undefined : await validSample(m.parsers);
      const send = (key: string) =>
        call(server.url, m.path, {
          type: 'mutation',
          // A hang (a transaction waiting on itself) fails the call rather than the whole file.
          fetch: (input, init) => walker.fetch(input, { ...init, signal: AbortSignal.timeout(20_000) }),
          headers: { 'idempotency-key': key },
          ...(sample ? { input: sample.value } : {}),
        });
      const key = newKey();
      const first = await send(key);
      const repeat = await send(key);
      const label = `${m.path}: HTTP ${first.status} ${first.message ?? ''} then ${repeat.status} ${repeat.message ?? ''}`;
      if (first.status >= 500 || repeat.status >= 500) failures.push(label);
      else if (m.guard === 'session' && first.status !== 400) failures.push(`${label} (a credential change)`);
      else if (first.status === 200 && JSON.stringify(repeat.body) !== JSON.stringify(first.body)) {
        failures.push(`${label}: the repeat answered otherwise`);
      }
    }
    expect(failures).toEqual([]);
  });
});
