/**
 * The writes that work offline (issue 21) and what each does to the cache: shown at once when queued (optimistic),
 * replaced by the server's answer when sent, refetched when refused. Features queue a write with `queueWrite`; the
 * outbox (`outbox.ts`) keeps and sends it.
 */
import type { AppRouter } from '@lifeos/api';
import type { TCapture, TJournalEntry, TTask, TWorkoutSession, TWorkoutSet } from '@lifeos/core/schemas';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createStore } from 'idb-keyval';
import { reportReachable } from '../offline/status';
import { errorCode, queryClient, refreshAfterReconnect, trpc, trpcClient } from '../trpc';
import { type EnqueueOptions, Outbox, type OutboxWrite } from './outbox';
import { publishOutbox } from './snapshot';

type In = inferRouterInputs<AppRouter>;
type Out = inferRouterOutputs<AppRouter>;
/** One call of its own carrying the write's key (never batched: the header names one call). */
type CallOptions = { context: { skipBatch: true; idempotencyKey: string } };

interface WriteSpec<I, O> {
  send: (input: I, options: CallOptions) => Promise<O>;
  /** Shows the queued write in the cache. */
  apply?: (input: I, write: OutboxWrite) => void;
  /** The server's answer into the cache. */
  sent?: (input: I, result: O) => void | Promise<void>;
  /** What to refetch when the write is refused (the optimistic change is undone). */
  refused?: (input: I) => void | Promise<void>;
  rebase?: (later: I, result: O) => I;
}

const spec = <I, O>(s: WriteSpec<I, O>) => s;

const sessionKey = (id: string) => trpc.fitness.sessions.get.queryKey({ id });
const editSession = (id: string, edit: (session: TWorkoutSession) => TWorkoutSession) =>
  queryClient.setQueryData<TWorkoutSession>(sessionKey(id), (old) => (old ? edit(old) : old));

async function afterWorkout() {
  await Promise.all([
    queryClient.invalidateQueries(trpc.fitness.sessions.list.pathFilter()),
    queryClient.invalidateQueries(trpc.fitness.records.pathFilter()),
    queryClient.invalidateQueries(trpc.fitness.stats.pathFilter()),
    queryClient.invalidateQueries(trpc.fitness.programs.next.pathFilter()),
    queryClient.invalidateQueries(trpc.dashboard.pathFilter()),
  ]);
}

async function afterTasks() {
  await Promise.all([
    queryClient.invalidateQueries(trpc.tasks.pathFilter()),
    queryClient.invalidateQueries(trpc.projects.pathFilter()),
    queryClient.invalidateQueries(trpc.dashboard.pathFilter()),
  ]);
}

const setTasks = (edit: (tasks: TTask[]) => TTask[]) =>
  queryClient.setQueriesData<TTask[]>({ queryKey: trpc.tasks.list.pathKey() }, (old) => (old ? edit(old) : old));

/** A queued set's placeholder id: no server id yet (the set cannot be edited until it is sent). */
export const PENDING_ID_PREFIX = 'pending-';
export const isPendingId = (id: string) => id.startsWith(PENDING_ID_PREFIX);

