/**
 * When a reminder fires, as pure functions of local dates, wall times, a zone and (where "now" matters) a clock
 * reading. Wall times are kept as wall times until the last step, so a 09:00 reminder stays 09:00 across DST.
 */
import { tzOffset } from '@date-fns/tz';
import { addCalendarDays, localDate } from '../common/local-date.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MINUTES = 24 * 60;

/** `HH:MM`, 24 hours. */
export type WallTime = string;

const offsetMs = (zone: string, at: number) => Math.round(tzOffset(zone, new Date(at)) * MINUTE_MS);

/** The UTC milliseconds of a wall time read as if it were UTC (floating time). */
const floating = (date: string, time: WallTime) => Date.parse(`${date}T${time}:00.000Z`);

/**
 * The instant of a local date and wall time in `zone`. A wall time that happens twice (the autumn change) is its
 * first occurrence; one that does not exist that day (the spring change) fires at the next valid minute, which is
 * the change itself (02:30 on a day that skips 02:00–03:00 is 03:00).
 */
export function wallTimeInstant(date: string, time: WallTime, zone: string): Date {
  const wall = floating(date, time);
  // The offsets in force within 14 hours either side cover every zone's possible answers.
  const offsets = new Set([
    offsetMs(zone, wall - 14 * HOUR_MS),
    offsetMs(zone, wall),
    offsetMs(zone, wall + 14 * HOUR_MS),
  ]);
  const matches = [...offsets].map((o) => wall - o).filter((t) => t + offsetMs(zone, t) === wall);
  if (matches.length > 0) return new Date(Math.min(...matches));
  // In a gap: the first minute whose wall time is at or after the one asked for. The gap lies between the
  // candidates of the smallest and largest offset, at most a few hours apart: a bounded walk.
  const from = wall - Math.max(...offsets);
  const to = wall - Math.min(...offsets);
  for (let t = Math.floor(from / MINUTE_MS) * MINUTE_MS; t <= to; t += MINUTE_MS) {
    if (t + offsetMs(zone, t) >= wall) return new Date(t);
  }
  return new Date(to);
}

/** The wall time (`HH:MM`) of an instant in `zone`. */
export function wallTimeOf(instant: Date, zone: string): WallTime {
  const shifted = new Date(instant.getTime() + offsetMs(zone, instant.getTime()));
  return shifted.toISOString().slice(11, 16);
}

const minutesOf = (time: WallTime) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export interface TaskReminderPreferences {
  /** The wall time a task due on a day (no time of its own) is reminded at. */
  taskTime: WallTime;
  /** How long before that: whole days keep the wall time (two days before at 09:00), the rest is subtracted. */
  offsetMinutes: number;
}

/**
 * When a task due on `dueDate` is reminded. Tasks carry a due date only today; a due time of their own would be the
 * `taskTime` here, which is the seam for it.
 */
export function taskReminderAt(dueDate: string, prefs: TaskReminderPreferences, zone: string): Date {
  const days = Math.floor(prefs.offsetMinutes / DAY_MINUTES);
  const rest = prefs.offsetMinutes % DAY_MINUTES;
  const at = wallTimeInstant(addCalendarDays(dueDate, -days), prefs.taskTime, zone);
  return new Date(at.getTime() - rest * MINUTE_MS);
}

export interface QuietHours {
  start: WallTime;
  end: WallTime;
}

/**
 * A non-urgent reminder that falls in quiet hours is held until they end (local wall times; a window may cross
 * midnight, 22:00–07:00). Urgent ones, and everything when there are no quiet hours, go at once.
 */
export function holdForQuietHours(at: Date, quiet: QuietHours | null, zone: string, urgent = false): Date {
  if (!quiet || urgent || quiet.start === quiet.end) return at;
  const now = minutesOf(wallTimeOf(at, zone));
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? now >= start || now < end : now >= start && now < end;
  if (!inside) return at;
  const today = localDate(at, zone);
  // Past midnight's side of an overnight window ends today; the evening side ends tomorrow.
  const endDate = crossesMidnight && now >= start ? addCalendarDays(today, 1) : today;
  return wallTimeInstant(endDate, quiet.end, zone);
}

export type Lateness = 'on-time' | 'late' | 'drop';

/** Within this of its time a reminder counts as on time (a poll, a busy minute). */
export const ON_TIME_MS = 2 * MINUTE_MS;

/**
 * A reminder whose moment was `at`, handled at `now`: on time; late but within `lateWindowMs` (sent, marked late:
 * the server was down or busy); or older (dropped and listed, not sent: a pile of stale pings helps no one).
 */
export function lateness(at: Date, now: Date, lateWindowMs: number): Lateness {
  const behind = now.getTime() - at.getTime();
  if (behind <= ON_TIME_MS) return 'on-time';
  return behind <= lateWindowMs ? 'late' : 'drop';
}

/** The next daily agenda at or after `now` (a minute's grace back), as its local date and instant. */
export function nextAgendaAt(now: Date, time: WallTime, zone: string): { date: string; at: Date } {
  const today = localDate(now, zone);
  const at = wallTimeInstant(today, time, zone);
  if (at.getTime() >= now.getTime() - MINUTE_MS) return { date: today, at };
  const tomorrow = addCalendarDays(today, 1);
  return { date: tomorrow, at: wallTimeInstant(tomorrow, time, zone) };
}
