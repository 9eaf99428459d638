/** Workouts (sessions) and their sets: started empty or from a program day, logged set by set, finished. */
import { type DB, type Kysely, fitnessQueries as q } from '@lifeos/db';
import { decodeCursor, isInstant, isUuid, keysetPage } from '../common/pagination.js';
import { inTransaction } from '../common/transaction.js';
import { ValidationError } from '../errors.js';
import * as webhooksService from '../webhooks/webhooks.service.js';
import {
  ExerciseNotFoundError,
  ProgramDayNotFoundError,
  SessionAlreadyFinishedError,
  WorkoutSessionNotFoundError,
  WorkoutSetNotFoundError,
} from './fitness.errors.js';
import { E1RM_MAX_REPS, proposeWeight } from './fitness.rules.js';
import type {
  TFinishSessionInput,
  TFinishSessionResult,
  TListSessionsInput,
  TLogSetInput,
  TRelinkExerciseInput,
  TRelinkExerciseResult,
  TSessionPage,
  TSetType,
  TStartSessionInput,
  TUpdateSetInput,
  TWorkoutSession,
} from './fitness.schemas.js';
import { durationOf, type FitnessDeps, num } from './fitness.shared.js';

export async function getSession(deps: FitnessDeps, userId: string, id: string): Promise<TWorkoutSession> {
  const session = await q.findSession(deps.db, userId, id);
  if (!session) throw new WorkoutSessionNotFoundError();
  const sets = await q.listSets(deps.db, userId, id);
  return {
    ...session,
    durationS: durationOf(session),
    sets: sets.map((s) => ({ ...s, weightKg: num(s.weightKg), rpe: num(s.rpe), distanceM: num(s.distanceM) })),
  };
}

/** The set type the fields say: setType, else the older isWarmup flag; undefined when neither is given. */
const setTypeOf = (fields: { setType?: TSetType | undefined; isWarmup?: boolean | undefined }) =>
  fields.setType ?? (fields.isWarmup === undefined ? undefined : fields.isWarmup ? 'warmup' : 'normal');

/**
 * Starts a workout. From a program day, its exercises come pre-filled as planned sets (not yet completed) with
 * the weight the progression rule proposes; otherwise the workout starts empty.
 */
export async function startSession(deps: FitnessDeps, userId: string, input: TStartSessionInput) {
  const startedAt = input.startedAt ?? deps.clock.now();
  const id = await inTransaction(deps, async ({ db: trx }) => {
    if (!input.programDayId) {
      return (await q.insertSession(trx, { userId, name: input.name ?? 'Workout', programDayId: null, startedAt })).id;
    }
    const day = await q.findProgramDay(trx, userId, input.programDayId);
    if (!day) throw new ProgramDayNotFoundError();
    const { id } = await q.insertSession(trx, {
      userId,
      name: input.name ?? `${day.programName}: ${day.name}`,
      programDayId: day.id,
      startedAt,
    });
    const planned: Parameters<typeof q.insertSets>[1] = [];
    for (const e of await q.listProgramExercises(trx, userId, [day.id])) {
      const last = await q.lastWorkingSets(trx, userId, e.exerciseId);
      const weightKg = proposeWeight({
        targetWeightKg: num(e.targetWeightKg),
        repMax: e.repMax,
        incrementKg: Number(e.incrementKg),
        lastWorkingSets: last.map((s) => ({ reps: s.reps, weightKg: num(s.weightKg) })),
      });
      for (let i = 0; i < e.targetSets; i++) {
        planned.push({
          userId,
          sessionId: id,
          exerciseId: e.exerciseId,
          position: planned.length,
          reps: e.repMax ?? e.repMin,
          weightKg,
          rpe: e.targetRpe,
          completed: false,
        });
      }
    }
    await q.insertSets(trx, planned);
    return id;
  });
  return getSession(deps, userId, id);
}

function afterKey(cursor: string): { startedAt: Date; id: string } {
  const [startedAt, id] = decodeCursor(cursor, [isInstant, isUuid]) as [string, string];
  return { startedAt: new Date(startedAt), id };
}

/** Sessions newest first, a page at a time (keyset pagination). */
export async function listSessions(deps: FitnessDeps, userId: string, input: TListSessionsInput = {}) {
  const limit = input.limit ?? 20;
  const rows = await q.listSessions(deps.db, userId, {
    limit: limit + 1,
    after: input.cursor ? afterKey(input.cursor) : undefined,
  });
  const page = keysetPage(rows, limit, (last) => [last.startedAt.toISOString(), last.id]);
  const result: TSessionPage = {
    items: page.items.map((r) => ({
      ...r,
      durationS: durationOf(r),
      setCount: Number(r.setCount ?? 0),
      volumeKg: Number(r.volumeKg ?? 0),
    })),
    nextCursor: page.nextCursor,
  };
  return result;
}

async function usableExercise(db: Kysely<DB>, userId: string, exerciseId: string) {
  if (!(await q.findVisibleExercise(db, userId, exerciseId))) throw new ExerciseNotFoundError();
}