const WRITES = {
  'captures.create': spec<In['captures']['create'], Out['captures']['create']>({
    send: (input, options) => trpcClient.captures.create.mutate(input, options),
    apply: (input, write) => {
      const now = new Date(write.createdAt);
      const capture: TCapture = {
        id: `${PENDING_ID_PREFIX}${write.id}`,
        text: input.text,
        url: input.url ?? null,
        status: 'inbox',
        processedIntoKind: null,
        processedIntoId: null,
        processedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      queryClient.setQueriesData<TCapture[]>({ queryKey: trpc.captures.list.pathKey() }, (old) =>
        old && !old.some((c) => c.id === capture.id) ? [capture, ...old] : old,
      );
    },
    sent: () => queryClient.invalidateQueries(trpc.captures.pathFilter()),
    refused: () => queryClient.invalidateQueries(trpc.captures.pathFilter()),
  }),
  'fitness.sessions.logSet': spec<In['fitness']['sessions']['logSet'], Out['fitness']['sessions']['logSet']>({
    send: (input, options) => trpcClient.fitness.sessions.logSet.mutate(input, options),
    apply: (input, write) =>
      editSession(input.sessionId, (session) => {
        const id = `${PENDING_ID_PREFIX}${write.id}`;
        if (session.sets.some((s) => s.id === id)) return session;
        const same = session.sets.find((s) => s.exerciseId === input.exerciseId);
        const setType = input.setType ?? (input.isWarmup ? 'warmup' : 'normal');
        const set: TWorkoutSet = {
          id,
          exerciseId: input.exerciseId,
          exerciseName: same?.exerciseName ?? '',
          position: Math.max(0, ...session.sets.map((s) => s.position + 1)),
          reps: input.reps ?? null,
          weightKg: input.weightKg ?? null,
          rpe: input.rpe ?? null,
          durationS: input.durationS ?? null,
          distanceM: input.distanceM ?? null,
          setType,
          isWarmup: setType === 'warmup',
          note: input.note ?? null,
          sourceName: null,
          completed: true,
        };
        return { ...session, sets: [...session.sets, set] };
      }),
    sent: (_, session) => {
      queryClient.setQueryData(sessionKey(session.id), session);
    },
    refused: (input) => queryClient.invalidateQueries({ queryKey: sessionKey(input.sessionId) }),
  }),
  'fitness.sessions.updateSet': spec<In['fitness']['sessions']['updateSet'], Out['fitness']['sessions']['updateSet']>({
    send: (input, options) => trpcClient.fitness.sessions.updateSet.mutate(input, options),
    apply: ({ id, exerciseId, completed, ...fields }) => {
      for (const [key, session] of queryClient.getQueriesData<TWorkoutSession>({
        queryKey: trpc.fitness.sessions.get.pathKey(),
      })) {
        if (!session?.sets.some((s) => s.id === id)) continue;
        const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
        queryClient.setQueryData<TWorkoutSession>(key, {
          ...session,
          sets: session.sets.map((s) =>
            s.id === id
              ? { ...s, ...defined, exerciseId: exerciseId ?? s.exerciseId, completed: completed ?? true }
              : s,
          ),
        });
      }
    },
    sent: (_, session) => {
      queryClient.setQueryData(sessionKey(session.id), session);
    },
    refused: () => queryClient.invalidateQueries(trpc.fitness.sessions.get.pathFilter()),
  }),
  'fitness.sessions.finish': spec<In['fitness']['sessions']['finish'], Out['fitness']['sessions']['finish']>({
    send: (input, options) => trpcClient.fitness.sessions.finish.mutate(input, options),
    apply: (input, write) =>
      editSession(input.id, (session) => ({
        ...session,
        finishedAt: input.finishedAt ?? new Date(write.createdAt),
        // Sets never logged are dropped by the server when it finishes the workout.
        sets: session.sets.filter((s) => s.completed),
      })),
    sent: async (_, result) => {
      queryClient.setQueryData(sessionKey(result.session.id), result.session);
      await afterWorkout();
    },
    refused: (input) => queryClient.invalidateQueries({ queryKey: sessionKey(input.id) }),
  }),
  'tasks.create': spec<In['tasks']['create'], Out['tasks']['create']>({
    send: (input, options) => trpcClient.tasks.create.mutate(input, options),
    // Shown in the project's list it was added to (other lists sort and filter by rules only the server knows).
    apply: (input, write) => {
      if (!input.projectId) return;
      const now = new Date(write.createdAt);
      const task: TTask = {
        id: `${PENDING_ID_PREFIX}${write.id}`,
        projectId: input.projectId,
        title: input.title,
        notes: input.notes ?? null,
        status: 'todo',
        priority: input.priority ?? 0,
        labels: input.labels ?? [],
        dueDate: input.dueDate ?? null,
        position: Number.MAX_SAFE_INTEGER,
        rrule: null,
        repeatAfterDays: null,
        seriesId: null,
        completedAt: null,
        sourceCaptureId: null,
        createdAt: now,
        updatedAt: now,
      };
      for (const [key, tasks] of queryClient.getQueriesData<TTask[]>({ queryKey: trpc.tasks.list.pathKey() })) {
        const listInput = (key[1] as { input?: { projectId?: string } } | undefined)?.input;
        if (!tasks || listInput?.projectId !== input.projectId || tasks.some((t) => t.id === task.id)) continue;
        queryClient.setQueryData<TTask[]>(key, [...tasks, task]);
      }
    },
    sent: afterTasks,
    refused: afterTasks,
  }),
  'tasks.complete': spec<In['tasks']['complete'], Out['tasks']['complete']>({
    send: (input, options) => trpcClient.tasks.complete.mutate(input, options),
    apply: ({ id }) => setTasks((tasks) => tasks.map((t) => (t.id === id ? { ...t, status: 'done' } : t))),
    sent: afterTasks,
    refused: afterTasks,
  }),
  'journal.upsert': spec<In['journal']['upsert'], Out['journal']['upsert']>({
    send: (input, options) => trpcClient.journal.upsert.mutate(input, options),
    sent: async (input, entry) => {
      queryClient.setQueryData(trpc.journal.get.queryKey({ type: input.type, date: input.date }), entry);
      await Promise.all([
        queryClient.invalidateQueries(trpc.journal.list.pathFilter()),
        queryClient.invalidateQueries(trpc.journal.streaks.pathFilter()),
        queryClient.invalidateQueries(trpc.journal.heatmap.pathFilter()),
        queryClient.invalidateQueries(trpc.dashboard.pathFilter()),
      ]);
    },
    // The next text of the same entry builds on the version this one made (else it would look stale to the server).
    rebase: (later, entry: TJournalEntry) =>
      later.baseUpdatedAt === undefined ? later : { ...later, baseUpdatedAt: entry.updatedAt },
  }),
} as const;

export type WritePath = keyof typeof WRITES;
type InputOf<P extends WritePath> = Parameters<(typeof WRITES)[P]['send']>[0];
type OutputOf<P extends WritePath> = Awaited<ReturnType<(typeof WRITES)[P]['send']>>;

/** The registry, untyped: the outbox stores a write's path and input as data. */
function specOf(path: string): WriteSpec<unknown, unknown> | undefined {
  return (WRITES as Record<string, WriteSpec<unknown, unknown>>)[path];
}

/** Codes of a server that read the write and will refuse it again: only the user can fix or drop it. */
const REFUSED = new Set([
  'BAD_REQUEST',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'PARSE_ERROR',
  'PAYLOAD_TOO_LARGE',
  'UNPROCESSABLE_CONTENT',
  'PRECONDITION_FAILED',
  'METHOD_NOT_SUPPORTED',
]);

let instance: Outbox | null = null;

/** The app's one outbox (created on first use: IndexedDB is opened only by a signed-in app). */
export function theOutbox(): Outbox {
  instance ??= new Outbox({
    store: createStore('lifeos-outbox', 'writes'),
    send: async (write) => {
      const found = specOf(write.path);
      if (!found) throw new Error(`No such offline write: ${write.path}`);
      try {
        const result = await found.send(write.input, { context: { skipBatch: true, idempotencyKey: write.key } });
        reportReachable(true);
        return result;
      } catch (error) {
        reportReachable(errorCode(error) !== undefined);
        throw error;
      }
    },
    classify: (error) => {
      const code = errorCode(error);
      const message = error instanceof Error ? error.message : String(error);
      if (code === undefined && error instanceof Error && error.message.startsWith('No such offline write')) {
        return { failure: 'refused', code: 'UNKNOWN', message };
      }
      return { failure: code && REFUSED.has(code) ? 'refused' : 'transient', code: code ?? 'NETWORK', message };
    },
    onSent: (write, result) => {
      void specOf(write.path)?.sent?.(write.input, result);
      // The answer replaced the cached value: show the writes still queued on top of it again.
      reapplyPending();
    },
    onRefused: (write) => {
      void specOf(write.path)?.refused?.(write.input);
    },
    rebase: (later, result) => specOf(later.path)?.rebase?.(later.input, result) ?? later.input,
  });
  const outbox = instance;
  outbox.subscribe(() => publishOutbox(outbox.snapshot()));
  return instance;
}

function reapplyPending() {
  for (const write of theOutbox().snapshot().pending) specOf(write.path)?.apply?.(write.input, write);
}

/**
 * Queues a write: shown in the cache at once, kept on the device, sent in order with its Idempotency-Key. Returns
 * the queued write; `theOutbox().settled(write.id)` waits for the server's answer.
 */
export async function queueWrite<P extends WritePath>(
  path: P,
  input: InputOf<P>,
  options: EnqueueOptions,
): Promise<OutboxWrite> {
  const write = await theOutbox().enqueue(path, input, options);
  specOf(path)?.apply?.(input, write);
  return write;
}

/**
 * The server's answer to a queued write if it comes within `ms` (a page that shows the answer when online), else
 * undefined: the write stays queued and is sent later. Rejects when the server refuses it.
 */
export async function answerWithin<P extends WritePath>(
  write: OutboxWrite,
  _path: P,
  ms: number,
): Promise<OutputOf<P> | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return (await Promise.race([theOutbox().settled(write.id), timeout])) as OutputOf<P> | undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Queues a write and waits for the server's answer (rejects when it is refused; waits while offline). */
export async function sendWrite<P extends WritePath>(
  path: P,
  input: InputOf<P>,
  options: EnqueueOptions,
): Promise<OutputOf<P>> {
  const outbox = theOutbox();
  const write = await queueWrite(path, input, options);
  return (await outbox.settled(write.id)) as OutputOf<P>;
}

let listening = false;

/**
 * Sends the signed-in user's writes (main shell, once the user is known), now and whenever the browser comes back
 * online: the session is refreshed first if a refresh failed offline, then the outbox drains without its backoff.
 */
export function startOutbox(userId: string): void {
  // Writes queued before a reload show again on top of the cached data (also while they cannot be sent).
  void theOutbox().setUser(userId).then(reapplyPending);
  if (listening) return;
  listening = true;
  window.addEventListener('online', () => {
    void refreshAfterReconnect().finally(() => void theOutbox().drain(true));
  });
}

/** Sign-out: nothing more is sent; the user's unsent writes stay on the device for their next sign-in. */
export function stopOutbox(): void {
  instance?.stop();
  void instance?.setUser(null);
}
