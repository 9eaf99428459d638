import { type DB, dashboardQueries, journalQueries, type Kysely, settingsQueries, usersQueries } from '@lifeos/db';
import { mergeAgenda } from '../calendar/calendar.agenda.js';
import { localMidnight } from '../calendar/calendar.floating-time.js';
import { expandOccurrencesYielding } from '../calendar/calendar.recurrence.js';
import type { Clock } from '../clock.js';
import { addCalendarDays, localDate, type WeekStart, weekStartOf } from '../common/local-date.js';
import { NotFoundError } from '../errors.js';
import type { TJournalEntryType } from '../journal/journal.schemas.js';
import { progress } from '../projects/projects.service.js';
import { dashboardCardsOf } from '../settings/settings.service.js';
import type { DashboardCache } from './dashboard.cache.js';
import {
  correlationSentence,
  isoWeekStart,
  sameDayInEarlierYears,
  volumeByWeek,
  yearsBetween,
} from './dashboard.rules.js';
import {
  CORRELATION_WINDOW_DAYS,
  DASHBOARD_BODY_WEIGHT_DAYS,
  DASHBOARD_EVENTS_MAX,
  DASHBOARD_EVENTS_TEXT_CHARS,
  DASHBOARD_RECORD_DAYS,
  DASHBOARD_TASKS_MAX,
  DASHBOARD_TREND_DAYS,
  DASHBOARD_VOLUME_WEEKS,
  ON_THIS_DAY_YEARS,
  type TCorrelationGroup,
  type TDashboardStreak,
  type TDashboardToday,
  type TWeekFacts,
  type TWeekFactsInput,
} from './dashboard.schemas.js';

interface Deps {
  db: Kysely<DB>;
  clock: Clock;
}

interface TodayDeps extends Deps {
  /** Where the last answer per user is kept; without it, every call computes the dashboard. */
  dashboardCache?: DashboardCache;
}

/**
 * The SQL statements one `today()` runs, whatever the data: the settings, then everything else as one statement;
 * with a DashboardCache, the data version before them, and nothing after it when the answer is kept. A test counts
 * them; change these numbers only together with the reads below.
 */
export const TODAY_QUERY_COUNT = 2;
export const TODAY_CACHED_QUERY_COUNT = 3;
export const TODAY_KEPT_QUERY_COUNT = 1;
export const WEEK_FACTS_QUERY_COUNT = 5;

const COMPLETED_TITLES_MAX = 50;

const num = (value: string | number | null | undefined) => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: string | number | null | undefined) =>
  value === null || value === undefined ? null : Number(value);

async function userSettings(deps: Deps, userId: string) {
  const settings = await settingsQueries.getSettings(deps.db, userId);
  if (!settings) throw new NotFoundError('Settings');
  return settings;
}

type Settings = NonNullable<Awaited<ReturnType<typeof settingsQueries.getSettings>>>;

/**
 * Everything the landing page shows, in one call. With a DashboardCache, the user's data version is read first and
 * the answer kept for it (and for today's date) is returned as it is. Otherwise the settings are read (the time
 * zone and week start place every window), then everything else in one statement (dashboardQueries.todayReads).
 */
export async function today(deps: TodayDeps, userId: string): Promise<TDashboardToday> {
  const cache = deps.dashboardCache?.enabled ? deps.dashboardCache : undefined;
  // Read before the data, so that a kept answer is never older than the version it is kept under.
  const version = cache ? await usersQueries.dataVersion(deps.db, userId) : null;
  const now = deps.clock.now();
  if (version !== null) {
    const kept = cache?.get(userId, version, now);
    if (kept) return kept;
  }
  const settings = await userSettings(deps, userId);
  const date = localDate(now, settings.timezone);
  const answer = await computeToday(deps, userId, settings, date);
  if (version !== null) cache?.set(userId, { version, timezone: settings.timezone, date }, answer);
  return answer;
}

