import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Kysely, type KyselyPlugin, sql } from 'kysely';
import type { DB } from '../database.js';

/*
 * What an import's transaction needs around its writes: the user's lock, a pause between statements (PGlite), and
 * fresh planner statistics once it has landed.
 */

/** Serialises concurrent imports into one account (a second merge waits and then sees the first one's rows). */
export async function lockUser(trx: Kysely<DB>, userId: string) {
  await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/** After each statement's result, one turn of the event loop before the caller goes on (see yieldingBetweenStatements). */
const yieldAfterStatement: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    await nextTurn();
    return args.result;
  },
};

/**
 * The same database (or transaction), letting other requests run between any two of its statements. On PGlite the
 * database runs on the server's own thread and a chain of awaited statements never returns to the event loop: a
 * one-row import held every other request for 0.3–0.7 s. A long use case (an import) runs its work through this.
 */
export function yieldingBetweenStatements(db: Kysely<DB>): Kysely<DB> {
  return db.withPlugin(yieldAfterStatement);
}

/**
 * Fresh planner statistics for the user_id column of every imported table, after an import. Without them an account
 * filled in one go reads as "a handful of rows" to the planner: exporting it right after a restore picked a nested
 * loop over all of the account's sets per session and ran past the statement timeout (PostgreSQL analyzes a while
 * later by itself; PGlite only in its daily maintenance). The column list keeps it cheap (~0.2 s on ten years): a
 * bare ANALYZE also evaluates the full-text index expressions (5 s for the journal alone).
 */
export async function analyzeUserColumns(db: Kysely<DB>) {
  const tables = [
    'journal_entries',
    'events',
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
  // One table at a time: on PGlite a statement holds the server's thread (see yieldingBetweenStatements).
  for (const table of tables) await sql`analyze ${sql.raw(table)} (user_id)`.execute(db);
}
