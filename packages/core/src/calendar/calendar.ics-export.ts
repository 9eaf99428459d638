/** Writes events as an iCalendar file with ical-generator; parseIcs reads it back to the same events. */
import ical, { ICalCalendarMethod } from 'ical-generator';
import { LRUCache } from 'lru-cache';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { toFloating } from './calendar.floating-time.js';
import { vtimezoneText } from './calendar.vtimezone.js';

export interface ExportableEvent {
  icsUid: string;
  title: string;
  description: string | null;
  location: string | null;
  allDay: boolean;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  exdates: Date[];
  rdates?: Date[];
  rdateEnds?: (Date | null)[];
  /** The revision (SEQUENCE); 0 when absent. */
  sequence?: number;
  /** Lines of an imported event that Life OS does not interpret, written back as they were. */
  icsKept?: string | null;
  recurrenceId: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateStamp = (d: Date) => `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
const timeStamp = (d: Date) => `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
const isUtc = (timezone: string) => timezone === 'UTC' || timezone === 'Etc/UTC';

/** EXDATE in the event's own terms: dates for all-day events, wall-clock times in its zone otherwise. */
function exdateLine(event: ExportableEvent): string | null {
  if (event.exdates.length === 0) return null;
  if (event.allDay) return `EXDATE;VALUE=DATE:${event.exdates.map(dateStamp).join(',')}`;
  if (isUtc(event.timezone)) return `EXDATE:${event.exdates.map((d) => `${dateStamp(d)}T${timeStamp(d)}Z`).join(',')}`;
  const local = event.exdates.map((d) => toFloating(d, event.timezone)).map((d) => `${dateStamp(d)}T${timeStamp(d)}`);
  return `EXDATE;TZID=${event.timezone}:${local.join(',')}`;
}

const utcStamp = (d: Date) => `${dateStamp(d)}T${timeStamp(d)}Z`;

/** RDATE like EXDATE, in the event's own terms (an extra date with a length of its own: see periodOverrides). */
function rdateLines(event: ExportableEvent): string[] {
  const starts = event.rdates ?? [];
  if (starts.length === 0) return [];
  if (event.allDay) return [`RDATE;VALUE=DATE:${starts.map(dateStamp).join(',')}`];
  if (isUtc(event.timezone)) return [`RDATE:${starts.map(utcStamp).join(',')}`];
  const local = starts.map((d) => toFloating(d, event.timezone)).map((d) => `${dateStamp(d)}T${timeStamp(d)}`);
  return [`RDATE;TZID=${event.timezone}:${local.join(',')}`];
}

/**
 * An extra date with a length of its own (an imported RDATE PERIOD) is written as a plain RDATE and an override of
 * that occurrence with its own end: every client reads that form, where recurring-ical-events fails on a file
 * holding a PERIOD and libical's expansion drops it. An occurrence the events already override keeps its override.
 */
function periodOverrides(events: ExportableEvent[]): ExportableEvent[] {
  const overridden = new Set(
    events.flatMap((e) => (e.recurrenceId ? [`${e.icsUid} ${e.recurrenceId.getTime()}`] : [])),
  );
  return events.flatMap((event) =>
    (event.rdates ?? []).flatMap((start, i) => {
      const end = event.rdateEnds?.[i];
      if (!end || overridden.has(`${event.icsUid} ${start.getTime()}`)) return [];
      return [
        {
          ...event,
          rrule: null,
          exdates: [],
          rdates: [],
          rdateEnds: [],
          recurrenceId: start,
          startsAt: start,
          endsAt: end,
        },
      ];
    }),
  );
}

/** `name`: the calendar's (X-WR-CALNAME), for whole calendars; none for one CalDAV object. */
type IcsOptions = { name?: string; method?: 'publish' };

/**
 * A piece ends after this many events or this many characters, whichever comes first; between pieces,
 * buildIcsYielding gives the event loop back (a piece is a few milliseconds of work).
 */
const ICS_PIECE_EVENTS = 50;
const ICS_PIECE_CHARS = 100_000;
const CALENDAR_END = 'END:VCALENDAR';

/** The UTF-8 length of the code unit at `i` and of the one after it when they form a pair (as foldLines reads it). */
function utf8Length(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  return 3;
}

/**
 * Folds each line at 75 octets, exactly as ical-generator's foldLines does (the tests compare the two). Its own
 * allocates a TextEncoder for every character: 1.2 s of a 1.3 MB feed (5,000 series), in one piece that stalled
 * the server, and 20 ms for each 20,000-character description.
 */
export function foldIcsLines(input: string): string {
  return input
    .split('\r\n')
    .map((line) => {
      let out = '';
      let octets = 0;
      let from = 0;
      for (let r = 0; r < line.length; r++) {
        const start = r;
        const code = line.charCodeAt(r);
        let length: number;
        if (code >= 0xd800 && code <= 0xdbff) {
          // foldLines takes the next unit with a high surrogate, whatever it is.
          const next = r + 1 < line.length ? line.charCodeAt(r + 1) : -1;
          r++;
          if (next >= 0xdc00 && next <= 0xdfff) length = 4;
          else length = 3 + (next === -1 ? 0 : next >= 0xd800 && next <= 0xdfff ? 3 : utf8Length(next));
        } else {
          length = code >= 0xdc00 && code <= 0xdfff ? 3 : utf8Length(code);
        }
        octets += length;
        if (octets > 74) {
          out += `${line.slice(from, start)}\r\n `;
          from = start;
          octets = length;
        }
      }
      return out + line.slice(from);
    })
    .join('\r\n');
}

function newCalendar(options: IcsOptions) {
  return ical({
    ...(options.name ? { name: options.name } : {}),
    prodId: { company: 'Life OS', product: 'Calendar', language: 'EN' },
    ...(options.method ? { method: ICalCalendarMethod.PUBLISH } : {}),
  });
}

type Calendar = ReturnType<typeof newCalendar>;

function addEvent(calendar: Calendar, event: ExportableEvent) {
  const zoned = !event.allDay && !isUtc(event.timezone);
  const repeating = event.rrule
    ? [`RRULE:${event.rrule}`, exdateLine(event), ...rdateLines(event)].filter(Boolean).join('\r\n')
    : null;
  // ical-generator writes a Date's UTC fields after TZID (it converts only moment/luxon/dayjs values), so a
  // zoned event gets its wall-clock times written as UTC fields.
  const wall = (d: Date) => (zoned ? toFloating(d, event.timezone) : d);
  return calendar.createEvent({
    id: event.icsUid,
    start: wall(event.startsAt),
    end: wall(event.endsAt),
    allDay: event.allDay,
    timezone: zoned ? event.timezone : null,
    summary: event.title,
    description: event.description,
    location: event.location,
    repeating,
    recurrenceId: event.recurrenceId ? wall(event.recurrenceId) : null,
    stamp: event.updatedAt,
    sequence: event.sequence ?? 0,
    created: event.createdAt,
    lastModified: event.updatedAt,
  });
}

/**
 * The event as ical-generator writes it, with its kept lines, and an all-day occurrence's RECURRENCE-ID as RFC 5545
 * wants it, the same value type as DTSTART (a DATE), where ical-generator writes a UTC date-time.
 */
function eventText(calendar: Calendar, event: ExportableEvent): string {
  let text = addEvent(calendar, event).toString();
  if (event.allDay && event.recurrenceId) {
    const stamp = dateStamp(event.recurrenceId);
    text = text.replace(`\r\nRECURRENCE-ID:${stamp}T000000Z\r\n`, `\r\nRECURRENCE-ID;VALUE=DATE:${stamp}\r\n`);
  }
  // What an imported event said that Life OS does not interpret (alarms, attendees, X- properties) goes back in.
  if (event.icsKept) text = text.replace(/END:VEVENT(\r\n)?$/, `${event.icsKept}\r\nEND:VEVENT$1`);
  return text;
}

/**
 * The VTIMEZONE of every zone the events are written in (RFC 5545 §3.6.5: each TZID used must have one), covering
 * the years they happen in with the zone's changes as they were, then its current rules (calendar.vtimezone.ts).
 * Derived from the events alone, so the same events always give the same file.
 */
function vtimezones(events: ExportableEvent[]): string {
  const years = new Map<string, { from: number; to: number }>();
  for (const event of events) {
    if (event.allDay || isUtc(event.timezone)) continue;
    const dates = [
      event.startsAt,
      event.endsAt,
      ...(event.rdates ?? []),
      ...(event.recurrenceId ? [event.recurrenceId] : []),
    ];
    const span = years.get(event.timezone) ?? { from: 9999, to: 0 };
    for (const date of dates) {
      span.from = Math.min(span.from, date.getUTCFullYear());
      span.to = Math.max(span.to, date.getUTCFullYear() + 1);
    }
    // A series goes on after its start: its past years up to when it was last saved are written as they were (a
    // 2002 series crossed the US change of 2007), and the current rules take over after that.
    if (event.rrule) span.to = Math.max(span.to, event.updatedAt.getUTCFullYear() + 1);
    years.set(event.timezone, span);
  }
  let text = '';
  for (const [zone, span] of [...years].sort(([a], [b]) => a.localeCompare(b))) {
    text += zoneBlock(zone, span.from, span.to);
  }
  return text;
}

/**
 * A zone's VTIMEZONE over some years, folded, remembered: working out a zone's history takes ~5 ms, and a CalDAV
 * answer writes thousands of one-event calendars mostly in the same few zones and years. The text depends on nothing
 * else, and each block ends a line, so blocks folded one by one are the whole folded at once.
 */
const zoneBlocks = new LRUCache<string, string>({ max: 512 });
function zoneBlock(zone: string, from: number, to: number): string {
  const key = `${zone}\n${from}\n${to}`;
  let block = zoneBlocks.get(key);
  if (block === undefined) {
    const [current] = tzlib_get_ical_block(zone);
    block = foldIcsLines(vtimezoneText(zone, from, to, current ?? null) ?? '');
    zoneBlocks.set(key, block);
  }
  return block;
}

/**
 * What ical-generator writes for an empty calendar of these options, up to END:VCALENDAR, remembered: it depends on
 * the options alone, and ical-generator folds it a character at a time with a TextEncoder each (2 ms of every
 * 100-object CalDAV multiget went there).
 */
const calendarHeads = new Map<string, string>();
function calendarHead(options: IcsOptions): string {
  const key = JSON.stringify([options.name ?? null, options.method ?? null]);
  let head = calendarHeads.get(key);
  if (head === undefined) {
    const empty = newCalendar(options).toString();
    if (!empty.endsWith(CALENDAR_END)) throw new Error('Unexpected calendar shape from ical-generator');
    head = empty.slice(0, -CALENDAR_END.length);
    // Calendar names are the user's (a feed, an export): only a few are kept.
    if (calendarHeads.size >= 64) calendarHeads.clear();
    calendarHeads.set(key, head);
  }
  return head;
}

/**
 * The calendar file in pieces of whole lines, folded: joined, they are what ical-generator's calendar.toString()
 * writes (its events unfolded, the whole folded once).
 */
function* icsPieces(events: ExportableEvent[], options: IcsOptions): Generator<string, void, void> {
  const calendar = newCalendar(options);
  yield calendarHead(options) + vtimezones(events);
  let piece = '';
  let count = 0;
  for (const event of [...events, ...periodOverrides(events)]) {
    piece += eventText(calendar, event);
    count++;
    if (count >= ICS_PIECE_EVENTS || piece.length >= ICS_PIECE_CHARS) {
      calendar.clear();
      yield foldIcsLines(piece);
      piece = '';
      count = 0;
    }
  }
  calendar.clear();
  if (piece) yield foldIcsLines(piece);
  yield CALENDAR_END;
}

export function buildIcs(events: ExportableEvent[], options: IcsOptions): string {
  let text = '';
  for (const piece of icsPieces(events, options)) text += piece;
  return text;
}

/** buildIcs for thousands of events: the event loop is given back between pieces (the feed, the exports). */
export async function buildIcsYielding(events: ExportableEvent[], options: IcsOptions): Promise<string> {
  let text = '';
  for (const piece of icsPieces(events, options)) {
    text += piece;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return text;
}
