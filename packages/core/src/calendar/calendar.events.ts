/** Events: one read, the occurrences of a range, and writes to a series, to one occurrence or to those following. */
import { randomUUID } from 'node:crypto';
import { calendarQueries, type DB, type EventUpdate, type Kysely } from '@lifeos/db';
import { userTimeZone } from '../common/time-zone.js';
import { inTransaction } from '../common/transaction.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import * as webhooksService from '../webhooks/webhooks.service.js';
import { isoDate, utcMidnight } from './calendar.floating-time.js';
import { assertRange, expandOccurrencesYielding } from './calendar.recurrence.js';
import {
  EXDATES_MAX,
  eventTimesIssues,
  recurrenceToRrule,
  rruleToRecurrence,
  type TCreateEventInput,
  type TDeleteEventInput,
  type TEvent,
  type TListEventsInput,
  type TOccurrenceList,
  type TUpdateEventInput,
} from './calendar.schemas.js';
import { isOccurrenceStart, ruleEndingBefore, ruleFrom, validateRecurrenceRule } from './calendar.series.js';
import { computeSeriesEnd, DAY_MS, type Deps, type EventRow } from './calendar.shared.js';

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
    rdates: row.rdates,
    sequence: row.sequence,
    icsUid: row.icsUid,
    recurrenceId: row.recurrenceId,
    seriesId: row.seriesId,
    subscriptionId: row.subscriptionId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A series' extra dates (RDATE) before a split point, or from it on, with their ends. */
function extraDatesSplit(series: EventRow, at: Date, side: 'before' | 'from') {
  const kept = series.rdates.flatMap((d, i) => (d.getTime() < at.getTime() === (side === 'before') ? [i] : []));
  return {
    rdates: kept.map((i) => series.rdates[i] as Date),
    rdateEnds: kept.map((i) => series.rdateEnds[i] ?? null),
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

export async function createEvent(deps: Deps, userId: string, input: TCreateEventInput): Promise<TEvent> {
  const times = storedTimes(input);
  const timezone = times.allDay ? 'UTC' : (input.timezone ?? (await userTimeZone(deps.db, userId)));
  const rrule = input.recurrence ? recurrenceToRrule(input.recurrence, times.allDay) : null;
  const event = { ...times, timezone, rrule };
  if (rrule) validateRecurrenceRule(rrule, event);
  const row = await inTransaction(deps, async (tx) => {
    const inserted = await calendarQueries.insertEvent(tx.db, {
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
    await webhooksService.emit(tx, userId, 'event.created', {
      id: inserted.id,
      object: 'event',
      changed: eventDates(inserted),
    });
    return inserted;
  });
  return toEvent(row);
}

/** What an event's webhook says of it: its times and whether it repeats, never its title or notes. */
export const eventDates = (row: EventRow) => ({
  startsAt: row.startsAt.toISOString(),
  endsAt: row.endsAt.toISOString(),
  allDay: row.allDay,
  repeats: row.rrule !== null,
});

type Patch = Omit<TUpdateEventInput, 'id' | 'scope' | 'occurrenceStart'>;

/**
 * The revision after a change (SEQUENCE, RFC 5545 §3.8.7.4): one more when the time or the rule changed, which is
 * what tells a calendar client that its copy is out of date; the same for a new title or place.
 */
function nextSequence(
  before: Pick<EventRow, 'sequence' | 'startsAt' | 'endsAt' | 'allDay' | 'timezone' | 'rrule'>,
  after: Pick<EventRow, 'startsAt' | 'endsAt' | 'allDay' | 'timezone' | 'rrule'>,
): number {
  const changed =
    before.startsAt.getTime() !== after.startsAt.getTime() ||
    before.endsAt.getTime() !== after.endsAt.getTime() ||
    before.allDay !== after.allDay ||
    before.timezone !== after.timezone ||
    before.rrule !== after.rrule;
  return changed ? before.sequence + 1 : before.sequence;
}

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

/**
 * Edits an event. `series` (default) changes the series or single event; `occurrence` detaches one occurrence as
 * its own event (RECURRENCE-ID), which replaces it in the series; `following` ends the series before the
 * occurrence and starts a new one from it. Changing a series' start, zone or rule resets its exceptions.
 */
export async function updateEvent(deps: Deps, userId: string, input: TUpdateEventInput): Promise<TEvent> {
  const { id, scope = 'series', occurrenceStart, ...patch } = input;
  const now = deps.clock.now();
  return inTransaction(deps, async ({ db: trx }) => {
    let target = await findOwn(trx, userId, id);
    assertWritable(target);
    const changed = {
      scope,
      fields: Object.keys(patch),
      occurrenceStart: occurrenceStart?.toISOString() ?? null,
    };
    await webhooksService.emit({ ...deps, db: trx }, userId, 'event.updated', { id, object: 'event', changed });
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
        ...(reset ? { exdates: [], rdates: [], rdateEnds: [] } : {}),
        sequence: nextSequence(target, fields),
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
        ? await calendarQueries.updateEvent(trx, userId, existing.id, {
            ...fields,
            sequence: nextSequence(existing, fields),
            updatedAt: now,
          })
        : await calendarQueries.insertEvent(trx, {
            userId,
            ...fields,
            // A new override of an occurrence is a change of the series as a client sees it.
            sequence: target.sequence + 1,
            icsKept: target.icsKept,
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
    const remainder = ruleFrom(target, at);
    const before = extraDatesSplit(target, at, 'before');
    const head: EventUpdate = {
      rrule: ruleEndingBefore(target, at),
      exdates: target.exdates.filter((d) => d.getTime() < at.getTime()),
      ...before,
      sequence: target.sequence + 1,
      updatedAt: now,
    };
    head.seriesEndsAt = computeSeriesEnd({ ...target, ...before, rrule: head.rrule as string });
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
      ...(fields.rrule === remainder ? extraDatesSplit(target, at, 'from') : { rdates: [], rdateEnds: [] }),
      // The new series keeps what the old one kept of its file (alarms, attendees).
      icsKept: target.icsKept,
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
  await inTransaction(deps, async ({ db: trx }) => {
    const target = await findOwn(trx, userId, input.id);
    assertWritable(target);
    await webhooksService.emit({ ...deps, db: trx }, userId, 'event.deleted', {
      id: target.id,
      object: 'event',
      changed: { scope, occurrenceStart: input.occurrenceStart?.toISOString() ?? null },
    });
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
  await calendarQueries.updateEvent(db, userId, series.id, { exdates, sequence: series.sequence + 1, updatedAt: now });
}

async function endSeriesBefore(db: Kysely<DB>, userId: string, series: EventRow, at: Date, now: Date) {
  if (at.getTime() <= series.startsAt.getTime()) {
    await calendarQueries.deleteEvent(db, userId, series.id);
    return;
  }
  const rrule = ruleEndingBefore(series, at);
  const before = extraDatesSplit(series, at, 'before');
  await calendarQueries.deleteOverridesFrom(db, userId, series.id, at);
  await calendarQueries.updateEvent(db, userId, series.id, {
    rrule,
    exdates: series.exdates.filter((d) => d.getTime() < at.getTime()),
    ...before,
    sequence: series.sequence + 1,
    seriesEndsAt: computeSeriesEnd({ ...series, ...before, rrule }),
    updatedAt: now,
  });
}
