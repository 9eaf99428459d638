/**
 * Local dates: calendar dates ('YYYY-MM-DD') in the user's time zone, and the steps between them. Browser-safe and
 * free of I/O. Only "what date is it there" needs a zone; every step between calendar dates is done on UTC
 * midnights, where a day is always a day (no DST).
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

export type WeekStart = 'monday' | 'sunday';

const DAY_MS = 86_400_000;

/**
 * A 'YYYY-MM-DD' calendar date as the milliseconds of its UTC midnight, for calendar arithmetic. Plain numbers
 * rather than date-fns on a UTC TZDate: the same answers, but every TZDate step looks its zone's offset up through
 * Intl (50–130 µs a call), and the dashboard and streaks make hundreds of these steps per request.
 */
function utcMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function fromUtcMidnight(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The calendar date it is at `instant` in `timezone` (an IANA name). */
export function localDate(instant: Date, timezone: string): string {
  return format(new TZDate(instant, timezone), 'yyyy-MM-dd');
}

export function addCalendarDays(date: string, days: number): string {
  return fromUtcMidnight(utcMidnight(date) + days * DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** The first day of the week holding `date`. */
export function weekStartOf(date: string, weekStart: WeekStart): string {
  const midnight = utcMidnight(date);
  const back = (new Date(midnight).getUTCDay() - (weekStart === 'monday' ? 1 : 0) + 7) % 7;
  return fromUtcMidnight(midnight - back * DAY_MS);
}

export function isWeekStart(date: string, weekStart: WeekStart): boolean {
  return weekStartOf(date, weekStart) === date;
}
