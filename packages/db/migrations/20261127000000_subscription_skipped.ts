import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * What the last good refresh of a subscription left out of the calendar (an unreadable event, a refused repeat
 * rule), so the owner sees it instead of the event silently missing: how many, and the first ones (at most 100
 * `{uid, summary, reason}` objects, bounded by the service) with the reason. Replaced by each good refresh, kept
 * by a failed one or a 304, like the events themselves.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('calendar_subscriptions')
    .addColumn('skipped_events', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('skipped_total', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('calendar_subscriptions')
    .dropColumn('skipped_events')
    .dropColumn('skipped_total')
    .execute();
}
