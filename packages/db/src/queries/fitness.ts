import { type Kysely, sql } from 'kysely';
import type {
  DB,
  ExerciseCategory,
  ExerciseUpdate,
  NewExercise,
  NewProgramDay,
  NewProgramExercise,
  NewWorkoutSet,
  WorkoutSetUpdate,
} from '../database.js';

// Every query is scoped by the caller's user id. Built-in exercises (user_id null) are readable by everyone.

// ---------- exercises ----------

const exerciseColumns = [
  'exercises.id',
  'exercises.userId',
  'exercises.name',
  'exercises.category',
  'exercises.primaryMuscles',
  'exercises.secondaryMuscles',
  'exercises.equipment',
  'exercises.archivedAt',
] as const;

export interface ExerciseFilters {
  q?: string | undefined;
  muscle?: string | undefined;
  equipment?: string | undefined;
  category?: ExerciseCategory | undefined;
  includeArchived?: boolean | undefined;
}

/** Escapes LIKE wildcards so a search for "50%" means the characters. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listExercises(db: Kysely<DB>, userId: string, filters: ExerciseFilters) {
  let query = db
    .selectFrom('exercises')
    .select(exerciseColumns)
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]));
  if (filters.q) query = query.where(sql<boolean>`name ilike ${`%${likeEscape(filters.q)}%`}`);
  if (filters.muscle) {
    query = query.where(
      sql<boolean>`(${filters.muscle} = any(primary_muscles) or ${filters.muscle} = any(secondary_muscles))`,
    );
  }
  if (filters.equipment) query = query.where('equipment', '=', filters.equipment);
  if (filters.category) query = query.where('category', '=', filters.category);
  if (!filters.includeArchived) query = query.where('archivedAt', 'is', null);
  return query.orderBy(sql`lower(name)`).orderBy('id').execute();
}

/** An exercise the user may read (their own or a built-in one). */
export async function findVisibleExercise(db: Kysely<DB>, userId: string, id: string) {
  return db
    .selectFrom('exercises')
    .select(exerciseColumns)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]))
    .executeTakeFirst();
}

/** Of `ids`, those naming exercises the user may use. */
export async function visibleExerciseIds(db: Kysely<DB>, userId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('exercises')
    .select('id')
    .where('id', 'in', ids)
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Whether the user's own exercises or the library already hold `name` (any case), other than `exceptId`. */
export async function isExerciseNameTaken(db: Kysely<DB>, userId: string, name: string, exceptId?: string) {
  let query = db
    .selectFrom('exercises')
    .select('id')
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]));
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** Exercises visible to the user, by lower-cased name (for imports). */
export async function findExercisesByNames(db: Kysely<DB>, userId: string, names: string[]) {
  if (names.length === 0) return [];
  return db
    .selectFrom('exercises')
    .select(exerciseColumns)
    .where(
      sql<string>`lower(name)`,
      'in',
      names.map((n) => n.toLowerCase()),
    )
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]))
    .execute();
}

export async function insertExercise(db: Kysely<DB>, exercise: NewExercise) {
  return db.insertInto('exercises').values(exercise).returning(exerciseColumns).executeTakeFirstOrThrow();
}

/** Updates one of the user's own exercises; undefined when there is none (built-ins are not theirs). */
export async function updateOwnExercise(db: Kysely<DB>, userId: string, id: string, update: ExerciseUpdate) {
  return db
    .updateTable('exercises')
    .set(update)
    .where('id', '=', id)
    .where('userId', '=', userId)
    .returning(exerciseColumns)
    .executeTakeFirst();
}

// ---------- programs ----------

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

// ---------- sessions and sets ----------

const sessionColumns = ['id', 'name', 'programDayId', 'startedAt', 'finishedAt', 'notes'] as const;

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
      's.isWarmup',
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

// ---------- records and stats ----------

/**
 * The sets that count for records and statistics: completed working sets of finished sessions. `e1rm` is Epley's
 * estimate (a single is its own 1RM), only from sets of 1 to `maxReps` reps.
 */
