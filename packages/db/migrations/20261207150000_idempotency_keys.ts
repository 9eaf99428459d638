import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * Idempotency keys (issue 21, the outbox's server side): a mutation sent with an `Idempotency-Key` header is applied
 * once per (user, key). The row is inserted in the same transaction as the mutation's writes, before them, so the
 * primary key decides which of two racing requests runs: the other waits on the index until the first commits (and
 * then answers its stored result) or rolls back (and then runs itself).
 *
 * - `answer` is the superjson JSON text the client received, byte for byte (text, not jsonb, which would reorder
 *   keys); null when it was larger than the bound (65,536 bytes): the write is applied, and a repeat is told so.
 * - Bookkeeping rather than user data: no data-version triggers, not exported; rows go with their user.
 * - Pruned by the clean-up job after a day, by `created_at`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull().check(sql`key ~ '^[A-Za-z0-9_-]{1,128}$'`))
    .addColumn('path', 'text', (c) => c.notNull().check(sql`char_length(path) between 1 and 200`))
    .addColumn('input_hash', 'text', (c) => c.notNull().check(sql`char_length(input_hash) = 64`))
    .addColumn('answer', 'text', (c) => c.check(sql`octet_length(answer) <= 65536`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['user_id', 'key'])
    .execute();
  // The clean-up job deletes by age across all users.
  await db.schema.createIndex('idempotency_keys_created_at_idx').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
