/**
 * Reads an iCalendar (.ics) file into events, with ical.js doing the parsing.
 *
 * Real exports are often a little broken. The file is unfolded and cut into its VEVENT blocks first, and each
 * block is parsed on its own: a malformed line costs only the event it is in, which is reported as skipped with
 * the parser's message, and every other event is imported. A file that is not iCalendar at all is refused.
 * Time zones are taken by name (IANA, aliases, Windows names — see calendar.timezones.ts), so that recurrences expand
 * with the zone's real DST rules; a TZID no name resolves is matched to the zone that keeps its VTIMEZONE's offsets
 * (calendar.vtimezone.ts). Floating times are read in the calendar's X-WR-TIMEZONE, else the user's zone.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { ValidationError } from '../errors.js';
import { fromFloating } from './calendar.floating-time.js';
import { applyThisAndFuture } from './calendar.ics-ranges.js';
import {
  EVENT_DESCRIPTION_MAX,
  EVENT_LOCATION_MAX,
  EVENT_TITLE_MAX,
  parseRruleDate,
  RDATES_MAX,
  rruleParts,
} from './calendar.schemas.js';
import { quoteRule, recurrenceRuleProblem } from './calendar.series.js';
import { resolveTimezone } from './calendar.timezones.js';
import { zoneForVtimezone } from './calendar.vtimezone.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const UID_MAX = 1_000;
/** Events may start this early (the product's date range); their occurrences are shown from 1900 on. */
const EARLIEST_START_YEAR = 1000;
/** More VEVENTs than this in one file are refused (the 1 MiB body limit allows a few thousand). */
export const MAX_EVENTS_PER_FILE = 5_000;

export interface ParsedEvent {
  icsUid: string;
  /** For a detached occurrence (RECURRENCE-ID): the original start it replaces. */
  recurrenceId: Date | null;
  /** A detached occurrence with STATUS:CANCELLED: the occurrence is deleted from its series. */
  cancelled: boolean;
  /** RECURRENCE-ID;RANGE=THISANDFUTURE: the change holds for this and every later occurrence (calendar.ics-ranges.ts). */
  thisAndFuture: boolean;
  title: string;
  description: string | null;
  location: string | null;
  allDay: boolean;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  exdates: Date[];
  /** Extra dates (RDATE): starts and, one for one, the ends of PERIOD values (null: the event's length). */
  rdates: Date[];
  rdateEnds: (Date | null)[];
  sequence: number;
  /** The event's lines Life OS does not interpret (alarms, attendees, X- properties), to be written back. */
  icsKept: string | null;
}

export interface SkippedEvent {
  uid: string | null;
  summary: string | null;
  reason: string;
}

export interface ParsedCalendar {
  events: ParsedEvent[];
  skipped: SkippedEvent[];
  warnings: string[];
}

class SkipEvent extends Error {}

/** What Life OS reads or writes itself of a VEVENT; every other line is kept as the file wrote it. */
const INTERPRETED = new Set([
  'UID',
  'DTSTAMP',
  'DTSTART',
  'DTEND',
  'DURATION',
  'SUMMARY',
  'DESCRIPTION',
  'LOCATION',
  'RRULE',
  'EXDATE',
  'RDATE',
  'RECURRENCE-ID',
  'SEQUENCE',
  'CREATED',
  'LAST-MODIFIED',
  // libical's marks of its own parse errors, not the author's data.
  'X-LIC-ERROR',
  // Written by the export itself for every all-day event (ical-generator, for Outlook).
  'X-MICROSOFT-CDO-ALLDAYEVENT',
  'X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT',
]);
/** At most this much of an event's uninterpreted lines is kept (a calendar's alarms and attendees are a few kB). */
export const KEPT_MAX_CHARS = 65_536;

