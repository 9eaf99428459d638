import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  calendarQueries,
  type DB,
  type EventUpdate,
  type EventRow as FullEventRow,
  type Kysely,
  tasksQueries,
} from '@lifeos/db';
import { randomSecret, sha256 } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import { userTimeZone } from '../common/time-zone.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { buildIcsYielding, type ExportableEvent } from './calendar.ics-export.js';
import { type ParsedEvent, parseIcs } from './calendar.ics-import.js';
import {
  assertRange,
  countOccurrencesBefore,
  expandOccurrencesYielding,
  isOccurrenceStart,
  isoDate,
  seriesEnd,
  utcMidnight,
  validateRecurrenceRule,
} from './calendar.recurrence.js';
import {
  EXDATES_MAX,
  eventTimesIssues,
  recurrenceToRrule,
  rruleParts,
  rruleToRecurrence,
  type TCreateEventInput,
  type TDeleteEventInput,
  type TEvent,
  type TExportIcs,
  type TFeed,
  type TImportReport,
  type TListEventsInput,
  type TOccurrenceList,
  type TUpdateEventInput,
  type TUpdateFeedInput,
} from './calendar.schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An event as the queries return it (everything but the owner's id). */
type EventRow = Omit<FullEventRow, 'userId'>;

interface Deps {
  db: Kysely<DB>;
  clock: Clock;
}

export interface FeedConfig {
  /** The server's secret key: feed tokens are derived from it and a per-user nonce. */
  secretKey: Uint8Array;
  /** The origin the feed URL is written with (the first APP_ORIGIN). */
  origin: string;
}

export const FEED_PATH_PREFIX = '/api/calendar/feed/';

// ---------- mapping ----------

