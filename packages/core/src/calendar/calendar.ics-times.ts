/**
 * Times in an .ics file as Life OS stores them: a DATE, a UTC or zoned DATE-TIME, or a floating one read in the
 * calendar's X-WR-TIMEZONE (else the user's zone); a TZID resolved by name (calendar.timezones.ts) or by the file's own
 * VTIMEZONE (calendar.vtimezone.ts), and warned about when neither knows it.
 */
import ICAL from 'ical.js';
import { fromFloating } from './calendar.floating-time.js';
import {
  componentBlocks,
  lineValue,
  nameOf,
  quoteLine,
  rawLine,
  rawProperty,
  SkipEvent,
  text,
} from './calendar.ics-lines.js';
import { resolveTimezone } from './calendar.timezones.js';
import { zoneForVtimezone } from './calendar.vtimezone.js';

export interface Context {
  defaultTimezone: string;
  warnings: Set<string>;
  /** The zone the file's own VTIMEZONE of a TZID stands for (see calendar.vtimezone.ts), remembered per TZID. */
  fileZone(tzid: string, year: number): string | null;
}

/** At most this many of a file's own VTIMEZONEs are matched to a zone (each costs a few milliseconds). */
const MAX_FILE_ZONES = 20;

export function fileZones(lines: string[]): (tzid: string, year: number) => string | null {
  const blocks = new Map<string, string[]>();
  for (const block of componentBlocks(lines, 'VTIMEZONE')) {
    const tzid = text(rawProperty(block.lines, 'TZID'));
    if (tzid && block.complete && !blocks.has(tzid)) blocks.set(tzid, block.lines);
  }
  const matched = new Map<string, string | null>();
  return (tzid, year) => {
    let zone = matched.get(tzid);
    if (zone === undefined) {
      const block = blocks.get(tzid);
      zone = null;
      if (block && matched.size < MAX_FILE_ZONES) {
        try {
          zone = zoneForVtimezone(new ICAL.Component(ICAL.parse(block.join('\r\n'))), [year, year + 1]);
        } catch {
          zone = null;
        }
      }
      matched.set(tzid, zone);
    }
    return zone;
  };
}

export interface ResolvedTime {
  instant: Date;
  isDate: boolean;
  /** IANA zone of a zoned time, 'UTC' for a UTC time, the default zone for a floating one. */
  zone: string;
  /** The wall-clock fields, as a floating (UTC-written) date. */
  floating: Date;
}

export function resolveTime(time: ICAL.Time, tzid: string | null, ctx: Context): ResolvedTime {
  const floating = new Date(
    Date.UTC(
      time.year,
      time.month - 1,
      time.day,
      time.isDate ? 0 : time.hour,
      time.isDate ? 0 : time.minute,
      time.isDate ? 0 : Math.min(time.second, 59),
    ),
  );
  if (Number.isNaN(floating.getTime())) throw new SkipEvent('Invalid date');
  if (time.isDate) return { instant: floating, isDate: true, zone: 'UTC', floating };
  if (time.zone?.tzid === 'UTC' || (!tzid && time.toString().endsWith('Z'))) {
    return { instant: floating, isDate: false, zone: 'UTC', floating };
  }
  let zone = ctx.defaultTimezone;
  if (tzid) {
    const resolved =
      resolveTimezone(tzid) ?? ctx.fileZone(tzid, Math.min(2199, Math.max(1900, floating.getUTCFullYear())));
    if (resolved) zone = resolved;
    else ctx.warnings.add(`Unknown time zone "${tzid.slice(0, 100)}": its times were read in ${ctx.defaultTimezone}`);
  }
  return { instant: fromFloating(floating, zone), isDate: false, zone, floating };
}

export function propertyTime(
  component: ICAL.Component,
  lines: string[],
  name: string,
  ctx: Context,
): ResolvedTime | null {
  const prop = component.getFirstProperty(name);
  if (!prop) return null;
  try {
    const value = prop.getFirstValue();
    if (!(value instanceof ICAL.Time)) throw new Error('not a date');
    const tzid = prop.getParameter('tzid');
    return resolveTime(value, typeof tzid === 'string' ? tzid : null, ctx);
  } catch (error) {
    if (error instanceof SkipEvent) throw error;
    throw new SkipEvent(`Unreadable date in line ${quoteLine(rawLine(lines, name))}`);
  }
}

/**
 * The zone floating times are read in: the calendar's X-WR-TIMEZONE (Google and Apple write their times floating
 * or in UTC and name the calendar's zone there, and recurring-ical-events reads it so), else the user's.
 */
export function floatingZone(lines: string[], userZone: string): string {
  let depth = 0;
  for (const line of lines) {
    const name = nameOf(line);
    if (name === 'BEGIN') depth++;
    else if (name === 'END') depth--;
    else if (depth === 1 && name === 'X-WR-TIMEZONE') return resolveTimezone(lineValue(line)) ?? userZone;
  }
  return userZone;
}
