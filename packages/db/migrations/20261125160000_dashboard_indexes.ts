import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * Indexes for the dashboard's windows, so that none of its reads scans a user's history:
 * - a lift's best weight before a date walks this exercise's working sets heaviest first and stops at the first
 *   one old enough (records of the last 14 days without all-time maxima);
 * - the tasks completed in a week (the weekly review's facts);
 * - events that may touch a day: ones that end after it starts (by series end), and never-ending series.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index workout_sets_user_exercise_weight_idx
    on workout_sets (user_id, exercise_id, weight_kg desc)
    where completed and not is_warmup and weight_kg is not null and reps >= 1`.execute(db);
  await sql`create index tasks_user_completed_idx on tasks (user_id, completed_at)
    where completed_at is not null`.execute(db);
  await db.schema
    .createIndex('events_user_series_ends_idx')
    .on('events')
    .columns(['user_id', 'series_ends_at'])
    .execute();
  await sql`create index events_user_open_series_idx on events (user_id, starts_at)
    where series_ends_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_user_open_series_idx').execute();
  await db.schema.dropIndex('events_user_series_ends_idx').execute();
  await db.schema.dropIndex('tasks_user_completed_idx').execute();
  await db.schema.dropIndex('workout_sets_user_exercise_weight_idx').execute();
}