/** The block's lines that are not interpreted: its own properties and whole nested components (VALARM, X-…). */
function keptLines(lines: string[]): string | null {
  const kept: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const name = nameOf(line);
    if (name === 'BEGIN') depth++;
    const nested = depth > 1;
    if (name === 'END') depth--;
    if (nested) kept.push(line);
    else if (depth === 1 && name !== 'BEGIN' && !INTERPRETED.has(name)) {
      if (name === 'STATUS' && lineValue(line).trim().toUpperCase() === 'CANCELLED') continue;
      kept.push(line);
    }
  }
  return kept.length > 0 ? kept.join('\r\n') : null;
}

/** A line as a report quotes it: cut short, so a hostile file cannot make the report large. */
export const quoteLine = (line: string) => `"${line.length > 120 ? `${line.slice(0, 120)}…` : line}"`;

/** Logical lines: folds joined (RFC 5545 §3.1), trailing whitespace dropped, empty lines left out. */
function unfold(text: string): string[] {
  const lines: string[] = [];
  for (const physical of text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
    if ((physical.startsWith(' ') || physical.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] += physical.slice(1);
    } else lines.push(physical);
  }
  return lines.map((line) => line.trimEnd()).filter((line) => line !== '');
}

const nameOf = (line: string) => /^[A-Za-z0-9-]+/.exec(line)?.[0]?.toUpperCase() ?? '';
const lineValue = (line: string) => {
  // The value follows the first colon outside a quoted parameter value.
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) return line.slice(i + 1);
  }
  return '';
};

/** The top-level blocks of one kind (VEVENT, VTIMEZONE) of a calendar, each as its lines (nested ones included). */
function componentBlocks(lines: string[], kind = 'VEVENT'): { lines: string[]; complete: boolean }[] {
  const blocks: { lines: string[]; complete: boolean }[] = [];
  let current: string[] | null = null;
  let depth = 0;
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (current) {
      current.push(line);
      if (upper.startsWith('BEGIN:')) depth++;
      else if (upper.startsWith('END:')) {
        depth--;
        if (depth === 0) {
          blocks.push({ lines: current, complete: upper === `END:${kind}` });
          current = null;
        }
      }
    } else if (upper === `BEGIN:${kind}`) {
      current = [line];
      depth = 1;
    }
  }
  if (current) blocks.push({ lines: current, complete: false });
  return blocks;
}

function rawProperty(lines: string[], name: string): string | null {
  const line = lines.find((l) => nameOf(l) === name);
  return line === undefined ? null : lineValue(line);
}

/** The first line of a property in the event's own lines (not its alarms'), for a message. */
function rawLine(lines: string[], name: string): string {
  return lines.find((l) => nameOf(l) === name.toUpperCase()) ?? name.toUpperCase();
}

const DATE_VALUE_TYPES = new Set(['DATE', 'DATE-TIME', 'PERIOD']);
const DATE_PROPERTIES = new Set(['DTSTART', 'DTEND', 'RECURRENCE-ID', 'EXDATE', 'RDATE', 'DUE']);

/**
 * Lines the parser would read with a guess: an empty parameter (`DTSTART;;VALUE=…`, which readers skip) is read and
 * reported; an unknown value type on a date (`DTSTART;VALUE=FOO:…`) cannot be read without guessing, so it costs
 * the event.
 */
function lineProblems(lines: string[]): { warnings: string[] } {
  const warnings: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (upper.startsWith('BEGIN:')) depth++;
    else if (upper.startsWith('END:')) depth--;
    if (depth !== 1) continue; // the event's own lines, not its alarms'
    const name = nameOf(line);
    const head = line.slice(0, line.length - lineValue(line).length);
    if (/;;|;:$/.test(head)) warnings.push(`line ${quoteLine(line)} has an empty parameter, which was ignored`);
    if (DATE_PROPERTIES.has(name)) {
      const type = /;VALUE=([^;:]*)/i.exec(head)?.[1]?.toUpperCase();
      if (type !== undefined && !DATE_VALUE_TYPES.has(type)) {
        throw new SkipEvent(`Unknown value type in line ${quoteLine(line)}`);
      }
    }
  }
  return { warnings };
}