export function toEvent(row: EventRow): TEvent {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    location: row.location,
    allDay: row.allDay,
    start: row.startsAt,
    end: row.endsAt,
    startDate: row.allDay ? isoDate(row.startsAt) : null,
    endDate: row.allDay ? isoDate(new Date(Math.max(row.startsAt.getTime(), row.endsAt.getTime() - DAY_MS))) : null,
    timezone: row.timezone,
    rrule: row.rrule,
    recurrence: row.rrule ? rruleToRecurrence(row.rrule) : null,
    exdates: row.exdates,
    icsUid: row.icsUid,
    recurrenceId: row.recurrenceId,
    seriesId: row.seriesId,
    subscriptionId: row.subscriptionId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function findOwn(db: Kysely<DB>, userId: string, id: string): Promise<EventRow> {
  const row = await calendarQueries.findEvent(db, userId, id);
  if (!row) throw new NotFoundError('Event');
  return row;
}

/** Events of a subscribed calendar are copies of someone else's: they change only at their source. */
function assertWritable(row: EventRow) {
  if (row.subscriptionId) {
    throw new ForbiddenError(
      'This event belongs to a subscribed calendar and is read-only; change it at its source or remove the subscription',
    );
  }
}

function assertTimes(times: Parameters<typeof eventTimesIssues>[0]) {
  const issue = eventTimesIssues(times)[0];
  if (issue) throw new ValidationError(issue.message);
}

/** Start and end as stored: instants, or UTC midnights of the first day and of the day after the last. */
function storedTimes(input: {
  allDay?: boolean | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  startDate?: string | undefined;
  endDate?: string | undefined;
}): { allDay: boolean; startsAt: Date; endsAt: Date } {
  assertTimes(input);
  if (input.allDay) {
    const startsAt = utcMidnight(input.startDate as string);
    return { allDay: true, startsAt, endsAt: new Date(utcMidnight(input.endDate as string).getTime() + DAY_MS) };
  }
  return { allDay: false, startsAt: input.start as Date, endsAt: input.end as Date };
}

/** The series' end for range queries; throws ValidationError when the rule cannot be expanded. */
function computeSeriesEnd(event: {
  allDay: boolean;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
}) {
  return seriesEnd(event);
}

// ---------- queries ----------

export async function getEvent(deps: Deps, userId: string, id: string): Promise<TEvent> {
  return toEvent(await findOwn(deps.db, userId, id));
}

/**
 * The occurrences in [from, to), recurrences expanded in their own zones, sorted by start, up to the caps of one
 * answer (MAX_OCCURRENCES_PER_ANSWER, MAX_ANSWER_TEXT_CHARS, MAX_OCCURRENCES_PER_SERIES), flagged when cut.
 */
export async function listOccurrences(
  deps: Deps,
  userId: string,
  input: TListEventsInput,
  /** A lower cap than MAX_OCCURRENCES_PER_ANSWER, for answers whose items weigh more (the agenda). */
  maxOccurrences?: number,
): Promise<TOccurrenceList> {
  assertRange(input.from, input.to);
  // A day of slack each side: all-day events are matched against the range in the user's zone. Detached
  // occurrences moved far from their original slot come with their series and still replace that slot.
  const { timezone, events } = await calendarQueries.listEventsAround(
    deps.db,
    userId,
    new Date(input.from.getTime() - DAY_MS),
    new Date(input.to.getTime() + DAY_MS),
  );
  return expandOccurrencesYielding(events, input.from, input.to, {
    viewerTimezone: timezone ?? 'UTC',
    ...(maxOccurrences === undefined ? {} : { maxOccurrences }),
  });
}

// ---------- create / update / delete ----------

export async function createEvent(deps: Deps, userId: string, input: TCreateEventInput): Promise<TEvent> {
  const times = storedTimes(input);
  const timezone = times.allDay ? 'UTC' : (input.timezone ?? (await userTimeZone(deps.db, userId)));
  const rrule = input.recurrence ? recurrenceToRrule(input.recurrence, times.allDay) : null;
  const event = { ...times, timezone, rrule };
  if (rrule) validateRecurrenceRule(rrule, event);
  const row = await calendarQueries.insertEvent(deps.db, {
    userId,
    title: input.title,
    description: input.description || null,
    location: input.location || null,
    ...event,
    seriesEndsAt: computeSeriesEnd(event),
    icsUid: `${randomUUID()}@lifeos`,
    createdAt: deps.clock.now(),
    updatedAt: deps.clock.now(),
  });
  return toEvent(row);
}

type Patch = Omit<TUpdateEventInput, 'id' | 'scope' | 'occurrenceStart'>;

/** The event's fields after a patch, validated. */
function applyPatch(
  base: Pick<EventRow, 'title' | 'description' | 'location' | 'allDay' | 'startsAt' | 'endsAt' | 'timezone' | 'rrule'>,
  patch: Patch,
) {
  const allDay = patch.allDay ?? base.allDay;
  const switched = allDay !== base.allDay;
  const baseStartDate = isoDate(base.startsAt);
  const baseEndDate = isoDate(new Date(Math.max(base.startsAt.getTime(), base.endsAt.getTime() - DAY_MS)));
  const times = storedTimes(
    allDay
      ? {
          allDay,
          startDate: patch.startDate ?? (switched ? isoDate(patch.start ?? base.startsAt) : baseStartDate),
          endDate: patch.endDate ?? (switched ? isoDate(patch.end ?? base.endsAt) : baseEndDate),
        }
      : {
          allDay,
          start: patch.start ?? base.startsAt,
          end:
            patch.end ??
            (patch.start && !switched
              ? new Date(patch.start.getTime() + (base.endsAt.getTime() - base.startsAt.getTime()))
              : base.endsAt),
        },
  );
  const timezone = times.allDay ? 'UTC' : (patch.timezone ?? (base.allDay ? 'UTC' : base.timezone));
  let rrule = base.rrule;
  if (patch.recurrence !== undefined)
    rrule = patch.recurrence ? recurrenceToRrule(patch.recurrence, times.allDay) : null;
  else if (rrule && switched) {
    // UNTIL is a date for all-day series and an instant otherwise.
    const until = rruleToRecurrence(rrule);
    rrule = until ? recurrenceToRrule(until, times.allDay) : rrule;
  }
  const fields = {
    title: patch.title ?? base.title,
    description: patch.description === undefined ? base.description : patch.description || null,
    location: patch.location === undefined ? base.location : patch.location || null,
    ...times,
    timezone,
    rrule,
  };
  // A new rule, or the same rule from another start, must occur (a stored rule is not re-judged on a title edit).
  const moved = fields.startsAt.getTime() !== base.startsAt.getTime() || timezone !== base.timezone;
  if (rrule && (rrule !== base.rrule || moved)) validateRecurrenceRule(rrule, fields);
  return { ...fields, seriesEndsAt: computeSeriesEnd(fields) };
}

function assertOccurrence(series: EventRow, occurrenceStart: Date | undefined): asserts occurrenceStart is Date {
  if (!occurrenceStart) throw new ValidationError('Say which occurrence (occurrenceStart)');
  const excluded = series.exdates.some((d) => d.getTime() === occurrenceStart.getTime());
  if (excluded || !isOccurrenceStart(series, occurrenceStart)) {
    throw new ValidationError('That is not an occurrence of this event');
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The rule, ending before `before`: COUNT becomes the occurrences already had, or UNTIL moves to just before. */
function truncateRrule(series: EventRow, before: Date): string {
  const parts = rruleParts(series.rrule as string);
  if (!parts) throw new ValidationError('Invalid recurrence rule');
  if (parts.has('COUNT')) {
    parts.set('COUNT', String(countOccurrencesBefore(series, before)));
  } else {
    const last = new Date(before.getTime() - (series.allDay ? DAY_MS : 1000));
    const date = `${pad(last.getUTCFullYear(), 4)}${pad(last.getUTCMonth() + 1)}${pad(last.getUTCDate())}`;
    parts.set(
      'UNTIL',
      series.allDay
        ? date
        : `${date}T${pad(last.getUTCHours())}${pad(last.getUTCMinutes())}${pad(last.getUTCSeconds())}Z`,
    );
  }
  return [...parts].map(([k, v]) => `${k}=${v}`).join(';');
}

/** The rest of a series from `from` on, as the rule for a new series (COUNT reduced by those already had). */
function remainderRrule(series: EventRow, from: Date): string {
  const parts = rruleParts(series.rrule as string);
  if (!parts) throw new ValidationError('Invalid recurrence rule');
  if (parts.has('COUNT')) {
    const left = Number(parts.get('COUNT')) - countOccurrencesBefore(series, from);
    parts.set('COUNT', String(Math.max(1, left)));
  }
  return [...parts].map(([k, v]) => `${k}=${v}`).join(';');
}

/**
 * Edits an event. `series` (default) changes the series or single event; `occurrence` detaches one occurrence as
 * its own event (RECURRENCE-ID), which replaces it in the series; `following` ends the series before the
 * occurrence and starts a new one from it. Changing a series' start, zone or rule resets its exceptions.
 */
export async function updateEvent(deps: Deps, userId: string, input: TUpdateEventInput): Promise<TEvent> {
  const { id, scope = 'series', occurrenceStart, ...patch } = input;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    let target = await findOwn(trx, userId, id);
    assertWritable(target);
    if (target.recurrenceId && target.seriesId && scope === 'series') {
      target = await findOwn(trx, userId, target.seriesId);
    }
    if (
      target.recurrenceId ||
      !target.rrule ||
      scope === 'series' ||
      (occurrenceStart && scope === 'following' && occurrenceStart.getTime() <= target.startsAt.getTime())
    ) {
      if (target.recurrenceId && patch.recurrence) throw new ValidationError('A single occurrence cannot repeat');
      const fields = applyPatch(target, patch);
      const reset =
        target.rrule !== null &&
        (fields.startsAt.getTime() !== target.startsAt.getTime() ||
          fields.timezone !== target.timezone ||
          fields.allDay !== target.allDay ||
          fields.rrule !== target.rrule);
      if (reset) await calendarQueries.deleteOverridesFrom(trx, userId, target.id, new Date(0));
      const row = await calendarQueries.updateEvent(trx, userId, target.id, {
        ...fields,
        ...(reset ? { exdates: [] } : {}),
        updatedAt: now,
      });
      if (!row) throw new NotFoundError('Event');
      return toEvent(row);
    }

    const at = occurrenceStart;
    assertOccurrence(target, at);
    if (scope === 'occurrence') {
      if (patch.recurrence) throw new ValidationError('A single occurrence cannot repeat');
      const existing = await calendarQueries.findEventByUid(trx, userId, target.icsUid, at);
      const base = existing ?? {
        ...target,
        startsAt: at,
        endsAt: new Date(at.getTime() + (target.endsAt.getTime() - target.startsAt.getTime())),
        rrule: null,
      };
      const fields = applyPatch({ ...base, rrule: null }, patch);
      const row = existing
        ? await calendarQueries.updateEvent(trx, userId, existing.id, { ...fields, updatedAt: now })
        : await calendarQueries.insertEvent(trx, {
            userId,
            ...fields,
            icsUid: target.icsUid,
            recurrenceId: at,
            seriesId: target.id,
            createdAt: now,
            updatedAt: now,
          });
      if (!row) throw new NotFoundError('Event');
      return toEvent(row);
    }

    // following: the series ends before the occurrence; a new series carries on from it with the changes.
    const remainder = remainderRrule(target, at);
    const head: EventUpdate = {
      rrule: truncateRrule(target, at),
      exdates: target.exdates.filter((d) => d.getTime() < at.getTime()),
      updatedAt: now,
    };
    head.seriesEndsAt = computeSeriesEnd({ ...target, rrule: head.rrule as string });
    await calendarQueries.deleteOverridesFrom(trx, userId, target.id, at);
    await calendarQueries.updateEvent(trx, userId, target.id, head);
    const duration = target.endsAt.getTime() - target.startsAt.getTime();
    const fields = applyPatch(
      { ...target, startsAt: at, endsAt: new Date(at.getTime() + duration), rrule: remainder },
      patch,
    );
    const row = await calendarQueries.insertEvent(trx, {
      userId,
      ...fields,
      exdates: target.exdates.filter((d) => d.getTime() >= at.getTime() && fields.rrule === remainder),
      icsUid: `${randomUUID()}@lifeos`,
      createdAt: now,
      updatedAt: now,
    });
    return toEvent(row);
  });
}

/**
 * Deletes an event. `series` (default) deletes the series with its detached occurrences, or the single event;
 * `occurrence` adds an exception date to the series (and drops a detached occurrence there); `following` ends
 * the series before the occurrence.
 */
export async function deleteEvent(deps: Deps, userId: string, input: TDeleteEventInput): Promise<void> {
  const scope = input.scope ?? 'series';
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const target = await findOwn(trx, userId, input.id);
    assertWritable(target);
    if (target.recurrenceId) {
      const series = target.seriesId ? await calendarQueries.findEvent(trx, userId, target.seriesId) : undefined;
      if (!series) {
        await calendarQueries.deleteEvent(trx, userId, target.id);
        return;
      }
      if (scope === 'series') {
        await calendarQueries.deleteEvent(trx, userId, series.id);
        return;
      }
      if (scope === 'following') {
        await endSeriesBefore(trx, userId, series, target.recurrenceId, now);
        return;
      }
      await calendarQueries.deleteEvent(trx, userId, target.id);
      await addExdate(trx, userId, series, target.recurrenceId, now);
      return;
    }
    if (!target.rrule || scope === 'series') {
      await calendarQueries.deleteEvent(trx, userId, target.id);
      return;
    }
    const at = input.occurrenceStart;
    assertOccurrence(target, at);
    if (scope === 'following') {
      await endSeriesBefore(trx, userId, target, at, now);
      return;
    }
    await calendarQueries.deleteOverridesAt(trx, userId, target.id, at);
    await addExdate(trx, userId, target, at, now);
  });
}

