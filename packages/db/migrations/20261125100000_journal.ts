import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('journal_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('morning_pages', 'daily_reflection', 'weekly_review')`),
    )
    .addColumn('entry_date', 'date', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(content) = 'object'`))
    .addColumn('word_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`word_count >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // One entry per user, type and day; also the index for get, streaks (index-only) and lists by type.
    .addUniqueConstraint('journal_entries_user_type_date_key', ['user_id', 'type', 'entry_date'])
    .execute();
  // Lists of every type (newest first, keyset on (entry_date, id)) and the heatmap's per-day counts.
  await db.schema
    .createIndex('journal_entries_user_date_idx')
    .on('journal_entries')
    .columns(['user_id', 'entry_date', 'id'])
    .execute();
  // Full-text search over every string in the content. An expression index rather than a generated column: the
  // same on PGlite and PostgreSQL 15+, nothing stored twice. Queries filter by user_id alongside it.
  await sql`create index journal_entries_search_idx on journal_entries
    using gin (jsonb_to_tsvector('english'::regconfig, content, '["string"]'::jsonb))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('journal_entries').execute();
}
