/**
 * The outbox (issue 21): writes made on the device, kept in IndexedDB until the server has them.
 *
 * Every write gets its Idempotency-Key when it is queued and keeps it through every retry, so a write whose answer
 * was lost on a flaky connection is applied once however often it is sent (the server's `idempotency_keys`). Writes
 * go out one at a time in the order they were made (a set before the workout's finish); a write that cannot be sent
 * (no network, a server error, an expired session waiting for its refresh) stops the drain and is tried again after
 * a backoff, or at once when the browser comes back online. A write the server refuses (invalid, the workout deleted
 * meanwhile, a journal entry changed elsewhere) is set aside, kept and listed for the user to fix or discard; the
 * writes after it go on.
 */
import { entries as allEntries, del, set, type UseStore } from 'idb-keyval';

export interface OutboxWrite {
  /** Order of the writes: increasing, also across reloads (the store's key). */
  id: number;
  userId: string;
  /** The tRPC procedure, `captures.create`. */
  path: string;
  input: unknown;
  /** The Idempotency-Key, fixed at enqueue. */
  key: string;
  /** What the user sees in the list of waiting or refused changes. */
  label: string;
  /** Writes with the same coalesce key replace one another while none of them was sent (autosave). */
  coalesce?: string;
  /** The page where a refused write can be fixed. */
  href?: string;
  state: 'pending' | 'refused';
  attempts: number;
  nextAttemptAt: number;
  error?: { code: string; message: string };
  createdAt: number;
}

export type Failure = 'refused' | 'transient';

export interface EnqueueOptions {
  label: string;
  coalesce?: string;
  href?: string;
}

export interface OutboxDeps {
  store: UseStore;
  /** Sends one write with its key; resolves with the server's answer. */
  send: (write: OutboxWrite) => Promise<unknown>;
  /** Whether a failed send was refused by the server (keep it aside) or may work later (retry). */
  classify: (error: unknown) => { failure: Failure; code: string; message: string };
  /** After the server took a write: its answer for the cache; returns the later writes' new input, if any. */
  onSent?: (write: OutboxWrite, result: unknown) => void;
  /** A later write of the same coalesce key, given the answer to an earlier one (a journal entry's new version). */
  rebase?: (later: OutboxWrite, result: unknown) => unknown;
  onRefused?: (write: OutboxWrite) => void;
  now?: () => number;
  newKey?: () => string;
  /** Backoff before the n-th retry (n ≥ 1). */
  backoffMs?: (attempts: number) => number;
}

export interface OutboxSnapshot {
  pending: OutboxWrite[];
  refused: OutboxWrite[];
}

/** 1 s, 2 s, 4 s … up to a minute. */
export const defaultBackoff = (attempts: number) => Math.min(1_000 * 2 ** Math.max(0, attempts - 1), 60_000);

/** Bounded: a device offline for weeks must not grow the queue without end. */
export const OUTBOX_MAX_WRITES = 2_000;

export class OutboxFullError extends Error {
  constructor() {
    super(`More than ${OUTBOX_MAX_WRITES} changes are waiting: connect to send them before making more`);
  }
}

/** How many settled writes' outcomes are remembered for late `settled` calls. */
const RECENT_OUTCOMES = 50;

type Waiter = { resolve: (value: unknown) => void; reject: (error: unknown) => void };

export class Outbox {
  private userId: string | null = null;
  private writes: OutboxWrite[] = [];
  private loaded: Promise<void> | null = null;
  private lastId = 0;
  private inFlight: number | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly waiters = new Map<number, Waiter[]>();
  private readonly outcomes = new Map<number, { ok: boolean; value: unknown }>();
  private readonly listeners = new Set<() => void>();
  private snapshotCache: OutboxSnapshot = { pending: [], refused: [] };
  private readonly now: () => number;
  private readonly newKey: () => string;
  private readonly backoff: (attempts: number) => number;

  constructor(private readonly deps: OutboxDeps) {
    this.now = deps.now ?? Date.now;
    this.newKey = deps.newKey ?? (() => crypto.randomUUID());
    this.backoff = deps.backoffMs ?? defaultBackoff;
  }

  /** Whose writes are sent (the signed-in user's); another user's stay in the store for their next sign-in. */
  async setUser(userId: string | null): Promise<void> {
    if (userId === this.userId && this.loaded) return this.loaded;
    this.userId = userId;
    this.loaded = this.load();
    await this.loaded;
    if (userId) void this.drain();
  }

  private async load(): Promise<void> {
    const stored = await allEntries<number, OutboxWrite>(this.deps.store);
    for (const [id] of stored) this.lastId = Math.max(this.lastId, id);
    this.writes = stored
      .map(([, write]) => write)
      .filter((write) => write.userId === this.userId)
      .sort((a, b) => a.id - b.id);
    this.changed();
  }

  private async ready(): Promise<void> {
    if (!this.loaded) this.loaded = this.load();
    await this.loaded;
  }

