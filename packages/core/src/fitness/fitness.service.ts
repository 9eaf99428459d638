import { TZDate } from '@date-fns/tz';
import { type DB, type Kysely, type NewWorkoutSet, fitnessQueries as q } from '@lifeos/db';
import { format } from 'date-fns';
import type { Clock } from '../clock.js';
import { userTimeZone } from '../common/time-zone.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import { type ExportSession, writeWorkoutCsv } from './fitness.csv-export.js';
import { type ParsedCsvSet, parseWorkoutCsv } from './fitness.csv-import.js';
import {
  ExerciseNameTakenError,
  ExerciseNotFoundError,
  InvalidProgramOrderError,
  InvalidSessionCursorError,
  ProgramDayNotFoundError,
  ProgramNotFoundError,
  SessionAlreadyFinishedError,
  UnknownExerciseError,
  WorkoutSessionNotFoundError,
  WorkoutSetNotFoundError,
} from './fitness.errors.js';
import { E1RM_MAX_REPS, nextDayId, proposeWeight } from './fitness.rules.js';
import type {
  TArchiveExerciseInput,
  TBodyWeight,
  TCreateExerciseInput,
  TCreateProgramInput,
  TCsvImportReport,
  TExercise,
  TExerciseRecords,
  TExportCsv,
  TFinishSessionInput,
  TFinishSessionResult,
  TImportCsvInput,
  TListBodyWeightInput,
  TListExercisesInput,
  TListSessionsInput,
  TLogBodyWeightInput,
  TLogSetInput,
  TNextDay,
  TNextDayInput,
  TProgram,
  TProgramDayInput,
  TRecord,
  TRecordsForExercise,
  TReorderProgramInput,
  TSessionPage,
  TStartSessionInput,
  TUpdateExerciseInput,
  TUpdateProgramInput,
  TUpdateSetInput,
  TWeeklyVolume,
  TWorkoutSession,
} from './fitness.schemas.js';

export interface FitnessDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/** numeric columns arrive as exact decimal strings. */
const num = (value: string | number | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

// ---------- exercises ----------

type ExerciseRow = Awaited<ReturnType<typeof q.insertExercise>>;

function toExercise(row: ExerciseRow): TExercise {
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    primaryMuscles: row.primaryMuscles as TExercise['primaryMuscles'],
    secondaryMuscles: row.secondaryMuscles as TExercise['secondaryMuscles'],
    equipment: row.equipment as TExercise['equipment'],
    builtIn: row.userId === null,
    archivedAt: row.archivedAt,
  };
}

export async function listExercises(deps: FitnessDeps, userId: string, input: TListExercisesInput = {}) {
  return (await q.listExercises(deps.db, userId, input)).map(toExercise);
}

