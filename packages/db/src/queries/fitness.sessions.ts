// Workouts (sessions) and their sets. Every query is scoped by the caller's user id.
import { type Kysely, sql } from 'kysely';
import type { DB, NewWorkoutSet, WorkoutSetUpdate } from '../database.js';

const sessionColumns = ['id', 'name', 'programDayId', 'startedAt', 'finishedAt', 'notes', 'exerciseNotes'] as const;

export async function insertSession(
  db: Kysely<DB>,
  session: { userId: string; name: string; programDayId: string | null; startedAt: Date },
) {
  return db.insertInto('workoutSessions').values(session).returning('id').executeTakeFirstOrThrow();
}

export async function findSession(db: Kysely<DB>, userId: string, id: string, options: { lock?: boolean } = {}) {
  let query = db.selectFrom('workoutSessions').select(sessionColumns).where('id', '=', id).where('userId', '=', userId);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listSets(db: Kysely<DB>, userId: string, sessionId: string) {
  return db
    .selectFrom('workoutSets as s')
    .innerJoin('exercises as e', 'e.id', 's.exerciseId')
    .select([
      's.id',
      's.exerciseId',
      'e.name as exerciseName',
      's.position',
      's.reps',
      's.weightKg',
      's.rpe',
      's.durationS',
      's.distanceM',
      's.setType',
      's.isWarmup',
      's.note',
      's.sourceName',
      's.completed',
    ])
    .where('s.userId', '=', userId)
    .where('s.sessionId', '=', sessionId)
    .orderBy('s.position')
    .execute();
}

/** One page of sessions, newest first, after the keyset (startedAt, id) of the previous page's last one. */
export async function listSessions(
  db: Kysely<DB>,
  userId: string,
  options: { limit: number; after?: { startedAt: Date; id: string } | undefined },
) {
  let query = db
    .selectFrom('workoutSessions as ws')
    .select((eb) => [
      'ws.id',
      'ws.name',
      'ws.programDayId',
      'ws.startedAt',
      'ws.finishedAt',
      eb
        .selectFrom('workoutSets as s')
        .select(sql<string>`count(*) filter (where s.completed)::int`.as('n'))
        .whereRef('s.sessionId', '=', 'ws.id')
        .where('s.userId', '=', userId)
        .as('setCount'),
      eb
        .selectFrom('workoutSets as s')
        .select(
          sql<string>`coalesce(sum(s.weight_kg * s.reps) filter (where s.completed and not s.is_warmup), 0)`.as('v'),
        )
        .whereRef('s.sessionId', '=', 'ws.id')
        .where('s.userId', '=', userId)
        .as('volumeKg'),
    ])
    .where('ws.userId', '=', userId);
  if (options.after) {
    const { startedAt, id } = options.after;
    query = query.where(sql<boolean>`(ws.started_at, ws.id) < (${startedAt}, ${id}::uuid)`);
  }
  return query.orderBy('ws.startedAt', 'desc').orderBy('ws.id', 'desc').limit(options.limit).execute();
}

/** Finished sessions whose finish lies in [from, to), for the agenda (the (user_id, finished_at) partial index). */
export async function listFinishedSessionsInRange(db: Kysely<DB>, userId: string, from: Date, to: Date, limit: number) {
  return db
    .selectFrom('workoutSessions')
    .select(['id', 'name', 'startedAt', 'finishedAt'])
    .where('userId', '=', userId)
    .where('finishedAt', 'is not', null)
    .where('finishedAt', '>=', from)
    .where('finishedAt', '<', to)
    .orderBy('finishedAt')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function finishSession(
  db: Kysely<DB>,
  userId: string,
  id: string,
  update: { finishedAt: Date; notes?: string | null; updatedAt: Date },
) {
  await db.updateTable('workoutSessions').set(update).where('id', '=', id).where('userId', '=', userId).execute();
}

export async function deleteSession(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('workoutSessions')
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function nextSetPosition(db: Kysely<DB>, userId: string, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('workoutSets')
    .select(sql<number>`coalesce(max(position) + 1, 0)::int`.as('next'))
    .where('userId', '=', userId)
    .where('sessionId', '=', sessionId)
    .executeTakeFirstOrThrow();
  return row.next;
}

export async function insertSets(db: Kysely<DB>, sets: NewWorkoutSet[]) {
  if (sets.length === 0) return [];
  return db.insertInto('workoutSets').values(sets).returning('id').execute();
}

export async function findSet(db: Kysely<DB>, userId: string, id: string) {
  return db
    .selectFrom('workoutSets')
    .select(['id', 'sessionId', 'exerciseId', 'reps', 'durationS', 'distanceM'])
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
}

export async function updateSet(db: Kysely<DB>, userId: string, id: string, update: WorkoutSetUpdate) {
  await db.updateTable('workoutSets').set(update).where('id', '=', id).where('userId', '=', userId).execute();
}

export async function deleteSet(db: Kysely<DB>, userId: string, id: string) {
  return db
    .deleteFrom('workoutSets')
    .where('id', '=', id)
    .where('userId', '=', userId)
    .returning('sessionId')
    .executeTakeFirst();
}

export async function deletePlannedSets(db: Kysely<DB>, userId: string, sessionId: string) {
  await db
    .deleteFrom('workoutSets')
    .where('userId', '=', userId)
    .where('sessionId', '=', sessionId)
    .where('completed', '=', false)
    .execute();
}

/**
 * The working sets (completed, not warm-up) of `exerciseId` in the last finished session that had any: what the
 * progression rule looks at.
 */
export async function lastWorkingSets(db: Kysely<DB>, userId: string, exerciseId: string) {
  const last = await db
    .selectFrom('workoutSets as s')
    .innerJoin('workoutSessions as ws', 'ws.id', 's.sessionId')
    .select('ws.id')
    .where('s.userId', '=', userId)
    .where('s.exerciseId', '=', exerciseId)
    .where('s.completed', '=', true)
    .where('s.isWarmup', '=', false)
    .where('ws.finishedAt', 'is not', null)
    .orderBy('ws.finishedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last) return [];
  return db
    .selectFrom('workoutSets')
    .select(['reps', 'weightKg'])
    .where('userId', '=', userId)
    .where('sessionId', '=', last.id)
    .where('exerciseId', '=', exerciseId)
    .where('completed', '=', true)
    .where('isWarmup', '=', false)
    .orderBy('position')
    .execute();
}

/**
 * Links the sets whose file name (source_name, any case) is `sourceName` to `exerciseId`: in one session, or in
 * all of the user's sessions. Answers how many sets it changed.
 */
export async function relinkSourceName(
  db: Kysely<DB>,
  userId: string,
  sourceName: string,
  exerciseId: string,
  sessionId?: string,
): Promise<number> {
  let query = db
    .updateTable('workoutSets')
    .set({ exerciseId })
    .where('userId', '=', userId)
    .where(sql<boolean>`lower(source_name) = lower(${sourceName})`);
  if (sessionId !== undefined) query = query.where('sessionId', '=', sessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
