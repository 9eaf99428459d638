import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * The durable job runner (issue 22): everything that runs in the background (calendar refresh, clean-up, PGlite
 * maintenance; later reminders, webhooks, backups) is a row here, claimed by any replica with
 * `for update skip locked` and held under a lease (`locked_until`) that a killed worker lets expire.
 *
 * - `state`: queued → running → done, or back to queued with a later `run_at` after a failure, or dead after
 *   `max_attempts`. `attempts` counts claims, so a job that kills its worker every time still ends dead.
 * - `idempotency_key` is unique per kind: enqueueing the same (kind, key) twice makes one job (insert … on conflict
 *   do nothing), which is how several replicas enqueue each slot of a recurring schedule once. Null: no key.
 * - `user_id` is null for the system's own jobs; claiming is fair between users (one user's 10,000 due jobs do not
 *   delay another's), along `jobs_queued_idx`, which leads with `user_id` and also serves the system jobs (null).
 * - Bookkeeping rather than user data: no data-version triggers, not exported; a user's jobs go with the user.
 * - `payload` is bounded (16 KiB of JSON text), so is `last_error`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind ~ '^[a-z][a-z0-9._-]{0,63}$'`))
    .addColumn('payload', 'jsonb', (c) =>
      c.notNull().defaultTo(sql`'{}'::jsonb`).check(sql`octet_length(payload::text) <= 16384`),
    )
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('idempotency_key', 'text', (c) => c.check(sql`char_length(idempotency_key) between 1 and 200`))
    .addColumn('state', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`state in ('queued', 'running', 'done', 'dead')`),
    )
    .addColumn('run_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0).check(sql`attempts >= 0`))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5).check(sql`max_attempts between 1 and 100`))
    .addColumn('locked_by', 'text', (c) => c.check(sql`char_length(locked_by) <= 200`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text', (c) => c.check(sql`char_length(last_error) <= 2000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('jobs_kind_idempotency_key_key', ['kind', 'idempotency_key'])
    .execute();
  // The claim path: per owner (user, or null for the system), the oldest queued job first.
  await db.schema
    .createIndex('jobs_queued_idx')
    .on('jobs')
    .columns(['user_id', 'run_at', 'id'])
    .where(sql.ref('state'), '=', 'queued')
    .execute();
  // Expired leases (a worker that died), across all owners.
  await db.schema
    .createIndex('jobs_running_lease_idx')
    .on('jobs')
    .column('locked_until')
    .where(sql.ref('state'), '=', 'running')
    .execute();
  // Deleting a user finds their jobs in every state.
  await db.schema.createIndex('jobs_user_id_idx').on('jobs').column('user_id').execute();
  // Pruning finished jobs by age.
  await db.schema
    .createIndex('jobs_finished_at_idx')
    .on('jobs')
    .column('finished_at')
    .where(sql.ref('finished_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
