import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('location', 'text')
    // Timed events: instants. All-day events: UTC midnight of the first day and of the day after the last.
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('all_day', 'boolean', (c) => c.notNull().defaultTo(false))
    // The IANA zone the event's wall-clock times (and its recurrence) live in.
    .addColumn('timezone', 'text', (c) => c.notNull())
    // An RFC 5545 RRULE value without the "RRULE:" prefix; null for a single event.
    .addColumn('rrule', 'text')
    // Original starts of occurrences that were deleted from the series.
    .addColumn('exdates', sql`timestamptz[]`, (c) => c.notNull().defaultTo(sql`'{}'::timestamptz[]`))
    // When the last occurrence ends (null: the series never ends); lets a range query skip finished series.
    .addColumn('series_ends_at', 'timestamptz')
    .addColumn('ics_uid', 'text', (c) => c.notNull())
    // A detached occurrence: the original start it replaces, and the series it belongs to.
    .addColumn('recurrence_id', 'timestamptz')
    .addColumn('series_id', 'uuid', (c) => c.references('events.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('events_ends_after_start', sql`ends_at >= starts_at`)
    .addCheckConstraint('events_override_has_no_rrule', sql`recurrence_id is null or rrule is null`)
    .execute();
  // The range query (events.list) and the ICS export.
  await db.schema.createIndex('events_user_starts_idx').on('events').columns(['user_id', 'starts_at']).execute();
  // Import is idempotent by UID: one series (or single event) per UID, one detached occurrence per RECURRENCE-ID.
  await db.schema
    .createIndex('events_user_uid_key')
    .unique()
    .on('events')
    .columns(['user_id', 'ics_uid'])
    .where(sql.ref('recurrence_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('events_user_uid_recurrence_key')
    .unique()
    .on('events')
    .columns(['user_id', 'ics_uid', 'recurrence_id'])
    .where(sql.ref('recurrence_id'), 'is not', null)
    .execute();
  // Deleting a series cascades to its detached occurrences.
  await db.schema
    .createIndex('events_series_idx')
    .on('events')
    .column('series_id')
    .where(sql.ref('series_id'), 'is not', null)
    .execute();

  // The feed URL's token is derived from this nonce and the server's secret key, so it can be shown again; only
  // its hash (ics_feed_token_hash, from the auth migration) is looked up.
  await db.schema.alterTable('user_settings').addColumn('ics_feed_token_nonce', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user_settings').dropColumn('ics_feed_token_nonce').execute();
  await db.schema.dropTable('events').execute();
}
