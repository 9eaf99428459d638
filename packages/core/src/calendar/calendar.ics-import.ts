/**
 * Reads an iCalendar (.ics) file into events, with ical.js doing the parsing.
 *
 * Real exports are often a little broken. The file is unfolded and cut into its VEVENT blocks first, and each
 * block is parsed on its own: a malformed line costs only the event it is in, which is reported as skipped with
 * the parser's message, and every other event is imported. A file that is not iCalendar at all is refused.
 * Its parts: the lines before parsing (calendar.ics-lines.ts: unfolding, odd lines, what is kept uninterpreted), the
 * times (calendar.ics-times.ts: zones by name or by the file's VTIMEZONE, floating times in X-WR-TIMEZONE), and
 * THISANDFUTURE overrides (calendar.ics-ranges.ts); this file reads one event and the whole calendar.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { ValidationError } from '../errors.js';
import { fromFloating } from './calendar.floating-time.js';
import {
  componentBlocks,
  KEPT_MAX_CHARS,
  keptLines,
  lineProblems,
  lineValue,
  nameOf,
  quoteLine,
  rawLine,
  rawProperty,
  SkipEvent,
  text,
  unfold,
} from './calendar.ics-lines.js';
import { applyThisAndFuture } from './calendar.ics-ranges.js';
import { type Context, fileZones, floatingZone, propertyTime, resolveTime } from './calendar.ics-times.js';
import {
  EVENT_DESCRIPTION_MAX,
  EVENT_LOCATION_MAX,
  EVENT_TITLE_MAX,
  parseRruleDate,
  RDATES_MAX,
  rruleParts,
} from './calendar.schemas.js';
import { quoteRule, recurrenceRuleProblem } from './calendar.series.js';

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

const clip = (value: string | null, max: number) => (value && value.length > max ? value.slice(0, max) : value);

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
  // RFC 5545's recurrence set is DTSTART, the rule's and the extra dates, less the exceptions: a single event whose
  // one date is excepted has none (recurring-ical-events and libical show nothing either).
  if (
    rrule === null &&
    rdateStarts.length === 0 &&
    !recurrence &&
    exdates.some((d) => d.getTime() === startsAt.getTime())
  ) {
    throw new SkipEvent('Its only date is an exception (EXDATE)');
  }
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