async function addExdate(db: Kysely<DB>, userId: string, series: EventRow, at: Date, now: Date) {
  if (series.exdates.some((d) => d.getTime() === at.getTime())) return;
  if (series.exdates.length >= EXDATES_MAX) {
    throw new ValidationError(`A series can have at most ${EXDATES_MAX} deleted occurrences`);
  }
  const exdates = [...series.exdates, at].sort((a, b) => a.getTime() - b.getTime());
  await calendarQueries.updateEvent(db, userId, series.id, { exdates, updatedAt: now });
}

async function endSeriesBefore(db: Kysely<DB>, userId: string, series: EventRow, at: Date, now: Date) {
  if (at.getTime() <= series.startsAt.getTime()) {
    await calendarQueries.deleteEvent(db, userId, series.id);
    return;
  }
  const rrule = truncateRrule(series, at);
  await calendarQueries.deleteOverridesFrom(db, userId, series.id, at);
  await calendarQueries.updateEvent(db, userId, series.id, {
    rrule,
    exdates: series.exdates.filter((d) => d.getTime() < at.getTime()),
    seriesEndsAt: computeSeriesEnd({ ...series, rrule }),
    updatedAt: now,
  });
}

// ---------- ICS import and export ----------

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
    row.exdates.every((d, i) => sameTime(d, exdates[i] ?? null))
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
  await deps.db.transaction().execute(async (trx) => {
    const uids = [...new Set(parsed.events.map((e) => e.icsUid))];
    const existing = new Map<string, EventRow>();
    for (let i = 0; i < uids.length; i += 1000) {
      for (const row of await calendarQueries.listEventsByUids(trx, userId, uids.slice(i, i + 1000))) {
        existing.set(`${row.icsUid}\n${row.recurrenceId?.getTime() ?? ''}`, row);
      }
    }
    const seriesByUid = new Map<string, EventRow>();
    for (const row of existing.values()) if (!row.recurrenceId) seriesByUid.set(row.icsUid, row);

    const masters = parsed.events.filter((e) => !e.recurrenceId);
    const overrides = parsed.events.filter((e) => e.recurrenceId && !e.cancelled);
    const cancellations = parsed.events.filter((e) => e.recurrenceId && e.cancelled);
    for (const event of masters) {
      // Occurrences cancelled in the file (STATUS:CANCELLED overrides) are exceptions of their series.
      const exdates = [
        ...new Map(
          [
            ...event.exdates,
            ...cancellations.filter((c) => c.icsUid === event.icsUid).map((c) => c.recurrenceId as Date),
          ].map((d) => [d.getTime(), d]),
        ).values(),
      ]
        .sort((a, b) => a.getTime() - b.getTime())
        .slice(0, EXDATES_MAX);
      const row = await saveImported(trx, userId, event, existing, null, exdates, now, report);
      seriesByUid.set(event.icsUid, row);
    }
    for (const event of overrides) {
      const series = seriesByUid.get(event.icsUid);
      await saveImported(trx, userId, event, existing, series?.rrule ? series.id : null, [], now, report);
    }
    for (const c of cancellations.filter((c) => !masters.some((m) => m.icsUid === c.icsUid))) {
      report.skipped.push({
        uid: c.icsUid.slice(0, 200),
        summary: c.title || null,
        reason: 'A cancelled occurrence of a series that is not in this file',
      });
    }
  });
  return report;
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
    seriesEndsAt: computeSeriesEnd(event),
    seriesId,
  };
  const found = existing.get(`${event.icsUid}\n${event.recurrenceId?.getTime() ?? ''}`);
  if (found) {
    if (unchanged(found, event, seriesId, exdates)) {
      report.unchanged++;
      return found;
    }
    const row = await calendarQueries.updateEvent(db, userId, found.id, { ...fields, updatedAt: now });
    report.updated++;
    return row ?? found;
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
  return row;
}

