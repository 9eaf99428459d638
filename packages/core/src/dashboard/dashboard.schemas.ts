import { z } from 'zod';
import { ZAgendaItem } from '../calendar/calendar.schemas.js';
import { ZId, ZLocalDate, ZWeekStart } from '../common/common.schemas.js';
import { ZProject } from '../projects/projects.schemas.js';
import { ZDashboardCard, ZUnits } from '../settings/settings.schemas.js';

/** How many days the mood/energy trend and the body-weight trend look back. */
export const DASHBOARD_TREND_DAYS = 30;
export const DASHBOARD_BODY_WEIGHT_DAYS = 90;
/** Records set within this many days are shown. */
export const DASHBOARD_RECORD_DAYS = 14;
/** Weeks of training volume in the chart (this week included). */
export const DASHBOARD_VOLUME_WEEKS = 8;
/** The correlation looks at this window, and speaks only once this many days of reflections are in it. */
export const CORRELATION_WINDOW_DAYS = 90;
export const CORRELATION_MIN_DAYS = 30;
/** The least number of days on each side of a comparison before it is worth a sentence. */
export const CORRELATION_MIN_GROUP = 5;
/** Open tasks listed on the agenda (due today first, then overdue); the rest are counted. */
export const DASHBOARD_TASKS_MAX = 20;
/**
 * The most event occurrences today's agenda lists (and about this many characters of them); the rest are left out
 * and the agenda says so (truncated). A day, not a range: a card, and a kept answer per user (DashboardCache).
 */
export const DASHBOARD_EVENTS_MAX = 500;
export const DASHBOARD_EVENTS_TEXT_CHARS = 500_000;
/** How many years "on this day" looks back. */
export const ON_THIS_DAY_YEARS = 20;

export const ZDashboardStreak = z.object({
  /** Consecutive days (weeks for the review) up to today, or up to yesterday while today is still open. */
  current: z.number().int(),
  lastDate: ZLocalDate.nullable(),
  /** Whether today's entry (this week's, for the review) is written. */
  doneInPeriod: z.boolean(),
});
export type TDashboardStreak = z.infer<typeof ZDashboardStreak>;

export const ZDashboardJournal = z.object({
  morningPages: z.object({ words: z.number().int(), goal: z.number().int() }).nullable(),
  reflection: z.object({ mood: z.number().int().nullable(), energy: z.number().int().nullable() }).nullable(),
  /** This week's review, by the date it is keyed on. */
  review: z.object({ date: ZLocalDate }).nullable(),
  wordGoal: z.number().int(),
  streaks: z.object({
    morning_pages: ZDashboardStreak,
    daily_reflection: ZDashboardStreak,
    weekly_review: ZDashboardStreak,
  }),
});

export const ZDashboardSession = z.object({
  id: ZId,
  name: z.string(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  /** Local date it started on. */
  date: ZLocalDate,
  sets: z.number().int(),
  /** kg × reps over completed working sets. */
  volumeKg: z.number(),
});

export const ZDashboardRecord = z.object({
  exerciseId: ZId,
  exerciseName: z.string(),
  kind: z.literal('heaviestWeight'),
  /** The new best, and the best before the window (null when the exercise is new). */
  weightKg: z.number(),
  reps: z.number().int(),
  previousKg: z.number().nullable(),
  sessionId: ZId,
  date: ZLocalDate,
});
export type TDashboardRecord = z.infer<typeof ZDashboardRecord>;

export const ZCorrelationGroup = z.object({
  days: z.number().int(),
  mood: z.number().nullable(),
  energy: z.number().nullable(),
});
export type TCorrelationGroup = z.infer<typeof ZCorrelationGroup>;

export const ZDashboardCorrelation = z.object({
  /** Days with a mood in the window; the sentence appears from CORRELATION_MIN_DAYS on. */
  daysWithMood: z.number().int(),
  withWorkout: ZCorrelationGroup,
  withoutWorkout: ZCorrelationGroup,
  /** One plain-language finding, or null while there is too little data to say anything. */
  sentence: z.string().nullable(),
});
export type TDashboardCorrelation = z.infer<typeof ZDashboardCorrelation>;

export const ZDashboardToday = z.object({
  /** Today in the user's time zone, and the first day of this week by their week start. */
  today: ZLocalDate,
  weekStart: ZLocalDate,
  weekStartsOn: ZWeekStart,
  timezone: z.string(),
  units: ZUnits,
  displayName: z.string(),
  /** The cards the user shows, in their order (Settings: every card, in the product's order). */
  cards: z.array(ZDashboardCard),
  journal: ZDashboardJournal,
  agenda: z.object({
    /** Event occurrences, open tasks due today and workouts of today, in agenda order. */
    items: z.array(ZAgendaItem),
    overdue: z.array(
      z.object({ id: ZId, title: z.string(), dueDate: ZLocalDate, projectId: ZId.nullable(), priority: z.number() }),
    ),
    /** Open tasks due today or earlier beyond those listed. */
    moreTasks: z.number().int(),
    /**
     * Whether today's events were cut at DASHBOARD_EVENTS_MAX, and the instant up to which the items are complete
     * (the end of today when nothing was left out). Tasks beyond those listed are counted in `moreTasks` instead.
     */
    truncated: z.boolean(),
    completeUntil: z.date(),
  }),
  inboxCount: z.number().int(),
  projects: z.array(ZProject),
  fitness: z.object({
    thisWeek: z.array(ZDashboardSession),
    weekVolumeKg: z.number(),
    /** Volume per week, oldest first, DASHBOARD_VOLUME_WEEKS of them (this week last). */
    weeklyVolume: z.array(z.object({ weekStart: ZLocalDate, volumeKg: z.number(), sessions: z.number().int() })),
    records: z.array(ZDashboardRecord),
  }),
  mood: z.array(z.object({ date: ZLocalDate, mood: z.number().nullable(), energy: z.number().nullable() })),
  bodyWeight: z.array(z.object({ date: ZLocalDate, weightKg: z.number() })),
  /** Writing days of the current year, in the journal heatmap's shape. */
  heatmap: z.object({
    year: z.number().int(),
    days: z.array(z.object({ date: ZLocalDate, count: z.number().int(), wordCount: z.number().int() })),
  }),
  onThisDay: z.array(
    z.object({
      id: ZId,
      type: z.enum(['morning_pages', 'daily_reflection', 'weekly_review']),
      date: ZLocalDate,
      yearsAgo: z.number().int(),
      excerpt: z.string(),
      wordCount: z.number().int(),
    }),
  ),
  correlation: ZDashboardCorrelation,
});
export type TDashboardToday = z.infer<typeof ZDashboardToday>;

export const ZWeekFactsInput = z
  .object({
    /** Any day of the week; the week is the one holding it by the user's week start. */
    weekStart: ZLocalDate,
  })
  .strict();
export type TWeekFactsInput = z.infer<typeof ZWeekFactsInput>;

export const ZWeekFacts = z.object({
  weekStart: ZLocalDate,
  weekEnd: ZLocalDate,
  tasksCompleted: z.number().int(),
  /** The titles of the tasks completed (at most 50), oldest first. */
  completedTitles: z.array(z.string()),
  workouts: z.number().int(),
  volumeKg: z.number(),
  units: ZUnits,
  daysWritten: z.number().int(),
  wordsWritten: z.number().int(),
  /** Mean mood and energy of the week's daily reflections (null without any). */
  moodAverage: z.number().nullable(),
  energyAverage: z.number().nullable(),
});
export type TWeekFacts = z.infer<typeof ZWeekFacts>;
