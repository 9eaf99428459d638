import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * The dashboard's cards as the user chose them (issue 21): the ones shown, in their order. Null — every user until
 * they choose — is every card in the product's order. The check bounds it; which names are cards is the app's
 * business (a card removed later is simply skipped).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('user_settings')
    .addColumn('dashboard_cards', sql`text[]`, (c) =>
      c.check(sql`cardinality(dashboard_cards) <= 32 and array_position(dashboard_cards, null) is null`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user_settings').dropColumn('dashboard_cards').execute();
}