/** Logs a completed set at the end of the session; answers the whole session. */
export async function logSet(deps: FitnessDeps, userId: string, input: TLogSetInput) {
  const { sessionId, exerciseId, ...fields } = input;
  await inTransaction(deps, async ({ db: trx }) => {
    if (!(await q.findSession(trx, userId, sessionId, { lock: true }))) throw new WorkoutSessionNotFoundError();
    await usableExercise(trx, userId, exerciseId);
    await q.insertSets(trx, [
      {
        userId,
        sessionId,
        exerciseId,
        position: await q.nextSetPosition(trx, userId, sessionId),
        reps: fields.reps ?? null,
        weightKg: fields.weightKg ?? null,
        rpe: fields.rpe ?? null,
        durationS: fields.durationS ?? null,
        distanceM: fields.distanceM ?? null,
        setType: setTypeOf(fields) ?? 'normal',
        note: fields.note || null,
        completed: true,
      },
    ]);
  });
  return getSession(deps, userId, sessionId);
}

/** Changes a set; a planned set becomes logged unless `completed: false` is given. Answers the whole session. */
export async function updateSet(deps: FitnessDeps, userId: string, input: TUpdateSetInput) {
  const { id, exerciseId, completed, isWarmup: _isWarmup, setType: _setType, note, ...fields } = input;
  const set = await q.findSet(deps.db, userId, id);
  if (!set) throw new WorkoutSetNotFoundError();
  if (exerciseId !== undefined) await usableExercise(deps.db, userId, exerciseId);
  const after = { reps: set.reps, durationS: set.durationS, distanceM: set.distanceM, ...fields };
  if ((completed ?? true) && after.reps == null && after.durationS == null && after.distanceM == null) {
    throw new ValidationError('A set needs reps, a duration or a distance', 'reps');
  }
  const setType = setTypeOf(input);
  await q.updateSet(deps.db, userId, id, {
    ...fields,
    ...(setType !== undefined ? { setType } : {}),
    ...(note !== undefined ? { note: note || null } : {}),
    ...(exerciseId !== undefined ? { exerciseId } : {}),
    completed: completed ?? true,
  });
  return getSession(deps, userId, set.sessionId);
}

/**
 * Links the sets an imported file named `sourceName` to another exercise: in this session, or everywhere (all
 * of the user's sessions, and so later imports of the name, which follow the user's latest link).
 */
export async function relinkExercise(
  deps: FitnessDeps,
  userId: string,
  input: TRelinkExerciseInput,
): Promise<TRelinkExerciseResult> {
  const sets = await inTransaction(deps, async ({ db: trx }) => {
    if (!(await q.findSession(trx, userId, input.id))) throw new WorkoutSessionNotFoundError();
    await usableExercise(trx, userId, input.exerciseId);
    const scope = input.everywhere ? undefined : input.id;
    return q.relinkSourceName(trx, userId, input.sourceName, input.exerciseId, scope);
  });
  return { session: await getSession(deps, userId, input.id), sets };
}

export async function deleteSet(deps: FitnessDeps, userId: string, id: string) {
  const deleted = await q.deleteSet(deps.db, userId, id);
  if (!deleted) throw new WorkoutSetNotFoundError();
  return getSession(deps, userId, deleted.sessionId);
}

/**
 * Finishes a workout: planned sets never logged are dropped, and the answer lists the records this session set
 * (beating every other finished session; the first time an exercise is done counts).
 */
export async function finishSession(
  deps: FitnessDeps,
  userId: string,
  input: TFinishSessionInput,
): Promise<TFinishSessionResult> {
  const newRecords = await inTransaction(deps, async ({ db: trx }) => {
    const session = await q.findSession(trx, userId, input.id, { lock: true });
    if (!session) throw new WorkoutSessionNotFoundError();
    if (session.finishedAt) throw new SessionAlreadyFinishedError();
    const now = deps.clock.now();
    const finishedAt = input.finishedAt ?? new Date(Math.max(now.getTime(), session.startedAt.getTime()));
    if (finishedAt < session.startedAt) {
      throw new ValidationError('A workout cannot finish before it started', 'finishedAt');
    }
    await q.deletePlannedSets(trx, userId, input.id);
    await q.finishSession(trx, userId, input.id, {
      finishedAt,
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      updatedAt: now,
    });
    const changed = { finishedAt: finishedAt.toISOString(), startedAt: session.startedAt.toISOString() };
    await webhooksService.emit({ ...deps, db: trx }, userId, 'workout.finished', {
      id: input.id,
      object: 'workout',
      changed,
    });
    const bests = await q.sessionBestsAgainstHistory(trx, userId, input.id, E1RM_MAX_REPS);
    const kinds = [
      ['heaviestWeight', 'heaviest', 'prevHeaviest'],
      ['bestE1rm', 'bestE1rm', 'prevBestE1rm'],
      ['bestSetVolume', 'bestSetVolume', 'prevBestSetVolume'],
      ['bestSessionVolume', 'sessionVolume', 'prevSessionVolume'],
    ] as const;
    return bests.flatMap((b) =>
      kinds.flatMap(([kind, here, before]) => {
        const value = num(b[here]);
        const previous = num(b[before]);
        if (value === null || value <= 0 || (previous !== null && value <= previous)) return [];
        return [{ exerciseId: b.exerciseId, exerciseName: b.exerciseName, kind, valueKg: value, previousKg: previous }];
      }),
    );
  });
  return { session: await getSession(deps, userId, input.id), newRecords };
}

export async function deleteSession(deps: FitnessDeps, userId: string, id: string) {
  if (!(await q.deleteSession(deps.db, userId, id))) throw new WorkoutSessionNotFoundError();
}