const text = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
};

const clip = (value: string | null, max: number) => (value && value.length > max ? value.slice(0, max) : value);

interface Context {
  defaultTimezone: string;
  warnings: Set<string>;
  /** The zone the file's own VTIMEZONE of a TZID stands for (see calendar.vtimezone.ts), remembered per TZID. */
  fileZone(tzid: string, year: number): string | null;
}

/** At most this many of a file's own VTIMEZONEs are matched to a zone (each costs a few milliseconds). */
const MAX_FILE_ZONES = 20;

function fileZones(lines: string[]): (tzid: string, year: number) => string | null {
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

interface ResolvedTime {
  instant: Date;
  isDate: boolean;
  /** IANA zone of a zoned time, 'UTC' for a UTC time, the default zone for a floating one. */
  zone: string;
  /** The wall-clock fields, as a floating (UTC-written) date. */
  floating: Date;
}

function resolveTime(time: ICAL.Time, tzid: string | null, ctx: Context): ResolvedTime {
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

function propertyTime(component: ICAL.Component, lines: string[], name: string, ctx: Context): ResolvedTime | null {
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

const RRULE_KEYS = new Set([
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
]);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const utcStamp = (d: Date) =>
  `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;

/** The RRULE as stored: known parts only, X- parts dropped, a floating UNTIL turned into UTC. */
function normalizeRrule(raw: string, allDay: boolean, timezone: string): string {
  const parts = rruleParts(raw.trim());
  if (!parts) throw new SkipEvent(`Invalid recurrence rule in line ${quoteLine(`RRULE:${raw}`)}`);
  const kept: string[] = [];
  for (const [key, value] of parts) {
    if (key.startsWith('X-')) continue;
    if (!RRULE_KEYS.has(key) || value === '' || /[\s:]/.test(value)) {
      throw new SkipEvent(
        `Invalid recurrence rule in line ${quoteLine(`RRULE:${raw}`)}: unknown part "${key.slice(0, 40)}"`,
      );
    }
    if (key === 'UNTIL' && allDay && /^\d{8}T\d{6}Z?$/i.test(value)) {
      // RFC 5545 wants a DATE here. Exchange writes the local midnight that starts the last day, in UTC
      // (20240728T230000Z for 29 July in London): the nearest midnight's date is that day, for any zone within
      // ±12 hours. recurring-ical-events reads it the same way; libical drops that last day.
      const instant = parseRruleDate(value.replace(/Z$/i, ''));
      if (!instant) throw new SkipEvent(`Invalid UNTIL in line ${quoteLine(`RRULE:${raw}`)}`);
      const nearest = new Date(Math.round(instant.getTime() / DAY_MS) * DAY_MS);
      kept.push(`UNTIL=${utcStamp(nearest).slice(0, 8)}`);
      continue;
    }
    if (key === 'UNTIL' && !allDay && /^\d{8}T\d{6}$/.test(value)) {
      // A floating UNTIL is a wall-clock time in the event's zone (parseRruleDate reads it as UTC fields).
      const floating = parseRruleDate(value);
      if (!floating) throw new SkipEvent('Invalid recurrence rule (RRULE)');
      kept.push(`UNTIL=${utcStamp(fromFloating(floating, timezone))}`);
      continue;
    }
    kept.push(`${key}=${value.toUpperCase()}`);
  }
  const freq = parts.get('FREQ')?.toUpperCase();
  if (freq === 'SECONDLY' || freq === 'MINUTELY' || freq === 'HOURLY') {
    throw new SkipEvent('Repeats more often than daily, which Life OS does not support');
  }
  return kept.join(';');
}

function convertEvent(lines: string[], ctx: Context): ParsedEvent {
  const { warnings: lineWarnings } = lineProblems(lines);
  let component: ICAL.Component;
  try {
    const root = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${lines.join('\r\n')}\r\nEND:VCALENDAR\r\n`));
    const vevent = root.getFirstSubcomponent('vevent');
    if (!vevent) throw new Error('no VEVENT');
    component = vevent;
  } catch (error) {
    throw new SkipEvent(`Malformed event: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`);
  }
  const start = propertyTime(component, lines, 'dtstart', ctx);
  const end = propertyTime(component, lines, 'dtend', ctx);
  const recurrence = propertyTime(component, lines, 'recurrence-id', ctx);
  if (!start) throw new SkipEvent('No start (DTSTART)');
  const allDay = start.isDate;
  const startsAt = start.instant;
  let endsAt: Date;
  if (end) {
    endsAt = allDay ? end.floating : end.instant;
  } else if (component.hasProperty('duration')) {
    const duration = component.getFirstPropertyValue('duration');
    const seconds = duration instanceof ICAL.Duration ? duration.toSeconds() : 0;
    endsAt = new Date(startsAt.getTime() + seconds * 1000);
  } else {
    endsAt = allDay ? new Date(startsAt.getTime() + DAY_MS) : startsAt;
  }
  if (allDay && endsAt.getTime() <= startsAt.getTime()) endsAt = new Date(startsAt.getTime() + DAY_MS);
  if (endsAt.getTime() < startsAt.getTime()) throw new SkipEvent('Ends before it starts');
  if (endsAt.getTime() - startsAt.getTime() > 366 * DAY_MS) throw new SkipEvent('Lasts longer than a year');
  // A series may start long ago (holidays "since 1753"): its occurrences in the calendar's years are what is shown.
  if (startsAt.getUTCFullYear() < EARLIEST_START_YEAR || startsAt.getUTCFullYear() >= 2200) {
    throw new SkipEvent(`Starts outside the years ${EARLIEST_START_YEAR}–2199`);
  }
  const timezone = allDay ? 'UTC' : start.zone;

  let rrule: string | null = null;
  const rawRrule = rawProperty(lines, 'RRULE');
  if (rawRrule !== null && !recurrence) {
    rrule = normalizeRrule(rawRrule, allDay, timezone);
    // The checks every write of a rule passes: readable, daily or rarer, bounded, and occurring within a walk's budget.
    const problem = recurrenceRuleProblem(rrule, { allDay, startsAt, timezone });
    if (problem) throw new SkipEvent(`Recurrence rule (RRULE) ${quoteRule(rrule)} ${problem}`);
  }

  const exdates: Date[] = [];
  for (const prop of component.getAllProperties('exdate')) {
    const tzid = prop.getParameter('tzid');
    for (const value of prop.getValues()) {
      if (!(value instanceof ICAL.Time)) continue;
      const t = resolveTime(value, typeof tzid === 'string' ? tzid : null, ctx);
      if (allDay)
        exdates.push(
          t.floating.getTime() % DAY_MS === 0
            ? t.floating
            : new Date(Date.UTC(t.floating.getUTCFullYear(), t.floating.getUTCMonth(), t.floating.getUTCDate())),
        );
      else if (t.isDate) {
        // A DATE against a DATE-TIME series: the occurrence on that day, at the series' time of day.
        const local = new Date(t.floating.getTime() + (start.floating.getTime() % DAY_MS));
        exdates.push(fromFloating(local, timezone));
      } else exdates.push(t.instant);
    }
  }

  const extra = new Map<number, Date | null>();
  // A DATE with a UTC mark (`RDATE:20131210Z`, Google's birthdays) is no RFC 5545 value: left out, as libical
  // does, and said.
  const malformedDates = new Set<string>();
  for (const line of lines.filter((l) => nameOf(l) === 'RDATE')) {
    const bad = lineValue(line)
      .split(',')
      .filter((v) => /^\d{8}Z$/i.test(v.trim()));
    if (bad.length === 0) continue;
    for (const value of bad) malformedDates.add(value.trim().slice(0, 8));
    lineWarnings.push(`line ${quoteLine(line)} holds a date with a time-zone mark, which was left out`);
  }
  let early = 0;
  for (const prop of component.getAllProperties('rdate')) {
    const tzid = prop.getParameter('tzid');
    for (const value of prop.getValues()) {
      const isPeriod = value instanceof ICAL.Period;
      const startTime = isPeriod ? value.start : value;
      if (!(startTime instanceof ICAL.Time)) continue;
      if (malformedDates.has(`${startTime.year}${pad(startTime.month)}${pad(startTime.day)}`) && startTime.isDate) {
        continue;
      }
      const t = resolveTime(startTime, typeof tzid === 'string' ? tzid : null, ctx);
      let at: Date;
      if (allDay) at = new Date(Math.floor(t.floating.getTime() / DAY_MS) * DAY_MS);
      else if (t.isDate)
        at = fromFloating(new Date(t.floating.getTime() + (start.floating.getTime() % DAY_MS)), timezone);
      else at = t.instant;
      let end: Date | null = null;
      if (isPeriod && !allDay) {
        const periodEnd = resolveTime(value.getEnd(), typeof tzid === 'string' ? tzid : null, ctx).instant;
        if (periodEnd.getTime() < at.getTime())
          throw new SkipEvent(`A PERIOD ends before it starts in line ${quoteLine(rawLine(lines, 'RDATE'))}`);
        end = periodEnd;
      }
      // DTSTART is the first instance (RFC 5545 §3.8.2.4): an extra date before it has no place in the series.
      if (at.getTime() < startsAt.getTime()) early++;
      else extra.set(at.getTime(), end);
    }
  }
  if (early > 0) lineWarnings.push(`${early} extra date(s) (RDATE) before the event's start were left out`);
  if (extra.size > RDATES_MAX) throw new SkipEvent(`More than ${RDATES_MAX} extra dates (RDATE)`);
  const rdateStarts = [...extra.keys()].sort((a, b) => a - b);
  if (rdateStarts.length > 0 && rrule === null && !recurrence) {
    // Extra dates without a rule: the recurrence set is DTSTART and those dates (RFC 5545 §3.8.5.2), stored as a
    // rule that gives DTSTART alone.
    rrule = 'FREQ=DAILY;COUNT=1';
  }

  const uidValue = text(component.getFirstPropertyValue('uid'));
  const summary = text(component.getFirstPropertyValue('summary'));
  if (uidValue && uidValue.length > UID_MAX) throw new SkipEvent('UID is too long');
  const icsUid =
    uidValue ??
    `lifeos-import-${createHash('sha256')
      .update(`${summary ?? ''}\n${startsAt.toISOString()}\n${endsAt.toISOString()}`)
      .digest('hex')
      .slice(0, 32)}`;
  let kept = keptLines(lines);
  if (kept !== null && kept.length > KEPT_MAX_CHARS) {
    lineWarnings.push(`its alarms, attendees and other properties (${kept.length} characters) were too long to keep`);
    kept = null;
  }
  for (const warning of lineWarnings) ctx.warnings.add(`"${(summary ?? icsUid).slice(0, 80)}": ${warning}`);
  const status = text(component.getFirstPropertyValue('status'))?.toUpperCase();
  if (status === 'CANCELLED' && !recurrence) throw new SkipEvent('Cancelled');
  const sequence = Number(component.getFirstPropertyValue('sequence') ?? 0);
  return {
    icsUid,
    recurrenceId: recurrence ? (allDay ? recurrence.floating : recurrence.instant) : null,
    cancelled: status === 'CANCELLED',
    thisAndFuture:
      recurrence !== null &&
      String(component.getFirstProperty('recurrence-id')?.getParameter('range') ?? '').toUpperCase() ===
        'THISANDFUTURE',
    title: clip(summary, EVENT_TITLE_MAX) ?? '',
    description: clip(text(component.getFirstPropertyValue('description')), EVENT_DESCRIPTION_MAX),
    location: clip(text(component.getFirstPropertyValue('location')), EVENT_LOCATION_MAX),
    allDay,
    startsAt,
    endsAt,
    timezone,
    rrule,
    exdates: [...new Map(exdates.map((d) => [d.getTime(), d])).values()].sort((a, b) => a.getTime() - b.getTime()),
    rdates: recurrence ? [] : rdateStarts.map((t) => new Date(t)),
    rdateEnds: recurrence ? [] : rdateStarts.map((t) => extra.get(t) ?? null),
    sequence: Number.isFinite(sequence) && sequence >= 0 ? Math.min(Math.trunc(sequence), 1_000_000) : 0,
    icsKept: kept,
  };
}

