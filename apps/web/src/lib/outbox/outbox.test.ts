import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { defaultBackoff, Outbox, type OutboxDeps, type OutboxWrite } from './outbox';

const USER = 'user-1';

class Refusal extends Error {
  constructor(readonly code: string) {
    super(`refused: ${code}`);
  }
}

/**
 * A server that applies each Idempotency-Key once (as `idempotency_keys` does), and a network that can be cut, or cut
 * after the server applied the write but before its answer arrived.
 */
function fakeServer() {
  const applied: { key: string; path: string; input: unknown }[] = [];
  const seen = new Map<string, unknown>();
  const sent: string[] = [];
  const state = { offline: false, loseAnswers: 0, refuse: new Set<string>() };
  const send = async (write: OutboxWrite) => {
    sent.push(write.key);
    if (state.offline) throw new TypeError('Failed to fetch');
    if (state.refuse.has(write.path)) throw new Refusal('NOT_FOUND');
    if (!seen.has(write.key)) {
      applied.push({ key: write.key, path: write.path, input: write.input });
      seen.set(write.key, { ok: applied.length });
    }
    if (state.loseAnswers > 0) {
      state.loseAnswers--;
      throw new TypeError('network connection was lost');
    }
    return seen.get(write.key);
  };
  return { applied, sent, state, send };
}

let stores = 0;
function outboxOver(server: ReturnType<typeof fakeServer>, extra: Partial<OutboxDeps> = {}) {
  const store = createStore(`outbox-test-${++stores}`, 'writes');
  let keys = 0;
  const deps: OutboxDeps = {
    store,
    send: server.send,
    classify: (error) =>
      error instanceof Refusal
        ? { failure: 'refused', code: error.code, message: error.message }
        : { failure: 'transient', code: 'NETWORK', message: String(error) },
    newKey: () => `key-${++keys}`,
    backoffMs: () => 20,
    ...extra,
  };
  return { store, deps, outbox: new Outbox(deps) };
}

