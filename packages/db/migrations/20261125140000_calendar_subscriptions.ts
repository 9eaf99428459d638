import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendar_subscriptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('color', 'text')
    // Validators of the last good answer, for a conditional GET (If-None-Match / If-Modified-Since).
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('last_refreshed_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'timestamptz')
    // Failed refreshes in a row: the retry backs off with it; a good refresh resets it.
    .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_refresh_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A replica that claimed the refresh holds it until then (a crashed one's claim simply runs out).
    .addColumn('locked_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One subscription per URL and user; also the user's list.
  await db.schema
    .createIndex('calendar_subscriptions_user_url_key')
    .unique()
    .on('calendar_subscriptions')
    .columns(['user_id', 'url'])
    .execute();
  // The refresh job's scan for due subscriptions.
  await db.schema
    .createIndex('calendar_subscriptions_next_refresh_idx')
    .on('calendar_subscriptions')
    .column('next_refresh_at')
    .execute();

  // Events of a subscribed calendar: read-only copies, replaced on each refresh, removed with the subscription.
  await db.schema
    .alterTable('events')
    .addColumn('subscription_id', 'uuid', (c) => c.references('calendar_subscriptions.id').onDelete('cascade'))
    .execute();
  await db.schema
    .createIndex('events_subscription_idx')
    .on('events')
    .columns(['subscription_id', 'ics_uid'])
    .where(sql.ref('subscription_id'), 'is not', null)
    .execute();
  // UIDs stay unique among the user's own events; a subscribed calendar may carry the same UIDs.
  await db.schema.dropIndex('events_user_uid_key').execute();
  await db.schema.dropIndex('events_user_uid_recurrence_key').execute();
  await db.schema
    .createIndex('events_user_uid_key')
    .unique()
    .on('events')
    .columns(['user_id', 'ics_uid'])
    .where(sql.ref('recurrence_id'), 'is', null)
    .where(sql.ref('subscription_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('events_user_uid_recurrence_key')
    .unique()
    .on('events')
    .columns(['user_id', 'ics_uid', 'recurrence_id'])
    .where(sql.ref('recurrence_id'), 'is not', null)
    .where(sql.ref('subscription_id'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('events').where('subscription_id', 'is not', null).execute();
  await db.schema.dropIndex('events_user_uid_key').execute();
  await db.schema.dropIndex('events_user_uid_recurrence_key').execute();
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
  await db.schema.dropIndex('events_subscription_idx').execute();
  await db.schema.alterTable('events').dropColumn('subscription_id').execute();
  await db.schema.dropTable('calendar_subscriptions').execute();
}
