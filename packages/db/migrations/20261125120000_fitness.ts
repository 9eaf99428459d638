import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
// Fitness: exercise library (built-ins have user_id null), programs (days → exercises with targets), workout
// sessions and sets, body weight. Weights are kilograms in numeric(9,4): exact decimals, so a weight entered in
// pounds (225 lb = 102.0583 kg) converts back to the same pounds at display precision.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exercises')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 100`))
    .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ('strength', 'cardio', 'mobility')`))
    .addColumn('primary_muscles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('secondary_muscles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('equipment', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Names are unique regardless of case per owner; the built-in library is one owner of its own.
  await sql`create unique index exercises_user_name_key on exercises (user_id, lower(name)) where user_id is not null`.execute(
    db,
  );
  await sql`create unique index exercises_builtin_name_key on exercises (lower(name)) where user_id is null`.execute(
    db,
  );

  await db.schema
    .createTable('programs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('programs_user_created_idx').on('programs').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('program_days')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('program_id', 'uuid', (c) => c.notNull().references('programs.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  // Deferred, so a reorder can move positions around inside its transaction.
  await sql`alter table program_days add constraint program_days_position_key unique (program_id, position) deferrable initially deferred`.execute(
    db,
  );
  await db.schema
    .createIndex('program_days_user_program_idx')
    .on('program_days')
    .columns(['user_id', 'program_id', 'position'])
    .execute();

  await db.schema
    .createTable('program_exercises')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('program_day_id', 'uuid', (c) => c.notNull().references('program_days.id').onDelete('cascade'))
    .addColumn('exercise_id', 'uuid', (c) => c.notNull().references('exercises.id'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
    .addColumn('superset_group', 'smallint')
    .addColumn('target_sets', 'smallint', (c) => c.notNull().check(sql`target_sets between 1 and 50`))
    .addColumn('rep_min', 'smallint')
    .addColumn('rep_max', 'smallint')
    .addColumn('target_weight_kg', sql`numeric(9,4)`)
    .addColumn('target_rpe', sql`numeric(3,1)`, (c) => c.check(sql`target_rpe between 1 and 10`))
    .addColumn('target_rir', 'smallint', (c) => c.check(sql`target_rir between 0 and 10`))
    .addColumn('rest_seconds', 'integer')
    .addColumn('increment_kg', sql`numeric(9,4)`, (c) => c.notNull().defaultTo(2.5))
    .addCheckConstraint('program_exercises_rep_range', sql`rep_min is null or rep_max is null or rep_min <= rep_max`)
    .addCheckConstraint('program_exercises_rpe_or_rir', sql`target_rpe is null or target_rir is null`)
    .execute();
  await sql`alter table program_exercises add constraint program_exercises_position_key unique (program_day_id, position) deferrable initially deferred`.execute(
    db,
  );
  await db.schema
    .createIndex('program_exercises_user_day_idx')
    .on('program_exercises')
    .columns(['user_id', 'program_day_id', 'position'])
    .execute();

  await db.schema
    .createTable('workout_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('program_day_id', 'uuid', (c) => c.references('program_days.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('workout_sessions_finish_after_start', sql`finished_at is null or finished_at >= started_at`)
    .execute();
  // History pages (keyset on started_at, id), weekly stats by date; "which day is next" by the latest finish.
  await db.schema
    .createIndex('workout_sessions_user_started_idx')
    .on('workout_sessions')
    .columns(['user_id', 'started_at', 'id'])
    .execute();
  await sql`create index workout_sessions_user_finished_idx on workout_sessions (user_id, finished_at) where finished_at is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('workout_sessions_program_day_idx')
    .on('workout_sessions')
    .column('program_day_id')
    .execute();

  await db.schema
    .createTable('workout_sets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('workout_sessions.id').onDelete('cascade'))
    .addColumn('exercise_id', 'uuid', (c) => c.notNull().references('exercises.id'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
    .addColumn('reps', 'smallint', (c) => c.check(sql`reps between 0 and 1000`))
    .addColumn('weight_kg', sql`numeric(9,4)`, (c) => c.check(sql`weight_kg >= 0`))
    .addColumn('rpe', sql`numeric(3,1)`, (c) => c.check(sql`rpe between 1 and 10`))
    .addColumn('duration_s', 'integer', (c) => c.check(sql`duration_s >= 0`))
    .addColumn('distance_m', sql`numeric(10,2)`, (c) => c.check(sql`distance_m >= 0`))
    .addColumn('is_warmup', 'boolean', (c) => c.notNull().defaultTo(false))
    // Planned sets (pre-filled when a session starts from a program) are not done until logged.
    .addColumn('completed', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('workout_sets_user_session_idx')
    .on('workout_sets')
    .columns(['user_id', 'session_id', 'position'])
    .execute();
  // Records per exercise and the previous performance of an exercise.
  await db.schema
    .createIndex('workout_sets_user_exercise_idx')
    .on('workout_sets')
    .columns(['user_id', 'exercise_id', 'session_id'])
    .execute();
  // Foreign keys to exercises are checked on an exercise's delete (a user's account removal).
  await db.schema.createIndex('workout_sets_exercise_idx').on('workout_sets').column('exercise_id').execute();
  await db.schema.createIndex('program_exercises_exercise_idx').on('program_exercises').column('exercise_id').execute();

  await db.schema
    .createTable('body_weights')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('measured_on', 'date', (c) => c.notNull())
    .addColumn('weight_kg', sql`numeric(9,4)`, (c) => c.notNull().check(sql`weight_kg > 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('body_weights_user_date_key')
    .unique()
    .on('body_weights')
    .columns(['user_id', 'measured_on'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('body_weights').execute();
  await db.schema.dropTable('workout_sets').execute();
  await db.schema.dropTable('workout_sessions').execute();
  await db.schema.dropTable('program_exercises').execute();
  await db.schema.dropTable('program_days').execute();
  await db.schema.dropTable('programs').execute();
  await db.schema.dropTable('exercises').execute();
}
