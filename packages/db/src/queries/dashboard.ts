/**
 * The dashboard's reads. Each is one query over one window (today, this week, the last weeks), served by an index
 * that starts with user_id, so their number and their cost do not grow with a user's history; `todayReads` sends
 * them to the database as one statement.
 */
import { type Kysely, sql } from 'kysely';
import type { DB, JournalEntryType } from '../database.js';
import { type EventAroundRow, eventAroundFromJson, eventsAroundQuery } from './calendar.js';
import { inboxCountQuery } from './captures.js';
import { dayCountsQuery } from './journal.js';
import { asList, type Json, toDate, toDateOrNull } from './json-rows.js';
import { type ProjectSelection, projectsQuery } from './projects.js';

const DAILY_TYPES = sql`(values ('morning_pages'), ('daily_reflection')) as t(type)`;

/** This week's entries (today's daily ones among them): by the user_date index. */
function journalBetweenQuery(userId: string, from: string, to: string) {
  return sql<{
    type: JournalEntryType;
    date: string;
    wordCount: number;
    mood: number | null;
    energy: number | null;
  }>`
    select type, to_char(entry_date, 'YYYY-MM-DD') as date, word_count,
      case when jsonb_typeof(content -> 'mood') = 'number' then (content ->> 'mood')::int end as mood,
      case when jsonb_typeof(content -> 'energy') = 'number' then (content ->> 'energy')::int end as energy
    from journal_entries
    where user_id = ${userId} and entry_date between ${from}::date and ${to}::date
    order by entry_date, type`;
}

/**
 * The current streak of each type and its latest date, by the journal's rules (a day or week not yet over does
 * not break a streak). Walks back from the latest entry one probe of the unique (user_id, type, entry_date) index
 * per day (per week for the review), so it reads as many entries as the streak is long, never the whole history.
 * The probes are scalar subqueries, not EXISTS, and the latest review a max() subquery: written so, PostgreSQL can
 * only run them as index probes, even without statistics (with EXISTS and a bare max() it once chose to read all of
 * a user's weekly reviews at every step).
 * `isoWeekStart` is the ISO weekday the user's weeks begin on (1 Monday, 7 Sunday).
 */
function currentStreaksQuery(userId: string, options: { today: string; thisWeekStart: string; isoWeekStart: number }) {
  const { today, thisWeekStart, isoWeekStart } = options;
  return sql<{ type: JournalEntryType; lastDate: string | null; current: number }>`
    with recursive
    last as (
      select t.type, (select max(j.entry_date) from journal_entries j
        where j.user_id = ${userId} and j.type = t.type) as last
      from ${DAILY_TYPES}),
    daily(type, d, n) as (
      select type, last, 1 from last where last >= ${today}::date - 1
      union all
      select daily.type, daily.d - 1, daily.n + 1 from daily
      where (select true from journal_entries j
        where j.user_id = ${userId} and j.type = daily.type and j.entry_date = daily.d - 1)),
    review_last as (
      select (select max(entry_date) from journal_entries
        where user_id = ${userId} and type = 'weekly_review') as last),
    review_week as (
      select last - ((extract(isodow from last)::int - ${isoWeekStart}::int + 7) % 7) as week from review_last),
    weekly(w, n) as (
      select week, 1 from review_week where week >= ${thisWeekStart}::date - 7
      union all
      select weekly.w - 7, weekly.n + 1 from weekly
      where (select true from journal_entries j
        where j.user_id = ${userId} and j.type = 'weekly_review'
          and j.entry_date >= weekly.w - 7 and j.entry_date < weekly.w
        limit 1))
    select l.type, to_char(l.last, 'YYYY-MM-DD') as last_date,
      coalesce((select max(n) from daily where daily.type = l.type), 0)::int as current
    from last l
    union all
    select 'weekly_review', to_char(week, 'YYYY-MM-DD'), coalesce((select max(n) from weekly), 0)::int
    from review_week`;
}

