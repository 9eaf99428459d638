import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/** The calendar feed can include open tasks' due dates as all-day events (off by default). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('user_settings')
    .addColumn('ics_feed_include_tasks', 'boolean', (c) => c.notNull().defaultTo(sql`false`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user_settings').dropColumn('ics_feed_include_tasks').execute();
}
