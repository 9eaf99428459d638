import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * What a workout file says that Life OS used to drop (issue 19):
 * - a set's type: normal, warm-up, drop set or failure (Strong's W/D/F in "Set Order", Hevy's set_type). It
 *   replaces is_warmup, which stays as a column derived from it, so that every reader of "working sets" (records,
 *   volume, the dashboard's partial index) reads on unchanged and no writer can make the two disagree;
 * - a set's own note (Strong's Notes cell on a set row);
 * - the exercise's name as the workout wrote it (source_name): the set's exercise_id is the library exercise it is
 *   linked to, which the user may change; null for sets logged in the app, whose name is their exercise's;
 * - notes written on an exercise in a workout (Strong's "Note" rows, Hevy's exercise_notes): kept on the session in
 *   file order, each before the set at `position`, as `[{position, exerciseName, note}]` (checked by core's schema).
 * A session's duration needs no column: started_at and finished_at hold it to the second (no minutes column ever
 * existed to convert).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table workout_sets
    add column set_type text not null default 'normal'
      check (set_type in ('normal', 'warmup', 'dropset', 'failure')),
    add column note text check (char_length(note) between 1 and 2000),
    add column source_name text check (char_length(source_name) between 1 and 100)`.execute(db);
  await sql`update workout_sets set set_type = 'warmup' where is_warmup`.execute(db);
  // Dropping the column drops the dashboard's partial index on it too; it comes back as it was.
  await sql`alter table workout_sets drop column is_warmup`.execute(db);
  await sql`alter table workout_sets
    add column is_warmup boolean not null generated always as (set_type = 'warmup') stored`.execute(db);
  await sql`create index workout_sets_user_exercise_weight_idx
    on workout_sets (user_id, exercise_id, weight_kg desc)
    where completed and not is_warmup and weight_kg is not null and reps >= 1`.execute(db);
  // Relinking a name for all of a user's sets finds them by name.
  await sql`create index workout_sets_user_source_name_idx on workout_sets (user_id, lower(source_name))
    where source_name is not null`.execute(db);
  await sql`alter table workout_sessions
    add column exercise_notes jsonb not null default '[]'::jsonb
      check (jsonb_typeof(exercise_notes) = 'array')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table workout_sessions drop column exercise_notes`.execute(db);
  await sql`drop index workout_sets_user_source_name_idx`.execute(db);
  await sql`alter table workout_sets drop column is_warmup`.execute(db);
  await sql`alter table workout_sets add column is_warmup boolean not null default false`.execute(db);
  await sql`update workout_sets set is_warmup = true where set_type = 'warmup'`.execute(db);
  await sql`create index workout_sets_user_exercise_weight_idx
    on workout_sets (user_id, exercise_id, weight_kg desc)
    where completed and not is_warmup and weight_kg is not null and reps >= 1`.execute(db);
  await sql`alter table workout_sets drop column set_type, drop column note, drop column source_name`.execute(db);
}
