// Records and statistics over the working sets of finished workouts. Scoped by the caller's user id.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.js';

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
