/**
 * The data import's use case: upgrade and validate the document, judge its repeat rules, then plan and write it in
 * one transaction. Its parts: data.import-validate.ts (before anything is written), data.import-plan.ts (what happens
 * to each row, and the report), data.import-write.ts (one writer per section) and data.batcher.ts (multi-row INSERTs).
 */
import { dataQueries, remindersQueries } from '@lifeos/db';
import * as remindersService from '../reminders/reminders.service.js';
import type { DataDeps } from './data.export.js';
import { Planner, Report } from './data.import-plan.js';
import { ruleProblems, upgradeDocument, validateDocumentInSlices } from './data.import-validate.js';
import { loadExisting, writeDocument } from './data.import-write.js';
import type { TDataImportMode, TDataImportReport } from './data.schemas.js';

export interface ImportOptions {
  mode: TDataImportMode;
  dryRun: boolean;
}

/**
 * Imports a document into the user's account. The version is checked first, then the whole document is
 * validated (nothing is written when any of it is invalid), then everything is written in one transaction with new
 * ids. `replace` first deletes the user's data of every exported kind (not credentials, sessions or subscribed
 * calendars) and takes the document's settings (its reminder preferences too, when it has them); `merge` keeps what
 * is there, adds what is new (by natural key, so importing one document twice creates nothing the second time) and
 * takes the document's settings only into an empty account. Either way the imported tasks' reminders are queued in
 * the same transaction. A dry run performs the very same work and rolls it back, so its report is exactly what the
 * import would do.
 */
export async function importDocument(
  deps: DataDeps,
  userId: string,
  input: unknown,
  options: ImportOptions,
): Promise<TDataImportReport> {
  const doc = await validateDocumentInSlices(upgradeDocument(input));
  const badRules = await ruleProblems(doc);
  const report = new Report(options.mode, options.dryRun);
  const now = deps.clock.now();
  const transaction = await deps.db.startTransaction().execute();
  const trx = dataQueries.yieldingBetweenStatements(transaction);
  try {
    await dataQueries.lockUser(trx, userId);
    const merge = options.mode === 'merge';
    const takeSettings = !merge || (await dataQueries.isAccountEmpty(trx, userId));
    if (!merge) await dataQueries.deleteUserData(trx, userId);
    if (takeSettings) {
      const { reminders, ...settings } = doc.settings;
      await dataQueries.updateImportedSettings(trx, userId, settings, now);
      if (reminders) await remindersQueries.upsertPreferences(trx, userId, reminders, now);
    }
    report.count('settings', takeSettings ? 'updated' : 'skipped');
    await writeDocument(trx, userId, doc, badRules, await loadExisting(trx, userId, merge), new Planner(report));
    // As a task's own write queues its reminder: an import is how a restored account's tasks come back.
    await remindersService.rescheduleUser({ db: trx, clock: deps.clock }, userId);
    if (options.dryRun) {
      await transaction.rollback().execute();
      return report.value;
    }
    await transaction.commit().execute();
    // The import has landed; fresher statistics only help the next queries plan, so failing to gather them is no
    // reason to report the import as failed.
    await dataQueries.analyzeUserColumns(dataQueries.yieldingBetweenStatements(deps.db)).catch(() => {});
    return report.value;
  } catch (error) {
    if (!transaction.isCommitted && !transaction.isRolledBack) await transaction.rollback().execute();
    throw error;
  }
}
