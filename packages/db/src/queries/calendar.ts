import type { Kysely } from 'kysely';
import type { DB, EventUpdate, NewEvent } from '../database.js';

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
    .where('icsUid', 'in', icsUids)
    .execute();
}

/**
 * Events that may have an occurrence in [from, to): they start before `to` and their last occurrence ends at or
 * after `from` (or never). Uses (user_id, starts_at); the caller expands recurrences and filters exactly.
 */
export async function listEventsInRange(db: Kysely<DB>, userId: string, from: Date, to: Date) {
  return db
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('userId', '=', userId)
    .where('startsAt', '<', to)
    .where((eb) => eb.or([eb('seriesEndsAt', 'is', null), eb('seriesEndsAt', '>=', from)]))
    .orderBy('startsAt')
    .execute();
}

/** The detached occurrences of these series. */
export async function listOverridesOf(db: Kysely<DB>, userId: string, seriesIds: string[]) {
  if (seriesIds.length === 0) return [];
  return db
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('userId', '=', userId)
    .where('seriesId', 'in', seriesIds)
    .execute();
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