/** Mood and energy of the daily reflections in [from, to] (the unique index, by type and date). */
function moodBetweenQuery(userId: string, from: string, to: string) {
  return sql<{ date: string; mood: number | null; energy: number | null }>`
    select to_char(entry_date, 'YYYY-MM-DD') as date,
      case when jsonb_typeof(content -> 'mood') = 'number' then (content ->> 'mood')::int end as mood,
      case when jsonb_typeof(content -> 'energy') = 'number' then (content ->> 'energy')::int end as energy
    from journal_entries
    where user_id = ${userId} and type = 'daily_reflection' and entry_date between ${from}::date and ${to}::date
    order by entry_date`;
}

/** Entries written on exactly these dates (the same day in earlier years), newest first. */
function entriesOnQuery(userId: string, dates: string[]) {
  return sql<{ id: string; type: JournalEntryType; date: string; wordCount: number; excerpt: string }>`
    select id, type, to_char(entry_date, 'YYYY-MM-DD') as date, word_count,
      left(coalesce(nullif(content ->> 'text', ''), content -> 'wins' ->> 0, content ->> 'tomorrowFocus', ''), 280)
        as excerpt
    from journal_entries
    where user_id = ${userId} and entry_date = any(${dates}::date[])
    order by entry_date desc, type
    limit 30`;
}

/**
 * Open tasks due on or before `today`, today's first, then the most recently overdue, with how many there are in
 * all (tasks_user_status_due_idx: open tasks are few; done ones are never read).
 */
function openTasksDueQuery(userId: string, today: string, limit: number) {
  return sql<{
    id: string;
    title: string;
    projectId: string | null;
    priority: number;
    dueDate: string;
    total: number;
  }>`
    select id, title, project_id, priority, to_char(due_date, 'YYYY-MM-DD') as due_date,
      (count(*) over ())::int as total
    from tasks
    where user_id = ${userId} and status in ('todo', 'doing') and due_date <= ${today}::date
    order by due_date desc, priority desc, position, id
    limit ${limit}`;
}

/**
 * Workout sessions started in [from, to), with their completed working sets counted and their volume (kg × reps),
 * by workout_sessions_user_started_idx and each session's sets by workout_sets_user_session_idx.
 */
function sessionsBetweenQuery(userId: string, from: Date, to: Date, timezone: string) {
  return sql<{
    id: string;
    name: string;
    startedAt: Date;
    finishedAt: Date | null;
    date: string;
    sets: number;
    volumeKg: string;
  }>`
    select ws.id, ws.name, ws.started_at, ws.finished_at,
      to_char(ws.started_at at time zone ${timezone}, 'YYYY-MM-DD') as date,
      v.sets, v.volume_kg
    from workout_sessions ws
    cross join lateral (
      select count(*)::int as sets, coalesce(sum(s.weight_kg * s.reps), 0) as volume_kg
      from workout_sets s
      where s.user_id = ${userId} and s.session_id = ws.id and s.completed and not s.is_warmup) v
    where ws.user_id = ${userId} and ws.started_at >= ${from} and ws.started_at < ${to}
    order by ws.started_at, ws.id`;
}

/**
 * Per exercise trained since `since`: the heaviest working set then, and the heaviest before it. The earlier best
 * walks workout_sets_user_exercise_weight_idx heaviest first and stops at the first set of an older session, so
 * it reads a handful of sets rather than the exercise's history.
 */