function workingSets(userId: string, maxReps: number, exerciseId?: string) {
  return sql`
    select s.exercise_id, s.session_id, ws.started_at, s.reps, s.weight_kg,
      s.weight_kg * s.reps as set_volume,
      case
        when s.reps = 1 then s.weight_kg
        when s.reps between 2 and ${maxReps} then round(s.weight_kg * (1 + s.reps / 30.0), 2)
      end as e1rm
    from workout_sets s
    join workout_sessions ws on ws.id = s.session_id and ws.user_id = s.user_id
    where s.user_id = ${userId}
      ${exerciseId ? sql`and s.exercise_id = ${exerciseId}` : sql``}
      and s.completed and not s.is_warmup and ws.finished_at is not null
      and s.weight_kg is not null and s.reps >= 1`;
}

export interface RecordRow {
  exerciseId: string;
  exerciseName: string;
  kind: 'heaviestWeight' | 'bestE1rm' | 'bestSetVolume' | 'bestSessionVolume';
  value: string;
  reps: number | null;
  sessionId: string;
  startedAt: Date;
}

/**
 * Each exercise's best set by weight, by estimated 1RM and by set volume, and its best session by volume, with
 * where and when (the earliest session on a tie). One pass over the user's sets in SQL.
 */
export async function records(db: Kysely<DB>, userId: string, maxReps: number, exerciseId?: string) {
  const result = await sql<RecordRow>`
    with w as (${workingSets(userId, maxReps, exerciseId)}),
    heaviest as (
      select distinct on (exercise_id) exercise_id, 'heaviestWeight' as kind, weight_kg as value, reps, session_id, started_at
      from w order by exercise_id, weight_kg desc, started_at, reps desc),
    e1rm as (
      select distinct on (exercise_id) exercise_id, 'bestE1rm' as kind, e1rm as value, reps, session_id, started_at
      from w where e1rm is not null order by exercise_id, e1rm desc, started_at),
    set_volume as (
      select distinct on (exercise_id) exercise_id, 'bestSetVolume' as kind, set_volume as value, reps, session_id, started_at
      from w order by exercise_id, set_volume desc, started_at),
    per_session as (
      select exercise_id, session_id, started_at, sum(set_volume) as volume from w group by exercise_id, session_id, started_at),
    session_volume as (
      select distinct on (exercise_id) exercise_id, 'bestSessionVolume' as kind, volume as value, null::int as reps, session_id, started_at
      from per_session order by exercise_id, volume desc, started_at)
    select r.*, e.name as exercise_name from (
      select * from heaviest union all select * from e1rm union all select * from set_volume
      union all select * from session_volume) r
    join exercises e on e.id = r.exercise_id
    order by lower(e.name), e.id`.execute(db);
  return result.rows;
}

/** Per finished session with working sets of the exercise: heaviest weight, best e1RM, volume (oldest first). */
export async function exerciseHistory(db: Kysely<DB>, userId: string, exerciseId: string, maxReps: number) {
  const result = await sql<{
    sessionId: string;
    startedAt: Date;
    heaviest: string | null;
    bestE1rm: string | null;
    volume: string;
  }>`
    with w as (${workingSets(userId, maxReps, exerciseId)})
    select session_id, started_at, max(weight_kg) as heaviest, max(e1rm) as best_e1rm, sum(set_volume) as volume
    from w group by session_id, started_at order by started_at, session_id`.execute(db);
  return result.rows;
}

/** This session's bests per exercise, and the best of every other finished session for the same exercises. */
export async function sessionBestsAgainstHistory(db: Kysely<DB>, userId: string, sessionId: string, maxReps: number) {
  const result = await sql<{
    exerciseId: string;
    exerciseName: string;
    heaviest: string | null;
    bestE1rm: string | null;
    bestSetVolume: string | null;
    sessionVolume: string | null;
    prevHeaviest: string | null;
    prevBestE1rm: string | null;
    prevBestSetVolume: string | null;
    prevSessionVolume: string | null;
  }>`
    with w as (${workingSets(userId, maxReps)}),
    here as (
      select exercise_id, max(weight_kg) as heaviest, max(e1rm) as best_e1rm, max(set_volume) as best_set_volume,
        sum(set_volume) as session_volume
      from w where session_id = ${sessionId} group by exercise_id),
    others as (
      select exercise_id, session_id, max(weight_kg) as heaviest, max(e1rm) as best_e1rm,
        max(set_volume) as best_set_volume, sum(set_volume) as session_volume
      from w where session_id <> ${sessionId} and exercise_id in (select exercise_id from here)
      group by exercise_id, session_id),
    before as (
      select exercise_id, max(heaviest) as heaviest, max(best_e1rm) as best_e1rm,
        max(best_set_volume) as best_set_volume, max(session_volume) as session_volume
      from others group by exercise_id)
    select here.exercise_id, e.name as exercise_name, here.heaviest, here.best_e1rm, here.best_set_volume,
      here.session_volume, before.heaviest as prev_heaviest, before.best_e1rm as prev_best_e1rm,
      before.best_set_volume as prev_best_set_volume, before.session_volume as prev_session_volume
    from here join exercises e on e.id = here.exercise_id
    left join before on before.exercise_id = here.exercise_id
    order by e.name`.execute(db);
  return result.rows;
}

