import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * Extra dates of a series (RDATE, RFC 5545 §3.8.5.2): `rdates` are their starts, `rdate_ends` their ends, one for
 * one — an end for a PERIOD value (its own length), NULL for a date or date-time (the series' length). Exceptions
 * (`exdates`) remove extra dates like rule dates.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('events')
    .addColumn('rdates', sql`timestamptz[]`, (c) => c.notNull().defaultTo(sql`'{}'::timestamptz[]`))
    .addColumn('rdate_ends', sql`timestamptz[]`, (c) => c.notNull().defaultTo(sql`'{}'::timestamptz[]`))
    .execute();
  await db.schema
    .alterTable('events')
    .addCheckConstraint(
      'events_rdate_ends_match',
      sql`coalesce(array_length(rdates, 1), 0) = coalesce(array_length(rdate_ends, 1), 0)`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').dropConstraint('events_rdate_ends_match').execute();
  await db.schema.alterTable('events').dropColumn('rdates').dropColumn('rdate_ends').execute();
}
