import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * API key permissions (issue 23): per-module access beside the key's scope, and whether journal text may be read.
 *
 * - `modules` overrides the key's scope for the modules it names ({"journal":"none","tasks":"write"}); a module it
 *   does not name gets the scope. '{}' (every existing key) therefore means exactly what the scope meant before.
 * - `journal_text` false keeps journal content (text, lists, excerpts, snippets) from every answer to this key;
 *   true for every existing key, which could read it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('modules', 'jsonb', (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::jsonb`)
        .check(sql`jsonb_typeof(modules) = 'object' and octet_length(modules::text) <= 1000`),
    )
    .addColumn('journal_text', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('modules').dropColumn('journal_text').execute();
}