export async function createExercise(deps: FitnessDeps, userId: string, input: TCreateExerciseInput) {
  if (await q.isExerciseNameTaken(deps.db, userId, input.name)) throw new ExerciseNameTakenError();
  try {
    const row = await q.insertExercise(deps.db, {
      userId,
      name: input.name,
      category: input.category,
      primaryMuscles: input.primaryMuscles,
      secondaryMuscles: input.secondaryMuscles ?? [],
      equipment: input.equipment,
    });
    return toExercise(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ExerciseNameTakenError();
    throw error;
  }
}

/** The user's own exercise, for a change; a built-in one is read-only, another user's does not exist. */
async function ownExercise(deps: FitnessDeps, userId: string, id: string) {
  const found = await q.findVisibleExercise(deps.db, userId, id);
  if (!found) throw new ExerciseNotFoundError();
  if (found.userId === null) throw new ForbiddenError('Built-in exercises cannot be changed; create your own');
  return found;
}

export async function updateExercise(deps: FitnessDeps, userId: string, input: TUpdateExerciseInput) {
  const { id, ...changes } = input;
  await ownExercise(deps, userId, id);
  if (changes.name !== undefined && (await q.isExerciseNameTaken(deps.db, userId, changes.name, id))) {
    throw new ExerciseNameTakenError();
  }
  try {
    const row = await q.updateOwnExercise(deps.db, userId, id, { ...changes, updatedAt: deps.clock.now() });
    if (!row) throw new ExerciseNotFoundError();
    return toExercise(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ExerciseNameTakenError();
    throw error;
  }
}

/** Archives (hides from the list, keeps history) or, with `archived: false`, restores. */
export async function archiveExercise(deps: FitnessDeps, userId: string, input: TArchiveExerciseInput) {
  await ownExercise(deps, userId, input.id);
  const now = deps.clock.now();
  const row = await q.updateOwnExercise(deps.db, userId, input.id, {
    archivedAt: input.archived === false ? null : now,
    updatedAt: now,
  });
  if (!row) throw new ExerciseNotFoundError();
  return toExercise(row);
}

// ---------- programs ----------

export async function listPrograms(deps: FitnessDeps, userId: string) {
  const rows = await q.listPrograms(deps.db, userId);
  return rows.map((r) => ({ ...r, dayCount: Number(r.dayCount ?? 0) }));
}

export async function getProgram(deps: FitnessDeps, userId: string, id: string): Promise<TProgram> {
  const program = await q.findProgram(deps.db, userId, id);
  if (!program) throw new ProgramNotFoundError();
  const days = await q.listProgramDays(deps.db, userId, id);
  const exercises = await q.listProgramExercises(
    deps.db,
    userId,
    days.map((d) => d.id),
  );
  return {
    ...program,
    days: days.map((day) => ({
      ...day,
      exercises: exercises
        .filter((e) => e.programDayId === day.id)
        .map(({ programDayId: _, ...e }) => ({
          ...e,
          targetWeightKg: num(e.targetWeightKg),
          targetRpe: num(e.targetRpe),
          incrementKg: Number(e.incrementKg),
        })),
    })),
  };
}

/** Writes a program's days and their exercises (inside the caller's transaction). */
async function writeDays(
  trx: Kysely<DB>,
  userId: string,
  programId: string,
  days: TProgramDayInput[],
  existingDayIds: string[],
) {
  const wanted = [...new Set(days.flatMap((d) => d.exercises.map((e) => e.exerciseId)))];
  const usable = await q.visibleExerciseIds(trx, userId, wanted);
  days.forEach((day, d) => {
    day.exercises.forEach((e, i) => {
      if (!usable.has(e.exerciseId)) throw new UnknownExerciseError(`days.${d}.exercises.${i}.exerciseId`);
    });
  });
  const existing = new Set(existingDayIds);
  const given = days.map((d) => d.id).filter((id): id is string => id !== undefined);
  if (new Set(given).size !== given.length) throw new InvalidProgramOrderError('A day is listed twice');
  given.forEach((id) => {
    if (!existing.has(id)) throw new InvalidProgramOrderError('A day id does not belong to this program');
  });
  const kept = new Set(given);
  await q.deleteProgramDays(
    trx,
    userId,
    existingDayIds.filter((id) => !kept.has(id)),
  );
  await q.deleteProgramExercisesOfDays(trx, userId, given);

  const rows: Parameters<typeof q.insertProgramExercises>[1] = [];
  for (const [position, day] of days.entries()) {
    let dayId = day.id;
    if (dayId) await q.updateProgramDay(trx, userId, dayId, { name: day.name, position });
    else dayId = (await q.insertProgramDay(trx, { userId, programId, position, name: day.name })).id;
    for (const [i, e] of day.exercises.entries()) {
      rows.push({
        userId,
        programDayId: dayId,
        exerciseId: e.exerciseId,
        position: i,
        supersetGroup: e.supersetGroup ?? null,
        targetSets: e.targetSets,
        repMin: e.repMin ?? null,
        repMax: e.repMax ?? null,
        targetWeightKg: e.targetWeightKg ?? null,
        targetRpe: e.targetRpe ?? null,
        targetRir: e.targetRir ?? null,
        restSeconds: e.restSeconds ?? null,
        ...(e.incrementKg !== undefined ? { incrementKg: e.incrementKg } : {}),
      });
    }
  }
  await q.insertProgramExercises(trx, rows);
}

/** Creates a program with all its days and exercises in one transaction. */
export async function createProgram(deps: FitnessDeps, userId: string, input: TCreateProgramInput) {
  const id = await deps.db.transaction().execute(async (trx) => {
    const { id } = await q.insertProgram(trx, { userId, name: input.name, notes: input.notes ?? null });
    await writeDays(trx, userId, id, input.days, []);
    return id;
  });
  return getProgram(deps, userId, id);
}

/** Replaces a program (days with an id are kept, others created, missing ones deleted) in one transaction. */
export async function updateProgram(deps: FitnessDeps, userId: string, input: TUpdateProgramInput) {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await q.lockProgram(trx, userId, input.id))) throw new ProgramNotFoundError();
    const existing = await q.listProgramDays(trx, userId, input.id);
    await q.updateProgram(trx, userId, input.id, {
      name: input.name,
      notes: input.notes ?? null,
      updatedAt: deps.clock.now(),
    });
    await writeDays(
      trx,
      userId,
      input.id,
      input.days,
      existing.map((d) => d.id),
    );
  });
  return getProgram(deps, userId, input.id);
}

