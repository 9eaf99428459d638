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

/**
 * The present resources of a collection, oldest change first. Read as one row of JSON rather than a row per resource:
 * every sync lists the whole collection, and PGlite hands back 3,000 rows in ~15 ms but their JSON in ~4.
 */
export async function listResources(db: Kysely<DB>, userId: string, collection: string): Promise<DavResourceRow[]> {
  const { rows } = await sql<{ resources: string | null }>`
    select json_agg(json_build_array(uid, name, revision) order by revision)::text as resources
    from dav_changes
    where user_id = ${userId} and collection = ${collection} and not deleted`.execute(db);
  const resources = JSON.parse(rows[0]?.resources ?? '[]') as [string, string | null, number | string][];
  return resources.map(([uid, name, revision]) => ({ uid, name, revision: Number(revision), deleted: false }));
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

/**
 * The present resources clients gave these names, and the resources of these UIDs (present or deleted), in one
 * statement: what a multiget's hrefs address, whichever way they were named.
 */
export async function findResourcesByNamesOrUids(
  db: Kysely<DB>,
  userId: string,
  collection: string,
  names: string[],
  uids: string[],
): Promise<DavResourceRow[]> {
  if (names.length === 0 && uids.length === 0) return [];
  return db
    .selectFrom('davChanges')
    .select(resourceColumns)
    .where('userId', '=', userId)
    .where('collection', '=', collection)
    .where(sql<boolean>`((name = any(${names}::text[]) and not deleted) or uid = any(${uids}::text[]))`)
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

/**
 * The latest revision of each of these collections (their CTags and sync tokens), 0 for one never changed: one
 * backward step of dav_changes_revision_idx per collection, however many objects they hold.
 */
export async function revisionsOf(db: Kysely<DB>, userId: string, collections: string[]): Promise<Map<string, number>> {
  if (collections.length === 0) return new Map();
  const { rows } = await sql<{ collection: string; revision: string | number | null }>`
    select c.collection,
      (select d.revision from dav_changes d
        where d.user_id = ${userId} and d.collection = c.collection
        order by d.revision desc limit 1) as revision
    from unnest(${collections}::text[]) as c(collection)`.execute(db);
  return new Map(rows.map((row) => [row.collection, Number(row.revision ?? 0)]));
}

export interface ProjectCollectionRow {
  id: string;
  name: string;
  color: string | null;
  revision: number;
}

/**
 * The user's projects as task lists, newest first (as the projects page lists them), each with its latest revision;
 * only the project `id` when given. Reads no task: a collection's revision is one index step (revisionsOf).
 */
export async function projectCollections(db: Kysely<DB>, userId: string, id?: string): Promise<ProjectCollectionRow[]> {
  let query = db
    .selectFrom('projects as p')
    .select(['p.id', 'p.name', 'p.color'])
    .select(
      sql<string | number | null>`(select d.revision from dav_changes d
        where d.user_id = p.user_id and d.collection = p.id::text order by d.revision desc limit 1)`.as('revision'),
    )
    .where('p.userId', '=', userId);
  if (id !== undefined) query = query.where('p.id', '=', id);
  const rows = await query.orderBy('p.createdAt', 'desc').orderBy('p.id', 'desc').execute();
  return rows.map((row) => ({ ...row, revision: Number(row.revision ?? 0) }));
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
