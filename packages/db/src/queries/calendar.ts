import { type Kysely, sql } from 'kysely';
import type { DB, EventUpdate, NewEvent } from '../database.js';
import { asList, type Json, toDate, toDateOrNull } from './json-rows.js';

/** Every column a service needs; never the owner's id (callers already know it). */
const EVENT_COLUMNS = [
  'id',
  'title',
  'description',
  'location',
  'startsAt',
  'endsAt',
  'allDay',
  'timezone',
  'rrule',
  'exdates',
  'rdates',
  'rdateEnds',
  'sequence',
  'icsKept',
  'davName',
  'seriesEndsAt',
  'icsUid',
  'recurrenceId',
  'seriesId',
  'subscriptionId',
  'createdAt',
  'updatedAt',
] as const;

export async function insertEvent(db: Kysely<DB>, event: NewEvent) {
  return db.insertInto('events').values(event).returning(EVENT_COLUMNS).executeTakeFirstOrThrow();
}

export async function findEvent(db: Kysely<DB>, userId: string, id: string) {
  return db
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The user's own series (or single event) with this UID, or — with `recurrenceId` — its detached occurrence.
 * Events of subscribed calendars are not the user's own: they may reuse UIDs and are never matched here.
 */
export async function findEventByUid(db: Kysely<DB>, userId: string, icsUid: string, recurrenceId: Date | null) {
  let query = db
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .where('icsUid', '=', icsUid);
  query = recurrenceId ? query.where('recurrenceId', '=', recurrenceId) : query.where('recurrenceId', 'is', null);
  return query.executeTakeFirst();
}

/** Every own event of these UIDs (series and their detached occurrences), for an import's lookups in one query. */
export async function listEventsByUids(db: Kysely<DB>, userId: string, icsUids: string[]) {
  if (icsUids.length === 0) return [];
  return db
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .where(sql<boolean>`ics_uid = any(${icsUids}::text[])`)
    .execute();
}

const AROUND_COLUMNS = sql`id, title, description, location, starts_at, ends_at, all_day, timezone, rrule, exdates,
  rdates, rdate_ends, recurrence_id, series_id, subscription_id`;

/** What expanding an event into occurrences needs of it. */
export interface EventAroundRow {
  id: string;
  title: string;
  description: string | null;
  location: string | null;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  timezone: string;
  rrule: string | null;
  exdates: Date[];
  rdates: Date[];
  rdateEnds: (Date | null)[];
  recurrenceId: Date | null;
  seriesId: string | null;
  subscriptionId: string | null;
}

/**
 * Events that may have an occurrence in [from, to) — they start before `to` and their last occurrence ends at or
 * after `from`, or never — with the detached occurrences of the series among them, in one statement: single events
 * and bounded series by their end (events_user_series_ends_idx), never-ending series by their start
 * (events_user_open_series_idx); the past that is over is never read. The caller expands and filters exactly.
 */
export function eventsAroundQuery(userId: string, from: Date, to: Date) {
  return sql<EventAroundRow>`
    with hits as (
      select ${AROUND_COLUMNS} from events
      where user_id = ${userId} and series_ends_at >= ${from} and starts_at < ${to}
      union all
      select ${AROUND_COLUMNS} from events
      where user_id = ${userId} and series_ends_at is null and starts_at < ${to})
    select * from hits
    union all
    select ${AROUND_COLUMNS} from events o
    where o.user_id = ${userId}
      and o.series_id in (select id from hits where rrule is not null)
      and o.id not in (select id from hits)`;
}

export const eventAroundFromJson = (e: Json<EventAroundRow>): EventAroundRow => ({
  ...e,
  startsAt: toDate(e.startsAt),
  endsAt: toDate(e.endsAt),
  exdates: (e.exdates ?? []).map(toDate),
  rdates: (e.rdates ?? []).map(toDate),
  rdateEnds: (e.rdateEnds ?? []).map(toDateOrNull),
  recurrenceId: toDateOrNull(e.recurrenceId),
});

/**
 * The events around [from, to) (eventsAroundQuery) and the user's time zone, in one round trip. As JSON: the
 * timestamps arrive as ISO text, which Date reads faster than the driver parses PostgreSQL's own format.
 */
export async function listEventsAround(db: Kysely<DB>, userId: string, from: Date, to: Date) {
  const result = await sql<{ timezone: string | null; events: Json<EventAroundRow>[] }>`select
    (select timezone from user_settings where user_id = ${userId}) as timezone,
    ${asList(eventsAroundQuery(userId, from, to))} as events`.execute(db);
  const row = result.rows[0];
  return { timezone: row?.timezone ?? null, events: (row?.events ?? []).map(eventAroundFromJson) };
}

/** The UIDs of the user's own events of these ids (ids from an expansion of listEventsAround). */
export async function uidsOfEvents(db: Kysely<DB>, userId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('events')
    .select('icsUid')
    .distinct()
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .where(sql<boolean>`id = any(${ids}::uuid[])`)
    .execute();
  return rows.map((row) => row.icsUid);
}

/** Deletes all of a UID's own rows (a series and its changed occurrences); how many went. */
export async function deleteEventsByUid(db: Kysely<DB>, userId: string, icsUid: string): Promise<number> {
  const result = await db
    .deleteFrom('events')
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .where('icsUid', '=', icsUid)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The user's own events (not those of subscribed calendars), for the export and the feed. */
export async function listAllEvents(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .orderBy('startsAt')
    .orderBy('id')
    .execute();
}

export async function updateEvent(db: Kysely<DB>, userId: string, id: string, update: EventUpdate) {
  return db
    .updateTable('events')
    .set(update)
    .where('userId', '=', userId)
    .where('id', '=', id)
    .returning(EVENT_COLUMNS)
    .executeTakeFirst();
}

export async function deleteEvent(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('events').where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Deletes a series' detached occurrences that replace occurrences starting at or after `from`. */
export async function deleteOverridesFrom(db: Kysely<DB>, userId: string, seriesId: string, from: Date) {
  await db
    .deleteFrom('events')
    .where('userId', '=', userId)
    .where('seriesId', '=', seriesId)
    .where('recurrenceId', '>=', from)
    .execute();
}

/** Deletes the detached occurrence that replaces the occurrence starting at `at`, if there is one. */
export async function deleteOverridesAt(db: Kysely<DB>, userId: string, seriesId: string, at: Date) {
  await db
    .deleteFrom('events')
    .where('userId', '=', userId)
    .where('seriesId', '=', seriesId)
    .where('recurrenceId', '=', at)
    .execute();
}

/** Links detached occurrences imported before (or without) their series to it. */
export async function attachOverrides(db: Kysely<DB>, userId: string, icsUid: string, seriesId: string) {
  await db
    .updateTable('events')
    .set({ seriesId })
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .where('icsUid', '=', icsUid)
    .where('recurrenceId', 'is not', null)
    .execute();
}

// ---------- the subscription feed's token (in user_settings) ----------

export async function getFeedToken(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('userSettings')
    .select(['icsFeedTokenHash', 'icsFeedTokenNonce', 'icsFeedIncludeTasks'])
    .where('userId', '=', userId)
    .executeTakeFirst();
}

export async function setFeedToken(db: Kysely<DB>, userId: string, tokenHash: string, nonce: string, now: Date) {
  await db
    .updateTable('userSettings')
    .set({ icsFeedTokenHash: tokenHash, icsFeedTokenNonce: nonce, updatedAt: now })
    .where('userId', '=', userId)
    .execute();
}

/** Sets the token only if none is set yet; false when another request set one first. */
export async function setFeedTokenIfUnset(db: Kysely<DB>, userId: string, tokenHash: string, nonce: string) {
  const result = await db
    .updateTable('userSettings')
    .set({ icsFeedTokenHash: tokenHash, icsFeedTokenNonce: nonce })
    .where('userId', '=', userId)
    .where('icsFeedTokenHash', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The owner of a feed token and whether the feed includes task due dates. */
export async function findFeedOwnerByTokenHash(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom('userSettings')
    .select(['userId', 'icsFeedIncludeTasks'])
    .where('icsFeedTokenHash', '=', tokenHash)
    .executeTakeFirst();
}

export async function setFeedIncludeTasks(db: Kysely<DB>, userId: string, includeTasks: boolean, now: Date) {
  await db
    .updateTable('userSettings')
    .set({ icsFeedIncludeTasks: includeTasks, updatedAt: now })
    .where('userId', '=', userId)
    .execute();
}
