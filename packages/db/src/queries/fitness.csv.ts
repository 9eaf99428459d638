// The CSV import's and export's queries. Every query is scoped by the caller's user id.
import { type Kysely, sql } from 'kysely';
import type { DB, NewWorkoutSet, WorkoutExerciseNote } from '../database.js';

/** Serialises imports of one user (a second import of the same file waits, then finds it imported). */
export async function lockUserForImport(db: Kysely<DB>, userId: string) {
  await db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst();
}

/** Start and name of the user's sessions started within [from, to] (the import's duplicate check; indexed). */
export async function sessionsStartedBetween(db: Kysely<DB>, userId: string, from: Date, to: Date) {
  return db
    .selectFrom('workoutSessions')
    .select(['startedAt', 'name'])
    .where('userId', '=', userId)
    .where('startedAt', '>=', from)
    .where('startedAt', '<=', to)
    .execute();
}

/** Inserts finished sessions (in chunks); answers their ids in the order given. */
export async function insertFinishedSessions(
  db: Kysely<DB>,
  sessions: Array<{
    userId: string;
    name: string;
    startedAt: Date;
    finishedAt: Date;
    notes: string | null;
    exerciseNotes: WorkoutExerciseNote[];
  }>,
) {
  const ids: string[] = [];
  for (let i = 0; i < sessions.length; i += 1000) {
    const chunk = sessions.slice(i, i + 1000).map(({ exerciseNotes, ...s }) => ({
      ...s,
      programDayId: null,
      exerciseNotes: sql<WorkoutExerciseNote[]>`cast(${JSON.stringify(exerciseNotes)} as jsonb)`,
    }));
    const rows = await db.insertInto('workoutSessions').values(chunk).returning('id').execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** Inserts sets in chunks (a big import stays under the bind-parameter limit). */
export async function insertSetsInChunks(db: Kysely<DB>, sets: NewWorkoutSet[]) {
  for (let i = 0; i < sets.length; i += 1000) {
    await db
      .insertInto('workoutSets')
      .values(sets.slice(i, i + 1000))
      .execute();
  }
}

/** Every completed set of the user's finished sessions, oldest session first, in set order (for the export). */
export async function exportSets(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('workoutSessions as ws')
    .innerJoin('workoutSets as s', (join) => join.onRef('s.sessionId', '=', 'ws.id').on('s.userId', '=', userId))
    .innerJoin('exercises as e', 'e.id', 's.exerciseId')
    .select([
      'ws.id as sessionId',
      'ws.name as sessionName',
      'ws.startedAt',
      'ws.finishedAt',
      'ws.notes as sessionNotes',
      'ws.exerciseNotes',
      'e.name as exerciseName',
      's.sourceName',
      's.position',
      's.setType',
      's.note',
      's.reps',
      's.weightKg',
      's.rpe',
      's.durationS',
      's.distanceM',
    ])
    .where('ws.userId', '=', userId)
    .where('ws.finishedAt', 'is not', null)
    .where('s.completed', '=', true)
    .orderBy('ws.startedAt')
    .orderBy('ws.id')
    .orderBy('s.position')
    .execute();
}

/**
 * The exercise each of these file names (lower-cased) was last linked to in the user's sets, so that a relink the
 * user made holds for the next import of the same name.
 */
export async function linksBySourceName(db: Kysely<DB>, userId: string, lowerNames: string[]) {
  if (lowerNames.length === 0) return [];
  return db
    .selectFrom('workoutSets')
    .select([sql<string>`lower(source_name)`.as('name'), 'exerciseId'])
    .distinctOn(sql`lower(source_name)`)
    .where('userId', '=', userId)
    .where(sql<string>`lower(source_name)`, 'in', lowerNames)
    .orderBy(sql`lower(source_name)`)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
