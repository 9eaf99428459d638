/**
 * Floating time: rrule's, and calendar.rrule-engine.ts's, way of computing. It treats every date as UTC and knows
 * nothing of DST, so a timed series is expanded on its wall-clock times in its own zone (09:00 Europe/Berlin stays
 * 09:00 across the DST change) and each occurrence is turned back into an instant with @date-fns/tz. All-day events
 * are floating dates already (stored as UTC midnight), so they expand as they are.
 */
import { TZDate, tzOffset } from '@date-fns/tz';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The UTC offset (ms) of `timezone` over the UTC day `day` (days since 1970) when it is the same all day, else
 * null. A zone's offset changes a few times a year, so nearly every day is uniform and a conversion within it is
 * one addition: TZDate asks Intl for offsets several times per conversion, which was a tenth of a month's
 * calendar answer (bench/profile.ts). Days before 1970 (offsets with seconds) and days holding a change are left
 * to TZDate.
 */
function uniformDayOffset(timezone: string, day: number): number | null {
  if (!(day >= 0)) return null;
  const key = `${timezone} ${day}`;
  let offset = uniformOffsets.get(key);
  if (offset === undefined) {
    const start = tzOffset(timezone, new Date(day * DAY_MS));
    const end = tzOffset(timezone, new Date((day + 1) * DAY_MS - 1));
    offset = start === end && Number.isInteger(start) ? start * 60_000 : null;
    // Bounded: a year of days in a few dozen zones; a long-running process starts over now and then.
    if (uniformOffsets.size >= 50_000) uniformOffsets.clear();
    uniformOffsets.set(key, offset);
  }
  return offset;
}
const uniformOffsets = new Map<string, number | null>();

/** The wall-clock time of `instant` in `timezone`, written as a UTC date (rrule's floating time). */
export function toFloating(instant: Date, timezone: string): Date {
  const time = instant.getTime();
  const offset = uniformDayOffset(timezone, Math.floor(time / DAY_MS));
  if (offset !== null) return new Date(time + offset);
  const local = new TZDate(time, timezone);
  return new Date(
    Date.UTC(
      local.getFullYear(),
      local.getMonth(),
      local.getDate(),
      local.getHours(),
      local.getMinutes(),
      local.getSeconds(),
      local.getMilliseconds(),
    ),
  );
}

/** The instant at which the floating wall-clock time happens in `timezone`. */
export function fromFloating(floating: Date, timezone: string): Date {
  const wallClock = floating.getTime();
  // The instant lies within a day of the wall-clock time: with the same offset all three days around it, there is
  // no gap or overlap to resolve.
  const day = Math.floor(wallClock / DAY_MS);
  const offset = uniformDayOffset(timezone, day);
  if (
    offset !== null &&
    uniformDayOffset(timezone, day - 1) === offset &&
    uniformDayOffset(timezone, day + 1) === offset
  ) {
    return new Date(wallClock - offset);
  }
  return new Date(
    new TZDate(
      floating.getUTCFullYear(),
      floating.getUTCMonth(),
      floating.getUTCDate(),
      floating.getUTCHours(),
      floating.getUTCMinutes(),
      floating.getUTCSeconds(),
      floating.getUTCMilliseconds(),
      timezone,
    ).getTime(),
  );
}

/** 'YYYY-MM-DD' of a UTC-midnight date. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** UTC midnight of a 'YYYY-MM-DD' date. */
export function utcMidnight(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/** Midnight of a 'YYYY-MM-DD' date in `timezone`. */
export function localMidnight(date: string, timezone: string): Date {
  return fromFloating(utcMidnight(date), timezone);
}
