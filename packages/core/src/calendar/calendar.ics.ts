/** .ics files in and out: an import that is idempotent by UID (read by calendar.ics-import.ts), and the export. */
import { calendarQueries, type DB, type Kysely } from '@lifeos/db';
import { userTimeZone } from '../common/time-zone.js';
import { inTransaction } from '../common/transaction.js';
import * as webhooksService from '../webhooks/webhooks.service.js';
import { eventDates } from './calendar.events.js';
import { buildIcsYielding } from './calendar.ics-export.js';
import { type ParsedEvent, parseIcs } from './calendar.ics-import.js';
import { EXDATES_MAX, type TExportIcs, type TImportReport } from './calendar.schemas.js';
import { computeSeriesEnd, type Deps, type EventRow } from './calendar.shared.js';

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

function unchanged(row: EventRow, event: ParsedEvent, seriesId: string | null, exdates: Date[]): boolean {
  return (
    row.title === event.title &&
    row.description === event.description &&
    row.location === event.location &&
    row.allDay === event.allDay &&
    sameTime(row.startsAt, event.startsAt) &&
    sameTime(row.endsAt, event.endsAt) &&
    row.timezone === event.timezone &&
    row.rrule === event.rrule &&
    row.seriesId === seriesId &&
    row.exdates.length === exdates.length &&
    row.exdates.every((d, i) => sameTime(d, exdates[i] ?? null)) &&
    row.rdates.length === event.rdates.length &&
    row.rdates.every((d, i) => sameTime(d, event.rdates[i] ?? null)) &&
    row.rdateEnds.every((d, i) => sameTime(d, event.rdateEnds[i] ?? null)) &&
    row.sequence === event.sequence &&
    row.icsKept === event.icsKept
  );
}

/**
 * Imports an .ics file, idempotently by UID (and RECURRENCE-ID): an event seen before is updated when it changed
 * and left alone when not, so importing the same file twice creates nothing. Malformed events are skipped and
 * reported, the rest imported; all in one transaction.
 */
export async function importIcs(deps: Deps, userId: string, ics: string): Promise<TImportReport> {
  const timezone = await userTimeZone(deps.db, userId);
  const parsed = parseIcs(ics, { defaultTimezone: timezone });
  const report: TImportReport = {
    imported: 0,
    updated: 0,
    unchanged: 0,
    skipped: parsed.skipped,
    warnings: parsed.warnings,
  };
  const now = deps.clock.now();
  await inTransaction(deps, async ({ db: trx }) => {
    const written = await writeParsedEvents(trx, userId, parsed.events, now, report);
    await emitWritten({ ...deps, db: trx }, userId, written);
  });
  return report;
}

/**
 * What a write of parsed events did, one entry per event: a series and its changed occurrences are one event, named
 * by the series' row (or, for changed occurrences without their series, the first of them).
 */
export interface WrittenEvents {
  created: EventRow[];
  /** `fields`: what changed, named as the web app's edits name them (`occurrences`: a changed occurrence's rows). */
  updated: { row: EventRow; fields: string[] }[];
  deleted: EventRow[];
}

/** The webhooks of a write of parsed events, with the payloads of the web app's own writes, in one batch. */
export function emitWritten(deps: Deps, userId: string, written: WrittenEvents): Promise<void> {
  return webhooksService.emitMany(deps, userId, [
    ...written.created.map((row) => ({
      type: 'event.created' as const,
      data: { id: row.id, object: 'event', changed: eventDates(row) },
    })),
    ...written.updated.map(({ row, fields }) => ({
      type: 'event.updated' as const,
      data: { id: row.id, object: 'event', changed: { scope: 'series', fields, occurrenceStart: null } },
    })),
    ...written.deleted.map((row) => ({
      type: 'event.deleted' as const,
      data: { id: row.id, object: 'event', changed: { scope: 'series', occurrenceStart: null } },
    })),
  ]);
}

/** A row's change, per UID, as writeParsedEvents makes it. */
interface RowChange {
  kind: 'created' | 'updated' | 'deleted';
  row: EventRow;
  fields: string[];
}

