import { type Kysely, sql } from 'kysely';
import type { DB, JournalContent, JournalEntryType } from '../database.js';

/**
 * The full-text document of an entry: every string in its content. The GIN index journal_entries_search_idx is on
 * exactly this expression, so a query must spell it the same way to use it.
 */
const searchVector = sql`jsonb_to_tsvector('english'::regconfig, content, '["string"]'::jsonb)`;
const localDate = sql<string>`to_char(entry_date, 'YYYY-MM-DD')`;

const entryColumns = ['id', 'type', localDate.as('date'), 'content', 'wordCount', 'createdAt', 'updatedAt'] as const;

export interface JournalEntrySelection {
  id: string;
  type: JournalEntryType;
  date: string;
  content: JournalContent;
  wordCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The user's entry of a type on a date (the query both lookups below run). */
const entryOn = (db: Kysely<DB>, userId: string, type: JournalEntryType, date: string) =>
  db
    .selectFrom('journalEntries')
    .select(entryColumns)
    .where('userId', '=', userId)
    .where('type', '=', type)
    .where('entryDate', '=', date);

export async function findEntry(
  db: Kysely<DB>,
  userId: string,
  type: JournalEntryType,
  date: string,
): Promise<JournalEntrySelection | undefined> {
  return entryOn(db, userId, type, date).executeTakeFirst();
}

/** The latest entry of a type dated within [from, to] (a weekly review within its week). */
export async function findLatestEntryBetween(
  db: Kysely<DB>,
  userId: string,
  type: JournalEntryType,
  from: string,
  to: string,
): Promise<JournalEntrySelection | undefined> {
  return db
    .selectFrom('journalEntries')
    .select(entryColumns)
    .where('userId', '=', userId)
    .where('type', '=', type)
    .where('entryDate', '>=', from)
    .where('entryDate', '<=', to)
    .orderBy('entryDate', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface UpsertEntry {
  userId: string;
  type: JournalEntryType;
  date: string;
  content: JournalContent;
  wordCount: number;
  now: Date;
}

/** The entry, locked until the transaction ends: a versioned write compares and writes without a race. */
export async function findEntryForUpdate(
  db: Kysely<DB>,
  userId: string,
  type: JournalEntryType,
  date: string,
): Promise<JournalEntrySelection | undefined> {
  return entryOn(db, userId, type, date).forUpdate().executeTakeFirst();
}

/**
 * Inserts the entry, or replaces its content when it differs (jsonb equality: key order does not matter).
 * Returns the entry, and whether anything was written: the same content twice writes nothing and keeps
 * `updatedAt`, which makes autosave idempotent.
 */
export async function upsertEntry(
  db: Kysely<DB>,
  entry: UpsertEntry,
): Promise<{ entry: JournalEntrySelection; changed: boolean }> {
  const content = sql<JournalContent>`cast(${JSON.stringify(entry.content)} as jsonb)`;
  const written = await db
    .insertInto('journalEntries')
    .values({
      userId: entry.userId,
      type: entry.type,
      entryDate: entry.date,
      content,
      wordCount: entry.wordCount,
      createdAt: entry.now,
      updatedAt: entry.now,
    })
    .onConflict((oc) =>
      oc
        .columns(['userId', 'type', 'entryDate'])
        .doUpdateSet((eb) => ({
          content: eb.ref('excluded.content'),
          wordCount: eb.ref('excluded.wordCount'),
          updatedAt: eb.ref('excluded.updatedAt'),
        }))
        .where(sql<boolean>`journal_entries.content is distinct from excluded.content`),
    )
    .returning(entryColumns)
    .executeTakeFirst();
  if (written) return { entry: written, changed: true };
  const existing = await findEntry(db, entry.userId, entry.type, entry.date);
  if (!existing) throw new Error('journal entry vanished during upsert');
  return { entry: existing, changed: false };
}

export async function deleteEntry(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('journalEntries')
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export interface ListFilter {
  type?: JournalEntryType | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Keyset position: entries strictly older than this (date, id) pair. */
  after?: { date: string; id: string } | undefined;
  limit: number;
}

/**
 * Newest first, by (entry_date, id) descending, with keyset pagination: served by journal_entries_user_date_idx
 * (user_id, entry_date, id), or by the unique (user_id, type, entry_date) index when a type is given.
 */
export async function listEntries(db: Kysely<DB>, userId: string, filter: ListFilter) {
  let query = db
    .selectFrom('journalEntries')
    .select([
      'id',
      'type',
      localDate.as('date'),
      'wordCount',
      'updatedAt',
      'excerpt',
      sql<number | null>`case when jsonb_typeof(content -> 'mood') = 'number' then (content ->> 'mood')::int end`.as(
        'mood',
      ),
    ])
    .where('userId', '=', userId);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.from) query = query.where('entryDate', '>=', filter.from);
  if (filter.to) query = query.where('entryDate', '<=', filter.to);
  if (filter.after) {
    const { date, id } = filter.after;
    query = query.where(sql<boolean>`(entry_date, id) < (${date}::date, ${id}::uuid)`);
  }
  return query.orderBy('entryDate', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/**
 * Full-text search over every string of the user's entries, ranked by ts_rank, with a headline whose matches
 * are wrapped in `start`/`stop` markers (plain text, no HTML). Scoped by user id like every other query.
 */
export async function searchEntries(
  db: Kysely<DB>,
  userId: string,
  q: string,
  limit: number,
  markers: { start: string; stop: string },
) {
  const options = `StartSel="${markers.start}", StopSel="${markers.stop}", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;
  const result = await sql<{
    id: string;
    type: JournalEntryType;
    date: string;
    rank: number;
    headline: unknown;
  }>`
    select e.id, e.type, to_char(e.entry_date, 'YYYY-MM-DD') as date,
           ts_rank(${searchVector}, q.query) as rank,
           ts_headline('english'::regconfig, e.content - 'ratings', q.query, ${options}) as headline
    from journal_entries e, websearch_to_tsquery('english'::regconfig, ${q}) as q(query)
    where e.user_id = ${userId} and ${searchVector} @@ q.query
    order by rank desc, e.entry_date desc, e.id desc
    limit ${limit}`.execute(db);
  return result.rows.map((row) => ({ ...row, rank: Number(row.rank) }));
}

/** Every (type, date) the user has written: an index-only scan of the unique index, no content loaded. */
export async function entryDates(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('journalEntries')
    .select(['type', localDate.as('date')])
    .where('userId', '=', userId)
    .orderBy('type')
    .orderBy('entryDate')
    .execute();
}

/** Entries and words per day in [from, to]. */
/** Entries and words per day in [from, to] (the dashboard embeds this in its one statement). */
export function dayCountsQuery(db: Kysely<DB>, userId: string, from: string, to: string) {
  return db
    .selectFrom('journalEntries')
    .select([
      localDate.as('date'),
      (eb) => eb.fn.countAll<number>().as('count'),
      (eb) => eb.fn.sum<number>('wordCount').as('wordCount'),
    ])
    .where('userId', '=', userId)
    .where('entryDate', '>=', from)
    .where('entryDate', '<=', to)
    .groupBy('entryDate')
    .orderBy('entryDate');
}

export async function dayCounts(db: Kysely<DB>, userId: string, from: string, to: string) {
  const rows = await dayCountsQuery(db, userId, from, to).execute();
  return rows.map((r) => ({ date: r.date, count: Number(r.count), wordCount: Number(r.wordCount) }));
}
