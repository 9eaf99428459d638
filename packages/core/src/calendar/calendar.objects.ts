/**
 * The user's own calendar as calendar object resources (CalDAV, RFC 4791): one resource per UID — a single event,
 * or a series with its changed occurrences — read and written as iCalendar text through the same reader and writer
 * as .ics files, so what a phone sends is stored in Life OS's own model and what it gets back is what any export says.
 */
import { calendarQueries, type DB, type Kysely } from '@lifeos/db';
import { eventLoopSlicer } from '../common/slices.js';
import { CalendarDataError, ValidationError } from '../errors.js';
import { emitWritten, writeParsedEvents } from './calendar.ics.js';
import { buildIcs, type ExportableEvent } from './calendar.ics-export.js';
import { type ParsedEvent, parseIcs } from './calendar.ics-import.js';
import { expandOccurrences, expandOccurrencesYielding } from './calendar.recurrence.js';
import { ICS_MAX_CHARS, MAX_RANGE_DAYS, type TImportReport } from './calendar.schemas.js';
import { DAY_MS, type Deps, type EventRow } from './calendar.shared.js';

/** The largest calendar object accepted (the .ics import's limit), advertised as CALDAV:max-resource-size. */
export const EVENT_OBJECT_MAX_CHARS = ICS_MAX_CHARS;

export interface EventObject {
  uid: string;
  events: ParsedEvent[];
}

const hasUidLine = (ics: string) => /(^|[\r\n])UID[;:]/i.test(ics);

/**
 * Reads one calendar object: a VCALENDAR whose VEVENTs share one UID. Anything Life OS would have to drop or change
 * beyond its model is refused with the precondition a client understands, so a phone never believes it saved an
 * event that was not kept.
 */
export function parseEventObject(ics: string, timezone: string): EventObject {
  if (ics.length > EVENT_OBJECT_MAX_CHARS) {
    throw new CalendarDataError(
      `An event may be at most ${EVENT_OBJECT_MAX_CHARS.toLocaleString('en')} characters`,
      'max-resource-size',
    );
  }
  let parsed: ReturnType<typeof parseIcs>;
  try {
    parsed = parseIcs(ics, { defaultTimezone: timezone });
  } catch (error) {
    if (error instanceof ValidationError) throw new CalendarDataError(error.message, 'valid-calendar-data');
    throw error;
  }
  if (/(^|[\r\n])BEGIN:(VTODO|VJOURNAL|VFREEBUSY)\s*($|[\r\n])/i.test(ics)) {
    throw new CalendarDataError('This calendar holds events (VEVENT) only', 'supported-calendar-component');
  }
  const [skipped] = parsed.skipped;
  if (skipped) throw new CalendarDataError(skipped.reason, 'valid-calendar-data');
  if (parsed.events.length === 0) {
    throw new CalendarDataError('The calendar object holds no event (VEVENT)', 'valid-calendar-data');
  }
  const uids = new Set(parsed.events.map((event) => event.icsUid));
  if (!hasUidLine(ics) || uids.size !== 1) {
    throw new CalendarDataError(
      uids.size > 1
        ? 'A calendar object holds one event and its changed occurrences: one UID (a change "for this and all future" occurrences is saved as two events by the client)'
        : 'The event has no UID',
      'valid-calendar-object-resource',
    );
  }
  return { uid: parsed.events[0]?.icsUid as string, events: parsed.events };
}

/**
 * Stores a parsed object as the whole of its UID's rows, inside the caller's transaction (`deps.db`): created,
 * updated in place (ids kept, so links into the web app stay), changed occurrences the client no longer has
 * removed; the event's webhook is emitted in the same transaction.
 */
export async function saveEventObject(deps: Deps, userId: string, object: EventObject, davName: string): Promise<void> {
  const report: TImportReport = { imported: 0, updated: 0, unchanged: 0, skipped: [], warnings: [] };
  const written = await writeParsedEvents(deps.db, userId, object.events, deps.clock.now(), report, {
    resource: { davName },
  });
  const [skipped] = report.skipped;
  // Thrown inside the transaction, so nothing of the object is kept (nor any webhook queued).
  if (skipped) throw new CalendarDataError(skipped.reason, 'valid-calendar-data');
  await emitWritten(deps, userId, written);
}

/** Removes a UID's rows, inside the caller's transaction, with its `event.deleted`; false when there were none. */
export async function deleteEventObject(deps: Deps, userId: string, uid: string): Promise<boolean> {
  const rows = await calendarQueries.listEventsByUids(deps.db, userId, [uid]);
  if ((await calendarQueries.deleteEventsByUid(deps.db, userId, uid)) === 0) return false;
  const series = rows.find((row) => !row.recurrenceId) ?? rows[0];
  if (series) await emitWritten(deps, userId, { created: [], updated: [], deleted: [series] });
  return true;
}

/**
 * How a calendar-query or multiget asks for the objects' text (RFC 4791 §9.6): whole (null), its instances in a range
 * as separate events in UTC (`expand`), or the series with only the changed occurrences that overlap a range
 * (`limit`).
 */