const until = async (check: () => boolean, ms = 3_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('the outbox', () => {
  it('sends writes in the order they were made, also when queued offline and drained later', async () => {
    const server = fakeServer();
    server.state.offline = true;
    const { outbox } = outboxOver(server);
    await outbox.setUser(USER);
    for (const n of [1, 2, 3]) await outbox.enqueue('captures.create', { text: `capture ${n}` }, { label: `#${n}` });
    await outbox.enqueue('fitness.sessions.finish', { id: 'w' }, { label: 'finish' });
    expect(outbox.snapshot().pending).toHaveLength(4);

    server.state.offline = false;
    await outbox.drain(true);
    await until(() => outbox.snapshot().pending.length === 0);
    expect(server.applied.map((a) => a.input)).toEqual([
      { text: 'capture 1' },
      { text: 'capture 2' },
      { text: 'capture 3' },
      { id: 'w' },
    ]);
    outbox.stop();
  });

  it('survives a reload: a new outbox over the same store sends what the old one queued, once', async () => {
    const server = fakeServer();
    server.state.offline = true;
    const { deps, outbox } = outboxOver(server);
    await outbox.setUser(USER);
    await outbox.enqueue('captures.create', { text: 'before the reload' }, { label: 'a' });
    outbox.stop();

    server.state.offline = false;
    const reloaded = new Outbox(deps);
    await reloaded.setUser(USER);
    await until(() => reloaded.snapshot().pending.length === 0);
    expect(server.applied.map((a) => a.input)).toEqual([{ text: 'before the reload' }]);
    reloaded.stop();
  });

  it('keeps the idempotency key through retries, so a lost answer does not apply the write twice', async () => {
    const server = fakeServer();
    server.state.loseAnswers = 2;
    const { outbox } = outboxOver(server);
    await outbox.setUser(USER);
    const write = await outbox.enqueue('fitness.sessions.logSet', { reps: 5 }, { label: 'set' });
    const answer = await outbox.settled(write.id);
    expect(server.sent).toEqual([write.key, write.key, write.key]);
    expect(server.applied).toHaveLength(1);
    expect(answer).toEqual({ ok: 1 });
    outbox.stop();
  });

  it('answers a caller who asks for the outcome after the write already went out', async () => {
    const server = fakeServer();
    const { outbox } = outboxOver(server);
    await outbox.setUser(USER);
    const write = await outbox.enqueue('captures.create', { text: 'quick' }, { label: 'quick' });
    await until(() => server.applied.length === 1);
    await expect(outbox.settled(write.id)).resolves.toEqual({ ok: 1 });
    outbox.stop();
  });

  it('backs off between retries, doubling up to a minute, and stops the drain meanwhile', async () => {
    expect([1, 2, 3, 4, 7, 20].map(defaultBackoff)).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000]);

    const server = fakeServer();
    server.state.offline = true;
    const waits: number[] = [];
    const { outbox } = outboxOver(server, {
      backoffMs: (attempts) => {
        waits.push(attempts);
        return 30 * attempts;
      },
    });
    await outbox.setUser(USER);
    await outbox.enqueue('captures.create', { text: 'a' }, { label: 'a' });
    await outbox.enqueue('captures.create', { text: 'b' }, { label: 'b' });
    await until(() => (outbox.snapshot().pending[0]?.attempts ?? 0) >= 3);
    // Only the first write was tried: the second waits behind it.
    expect(new Set(server.sent)).toEqual(new Set(['key-1']));
    expect(outbox.snapshot().pending[1]?.attempts).toBe(0);
    expect(waits.slice(0, 3)).toEqual([1, 2, 3]);
    server.state.offline = false;
    await until(() => server.applied.length === 2);
    outbox.stop();
  });

  it('sets a refused write aside with its reason, goes on with the next, and keeps it until discarded', async () => {
    const server = fakeServer();
    server.state.refuse.add('fitness.sessions.logSet');
    const refused: string[] = [];
    const { outbox, deps } = outboxOver(server, { onRefused: (w) => refused.push(w.label) });
    await outbox.setUser(USER);
    server.state.offline = true;
    const set = await outbox.enqueue(
      'fitness.sessions.logSet',
      { sessionId: 'gone' },
      { label: 'Set of a deleted workout' },
    );
    await outbox.enqueue('captures.create', { text: 'after it' }, { label: 'capture' });
    const settled = expect(outbox.settled(set.id)).rejects.toThrow('refused: NOT_FOUND');
    server.state.offline = false;
    await outbox.drain(true);
    await settled;
    expect(server.applied.map((a) => a.input)).toEqual([{ text: 'after it' }]);
    expect(outbox.snapshot().refused).toMatchObject([
      { label: 'Set of a deleted workout', error: { code: 'NOT_FOUND' } },
    ]);
    expect(refused).toEqual(['Set of a deleted workout']);

    // Still there after a reload: never dropped silently.
    const reloaded = new Outbox(deps);
    await reloaded.setUser(USER);
    expect(reloaded.snapshot().refused).toHaveLength(1);
    await reloaded.discard(set.id);
    expect(reloaded.snapshot().refused).toHaveLength(0);
    outbox.stop();
    reloaded.stop();
  });

  it('sends a corrected refused write again under a new key', async () => {
    const server = fakeServer();
    server.state.refuse.add('captures.create');
    const { outbox } = outboxOver(server);
    await outbox.setUser(USER);
    const write = await outbox.enqueue('captures.create', { text: '' }, { label: 'empty' });
    await until(() => outbox.snapshot().refused.length === 1);
    server.state.refuse.clear();
    await outbox.retry(write.id, { text: 'fixed' });
    await until(() => server.applied.length === 1);
    expect(server.applied[0]).toMatchObject({ input: { text: 'fixed' } });
    expect(server.applied[0]?.key).not.toBe(write.key);
    outbox.stop();
  });

  it("coalesces autosaves that were never sent and rebases later ones on the earlier one's answer", async () => {
    const server = fakeServer();
    server.state.offline = true;
    const { outbox } = outboxOver(server, {
      rebase: (later, result) => ({ ...(later.input as object), base: (result as { ok: number }).ok }),
    });
    await outbox.setUser(USER);
    await outbox.enqueue('journal.upsert', { text: 'a' }, { label: 'pages', coalesce: 'mp' });
    // Once tried, the write is no longer replaced: its key may have reached the server.
    await until(() => (outbox.snapshot().pending[0]?.attempts ?? 0) >= 1);
    await outbox.enqueue('journal.upsert', { text: 'ab' }, { label: 'pages', coalesce: 'mp' });
    await outbox.enqueue('journal.upsert', { text: 'abc' }, { label: 'pages', coalesce: 'mp' });
    expect(outbox.snapshot().pending.map((w) => w.input)).toEqual([{ text: 'a' }, { text: 'abc' }]);
    server.state.offline = false;
    await outbox.drain(true);
    await until(() => server.applied.length === 2);
    expect(server.applied.map((a) => a.input)).toEqual([{ text: 'a' }, { text: 'abc', base: 1 }]);
    outbox.stop();
  });

  it("sends only the signed-in user's writes", async () => {
    const server = fakeServer();
    server.state.offline = true;
    const { outbox } = outboxOver(server);
    await outbox.setUser('someone-else');
    await outbox.enqueue('captures.create', { text: 'theirs' }, { label: 'x' });
    await outbox.setUser(USER);
    server.state.offline = false;
    await outbox.enqueue('captures.create', { text: 'mine' }, { label: 'y' });
    await until(() => server.applied.length === 1);
    expect(server.applied.map((a) => a.input)).toEqual([{ text: 'mine' }]);
    outbox.stop();
  });
});