export async function deleteProgram(deps: FitnessDeps, userId: string, id: string) {
  if (!(await q.deleteProgram(deps.db, userId, id))) throw new ProgramNotFoundError();
}

/**
 * Puts the days, and the exercises within (and across) days, in the given order: one call, one transaction. The
 * input must list every day and every exercise of the program exactly once.
 */
export async function reorderProgram(deps: FitnessDeps, userId: string, input: TReorderProgramInput) {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await q.lockProgram(trx, userId, input.id))) throw new ProgramNotFoundError();
    const days = await q.listProgramDays(trx, userId, input.id);
    const exercises = await q.listProgramExercises(
      trx,
      userId,
      days.map((d) => d.id),
    );
    const sameSet = (a: string[], b: string[]) =>
      a.length === b.length && new Set(a).size === a.length && b.every((x) => a.includes(x));
    if (
      !sameSet(
        input.days.map((d) => d.id),
        days.map((d) => d.id),
      )
    ) {
      throw new InvalidProgramOrderError('List every day of the program exactly once');
    }
    if (
      !sameSet(
        input.days.flatMap((d) => d.exerciseIds),
        exercises.map((e) => e.id),
      )
    ) {
      throw new InvalidProgramOrderError('List every exercise of the program exactly once');
    }
    for (const [position, day] of input.days.entries()) {
      await q.updateProgramDay(trx, userId, day.id, { position });
      for (const [i, exerciseId] of day.exerciseIds.entries()) {
        await q.moveProgramExercise(trx, userId, exerciseId, { programDayId: day.id, position: i });
      }
    }
    await q.touchProgram(trx, userId, input.id, deps.clock.now());
  });
  return getProgram(deps, userId, input.id);
}

/**
 * The program day that is due: the day after the one of the last finished session of the program (cycling). With
 * no program given, the program trained last (or, never trained, the newest one). Null without programs.
 */
export async function nextDay(deps: FitnessDeps, userId: string, input: TNextDayInput = {}): Promise<TNextDay> {
  let programId = input.programId;
  if (programId && !(await q.findProgram(deps.db, userId, programId))) throw new ProgramNotFoundError();
  const last = await q.lastFinishedProgramSession(deps.db, userId, programId);
  programId ??= last?.programId ?? (await q.newestProgramId(deps.db, userId));
  if (!programId) return null;
  const program = await q.findProgram(deps.db, userId, programId);
  const days = await q.listProgramDays(deps.db, userId, programId);
  const dueId = nextDayId(
    days.map((d) => d.id),
    last?.programId === programId ? last.programDayId : null,
  );
  const day = days.find((d) => d.id === dueId);
  if (!program || !day) return null;
  return {
    programId,
    programName: program.name,
    day,
    lastFinishedAt: last?.programId === programId ? last.finishedAt : null,
  };
}