function recentBestsQuery(userId: string, since: Date, timezone: string) {
  return sql<{
    exerciseId: string;
    exerciseName: string;
    weightKg: string;
    reps: number;
    sessionId: string;
    date: string;
    previousKg: string | null;
  }>`
    with recent as (
      select distinct on (s.exercise_id) s.exercise_id, s.weight_kg, s.reps, s.session_id, ws.started_at
      from workout_sessions ws
      join workout_sets s on s.session_id = ws.id and s.user_id = ws.user_id
      where ws.user_id = ${userId} and ws.started_at >= ${since} and ws.finished_at is not null
        and s.completed and not s.is_warmup and s.weight_kg is not null and s.reps >= 1
      order by s.exercise_id, s.weight_kg desc, ws.started_at, s.reps desc)
    select r.exercise_id, e.name as exercise_name, r.weight_kg, r.reps, r.session_id,
      to_char(r.started_at at time zone ${timezone}, 'YYYY-MM-DD') as date, prev.weight_kg as previous_kg
    from recent r
    join exercises e on e.id = r.exercise_id
    left join lateral (
      -- The session is looked up per set (a subplan on its primary key) while the lift's sets are walked
      -- heaviest-first: as a join, the planner read all of the user's sessions once per exercise (~5 ms).
      select s.weight_kg from workout_sets s
      where s.user_id = ${userId} and s.exercise_id = r.exercise_id
        and s.completed and not s.is_warmup and s.weight_kg is not null and s.reps >= 1
        and (select ws.started_at from workout_sessions ws
             where ws.id = s.session_id and ws.user_id = s.user_id and ws.finished_at is not null) < ${since}
      order by s.weight_kg desc
      limit 1) prev on true
    order by r.started_at desc, e.name`;
}

/** Body weights measured in [from, to], oldest first (body_weights_user_date_key). */
function bodyWeightsBetweenQuery(userId: string, from: string, to: string) {
  return sql<{ date: string; weightKg: string }>`
    select to_char(measured_on, 'YYYY-MM-DD') as date, weight_kg from body_weights
    where user_id = ${userId} and measured_on between ${from}::date and ${to}::date
    order by measured_on`;
}

/**
 * Mean mood and energy of the daily reflections in [from, to], split by whether a workout was finished that day
 * (in the user's time zone): the data behind the dashboard's one-sentence correlation, computed in SQL.
 */
function moodByWorkoutQuery(
  userId: string,
  range: { from: string; to: string; fromAt: Date; toAt: Date; timezone: string },
) {
  return sql<{ trained: boolean; days: number; mood: string | null; energy: string | null }>`
    with days as (
      select entry_date as d,
        case when jsonb_typeof(content -> 'mood') = 'number' then (content ->> 'mood')::int end as mood,
        case when jsonb_typeof(content -> 'energy') = 'number' then (content ->> 'energy')::int end as energy
      from journal_entries
      where user_id = ${userId} and type = 'daily_reflection'
        and entry_date between ${range.from}::date and ${range.to}::date),
    trained as (
      select distinct (started_at at time zone ${range.timezone})::date as d from workout_sessions
      where user_id = ${userId} and started_at >= ${range.fromAt} and started_at < ${range.toAt}
        and finished_at is not null)
    select (t.d is not null) as trained, count(*)::int as days, avg(days.mood) as mood, avg(days.energy) as energy
    from days left join trained t on t.d = days.d
    where days.mood is not null
    group by 1`;
}

/** Tasks completed in [from, to): how many, and the first titles (tasks_user_completed_idx). */
export async function tasksCompletedBetween(db: Kysely<DB>, userId: string, from: Date, to: Date, limit: number) {
  const result = await sql<{ title: string; total: number }>`
    select title, (count(*) over ())::int as total from tasks
    where user_id = ${userId} and completed_at is not null and completed_at >= ${from} and completed_at < ${to}
    order by completed_at, id
    limit ${limit}`.execute(db);
  return result.rows;
}

/** The week's sessions and their volume, for the weekly review's facts. */
export async function sessionsBetween(db: Kysely<DB>, userId: string, from: Date, to: Date, timezone: string) {
  return (await sessionsBetweenQuery(userId, from, to, timezone).execute(db)).rows;
}

/** The week's moods, for the weekly review's facts. */
export async function moodBetween(db: Kysely<DB>, userId: string, from: string, to: string) {
  return (await moodBetweenQuery(userId, from, to).execute(db)).rows;
}

/** The windows `todayReads` reads, computed from the user's clock, zone and week start. */
export interface TodayWindows {
  today: string;
  thisWeekStart: string;
  thisWeekEnd: string;
  /** ISO weekday the user's weeks begin on (1 Monday, 7 Sunday). */
  isoWeekStart: number;
  moodFrom: string;
  yearFrom: string;
  yearTo: string;
  earlierDates: string[];
  dayFrom: Date;
  dayTo: Date;
  tasksMax: number;
  sessionsFrom: Date;
  sessionsTo: Date;
  recordsSince: Date;
  bodyWeightFrom: string;
  correlationFrom: string;
  correlationFromAt: Date;
  timezone: string;
}