export async function exportIcs(deps: Deps, userId: string): Promise<TExportIcs> {
  const rows = await calendarQueries.listAllEvents(deps.db, userId);
  return { ics: await buildIcsYielding(rows, { name: 'Life OS' }), filename: 'life-os-calendar.ics' };
}

// ---------- the subscription feed ----------

const feedToken = (secretKey: Uint8Array, nonce: string) =>
  createHmac('sha256', secretKey).update(`lifeos-ics-feed:${nonce}`).digest('base64url');

const feedOf = (config: FeedConfig, token: string, includeTasks: boolean): TFeed => {
  const path = `${FEED_PATH_PREFIX}${token}.ics`;
  return { path, url: `${config.origin.replace(/\/+$/, '')}${path}`, includeTasks };
};

/**
 * The feed's secret URL, created on the first call. The token is an HMAC of a random per-user nonce with the
 * server's secret key: only its SHA-256 is looked up, so the database alone does not give the URL away, and the
 * same URL can be shown again. (A changed SECRET_KEY makes a new one.)
 */
export async function getFeed(deps: Deps & { feed: FeedConfig }, userId: string): Promise<TFeed> {
  const stored = await calendarQueries.getFeedToken(deps.db, userId);
  if (!stored) throw new NotFoundError('Settings');
  if (stored.icsFeedTokenHash && stored.icsFeedTokenNonce) {
    const token = feedToken(deps.feed.secretKey, stored.icsFeedTokenNonce);
    const expected = Buffer.from(stored.icsFeedTokenHash);
    const actual = Buffer.from(sha256(token));
    if (expected.length === actual.length && timingSafeEqual(expected, actual))
      return feedOf(deps.feed, token, stored.icsFeedIncludeTasks);
  }
  const nonce = randomSecret();
  const token = feedToken(deps.feed.secretKey, nonce);
  if (!stored.icsFeedTokenHash) {
    if (await calendarQueries.setFeedTokenIfUnset(deps.db, userId, sha256(token), nonce))
      return feedOf(deps.feed, token, stored.icsFeedIncludeTasks);
    return getFeed(deps, userId); // a concurrent first call won; show its URL
  }
  await calendarQueries.setFeedToken(deps.db, userId, sha256(token), nonce, deps.clock.now());
  return feedOf(deps.feed, token, stored.icsFeedIncludeTasks);
}

