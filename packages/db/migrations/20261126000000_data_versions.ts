import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * A counter per user that every committed change to the user's data moves on, so that an answer computed from that
 * data (the dashboard) can be kept and reused until the counter moves. Bumped by statement-level triggers on every
 * table a user's data lives in, whoever writes — the API, an import, the calendar refresh, the CLI, psql — in the
 * same transaction as the change, so the new counter and the new data become visible together.
 *
 * Credentials (api_keys: last_used_at moves on every call; refresh_tokens; auth_attempts) are not data and do not
 * bump it. A table that holds a user's data must get the triggers: a test lists the tables with a user_id column.
 */
const DATA_TABLES = [
  'user_settings',
  'journal_entries',
  'events',
  'calendar_subscriptions',
  'exercises',
  'programs',
  'program_days',
  'program_exercises',
  'workout_sessions',
  'workout_sets',
  'body_weights',
  'projects',
  'tasks',
  'captures',
];

const EVENTS = [
  ['insert', 'new'],
  ['update', 'new'],
  ['delete', 'old'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table user_data_versions (
    user_id uuid primary key references users (id) on delete cascade,
    version bigint not null default 0
  )`.execute(db);
  await sql`insert into user_data_versions (user_id) select id from users`.execute(db);

  // Once per user per transaction (all of a transaction's changes become visible together, so one step is enough):
  // a foreign key's cascade deletes the children one statement per parent row, and updating the same version row
  // thousands of times in one transaction grew a chain of row versions that every next update walked (a restore
  // over ten years of data ran past the statement timeout). The users already counted are kept in a
  // transaction-local setting. An update, never an insert: a user being deleted has lost the row already, and the
  // bump is then a no-op instead of a foreign-key error inside the cascade.
  const bumpers: [name: string, column: string][] = [
    ['bump_user_data_version', 'user_id'],
    ['bump_user_data_version_of_users', 'id'],
  ];
  for (const [name, column] of bumpers) {
    await sql`create function ${sql.raw(name)}() returns trigger language plpgsql as $$
      declare
        counted text := coalesce(current_setting('lifeos.data_version_counted', true), '');
        fresh uuid[];
      begin
        select array_agg(distinct ${sql.raw(column)}) into fresh from changed_rows
        where ${sql.raw(column)} is not null and strpos(counted, ${sql.raw(column)}::text) = 0;
        if fresh is null then
          return null;
        end if;
        update user_data_versions set version = version + 1 where user_id = any(fresh);
        perform set_config('lifeos.data_version_counted', counted || array_to_string(fresh, ',') || ',', true);
        return null;
      end $$`.execute(db);
  }
  await sql`create function create_user_data_version() returns trigger language plpgsql as $$
    begin
      insert into user_data_versions (user_id) select id from changed_rows on conflict do nothing;
      return null;
    end $$`.execute(db);

  await sql`create trigger users_data_version_create after insert on users
    referencing new table as changed_rows for each statement execute function create_user_data_version()`.execute(db);
  // The display name is on the dashboard.
  await sql`create trigger users_data_version_update after update on users
    referencing new table as changed_rows for each statement
    execute function bump_user_data_version_of_users()`.execute(db);

  // One trigger per event: PostgreSQL allows transition tables only on single-event triggers.
  for (const table of DATA_TABLES) {
    for (const [event, side] of EVENTS) {
      await sql`create trigger ${sql.raw(`${table}_data_version_${event}`)} after ${sql.raw(event)} on ${sql.table(table)}
        referencing ${sql.raw(side)} table as changed_rows for each statement
        execute function bump_user_data_version()`.execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of DATA_TABLES) {
    for (const [event] of EVENTS) {
      await sql`drop trigger ${sql.raw(`${table}_data_version_${event}`)} on ${sql.table(table)}`.execute(db);
    }
  }
  await sql`drop trigger users_data_version_update on users`.execute(db);
  await sql`drop trigger users_data_version_create on users`.execute(db);
  await sql`drop function create_user_data_version()`.execute(db);
  await sql`drop function bump_user_data_version_of_users()`.execute(db);
  await sql`drop function bump_user_data_version()`.execute(db);
  await sql`drop table user_data_versions`.execute(db);
}