/** The web app's names (its edit input's keys) of the stored fields that differ. */
function changedFields(row: EventRow, event: ParsedEvent, exdates: Date[]): string[] {
  const fields: string[] = [];
  if (row.title !== event.title) fields.push('title');
  if (row.description !== event.description) fields.push('description');
  if (row.location !== event.location) fields.push('location');
  if (row.allDay !== event.allDay) fields.push('allDay');
  if (!sameTime(row.startsAt, event.startsAt)) fields.push('start');
  if (!sameTime(row.endsAt, event.endsAt)) fields.push('end');
  if (row.timezone !== event.timezone) fields.push('timezone');
  const datesDiffer = (a: Date[], b: Date[]) => a.length !== b.length || a.some((d, i) => !sameTime(d, b[i] ?? null));
  if (row.rrule !== event.rrule || datesDiffer(row.exdates, exdates) || datesDiffer(row.rdates, event.rdates)) {
    fields.push('recurrence');
  }
  return fields;
}

/** One event per UID from its rows' changes: created when it had no rows, deleted when none are left. */
function summarize(changes: Map<string, RowChange[]>, before: Map<string, EventRow[]>): WrittenEvents {
  const written: WrittenEvents = { created: [], updated: [], deleted: [] };
  const masterOf = (rows: EventRow[]) => rows.find((row) => !row.recurrenceId) ?? rows[0];
  for (const [uid, rowChanges] of changes) {
    const had = before.get(uid) ?? [];
    const deletedIds = new Set(rowChanges.filter((c) => c.kind === 'deleted').map((c) => c.row.id));
    const left = [
      ...had.filter((row) => !deletedIds.has(row.id)),
      ...rowChanges.filter((c) => c.kind === 'created').map((c) => c.row),
    ];
    const master = masterOf(left);
    const first = masterOf(had);
    if (had.length === 0 && master) written.created.push(master);
    else if (!master && first) written.deleted.push(first);
    else if (master) {
      const fields = new Set<string>();
      for (const change of rowChanges) {
        if (change.row.recurrenceId) fields.add('occurrences');
        else for (const field of change.fields) fields.add(field);
      }
      // The series itself as it is now (its row updated in place keeps its id).
      const current = rowChanges.find((c) => c.row.id === master.id && c.kind !== 'deleted')?.row ?? master;
      written.updated.push({ row: current, fields: [...fields] });
    }
  }
  return written;
}

export interface WriteOptions {
  /**
   * A CalDAV client's whole resource: the UID's rows not in `events` (changed occurrences it no longer has) are
   * deleted, and every row carries the resource's name.
   */
  resource?: { davName: string };
}

/**
 * Writes parsed events into the user's own calendar inside the caller's transaction, idempotently by UID and
 * RECURRENCE-ID: a series' cancelled occurrences become its exceptions, a changed occurrence is tied to its series.
 */