/** A new secret URL; the old one stops working at once. */
export async function rotateFeed(deps: Deps & { feed: FeedConfig }, userId: string): Promise<TFeed> {
  const stored = await calendarQueries.getFeedToken(deps.db, userId);
  if (!stored) throw new NotFoundError('Settings');
  const nonce = randomSecret();
  const token = feedToken(deps.feed.secretKey, nonce);
  await calendarQueries.setFeedToken(deps.db, userId, sha256(token), nonce, deps.clock.now());
  return feedOf(deps.feed, token, stored.icsFeedIncludeTasks);
}

/** Turns the feed's task due dates on or off; the URL stays the same. */
export async function updateFeed(
  deps: Deps & { feed: FeedConfig },
  userId: string,
  input: TUpdateFeedInput,
): Promise<TFeed> {
  await calendarQueries.setFeedIncludeTasks(deps.db, userId, input.includeTasks, deps.clock.now());
  return getFeed(deps, userId);
}

/** The most tasks the feed lists (open tasks with a due date, soonest first). */
export const FEED_TASKS_MAX = 2_000;

/** Open tasks' due dates as all-day events of the feed; the UID names the task, so edits update them in place. */
async function feedTaskEvents(db: Kysely<DB>, userId: string): Promise<ExportableEvent[]> {
  const tasks = await tasksQueries.listTasks(db, userId, {
    openOnly: true,
    dueFrom: '1900-01-01',
    order: 'due',
    limit: FEED_TASKS_MAX,
  });
  return tasks.flatMap((task) => {
    if (!task.dueDate) return [];
    const start = utcMidnight(task.dueDate);
    return [
      {
        icsUid: `task-${task.id}@lifeos`,
        title: task.title,
        description: task.notes,
        location: null,
        allDay: true,
        startsAt: start,
        endsAt: new Date(start.getTime() + DAY_MS),
        timezone: 'UTC',
        rrule: null,
        exdates: [],
        recurrenceId: null,
        createdAt: task.createdAt,
        updatedAt: task.updatedAt,
      },
    ];
  });
}

/** The calendar behind a feed token, as .ics text; null for a token that opens nothing. */
export async function feedIcs(deps: Deps, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const owner = await calendarQueries.findFeedOwnerByTokenHash(deps.db, sha256(token));
  if (!owner) return null;
  const events = await calendarQueries.listAllEvents(deps.db, owner.userId);
  const tasks = owner.icsFeedIncludeTasks ? await feedTaskEvents(deps.db, owner.userId) : [];
  return buildIcsYielding([...events, ...tasks], { name: 'Life OS' });
}
