// Programs, their days and their exercises. Every query is scoped by the caller's user id.
import type { Kysely } from 'kysely';
import type { DB, NewProgramDay, NewProgramExercise } from '../database.js';

export async function listPrograms(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('programs')
    .select((eb) => [
      'programs.id',
      'programs.name',
      'programs.notes',
      'programs.updatedAt',
      eb
        .selectFrom('programDays')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('programDays.programId', '=', 'programs.id')
        .where('programDays.userId', '=', userId)
        .as('dayCount'),
    ])
    .where('programs.userId', '=', userId)
    .orderBy('programs.createdAt', 'desc')
    .orderBy('programs.id')
    .execute();
}

export async function findProgram(db: Kysely<DB>, userId: string, id: string) {
  return db
    .selectFrom('programs')
    .select(['id', 'name', 'notes', 'createdAt', 'updatedAt'])
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
}

/** Locks the program row for the rest of the transaction (concurrent edits and reorders queue up). */
export async function lockProgram(db: Kysely<DB>, userId: string, id: string) {
  return db
    .selectFrom('programs')
    .select('id')
    .where('id', '=', id)
    .where('userId', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

export async function listProgramDays(db: Kysely<DB>, userId: string, programId: string) {
  return db
    .selectFrom('programDays')
    .select(['id', 'name', 'position'])
    .where('userId', '=', userId)
    .where('programId', '=', programId)
    .orderBy('position')
    .execute();
}

export async function listProgramExercises(db: Kysely<DB>, userId: string, dayIds: string[]) {
  if (dayIds.length === 0) return [];
  return db
    .selectFrom('programExercises as pe')
    .innerJoin('exercises as e', 'e.id', 'pe.exerciseId')
    .select([
      'pe.id',
      'pe.programDayId',
      'pe.exerciseId',
      'e.name as exerciseName',
      'pe.position',
      'pe.supersetGroup',
      'pe.targetSets',
      'pe.repMin',
      'pe.repMax',
      'pe.targetWeightKg',
      'pe.targetRpe',
      'pe.targetRir',
      'pe.restSeconds',
      'pe.incrementKg',
    ])
    .where('pe.userId', '=', userId)
    .where('pe.programDayId', 'in', dayIds)
    .orderBy('pe.programDayId')
    .orderBy('pe.position')
    .execute();
}

export async function insertProgram(db: Kysely<DB>, program: { userId: string; name: string; notes: string | null }) {
  return db.insertInto('programs').values(program).returning('id').executeTakeFirstOrThrow();
}

export async function updateProgram(
  db: Kysely<DB>,
  userId: string,
  id: string,
  update: { name: string; notes: string | null; updatedAt: Date },
) {
  await db.updateTable('programs').set(update).where('id', '=', id).where('userId', '=', userId).execute();
}

export async function touchProgram(db: Kysely<DB>, userId: string, id: string, now: Date) {
  await db.updateTable('programs').set({ updatedAt: now }).where('id', '=', id).where('userId', '=', userId).execute();
}

export async function deleteProgram(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('programs').where('id', '=', id).where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function insertProgramDay(db: Kysely<DB>, day: NewProgramDay) {
  return db.insertInto('programDays').values(day).returning('id').executeTakeFirstOrThrow();
}

export async function updateProgramDay(
  db: Kysely<DB>,
  userId: string,
  id: string,
  update: { name?: string; position: number },
) {
  await db.updateTable('programDays').set(update).where('id', '=', id).where('userId', '=', userId).execute();
}

export async function deleteProgramDays(db: Kysely<DB>, userId: string, ids: string[]) {
  if (ids.length === 0) return;
  await db.deleteFrom('programDays').where('userId', '=', userId).where('id', 'in', ids).execute();
}

export async function deleteProgramExercisesOfDays(db: Kysely<DB>, userId: string, dayIds: string[]) {
  if (dayIds.length === 0) return;
  await db.deleteFrom('programExercises').where('userId', '=', userId).where('programDayId', 'in', dayIds).execute();
}

export async function insertProgramExercises(db: Kysely<DB>, rows: NewProgramExercise[]) {
  if (rows.length === 0) return;
  await db.insertInto('programExercises').values(rows).execute();
}

export async function moveProgramExercise(
  db: Kysely<DB>,
  userId: string,
  id: string,
  to: { programDayId: string; position: number },
) {
  await db.updateTable('programExercises').set(to).where('id', '=', id).where('userId', '=', userId).execute();
}

/** A program day of the user's, with its program. */
export async function findProgramDay(db: Kysely<DB>, userId: string, dayId: string) {
  return db
    .selectFrom('programDays as d')
    .innerJoin('programs as p', 'p.id', 'd.programId')
    .select(['d.id', 'd.name', 'd.position', 'd.programId', 'p.name as programName'])
    .where('d.id', '=', dayId)
    .where('d.userId', '=', userId)
    .executeTakeFirst();
}

/**
 * The most recently finished session done on a day of a program (of `programId`, or of any program), with that
 * day's program. Uses the (user_id, finished_at) index, newest first.
 */
export async function lastFinishedProgramSession(db: Kysely<DB>, userId: string, programId?: string) {
  let query = db
    .selectFrom('workoutSessions as s')
    .innerJoin('programDays as d', 'd.id', 's.programDayId')
    .select(['s.programDayId', 's.finishedAt', 'd.programId'])
    .where('s.userId', '=', userId)
    .where('s.finishedAt', 'is not', null);
  if (programId) query = query.where('d.programId', '=', programId);
  return query.orderBy('s.finishedAt', 'desc').limit(1).executeTakeFirst();
}

export async function newestProgramId(db: Kysely<DB>, userId: string) {
  const row = await db
    .selectFrom('programs')
    .select('id')
    .where('userId', '=', userId)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