/**
 * The zone floating times are read in: the calendar's X-WR-TIMEZONE (Google and Apple write their times floating
 * or in UTC and name the calendar's zone there, and recurring-ical-events reads it so), else the user's.
 */
function floatingZone(lines: string[], userZone: string): string {
  let depth = 0;
  for (const line of lines) {
    const name = nameOf(line);
    if (name === 'BEGIN') depth++;
    else if (name === 'END') depth--;
    else if (depth === 1 && name === 'X-WR-TIMEZONE') return resolveTimezone(lineValue(line)) ?? userZone;
  }
  return userZone;
}

/** Parses an .ics text. Throws ValidationError only when the text is no calendar at all. */
export function parseIcs(input: string, options: { defaultTimezone: string }): ParsedCalendar {
  const lines = unfold(input);
  if (!lines.some((line) => line.toUpperCase() === 'BEGIN:VCALENDAR')) {
    throw new ValidationError('This is not an iCalendar file: it has no BEGIN:VCALENDAR line');
  }
  const blocks = componentBlocks(lines);
  if (blocks.length > MAX_EVENTS_PER_FILE) {
    throw new ValidationError(
      `The file holds ${blocks.length} events; at most ${MAX_EVENTS_PER_FILE} can be imported at once`,
    );
  }
  const ctx: Context = {
    defaultTimezone: floatingZone(lines, options.defaultTimezone),
    warnings: new Set(),
    fileZone: fileZones(lines),
  };
  const skipped: SkippedEvent[] = [];
  const byKey = new Map<string, ParsedEvent>();
  for (const block of blocks) {
    const uid = text(rawProperty(block.lines, 'UID'))?.slice(0, 200) ?? null;
    const summary = text(rawProperty(block.lines, 'SUMMARY'))?.slice(0, 200) ?? null;
    if (!block.complete) {
      skipped.push({ uid, summary, reason: 'Malformed event: it has no matching END:VEVENT' });
      continue;
    }
    try {
      const event = convertEvent(block.lines, ctx);
      const key = `${event.icsUid}\n${event.recurrenceId?.getTime() ?? ''}`;
      const earlier = byKey.get(key);
      if (earlier) {
        const keepLater = event.sequence >= earlier.sequence;
        const dropped = keepLater ? earlier : event;
        skipped.push({
          uid: dropped.icsUid.slice(0, 200),
          summary: dropped.title || null,
          reason: 'The file holds this event twice; the newer copy (higher SEQUENCE) was imported',
        });
        if (!keepLater) continue;
      }
      byKey.set(key, event);
    } catch (error) {
      // Anything ical.js throws on a value it reads lazily costs this event only, never the import.
      const reason =
        error instanceof SkipEvent
          ? error.message
          : `Malformed event: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`;
      skipped.push({ uid, summary, reason });
    }
  }
  const events = applyThisAndFuture([...byKey.values()], skipped);
  // A detached occurrence without a SUMMARY (Apple writes those) keeps its series' title.
  const titles = new Map(events.filter((e) => !e.recurrenceId).map((e) => [e.icsUid, e.title]));
  for (const event of events) if (!event.title) event.title = titles.get(event.icsUid) || '(no title)';
  return { events, skipped, warnings: [...ctx.warnings] };
}
