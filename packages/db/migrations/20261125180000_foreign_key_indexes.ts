import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * Indexes on the referencing side of two foreign keys. Without them PostgreSQL checks each deleted session or capture
 * by scanning every set or task: a restore that replaces ten years of data (or deleting an account) spent minutes in
 * those scans, past the statement timeout. The user-leading indexes do not help a lookup by the referenced id alone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('workout_sets_session_idx').on('workout_sets').column('session_id').execute();
  await sql`create index tasks_source_capture_idx on tasks (source_capture_id)
    where source_capture_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_source_capture_idx').execute();
  await db.schema.dropIndex('workout_sets_session_idx').execute();
}