export async function writeParsedEvents(
  trx: Kysely<DB>,
  userId: string,
  events: ParsedEvent[],
  now: Date,
  report: TImportReport,
  options: WriteOptions = {},
): Promise<WrittenEvents> {
  const uids = [...new Set(events.map((e) => e.icsUid))];
  const existing = new Map<string, EventRow>();
  for (let i = 0; i < uids.length; i += 1000) {
    for (const row of await calendarQueries.listEventsByUids(trx, userId, uids.slice(i, i + 1000))) {
      existing.set(`${row.icsUid}\n${row.recurrenceId?.getTime() ?? ''}`, row);
    }
  }
  const seriesByUid = new Map<string, EventRow>();
  const before = new Map<string, EventRow[]>();
  for (const row of existing.values()) {
    if (!row.recurrenceId) seriesByUid.set(row.icsUid, row);
    before.set(row.icsUid, [...(before.get(row.icsUid) ?? []), row]);
  }
  const changes = new Map<string, RowChange[]>();
  const record = (change: RowChange) =>
    changes.set(change.row.icsUid, [...(changes.get(change.row.icsUid) ?? []), change]);

  const masters = events.filter((e) => !e.recurrenceId);
  const overrides = events.filter((e) => e.recurrenceId && !e.cancelled);
  const cancellations = events.filter((e) => e.recurrenceId && e.cancelled);
  const refused = new Set<string>();
  for (const event of masters) {
    // Occurrences cancelled in the file (STATUS:CANCELLED overrides) are exceptions of their series.
    const exdates = [
      ...new Map(
        [
          ...event.exdates,
          ...cancellations.filter((c) => c.icsUid === event.icsUid).map((c) => c.recurrenceId as Date),
        ].map((d) => [d.getTime(), d]),
      ).values(),
    ].sort((a, b) => a.getTime() - b.getTime());
    // Cutting the exceptions would bring cancelled occurrences back: the series is refused instead, and said.
    if (exdates.length > EXDATES_MAX) {
      refused.add(event.icsUid);
      report.skipped.push({
        uid: event.icsUid.slice(0, 200),
        summary: event.title || null,
        reason: `More than ${EXDATES_MAX} exceptions (EXDATE and cancelled occurrences)`,
      });
      continue;
    }
    const row = await saveImported(trx, userId, event, existing, null, exdates, now, report, options, record);
    seriesByUid.set(event.icsUid, row);
  }
  for (const event of overrides) {
    if (refused.has(event.icsUid)) {
      report.skipped.push({
        uid: event.icsUid.slice(0, 200),
        summary: event.title || null,
        reason: 'Its series could not be imported',
      });
      continue;
    }
    const series = seriesByUid.get(event.icsUid);
    const seriesId = series?.rrule ? series.id : null;
    await saveImported(trx, userId, event, existing, seriesId, [], now, report, options, record);
  }
  for (const c of cancellations.filter((c) => !masters.some((m) => m.icsUid === c.icsUid))) {
    report.skipped.push({
      uid: c.icsUid.slice(0, 200),
      summary: c.title || null,
      reason: 'A cancelled occurrence of a series that is not in this file',
    });
  }
  if (options.resource) {
    const keep = new Set(
      events.filter((e) => !e.cancelled).map((e) => `${e.icsUid}\n${e.recurrenceId?.getTime() ?? ''}`),
    );
    for (const [key, row] of existing) {
      if (!keep.has(key) && !refused.has(row.icsUid)) {
        await calendarQueries.deleteEvent(trx, userId, row.id);
        record({ kind: 'deleted', row, fields: [] });
      }
    }
  }
  return summarize(changes, before);
}

async function saveImported(
  db: Kysely<DB>,
  userId: string,
  event: ParsedEvent,
  existing: Map<string, EventRow>,
  seriesId: string | null,
  exdates: Date[],
  now: Date,
  report: TImportReport,
  options: WriteOptions,
  record: (change: RowChange) => void,
): Promise<EventRow> {
  const fields = {
    title: event.title,
    description: event.description,
    location: event.location,
    allDay: event.allDay,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timezone: event.timezone,
    rrule: event.rrule,
    exdates,
    rdates: event.rdates,
    rdateEnds: event.rdateEnds,
    sequence: event.sequence,
    icsKept: event.icsKept,
    seriesEndsAt: computeSeriesEnd(event),
    seriesId,
    ...(options.resource ? { davName: options.resource.davName } : {}),
  };
  const found = existing.get(`${event.icsUid}\n${event.recurrenceId?.getTime() ?? ''}`);
  if (found) {
    if (
      unchanged(found, event, seriesId, exdates) &&
      (!options.resource || found.davName === options.resource.davName)
    ) {
      report.unchanged++;
      return found;
    }
    const row = (await calendarQueries.updateEvent(db, userId, found.id, { ...fields, updatedAt: now })) ?? found;
    report.updated++;
    // A resource's new name alone (a phone taking over an event made in the web app) changes nothing of the event.
    if (!unchanged(found, event, seriesId, exdates)) {
      record({ kind: 'updated', row, fields: changedFields(found, event, exdates) });
    }
    return row;
  }
  const row = await calendarQueries.insertEvent(db, {
    userId,
    ...fields,
    icsUid: event.icsUid,
    recurrenceId: event.recurrenceId,
    createdAt: now,
    updatedAt: now,
  });
  report.imported++;
  record({ kind: 'created', row, fields: [] });
  return row;
}

export async function exportIcs(deps: Deps, userId: string): Promise<TExportIcs> {
  const rows = await calendarQueries.listAllEvents(deps.db, userId);
  return { ics: await buildIcsYielding(rows, { name: 'Life OS' }), filename: 'life-os-calendar.ics' };
}