async function computeToday(deps: Deps, userId: string, settings: Settings, today: string): Promise<TDashboardToday> {
  const { timezone } = settings;
  const weekStartsOn: WeekStart = settings.weekStart;
  const tomorrow = addCalendarDays(today, 1);
  const thisWeekStart = weekStartOf(today, weekStartsOn);
  const firstVolumeWeek = addCalendarDays(thisWeekStart, -7 * (DASHBOARD_VOLUME_WEEKS - 1));
  const dayFrom = localMidnight(today, timezone);
  const dayTo = localMidnight(tomorrow, timezone);
  const earlierDates = sameDayInEarlierYears(today, ON_THIS_DAY_YEARS);
  const correlationFrom = addCalendarDays(today, -(CORRELATION_WINDOW_DAYS - 1));
  const year = Number(today.slice(0, 4));

  const {
    week,
    streaks: streakRows,
    mood: moodRows,
    heatmap: heatmapDays,
    earlier,
    events: eventRows,
    tasks: taskRows,
    inboxCount,
    projects: projectRows,
    sessions: sessionRows,
    bests: bestRows,
    weights: weightRows,
    moodSplit,
  } = await dashboardQueries.todayReads(deps.db, userId, {
    today,
    thisWeekStart,
    thisWeekEnd: addCalendarDays(thisWeekStart, 6),
    isoWeekStart: isoWeekStart(weekStartsOn),
    moodFrom: addCalendarDays(today, -(DASHBOARD_TREND_DAYS - 1)),
    yearFrom: `${today.slice(0, 4)}-01-01`,
    yearTo: `${today.slice(0, 4)}-12-31`,
    earlierDates,
    dayFrom,
    dayTo,
    tasksMax: DASHBOARD_TASKS_MAX,
    sessionsFrom: localMidnight(firstVolumeWeek, timezone),
    sessionsTo: localMidnight(addCalendarDays(thisWeekStart, 7), timezone),
    recordsSince: localMidnight(addCalendarDays(today, -(DASHBOARD_RECORD_DAYS - 1)), timezone),
    bodyWeightFrom: addCalendarDays(today, -(DASHBOARD_BODY_WEIGHT_DAYS - 1)),
    correlationFrom,
    correlationFromAt: localMidnight(correlationFrom, timezone),
    timezone,
  });

  // ----- journal -----
  const todays = week.filter((e) => e.date === today);
  const morning = todays.find((e) => e.type === 'morning_pages');
  const reflection = todays.find((e) => e.type === 'daily_reflection');
  const review = week.find((e) => e.type === 'weekly_review');
  const streak = (type: TJournalEntryType): Omit<TDashboardStreak, 'doneInPeriod'> => {
    const row = streakRows.find((r) => r.type === type);
    return { current: row?.current ?? 0, lastDate: row?.lastDate ?? null };
  };
  const journal: TDashboardToday['journal'] = {
    morningPages: morning ? { words: morning.wordCount, goal: settings.journalWordGoal } : null,
    reflection: reflection ? { mood: reflection.mood, energy: reflection.energy } : null,
    review: review ? { date: review.date } : null,
    wordGoal: settings.journalWordGoal,
    streaks: {
      morning_pages: { ...streak('morning_pages'), doneInPeriod: morning !== undefined },
      daily_reflection: { ...streak('daily_reflection'), doneInPeriod: reflection !== undefined },
      weekly_review: { ...streak('weekly_review'), doneInPeriod: review !== undefined },
    },
  };

  // ----- agenda -----
  const events = await expandOccurrencesYielding(eventRows, dayFrom, dayTo, {
    viewerTimezone: timezone,
    maxOccurrences: DASHBOARD_EVENTS_MAX,
    maxTextChars: DASHBOARD_EVENTS_TEXT_CHARS,
  });
  const dueToday = taskRows.filter((t) => t.dueDate === today);
  const overdue = taskRows.filter((t) => t.dueDate < today);
  const sessions = sessionRows.map((s) => ({ ...s, volumeKg: num(s.volumeKg) }));
  const merged = mergeAgenda(
    {
      occurrences: events.items,
      tasks: dueToday,
      workouts: sessions.flatMap((s) =>
        s.date === today && s.finishedAt
          ? [{ id: s.id, name: s.name, startedAt: s.startedAt, finishedAt: s.finishedAt }]
          : [],
      ),
    },
    { from: dayFrom, timezone },
  );
  // Cut events: the workouts after the cut go too, so that the card is complete up to where it says.
  const cut = events.completeUntil.getTime();
  const items = events.truncated ? merged.filter((item) => !item.start || item.start.getTime() <= cut) : merged;
  const totalTasks = taskRows[0]?.total ?? 0;

  // ----- fitness -----
  const thisWeek = sessions.filter((s) => s.date >= thisWeekStart);
  const records = bestRows.flatMap((r) => {
    const weightKg = Number(r.weightKg);
    const previousKg = numOrNull(r.previousKg);
    if (!(weightKg > 0) || (previousKg !== null && weightKg <= previousKg)) return [];
    return [
      {
        exerciseId: r.exerciseId,
        exerciseName: r.exerciseName,
        kind: 'heaviestWeight' as const,
        weightKg,
        reps: r.reps,
        previousKg,
        sessionId: r.sessionId,
        date: r.date,
      },
    ];
  });

  // ----- correlation -----
  const group = (trained: boolean): TCorrelationGroup => {
    const row = moodSplit.find((r) => r.trained === trained);
    return { days: row?.days ?? 0, mood: numOrNull(row?.mood), energy: numOrNull(row?.energy) };
  };

  return {
    today,
    weekStart: thisWeekStart,
    weekStartsOn,
    timezone,
    units: settings.units,
    displayName: settings.displayName,
    cards: dashboardCardsOf(settings.dashboardCards),
    journal,
    agenda: {
      items,
      overdue: overdue.map(({ total: _total, ...t }) => t),
      moreTasks: Math.max(0, totalTasks - taskRows.length),
      truncated: events.truncated,
      completeUntil: events.completeUntil,
    },
    inboxCount,
    projects: projectRows.map(({ done, total, ...project }) => ({ ...project, progress: progress(done, total) })),
    fitness: {
      thisWeek,
      weekVolumeKg: thisWeek.reduce((sum, s) => sum + s.volumeKg, 0),
      weeklyVolume: volumeByWeek(sessions, today, weekStartsOn, DASHBOARD_VOLUME_WEEKS),
      records,
    },
    mood: moodRows,
    bodyWeight: weightRows.map((w) => ({ date: w.date, weightKg: Number(w.weightKg) })),
    heatmap: { year, days: heatmapDays },
    onThisDay: earlier.map((e) => ({ ...e, yearsAgo: yearsBetween(e.date, today) })),
    correlation: correlationSentence(group(true), group(false), CORRELATION_WINDOW_DAYS),
  };
}

