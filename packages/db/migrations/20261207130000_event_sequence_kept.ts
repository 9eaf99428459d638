import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * What an imported event said that Life OS does not interpret, kept to be written back (RFC 5545 clients expect
 * their alarms, attendees and X- properties to survive a round trip): `ics_kept` holds those lines of the VEVENT as
 * the file wrote them (unfolded, CRLF-separated; nested VALARMs and unknown components whole), at most 64 KiB.
 * `sequence` is the event's revision (SEQUENCE): the file's on import, one more on every change of its time or rule.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('events')
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0).check(sql`sequence >= 0`))
    .addColumn('ics_kept', 'text', (c) => c.check(sql`char_length(ics_kept) between 1 and 65536`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('sequence').dropColumn('ics_kept').execute();
}
