import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * Reminders and notifications (issue 22, part 2).
 *
 * - `notification_preferences`: one row per user: when task reminders fire (a local time for tasks due on a day, an
 *   offset before), the daily agenda's local time, quiet hours, how late a reminder may still be sent after
 *   downtime, and the kinds unsubscribed from email. User data: the data-version triggers.
 * - `notification_channels`: where a user is reached: one row per Web Push subscription (a device: its endpoint
 *   and keys, which are credentials) and at most one email channel. `status` is `failing` after a delivery used up
 *   its retries, with the last error, until the next success.
 * - `notifications`: what was sent (or dropped after downtime), keyed per user by `source_key` (a reminder job's
 *   key), so a retried reminder job makes one notification. Bookkeeping, like the jobs: not data.
 * - `notification_deliveries`: one notification on one channel, the record a retried delivery job reads first so it
 *   does not send twice. The channel may go (a 410 from the push service): the row keeps its kind and label.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const localTime = (column: string) => sql`${sql.ref(column)} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`;
  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('task_reminders', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('task_time', 'text', (c) => c.notNull().defaultTo('09:00').check(localTime('task_time')))
    .addColumn('task_offset_minutes', 'integer', (c) =>
      c.notNull().defaultTo(0).check(sql`task_offset_minutes between 0 and 40320`),
    )
    .addColumn('agenda_time', 'text', (c) => c.check(localTime('agenda_time')))
    .addColumn('quiet_start', 'text', (c) => c.check(localTime('quiet_start')))
    .addColumn('quiet_end', 'text', (c) => c.check(localTime('quiet_end')))
    .addColumn('late_window_minutes', 'integer', (c) =>
      c.notNull().defaultTo(60).check(sql`late_window_minutes between 0 and 10080`),
    )
    .addColumn('email_off_kinds', sql`text[]`, (c) =>
      c.notNull().defaultTo(sql`'{}'::text[]`).check(sql`cardinality(email_off_kinds) <= 10`),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  for (const [event, side] of [
    ['insert', 'new'],
    ['update', 'new'],
    ['delete', 'old'],
  ] as const) {
    await sql`create trigger ${sql.raw(`notification_preferences_data_version_${event}`)}
      after ${sql.raw(event)} on notification_preferences
      referencing ${sql.raw(side)} table as changed_rows for each statement
      execute function bump_user_data_version()`.execute(db);
  }

  await db.schema
    .createTable('notification_channels')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('webpush', 'email')`))
    .addColumn('label', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(label) <= 200`))
    .addColumn('endpoint', 'text', (c) => c.check(sql`char_length(endpoint) <= 2000`))
    .addColumn('p256dh', 'text', (c) => c.check(sql`char_length(p256dh) <= 200`))
    .addColumn('auth', 'text', (c) => c.check(sql`char_length(auth) <= 100`))
    .addColumn('address', 'text', (c) => c.check(sql`char_length(address) <= 320`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('ok').check(sql`status in ('ok', 'failing')`))
    .addColumn('last_error', 'text', (c) => c.check(sql`char_length(last_error) <= 1000`))
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'notification_channels_shape',
      sql`(kind = 'webpush' and endpoint is not null and p256dh is not null and auth is not null)
        or (kind = 'email' and endpoint is null)`,
    )
    .execute();
  await db.schema
    .createIndex('notification_channels_endpoint_idx')
    .on('notification_channels')
    .columns(['user_id', 'endpoint'])
    .unique()
    .where(sql.ref('kind'), '=', 'webpush')
    .execute();
  await db.schema
    .createIndex('notification_channels_email_idx')
    .on('notification_channels')
    .column('user_id')
    .unique()
    .where(sql.ref('kind'), '=', 'email')
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('task', 'agenda', 'test')`))
    .addColumn('source_key', 'text', (c) => c.notNull().check(sql`char_length(source_key) between 1 and 200`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) <= 300`))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) <= 4000`))
    .addColumn('url', 'text', (c) => c.check(sql`char_length(url) <= 500`))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('sent', 'dropped')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('notifications_user_source_key', ['user_id', 'source_key'])
    .execute();
  await db.schema
    .createIndex('notifications_user_created_idx')
    .on('notifications')
    .columns(['user_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('notification_id', 'bigint', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('channel_id', 'uuid', (c) => c.references('notification_channels.id').onDelete('set null'))
    .addColumn('channel_kind', 'text', (c) => c.notNull().check(sql`channel_kind in ('webpush', 'email')`))
    .addColumn('channel_label', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(channel_label) <= 200`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent', 'failed', 'gone', 'skipped')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text', (c) => c.check(sql`char_length(last_error) <= 1000`))
    .addColumn('sent_at', 'timestamptz')
    .addUniqueConstraint('notification_deliveries_once', ['notification_id', 'channel_id'])
    .execute();
  await db.schema
    .createIndex('notification_deliveries_user_idx')
    .on('notification_deliveries')
    .columns(['user_id', 'notification_id'])
    .execute();
  await db.schema
    .createIndex('notification_deliveries_channel_idx')
    .on('notification_deliveries')
    .column('channel_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_deliveries').execute();
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('notification_channels').execute();
  await db.schema.dropTable('notification_preferences').execute();
}