export type ObjectTextShape = { expand: { from: Date; to: Date } } | { limit: { from: Date; to: Date } } | null;

/** The most instances one answer's expanded objects may hold together (a day-by-day series is 400 over 400 days). */
export const EXPANDED_INSTANCES_MAX = 10_000;

/** An expansion that would pass EXPANDED_INSTANCES_MAX: the client is told to ask for a shorter range. */
export class TooManyInstancesError extends ValidationError {
  constructor() {
    super(`More than ${EXPANDED_INSTANCES_MAX.toLocaleString('en')} occurrences to expand: ask for a shorter range`);
  }
}

const overlaps = (row: { startsAt: Date; endsAt: Date; recurrenceId: Date | null }, range: { from: Date; to: Date }) =>
  (row.startsAt < range.to && row.endsAt > range.from) ||
  (row.recurrenceId !== null && row.recurrenceId >= range.from && row.recurrenceId < range.to);

/** The iCalendar text of each UID that has rows (a series with its changed occurrences in one VCALENDAR). */
export async function eventObjectsIcs(
  db: Kysely<DB>,
  userId: string,
  uids: string[],
  shape: ObjectTextShape = null,
): Promise<Map<string, string>> {
  const rows = await calendarQueries.listEventsByUids(db, userId, uids);
  const byUid = new Map<string, typeof rows>();
  for (const row of rows) byUid.set(row.icsUid, [...(byUid.get(row.icsUid) ?? []), row]);
  const texts = new Map<string, string>();
  // A PROPFIND of thousands of events with their text: the event loop is given back every few milliseconds.
  const slice = eventLoopSlicer();
  let instances = 0;
  for (const [uid, group] of byUid) {
    await slice();
    // The series first, then its changed occurrences in order: clients read the first VEVENT as the event.
    group.sort((a, b) => (a.recurrenceId?.getTime() ?? -Infinity) - (b.recurrenceId?.getTime() ?? -Infinity));
    if (shape && 'expand' in shape) {
      const expanded = expandedInstances(group, shape.expand);
      instances += expanded.length;
      if (instances > EXPANDED_INSTANCES_MAX) throw new TooManyInstancesError();
      texts.set(uid, buildIcs(expanded, {}));
    } else if (shape && 'limit' in shape) {
      texts.set(
        uid,
        buildIcs(
          group.filter((row) => !row.recurrenceId || overlaps(row, shape.limit)),
          {},
        ),
      );
    } else texts.set(uid, buildIcs(group, {}));
  }
  return texts;
}

/**
 * A series' instances in a range as events of their own (RFC 4791 §9.6.5): each with its RECURRENCE-ID, times in UTC,
 * no rule; a single event as it is. Expanded as the calendar page expands it, with the same caps.
 */
function expandedInstances(group: EventRow[], range: { from: Date; to: Date }): ExportableEvent[] {
  const page = expandOccurrences(group, range.from, range.to, { viewerTimezone: 'UTC' });
  const byId = new Map(group.map((row) => [row.id, row]));
  return page.items.flatMap((item) => {
    const row = byId.get(item.eventId);
    if (!row) return [];
    const isInstance = row.rrule !== null || row.recurrenceId !== null;
    return [
      {
        ...row,
        title: item.title,
        description: item.description,
        location: item.location,
        startsAt: item.start,
        endsAt: item.end,
        timezone: row.allDay ? row.timezone : 'UTC',
        rrule: null,
        exdates: [],
        rdates: [],
        rdateEnds: [],
        recurrenceId: isInstance ? (row.recurrenceId ?? item.occurrenceStart ?? item.start) : null,
      },
    ];
  });
}

/**
 * The UIDs with an occurrence in [from, to) (RFC 4791 §9.9): a series that began long before is matched by its
 * occurrences. A bounded range of up to MAX_RANGE_DAYS is expanded as the calendar page expands it; null for a longer
 * or open range, or an expansion cut short by its caps: the caller then answers every object, which clients filter
 * themselves (a superset is what such a query may get).
 */
export async function eventUidsInRange(
  db: Kysely<DB>,
  userId: string,
  range: { from: Date; to: Date | null },
): Promise<Set<string> | null> {
  if (!range.to || range.to.getTime() - range.from.getTime() > MAX_RANGE_DAYS * DAY_MS) return null;
  if (range.to.getTime() <= range.from.getTime()) return new Set();
  // A day of slack each side, as listOccurrences: all-day events are matched in the viewer's zone.
  const { timezone, events } = await calendarQueries.listEventsAround(
    db,
    userId,
    new Date(range.from.getTime() - DAY_MS),
    new Date(range.to.getTime() + DAY_MS),
  );
  const own = events.filter((event) => !event.subscriptionId);
  const page = await expandOccurrencesYielding(own, range.from, range.to, { viewerTimezone: timezone ?? 'UTC' });
  if (page.truncated) return null;
  const ids = [...new Set(page.items.map((item) => item.eventId))];
  return new Set(await calendarQueries.uidsOfEvents(db, userId, ids));
}
