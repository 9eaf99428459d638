/** Programs: their days and exercises, written in one transaction, reordered, and the day that is due next. */
import { type DB, type Kysely, fitnessQueries as q } from '@lifeos/db';
import { inTransaction } from '../common/transaction.js';
import { InvalidProgramOrderError, ProgramNotFoundError, UnknownExerciseError } from './fitness.errors.js';
import { nextDayId } from './fitness.rules.js';
import type {
  TCreateProgramInput,
  TNextDay,
  TNextDayInput,
  TProgram,
  TProgramDayInput,
  TReorderProgramInput,
  TUpdateProgramInput,
} from './fitness.schemas.js';
import { type FitnessDeps, num } from './fitness.shared.js';

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
  const id = await inTransaction(deps, async ({ db: trx }) => {
    const { id } = await q.insertProgram(trx, { userId, name: input.name, notes: input.notes ?? null });
    await writeDays(trx, userId, id, input.days, []);
    return id;
  });
  return getProgram(deps, userId, id);
}

/** Replaces a program (days with an id are kept, others created, missing ones deleted) in one transaction. */
export async function updateProgram(deps: FitnessDeps, userId: string, input: TUpdateProgramInput) {
  await inTransaction(deps, async ({ db: trx }) => {
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
  await inTransaction(deps, async ({ db: trx }) => {
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