  /**
   * Queues a write and starts sending. Resolves with the server's answer once it has the write, rejects when the
   * server refuses it; stays pending while the network is away (the write is safe in the store meanwhile).
   */
  async enqueue(path: string, input: unknown, options: EnqueueOptions): Promise<OutboxWrite> {
    await this.ready();
    const userId = this.userId;
    if (!userId) throw new Error('The outbox has no signed-in user');
    const { coalesce } = options;
    const replaceable = coalesce
      ? this.writes.find(
          (w) => w.coalesce === coalesce && w.state === 'pending' && w.attempts === 0 && w.id !== this.inFlight,
        )
      : undefined;
    let write: OutboxWrite;
    if (replaceable) {
      // Never sent, so its key was never used: the newer text simply takes its place.
      write = { ...replaceable, input, label: options.label };
      this.writes = this.writes.map((w) => (w.id === write.id ? write : w));
    } else {
      if (this.writes.length >= OUTBOX_MAX_WRITES) throw new OutboxFullError();
      this.lastId = Math.max(this.lastId + 1, this.now());
      write = {
        id: this.lastId,
        userId,
        path,
        input,
        key: this.newKey(),
        label: options.label,
        coalesce,
        href: options.href,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: 0,
        createdAt: this.now(),
      };
      this.writes = [...this.writes, write];
    }
    await set(write.id, write, this.deps.store);
    this.changed();
    void this.drain();
    return write;
  }

  /** Resolves with the answer to a queued write, rejects when it is refused (see `enqueue`). */
  settled(id: number): Promise<unknown> {
    const outcome = this.outcomes.get(id);
    if (outcome) return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.value);
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(id, list);
    });
  }

  /** Sends what is due, in order. `force` ignores the backoff (the browser just came back online). */
  drain(force = false): Promise<void> {
    if (force) for (const w of this.writes) if (w.state === 'pending') w.nextAttemptAt = 0;
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        await this.drainOnce();
      } while (this.again);
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    await this.ready();
    const userId = this.userId;
    if (!userId) return;
    for (;;) {
      const write = this.writes.find((w) => w.state === 'pending');
      if (!write || this.userId !== userId) return;
      const wait = write.nextAttemptAt - this.now();
      if (wait > 0) {
        this.schedule(wait);
        return;
      }
      this.inFlight = write.id;
      let result: unknown;
      try {
        result = await this.deps.send(write);
      } catch (error) {
        this.inFlight = null;
        const { failure, code, message } = this.deps.classify(error);
        if (failure === 'refused') {
          await this.update({ ...write, state: 'refused', attempts: write.attempts + 1, error: { code, message } });
          this.deps.onRefused?.(write);
          this.settle(write.id, false, error);
          continue;
        }
        const attempts = write.attempts + 1;
        const wait = this.backoff(attempts);
        await this.update({ ...write, attempts, nextAttemptAt: this.now() + wait });
        this.schedule(wait);
        return;
      }
      this.inFlight = null;
      await del(write.id, this.deps.store);
      this.writes = this.writes.filter((w) => w.id !== write.id);
      if (write.coalesce && this.deps.rebase) {
        for (const later of this.writes) {
          if (later.coalesce !== write.coalesce || later.state !== 'pending') continue;
          await this.update({ ...later, input: this.deps.rebase(later, result) });
        }
      }
      this.changed();
      this.deps.onSent?.(write, result);
      this.settle(write.id, true, result);
    }
  }

  private settle(id: number, ok: boolean, value: unknown) {
    // Kept for a caller that asks just after the write went out (a fast server answers before `settled` is called).
    this.outcomes.set(id, { ok, value });
    if (this.outcomes.size > RECENT_OUTCOMES) this.outcomes.delete(this.outcomes.keys().next().value as number);
    const list = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const waiter of list) (ok ? waiter.resolve : waiter.reject)(value);
  }

  private async update(write: OutboxWrite): Promise<void> {
    this.writes = this.writes.map((w) => (w.id === write.id ? write : w));
    await set(write.id, write, this.deps.store);
    this.changed();
  }

  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, ms);
  }

  /** A refused write, dropped by the user's choice. */
  async discard(id: number): Promise<void> {
    await del(id, this.deps.store);
    this.writes = this.writes.filter((w) => w.id !== id);
    this.changed();
  }

  /**
   * A refused write sent again, with a corrected input if given. A new input is a new write for the server, so it
   * gets a new key (the refused one was never applied: a refusal rolls its key back).
   */
  async retry(id: number, input?: unknown): Promise<void> {
    const write = this.writes.find((w) => w.id === id);
    if (!write) return;
    const { error: _, ...rest } = write;
    await this.update({
      ...rest,
      input: input === undefined ? write.input : input,
      key: input === undefined ? write.key : this.newKey(),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: 0,
    });
    void this.drain();
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  snapshot(): OutboxSnapshot {
    return this.snapshotCache;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed() {
    this.snapshotCache = {
      pending: this.writes.filter((w) => w.state === 'pending'),
      refused: this.writes.filter((w) => w.state === 'refused'),
    };
    for (const listener of this.listeners) listener();
  }
}
