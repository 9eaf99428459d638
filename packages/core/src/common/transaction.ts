import type { DB, Kysely } from '@lifeos/db';

/**
 * The one transaction idiom of the services. A use case that writes more than one row runs `work` in one
 * transaction: its own, or the caller's when `deps.db` already is one (a capture processed into a task runs the
 * task's use case inside the capture's transaction; Kysely cannot nest them). `work` gets the deps with `db` bound
 * to the transaction, so everything it calls writes through it.
 *
 * Only the data export and import steer a transaction by hand (`startTransaction`): they read through server-side
 * cursors and yield to the event loop between statements, which a callback transaction cannot express.
 */
export function inTransaction<D extends { db: Kysely<DB> }, T>(deps: D, work: (deps: D) => Promise<T>): Promise<T> {
  if (deps.db.isTransaction) return work(deps);
  return deps.db.transaction().execute((trx) => work({ ...deps, db: trx }));
}
