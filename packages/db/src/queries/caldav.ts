/**
 * CalDAV's view of a user's events and tasks: the resources of a collection and their revisions, as the triggers
 * of the dav_sync migration record them in `dav_changes` (every present resource has a row, so listing a collection
 * never reads the events or tasks themselves).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.js';

export interface DavResourceRow {
  uid: string;
  /** The name a client gave it; null: the default one. */
  name: string | null;
  revision: number;
  deleted: boolean;
}

const resourceColumns = ['uid', 'name', 'revision', 'deleted'] as const;

/** The present resources of a collection, oldest change first. */
export async function listResources(db: Kysely<DB>, userId: string, collection: string): Promise<DavResourceRow[]> {
  return db
    .selectFrom('davChanges')
    .select(resourceColumns)
    .where('userId', '=', userId)
    .where('collection', '=', collection)
    .where('deleted', '=', false)
    .orderBy('revision')
    .execute();
}

/** What changed in a collection after `revision` (deleted resources too), oldest first. */
export async function listChangesSince(
  db: Kysely<DB>,
  userId: string,
  collection: string,
  revision: number,
): Promise<DavResourceRow[]> {
  return db
    .selectFrom('davChanges')
    .select(resourceColumns)
    .where('userId', '=', userId)
    .where('collection', '=', collection)
    .where('revision', '>', revision)
    .orderBy('revision')
    .orderBy('uid')
    .execute();
}

/** Resources by UID (present or deleted). */
export async function findResources(
  db: Kysely<DB>,
  userId: string,
  collection: string,
  uids: string[],
): Promise<DavResourceRow[]> {
  if (uids.length === 0) return [];
  return (
    db
      .selectFrom('davChanges')
      .select(resourceColumns)
      .where('userId', '=', userId)
      .where('collection', '=', collection)
      // One array parameter rather than an IN list of thousands: cheap to parse and plan.
      .where(sql<boolean>`uid = any(${uids}::text[])`)
      .execute()
  );
}

/** The present resources clients gave these names. */
export async function findResourcesByNames(
  db: Kysely<DB>,
  userId: string,
  collection: string,
  names: string[],
): Promise<DavResourceRow[]> {
  if (names.length === 0) return [];
  return db
    .selectFrom('davChanges')
    .select(resourceColumns)
    .where('userId', '=', userId)
    .where('collection', '=', collection)
    .where(sql<boolean>`name = any(${names}::text[])`)
    .where('deleted', '=', false)
    .execute();
}

/** The present resource a client named `name`, if any. */
export async function findResourceByName(
  db: Kysely<DB>,
  userId: string,
  collection: string,
  name: string,
): Promise<DavResourceRow | undefined> {
  return db
    .selectFrom('davChanges')
    .select(resourceColumns)
    .where('userId', '=', userId)
    .where('collection', '=', collection)
    .where('name', '=', name)
    .where('deleted', '=', false)
    .executeTakeFirst();
}

/** Each collection's latest revision (its CTag and sync token); collections never changed are absent. */
export async function collectionRevisions(db: Kysely<DB>, userId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('davChanges')
    .select(['collection', (eb) => eb.fn.max('revision').as('revision')])
    .where('userId', '=', userId)
    .groupBy('collection')
    .execute();
  return new Map(rows.map((row) => [row.collection, Number(row.revision)]));
}

/** One collection's latest revision; 0 when nothing in it ever changed. */
export async function collectionRevision(db: Kysely<DB>, userId: string, collection: string): Promise<number> {
  const row = await db
    .selectFrom('davChanges')
    .select((eb) => eb.fn.max('revision').as('revision'))
    .where('userId', '=', userId)
    .where('collection', '=', collection)
    .executeTakeFirst();
  return Number(row?.revision ?? 0);
}

/**
 * Takes this transaction's revision for the user, which holds the user's revision row until the transaction ends:
 * every write to the user's events and tasks takes it too (the triggers), so a conditional write (If-Match)
 * compares and writes with no other write in between.
 */
export async function lockRevisions(db: Kysely<DB>, userId: string): Promise<void> {
  await sql`select dav_revision(${userId})`.execute(db);
}

/** Drops the name of deleted resources named `name`, so a new resource may take it without two answers for one href. */
export async function forgetDeletedName(db: Kysely<DB>, userId: string, collection: string, name: string) {
  await db
    .updateTable('davChanges')
    .set({ name: null })
    .where('userId', '=', userId)
    .where('collection', '=', collection)
    .where('name', '=', name)
    .where('deleted', '=', true)
    .execute();
}
