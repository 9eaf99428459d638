/**
 * The dashboard's pure rules: which dates "on this day" means, how sessions fall into weeks, and when a
 * comparison of mood is worth a sentence. Browser-safe and free of I/O.
 */
import { addCalendarDays, daysBetween, type WeekStart, weekStartOf } from '../common/local-date.js';
import {
  CORRELATION_MIN_DAYS,
  CORRELATION_MIN_GROUP,
  type TCorrelationGroup,
  type TDashboardCorrelation,
} from './dashboard.schemas.js';

/** The ISO weekday (1 Monday … 7 Sunday) a week begins on. */
export function isoWeekStart(weekStart: WeekStart): number {
  return weekStart === 'monday' ? 1 : 7;
}

/**
 * The same month and day in each of the `years` years before `today`'s. A 29 February looks back only to leap
 * years; nothing written on 29 February is shown on the 28th (it has its own day every four years).
 */
export function sameDayInEarlierYears(today: string, years: number): string[] {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const dates: string[] = [];
  for (let back = 1; back <= years; back++) {
    const year = y - back;
    if (year < 1) break;
    const candidate = `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    // Drops 29 February of a common year (Date would roll it over to 1 March).
    const check = new Date(`${candidate}T00:00:00Z`);
    if (Number.isNaN(check.getTime()) || check.getUTCDate() !== d) continue;
    dates.push(candidate);
  }
  return dates;
}

export function yearsBetween(earlier: string, later: string): number {
  return Number(later.slice(0, 4)) - Number(earlier.slice(0, 4));
}

/**
 * Volume and session count per week, for `weeks` weeks ending with the one holding `today`, oldest first. A week
 * without training is there with zeros (a gap in the chart is information).
 */
export function volumeByWeek(
  sessions: { date: string; volumeKg: number }[],
  today: string,
  weekStart: WeekStart,
  weeks: number,
): { weekStart: string; volumeKg: number; sessions: number }[] {
  const last = weekStartOf(today, weekStart);
  const first = addCalendarDays(last, -7 * (weeks - 1));
  const buckets = Array.from({ length: weeks }, (_, i) => ({
    weekStart: addCalendarDays(first, 7 * i),
    volumeKg: 0,
    sessions: 0,
  }));
  for (const session of sessions) {
    const index = Math.floor(daysBetween(first, weekStartOf(session.date, weekStart)) / 7);
    const bucket = buckets[index];
    if (!bucket) continue;
    bucket.volumeKg += session.volumeKg;
    bucket.sessions += 1;
  }
  return buckets;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * One plain-language finding from mood on days with and without a workout, once there are enough days to say
 * anything (CORRELATION_MIN_DAYS reflections with a mood, at least CORRELATION_MIN_GROUP on each side). A gap
 * under 0.2 points on a 1–5 scale is reported as "about the same": it is noise at this sample size.
 */
export function correlationSentence(
  withWorkout: TCorrelationGroup,
  withoutWorkout: TCorrelationGroup,
  windowDays: number,
): TDashboardCorrelation {
  const daysWithMood = withWorkout.days + withoutWorkout.days;
  const base = { daysWithMood, withWorkout, withoutWorkout };
  if (daysWithMood < CORRELATION_MIN_DAYS) return { ...base, sentence: null };
  if (
    withWorkout.days < CORRELATION_MIN_GROUP ||
    withoutWorkout.days < CORRELATION_MIN_GROUP ||
    withWorkout.mood === null ||
    withoutWorkout.mood === null
  ) {
    const sentence =
      withWorkout.days < CORRELATION_MIN_GROUP
        ? `In the last ${windowDays} days you trained on ${withWorkout.days} of the ${daysWithMood} days you rated your mood — too few to compare.`
        : `You trained on nearly every day you rated your mood in the last ${windowDays} days, so there is nothing to compare it with.`;
    return { ...base, sentence };
  }
  const a = round1(withWorkout.mood);
  const b = round1(withoutWorkout.mood);
  const diff = withWorkout.mood - withoutWorkout.mood;
  const span = `(last ${windowDays} days: ${withWorkout.days} days with a workout, ${withoutWorkout.days} without)`;
  if (Math.abs(diff) < 0.2) {
    return {
      ...base,
      sentence: `Your mood is about the same on days you train (${a.toFixed(1)}) and days you don't (${b.toFixed(1)}) ${span}.`,
    };
  }
  return {
    ...base,
    sentence: `Your mood averages ${a.toFixed(1)} on days you train and ${b.toFixed(1)} on days you don't — ${
      diff > 0 ? 'higher' : 'lower'
    } when you work out ${span}.`,
  };
}
