import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * Outgoing webhooks (issue 23, part 2).
 *
 * - `webhook_endpoints`: a user's receivers. `secret` is the Standard Webhooks signing secret (`whsec_` + base64),
 *   kept as written because every delivery signs with it; after a rotation the old one stays in `previous_secret`
 *   until `previous_expires_at`, and both sign meanwhile. A credential rather than user data: no data-version
 *   triggers, not exported (a secret must not leave in an archive).
 * - `webhook_deliveries`: one row per event per endpoint, written in the transaction of the write that caused it,
 *   beside its `webhook.deliver` job (the job row is the outbox row). `id` (a UUID) is the `webhook-id` header, the same on
 *   every retry and replay; `body` is the JSON sent, byte for byte. The last attempt's outcome is kept on the row
 *   (the delivery log); bounded per endpoint by pruning. Bookkeeping: no triggers, not exported.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull().check(sql`char_length(url) between 1 and 2000`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(description) <= 200`))
    .addColumn('secret', 'text', (c) => c.notNull().check(sql`char_length(secret) between 10 and 200`))
    .addColumn('previous_secret', 'text', (c) => c.check(sql`char_length(previous_secret) between 10 and 200`))
    .addColumn('previous_expires_at', 'timestamptz')
    .addColumn('event_types', sql`text[]`, (c) => c.notNull().check(sql`cardinality(event_types) between 1 and 20`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_user_id_idx')
    .on('webhook_endpoints')
    .columns(['user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('endpoint_id', 'uuid', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_type', 'text', (c) => c.notNull().check(sql`char_length(event_type) between 1 and 64`))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`octet_length(body) <= 8192`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'retrying', 'succeeded', 'failed', 'skipped')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0).check(sql`attempts >= 0`))
    .addColumn('replays', 'integer', (c) => c.notNull().defaultTo(0).check(sql`replays between 0 and 100`))
    .addColumn('response_status', 'integer')
    .addColumn('latency_ms', 'integer')
    .addColumn('error', 'text', (c) => c.check(sql`char_length(error) <= 500`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_attempt_at', 'timestamptz')
    .execute();
  // The log of one endpoint, newest first; pruning walks it too.
  await db.schema
    .createIndex('webhook_deliveries_endpoint_idx')
    .on('webhook_deliveries')
    .columns(['user_id', 'endpoint_id', 'created_at'])
    .execute();
  // Deleting an endpoint cascades along this one.
  await db.schema
    .createIndex('webhook_deliveries_endpoint_id_idx')
    .on('webhook_deliveries')
    .column('endpoint_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
}
