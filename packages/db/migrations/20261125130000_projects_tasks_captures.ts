import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'on_hold', 'completed', 'archived')`),
    )
    .addColumn('area', 'text')
    .addColumn('color', 'text')
    .addColumn('target_date', 'date')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The target of tasks' (user_id, project_id) foreign key: a task can only ever point at its owner's project.
    .addUniqueConstraint('projects_user_id_id_key', ['user_id', 'id'])
    .execute();
  // projects.list by status, newest first.
  await db.schema
    .createIndex('projects_user_status_idx')
    .on('projects')
    .columns(['user_id', 'status', 'created_at'])
    .execute();
  // "+project" in quick-add: a project by name, case-insensitively.
  await sql`create index projects_user_name_idx on projects (user_id, lower(name))`.execute(db);

  await db.schema
    .createTable('captures')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('inbox').check(sql`status in ('inbox', 'processed', 'archived')`),
    )
    .addColumn('processed_into_kind', 'text', (c) => c.check(sql`processed_into_kind in ('task', 'event', 'journal')`))
    .addColumn('processed_into_id', 'uuid')
    .addColumn('processed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A processed capture says what it became; nothing else does.
    .addCheckConstraint(
      'captures_processed_into_check',
      sql`(status = 'processed') = (processed_into_kind is not null and processed_into_id is not null and processed_at is not null)`,
    )
    .execute();
  // captures.list by status, oldest first (an inbox is emptied in the order things came in).
  await db.schema
    .createIndex('captures_user_status_idx')
    .on('captures')
    .columns(['user_id', 'status', 'created_at'])
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project_id', 'uuid')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('todo').check(sql`status in ('todo', 'doing', 'done')`))
    .addColumn('priority', 'smallint', (c) => c.notNull().defaultTo(0).check(sql`priority between 0 and 3`))
    .addColumn('labels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('due_date', 'date')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rrule', 'text')
    .addColumn('repeat_after_days', 'integer', (c) => c.check(sql`repeat_after_days between 1 and 3650`))
    .addColumn('series_id', 'uuid')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('source_capture_id', 'uuid', (c) => c.references('captures.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Same owner on both sides; MATCH SIMPLE leaves tasks without a project unchecked. Deleting a project with
    // tasks is refused here: the service first deletes or detaches them, as the user chose.
    .addForeignKeyConstraint('tasks_project_fk', ['user_id', 'project_id'], 'projects', ['user_id', 'id'])
    .addCheckConstraint('tasks_one_repeat_rule_check', sql`rrule is null or repeat_after_days is null`)
    .addCheckConstraint('tasks_completed_check', sql`(status = 'done') = (completed_at is not null)`)
    .execute();
  // A project's tasks in manual order (tasks.list({projectId}), reorder, progress per project).
  await db.schema
    .createIndex('tasks_user_project_position_idx')
    .on('tasks')
    .columns(['user_id', 'project_id', 'position'])
    .execute();
  // tasks.list by status, and the due views (overdue / today / week) over open tasks.
  await db.schema
    .createIndex('tasks_user_status_due_idx')
    .on('tasks')
    .columns(['user_id', 'status', 'due_date'])
    .execute();
  await db.schema.createIndex('tasks_user_due_idx').on('tasks').columns(['user_id', 'due_date']).execute();
  // A repeating task's history.
  await db.schema
    .createIndex('tasks_user_series_idx')
    .on('tasks')
    .columns(['user_id', 'series_id'])
    .where(sql.ref('series_id'), 'is not', null)
    .execute();
  // tasks.list({label}): labels @> array[label]. GIN cannot lead with user_id without the btree_gin extension
  // (not available on PGlite), so queries combine it with user_id from the btree indexes above.
  await sql`create index tasks_labels_idx on tasks using gin (labels)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tasks').execute();
  await db.schema.dropTable('captures').execute();
  await db.schema.dropTable('projects').execute();
}