/**
 * Sets and volume (kg × reps) per primary muscle per week, over completed working sets of finished strength
 * sessions, for the last `weeks` weeks up to `now`. Weeks begin on the user's week start in their time zone.
 */
export async function weeklyVolume(db: Kysely<DB>, userId: string, weeks: number, now: Date) {
  const result = await sql<{ weekStart: string; muscle: string; sets: number; volumeKg: string }>`
    with settings as (
      select timezone, week_start, (${now}::timestamptz at time zone timezone) as local_now
      from user_settings where user_id = ${userId}),
    bounds as (
      select timezone, week_start,
        ((case when week_start = 'sunday'
           then date_trunc('week', local_now + interval '1 day') - interval '1 day'
           else date_trunc('week', local_now) end)
         - make_interval(weeks => ${weeks - 1})) at time zone timezone as from_at
      from settings)
    select
      to_char(case when b.week_start = 'sunday'
        then date_trunc('week', (ws.started_at at time zone b.timezone) + interval '1 day') - interval '1 day'
        else date_trunc('week', ws.started_at at time zone b.timezone) end, 'YYYY-MM-DD') as week_start,
      m.muscle,
      count(*)::int as sets,
      coalesce(sum(s.weight_kg * s.reps), 0) as volume_kg
    from bounds b
    join workout_sessions ws on ws.user_id = ${userId} and ws.started_at >= b.from_at and ws.started_at <= ${now}
    join workout_sets s on s.session_id = ws.id and s.user_id = ${userId}
    join exercises e on e.id = s.exercise_id
    cross join lateral unnest(e.primary_muscles) as m(muscle)
    where ws.finished_at is not null and s.completed and not s.is_warmup and e.category = 'strength'
    group by 1, 2
    order by 1, 2`.execute(db);
  return result.rows;
}

// ---------- body weight ----------

/** PGlite reads `date` as a Date (pg is told to keep the string): spell it out the same on both. */
const measuredOnText = sql<string>`to_char(measured_on, 'YYYY-MM-DD')`.as('measuredOn');

export async function upsertBodyWeight(
  db: Kysely<DB>,
  userId: string,
  measuredOn: string,
  weightKg: number,
  now: Date,
) {
  return db
    .insertInto('bodyWeights')
    .values({ userId, measuredOn, weightKg })
    .onConflict((oc) => oc.columns(['userId', 'measuredOn']).doUpdateSet({ weightKg, updatedAt: now }))
    .returning(['id', measuredOnText, 'weightKg'])
    .executeTakeFirstOrThrow();
}

export async function listBodyWeights(db: Kysely<DB>, userId: string, range: { from?: string; to?: string }) {
  let query = db.selectFrom('bodyWeights').select(['id', measuredOnText, 'weightKg']).where('userId', '=', userId);
  if (range.from) query = query.where('measuredOn', '>=', range.from);
  if (range.to) query = query.where('measuredOn', '<=', range.to);
  return query.orderBy('measuredOn', 'desc').limit(5000).execute();
}

// ---------- CSV import and export ----------

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
  sessions: Array<{ userId: string; name: string; startedAt: Date; finishedAt: Date; notes: string | null }>,
) {
  const ids: string[] = [];
  for (let i = 0; i < sessions.length; i += 1000) {
    const chunk = sessions.slice(i, i + 1000).map((s) => ({ ...s, programDayId: null }));
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
      'e.name as exerciseName',
      's.isWarmup',
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