// ---------- sessions ----------

export async function getSession(deps: FitnessDeps, userId: string, id: string): Promise<TWorkoutSession> {
  const session = await q.findSession(deps.db, userId, id);
  if (!session) throw new WorkoutSessionNotFoundError();
  const sets = await q.listSets(deps.db, userId, id);
  return {
    ...session,
    sets: sets.map((s) => ({ ...s, weightKg: num(s.weightKg), rpe: num(s.rpe), distanceM: num(s.distanceM) })),
  };
}

/**
 * Starts a workout. From a program day, its exercises come pre-filled as planned sets (not yet completed) with
 * the weight the progression rule proposes; otherwise the workout starts empty.
 */
export async function startSession(deps: FitnessDeps, userId: string, input: TStartSessionInput) {
  const startedAt = input.startedAt ?? deps.clock.now();
  const id = await deps.db.transaction().execute(async (trx) => {
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

interface Cursor {
  startedAt: Date;
  id: string;
}

const encodeCursor = (c: Cursor) =>
  Buffer.from(JSON.stringify([c.startedAt.toISOString(), c.id])).toString('base64url');

function decodeCursor(raw: string): Cursor {
  try {
    const [iso, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown];
    const startedAt = new Date(String(iso));
    if (
      typeof iso !== 'string' ||
      Number.isNaN(startedAt.getTime()) ||
      typeof id !== 'string' ||
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ) {
      throw new Error('bad cursor');
    }
    return { startedAt, id };
  } catch {
    throw new InvalidSessionCursorError();
  }
}

/** Sessions newest first, a page at a time (keyset pagination). */
export async function listSessions(deps: FitnessDeps, userId: string, input: TListSessionsInput = {}) {
  const limit = input.limit ?? 20;
  const rows = await q.listSessions(deps.db, userId, {
    limit: limit + 1,
    after: input.cursor ? decodeCursor(input.cursor) : undefined,
  });
  const items = rows.slice(0, limit).map((r) => ({
    ...r,
    setCount: Number(r.setCount ?? 0),
    volumeKg: Number(r.volumeKg ?? 0),
  }));
  const lastItem = items.at(-1);
  const page: TSessionPage = {
    items,
    nextCursor: rows.length > limit && lastItem ? encodeCursor(lastItem) : null,
  };
  return page;
}

async function usableExercise(db: Kysely<DB>, userId: string, exerciseId: string) {
  if (!(await q.findVisibleExercise(db, userId, exerciseId))) throw new ExerciseNotFoundError();
}

/** Logs a completed set at the end of the session; answers the whole session. */
export async function logSet(deps: FitnessDeps, userId: string, input: TLogSetInput) {
  const { sessionId, exerciseId, ...fields } = input;
  await deps.db.transaction().execute(async (trx) => {
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
        isWarmup: fields.isWarmup ?? false,
        completed: true,
      },
    ]);
  });
  return getSession(deps, userId, sessionId);
}

