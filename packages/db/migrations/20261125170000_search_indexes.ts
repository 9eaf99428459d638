import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
//
// Full-text indexes for search.all, one per searchable table, on the same weighted tsvector expression the
// queries in src/queries/search.ts spell out (an expression index is only used when the query repeats the
// expression exactly). Weight A marks the title-like text, so a title match ranks above a match in the body.
//
// A GIN index cannot lead with user_id: that needs the btree_gin extension, which PGlite does not ship. Every
// search query filters `user_id = $1` next to `vector @@ query`, so the planner either intersects this index with
// the table's (user_id, …) btree index (BitmapAnd) or scans the user's rows from the btree and rechecks — either
// way no other user's row is ever returned, and the GIN index keeps a common word cheap for a user with many rows.
export async function up(db: Kysely<any>): Promise<void> {
  // Labels are single lower-case words (the schema says so), so they go in as lexemes as they are. array_remove
  // drops empty strings and nulls, which array_to_tsvector refuses: a bad row from elsewhere must not make every
  // write to tasks fail. (array_to_string would be simpler but is not immutable, so it cannot be indexed.)
  await sql`create index tasks_search_idx on tasks using gin ((
    setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(notes, '')), 'B')
    || setweight(array_to_tsvector(array_remove(array_remove(labels, ''), null)), 'B')
  ))`.execute(db);
  await sql`create index projects_search_idx on projects using gin ((
    setweight(to_tsvector('english'::regconfig, name), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
  ))`.execute(db);
  // A capture has no title: its text is what the user wrote as one. The URL is split into its words first: the
  // parser keeps "example.com/airship" as one token, so "airship" would not find it.
  await sql`create index captures_search_idx on captures using gin ((
    setweight(to_tsvector('english'::regconfig, text), 'A')
    || setweight(to_tsvector('english'::regconfig, regexp_replace(coalesce(url, ''), '[^[:alnum:]]+', ' ', 'g')), 'C')
  ))`.execute(db);
  // Only the user's own events: subscribed calendars are read-only copies replaced on every refresh (a holiday
  // calendar adds hundreds of rows per year), and the queries filter `subscription_id is null` to match.
  await sql`create index events_search_idx on events using gin ((
    setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(location, '')), 'C')
  )) where subscription_id is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_search_idx').execute();
  await db.schema.dropIndex('captures_search_idx').execute();
  await db.schema.dropIndex('projects_search_idx').execute();
  await db.schema.dropIndex('tasks_search_idx').execute();
}