type Row<Q> = Q extends { execute(db: never): Promise<{ rows: (infer R)[] }> } ? R : never;

/**
 * Everything `dashboard.today` reads after the settings, as one statement: each read is a subquery aggregated to
 * JSON (rows keep their subquery's order). One round trip instead of thirteen: each statement cost the API
 * protocol work, a pool checkout and a socket write, and PostgreSQL its executor setup (bench/profile.ts).
 */
export async function todayReads(db: Kysely<DB>, userId: string, w: TodayWindows) {
  const result = await sql<{
    week: Json<Row<ReturnType<typeof journalBetweenQuery>>>[];
    streaks: Row<ReturnType<typeof currentStreaksQuery>>[];
    mood: Row<ReturnType<typeof moodBetweenQuery>>[];
    heatmap: { date: string; count: number; wordCount: number }[];
    earlier: Row<ReturnType<typeof entriesOnQuery>>[];
    events: Json<EventAroundRow>[];
    tasks: Row<ReturnType<typeof openTasksDueQuery>>[];
    inboxCount: number;
    projects: Json<ProjectSelection>[];
    sessions: (Json<Omit<Row<ReturnType<typeof sessionsBetweenQuery>>, 'volumeKg'>> & { volumeKg: number })[];
    bests: {
      exerciseId: string;
      exerciseName: string;
      weightKg: number;
      reps: number;
      sessionId: string;
      date: string;
      previousKg: number | null;
    }[];
    weights: { date: string; weightKg: number }[];
    moodSplit: { trained: boolean; days: number; mood: number | null; energy: number | null }[];
  }>`select
      ${asList(journalBetweenQuery(userId, w.thisWeekStart, w.thisWeekEnd))} as week,
      ${asList(currentStreaksQuery(userId, { today: w.today, thisWeekStart: w.thisWeekStart, isoWeekStart: w.isoWeekStart }))} as streaks,
      ${asList(moodBetweenQuery(userId, w.moodFrom, w.today))} as mood,
      ${asList(dayCountsQuery(db, userId, w.yearFrom, w.yearTo))} as heatmap,
      ${asList(entriesOnQuery(userId, w.earlierDates))} as earlier,
      ${asList(eventsAroundQuery(userId, w.dayFrom, w.dayTo))} as events,
      ${asList(openTasksDueQuery(userId, w.today, w.tasksMax))} as tasks,
      (${inboxCountQuery(db, userId)}) as inbox_count,
      ${asList(projectsQuery(db, userId, 'active'))} as projects,
      ${asList(sessionsBetweenQuery(userId, w.sessionsFrom, w.sessionsTo, w.timezone))} as sessions,
      ${asList(recentBestsQuery(userId, w.recordsSince, w.timezone))} as bests,
      ${asList(bodyWeightsBetweenQuery(userId, w.bodyWeightFrom, w.today))} as weights,
      ${asList(
        moodByWorkoutQuery(userId, {
          from: w.correlationFrom,
          to: w.today,
          fromAt: w.correlationFromAt,
          toAt: w.dayTo,
          timezone: w.timezone,
        }),
      )} as mood_split`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('the dashboard statement returned no row');
  return {
    ...row,
    inboxCount: Number(row.inboxCount),
    events: row.events.map(eventAroundFromJson),
    projects: row.projects.map(
      (p): ProjectSelection => ({
        ...p,
        completedAt: toDateOrNull(p.completedAt),
        createdAt: toDate(p.createdAt),
        updatedAt: toDate(p.updatedAt),
      }),
    ),
    sessions: row.sessions.map((s) => ({
      ...s,
      startedAt: toDate(s.startedAt),
      finishedAt: toDateOrNull(s.finishedAt),
    })),
  };
}