/** Changes a set; a planned set becomes logged unless `completed: false` is given. Answers the whole session. */
export async function updateSet(deps: FitnessDeps, userId: string, input: TUpdateSetInput) {
  const { id, exerciseId, completed, ...fields } = input;
  const set = await q.findSet(deps.db, userId, id);
  if (!set) throw new WorkoutSetNotFoundError();
  if (exerciseId !== undefined) await usableExercise(deps.db, userId, exerciseId);
  const after = { reps: set.reps, durationS: set.durationS, distanceM: set.distanceM, ...fields };
  if ((completed ?? true) && after.reps == null && after.durationS == null && after.distanceM == null) {
    throw new ValidationError('A set needs reps, a duration or a distance', 'reps');
  }
  await q.updateSet(deps.db, userId, id, {
    ...fields,
    ...(exerciseId !== undefined ? { exerciseId } : {}),
    completed: completed ?? true,
  });
  return getSession(deps, userId, set.sessionId);
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
  const newRecords = await deps.db.transaction().execute(async (trx) => {
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

// ---------- records and stats ----------

function groupRecords(rows: q.RecordRow[]): TExerciseRecords[] {
  const byExercise = new Map<string, TExerciseRecords>();
  for (const row of rows) {
    let entry = byExercise.get(row.exerciseId);
    if (!entry) {
      entry = {
        exerciseId: row.exerciseId,
        exerciseName: row.exerciseName,
        heaviestWeight: null,
        bestE1rm: null,
        bestSetVolume: null,
        bestSessionVolume: null,
      };
      byExercise.set(row.exerciseId, entry);
    }
    const record: TRecord = {
      valueKg: Number(row.value),
      reps: row.reps,
      sessionId: row.sessionId,
      achievedAt: row.startedAt,
    };
    entry[row.kind] = record;
  }
  return [...byExercise.values()];
}

/** Every exercise the user has records in, with its four records. */
export async function listRecords(deps: FitnessDeps, userId: string) {
  return groupRecords(await q.records(deps.db, userId, E1RM_MAX_REPS));
}

export async function recordsForExercise(
  deps: FitnessDeps,
  userId: string,
  exerciseId: string,
): Promise<TRecordsForExercise> {
  const exercise = await q.findVisibleExercise(deps.db, userId, exerciseId);
  if (!exercise) throw new ExerciseNotFoundError();
  const [records] = groupRecords(await q.records(deps.db, userId, E1RM_MAX_REPS, exerciseId));
  const history = await q.exerciseHistory(deps.db, userId, exerciseId, E1RM_MAX_REPS);
  return {
    records: records ?? {
      exerciseId,
      exerciseName: exercise.name,
      heaviestWeight: null,
      bestE1rm: null,
      bestSetVolume: null,
      bestSessionVolume: null,
    },
    history: history.map((h) => ({
      sessionId: h.sessionId,
      date: h.startedAt,
      heaviestKg: num(h.heaviest),
      bestE1rmKg: num(h.bestE1rm),
      volumeKg: Number(h.volume),
    })),
  };
}

export async function weeklyVolume(deps: FitnessDeps, userId: string, weeks: number): Promise<TWeeklyVolume> {
  const rows = await q.weeklyVolume(deps.db, userId, weeks, deps.clock.now());
  return rows.map((r) => ({ ...r, muscle: r.muscle as TWeeklyVolume[number]['muscle'], volumeKg: Number(r.volumeKg) }));
}

// ---------- body weight ----------

/** Records the day's body weight (a second entry for the same day replaces the first). */
export async function logBodyWeight(
  deps: FitnessDeps,
  userId: string,
  input: TLogBodyWeightInput,
): Promise<TBodyWeight> {
  const row = await q.upsertBodyWeight(deps.db, userId, input.date, input.weightKg, deps.clock.now());
  return { id: row.id, date: row.measuredOn, weightKg: Number(row.weightKg) };
}

export async function listBodyWeights(
  deps: FitnessDeps,
  userId: string,
  input: TListBodyWeightInput = {},
): Promise<TBodyWeight[]> {
  const rows = await q.listBodyWeights(deps.db, userId, input);
  return rows.map((r) => ({ id: r.id, date: r.measuredOn, weightKg: Number(r.weightKg) }));
}

// ---------- CSV import and export ----------

/**
 * Names Strong and Hevy use for exercises the library spells differently (lower-cased → library name). Names that
 * match the library or the user's own exercises (any case) need no entry.
 */
export const EXERCISE_ALIASES: Record<string, string> = {
  'bench press': 'Bench Press (Barbell)',
  squat: 'Squat (Barbell)',
  deadlift: 'Deadlift (Barbell)',
  'pull up': 'Pull-Up',
  'pull-up': 'Pull-Up',
  'chin up': 'Chin-Up',
  'push up': 'Push-Up',
  'sit up': 'Sit-Up',
  'lat pulldown (machine)': 'Lat Pulldown (Cable)',
  'overhead press (dumbbell)': 'Seated Overhead Press (Dumbbell)',
  'shoulder press (dumbbell)': 'Seated Overhead Press (Dumbbell)',
  'triceps pushdown (cable - straight bar)': 'Triceps Pushdown (Cable)',
  'triceps pushdown (cable - rope)': 'Triceps Pushdown (Cable)',
  'triceps pushdown': 'Triceps Pushdown (Cable)',
  'leg press (machine)': 'Leg Press',
  'hip thrust': 'Hip Thrust (Barbell)',
  treadmill: 'Running (Treadmill)',
  'running (outdoor)': 'Running',
  'stationary bike': 'Cycling (Stationary)',
  'cycling (indoor)': 'Cycling (Stationary)',
  rowing: 'Rowing (Machine)',
  'rowing machine': 'Rowing (Machine)',
  elliptical: 'Elliptical Trainer',
  // Strong in French
  'curl (haltère)': 'Bicep Curl (Dumbbell)',
  'élévations latérales (haltère)': 'Lateral Raise (Dumbbell)',
  'développé couché (barre)': 'Bench Press (Barbell)',
  'squat (barre)': 'Squat (Barbell)',
  'soulevé de terre (barre)': 'Deadlift (Barbell)',
};

const EQUIPMENT_WORDS: Array<[RegExp, TExercise['equipment']]> = [
  [/smith/i, 'smith_machine'],
  [/\((barbell|barre)\b/i, 'barbell'],
  [/\((dumbbell|haltère)/i, 'dumbbell'],
  [/\(kettlebell/i, 'kettlebell'],
  [/\(cable/i, 'cable'],
  [/\(machine/i, 'machine'],
  [/\(band/i, 'band'],
  [/\(bodyweight|\(assisted/i, 'bodyweight'],
];

/** A new exercise for a name that matched nothing: cardio if it has distances or only times, equipment by name. */
function newExerciseFor(name: string, sets: ParsedCsvSet[]) {
  const cardio = sets.some((s) => s.distanceM !== null) || sets.every((s) => s.reps === null && s.weightKg === null);
  return {
    name,
    category: cardio ? ('cardio' as const) : ('strength' as const),
    // Muscles are unknown: the user can add them (until then the exercise counts in no muscle's weekly volume).
    primaryMuscles: [] as string[],
    secondaryMuscles: [] as string[],
    equipment: EQUIPMENT_WORDS.find(([re]) => re.test(name))?.[1] ?? 'other',
  };
}

class DryRunRollback extends Error {
  constructor(readonly report: TCsvImportReport) {
    super('dry run');
  }
}

/**
 * Imports a Strong or Hevy CSV export (see fitness.csv-import.ts) as finished sessions, in one transaction. Exercise
 * names are matched, any case, to the user's own exercises first, then the library, then EXERCISE_ALIASES; the
 * rest are created as the user's own. Idempotent: a workout whose start time and name are already in the history
 * is left alone (so importing the same file twice adds nothing; imports of one user run one at a time). Dates
 * are read in the user's time zone, so after a change of time zone the same file would import again. A dry run
 * does all of it and rolls back.
 */
export async function importCsv(deps: FitnessDeps, userId: string, input: TImportCsvInput): Promise<TCsvImportReport> {
  const parsed = parseWorkoutCsv(input.csv, { timeZone: await userTimeZone(deps.db, userId) });
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await q.lockUserForImport(trx, userId);
      const workouts = parsed.workouts;
      const first = workouts[0];
      const last = workouts.at(-1);
      const existing = new Set(
        first && last
          ? (await q.sessionsStartedBetween(trx, userId, first.startedAt, last.startedAt)).map(
              (s) => `${s.startedAt.getTime()}\u0000${s.name}`,
            )
          : [],
      );
      const fresh = workouts.filter((w) => !existing.has(`${w.startedAt.getTime()}\u0000${w.name}`));

      // Resolve every exercise name of the new workouts.
      const setsByName = new Map<string, { name: string; sets: ParsedCsvSet[] }>();
      for (const set of fresh.flatMap((w) => w.sets)) {
        const key = set.exerciseName.toLowerCase();
        const entry = setsByName.get(key) ?? { name: set.exerciseName, sets: [] };
        entry.sets.push(set);
        setsByName.set(key, entry);
      }
      const candidates = [...setsByName.keys()].flatMap((key) => [key, EXERCISE_ALIASES[key] ?? key]);
      const byName = new Map<string, { id: string; own: boolean }>();
      for (const row of await q.findExercisesByNames(trx, userId, [...new Set(candidates)])) {
        const key = row.name.toLowerCase();
        if (!byName.get(key)?.own) byName.set(key, { id: row.id, own: row.userId !== null });
      }
      const exerciseIds = new Map<string, string>();
      const exercisesCreated: string[] = [];
      for (const [key, { name, sets }] of setsByName) {
        const alias = EXERCISE_ALIASES[key]?.toLowerCase();
        let id = byName.get(key)?.id ?? (alias ? byName.get(alias)?.id : undefined);
        if (!id) {
          id = (await q.insertExercise(trx, { userId, ...newExerciseFor(name, sets) })).id;
          exercisesCreated.push(name);
        }
        exerciseIds.set(key, id);
      }

      const sessionIds = await q.insertFinishedSessions(
        trx,
        fresh.map((w) => ({ userId, name: w.name, startedAt: w.startedAt, finishedAt: w.finishedAt, notes: w.notes })),
      );
      const sets: NewWorkoutSet[] = fresh.flatMap((w, i) =>
        w.sets.map((s, position) => ({
          userId,
          sessionId: sessionIds[i] as string,
          exerciseId: exerciseIds.get(s.exerciseName.toLowerCase()) as string,
          position,
          reps: s.reps,
          weightKg: s.weightKg,
          rpe: s.rpe,
          durationS: s.durationS,
          distanceM: s.distanceM,
          isWarmup: s.isWarmup,
          completed: true,
        })),
      );
      await q.insertSetsInChunks(trx, sets);
      const report: TCsvImportReport = {
        dryRun: input.dryRun === true,
        sessions: fresh.length,
        sets: sets.length,
        alreadyImported: workouts.length - fresh.length,
        exercisesCreated,
        skippedRows: parsed.skippedRows,
        warnings: parsed.warnings,
      };
      if (input.dryRun) throw new DryRunRollback(report);
      return report;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
}

/** The user's finished sessions as a CSV in the current Strong shape (see writeWorkoutCsv). */
export async function exportCsv(deps: FitnessDeps, userId: string): Promise<TExportCsv> {
  const timeZone = await userTimeZone(deps.db, userId);
  const sessions: ExportSession[] = [];
  let current: (ExportSession & { id: string }) | undefined;
  for (const row of await q.exportSets(deps.db, userId)) {
    if (current?.id !== row.sessionId) {
      current = {
        id: row.sessionId,
        name: row.sessionName,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt ?? row.startedAt,
        sets: [],
      };
      sessions.push(current);
    }
    current.sets.push({
      exerciseName: row.exerciseName,
      isWarmup: row.isWarmup,
      reps: row.reps,
      weightKg: num(row.weightKg),
      rpe: num(row.rpe),
      durationS: row.durationS,
      distanceM: num(row.distanceM),
    });
  }
  const today = format(new TZDate(deps.clock.now().getTime(), timeZone), 'yyyy-MM-dd');
  return { csv: writeWorkoutCsv(sessions, { timeZone }), filename: `lifeos-workouts-${today}.csv` };
}