/**
 * The facts of one week from the other modules, for the weekly review: tasks completed, workouts and their
 * volume, days written and the mean mood. The week is the one holding `weekStart` by the user's week start.
 */
export async function weekFacts(deps: Deps, userId: string, input: TWeekFactsInput): Promise<TWeekFacts> {
  const settings = await userSettings(deps, userId);
  const { timezone } = settings;
  const weekStart = weekStartOf(input.weekStart, settings.weekStart);
  const weekEnd = addCalendarDays(weekStart, 6);
  const fromAt = localMidnight(weekStart, timezone);
  const toAt = localMidnight(addCalendarDays(weekStart, 7), timezone);
  const [tasks, sessions, days, moods] = await Promise.all([
    dashboardQueries.tasksCompletedBetween(deps.db, userId, fromAt, toAt, COMPLETED_TITLES_MAX),
    dashboardQueries.sessionsBetween(deps.db, userId, fromAt, toAt, timezone),
    journalQueries.dayCounts(deps.db, userId, weekStart, weekEnd),
    dashboardQueries.moodBetween(deps.db, userId, weekStart, weekEnd),
  ]);
  const finished = sessions.filter((s) => s.finishedAt !== null);
  const mean = (values: number[]) =>
    values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
  return {
    weekStart,
    weekEnd,
    tasksCompleted: tasks[0]?.total ?? 0,
    completedTitles: tasks.map((t) => t.title),
    workouts: finished.length,
    volumeKg: finished.reduce((sum, s) => sum + num(s.volumeKg), 0),
    units: settings.units,
    daysWritten: days.length,
    wordsWritten: days.reduce((sum, d) => sum + d.wordCount, 0),
    moodAverage: mean(moods.flatMap((m) => (m.mood === null ? [] : [m.mood]))),
    energyAverage: mean(moods.flatMap((m) => (m.energy === null ? [] : [m.energy]))),
  };
}
