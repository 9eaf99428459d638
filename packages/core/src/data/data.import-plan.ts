import { randomUUID } from 'node:crypto';
import {
  DATA_EXPORT_SECTIONS,
  IMPORT_ISSUES_LISTED,
  type TDataExportSection,
  type TDataImportMode,
  type TDataImportReport,
} from './data.schemas.js';

export type Outcome = 'created' | 'updated' | 'skipped' | 'failed';

export interface Target {
  /** The row's id in the database (new, or the matched row's). */
  id: string;
  outcome: Outcome;
}

/** An account row a document row matched by its natural key (merge). */
export interface Match {
  id: string;
  updatedAt: Date;
  /** Tasks only: the series the matched occurrence belongs to. */
  seriesId?: string | null;
}

export class Report {
  readonly value: TDataImportReport;
  constructor(mode: TDataImportMode, dryRun: boolean) {
    const zero = () => ({ created: 0, updated: 0, skipped: 0, failed: 0 });
    this.value = {
      dryRun,
      mode,
      counts: Object.fromEntries(
        [...DATA_EXPORT_SECTIONS, 'settings'].map((section) => [section, zero()]),
      ) as TDataImportReport['counts'],
      conflicts: [],
      conflictsTotal: 0,
      failures: [],
      failuresTotal: 0,
    };
  }
  count(section: TDataExportSection | 'settings', outcome: Outcome) {
    this.value.counts[section][outcome]++;
  }
  conflict(section: TDataExportSection, id: string, reason: string) {
    this.value.conflictsTotal++;
    if (this.value.conflicts.length < IMPORT_ISSUES_LISTED) this.value.conflicts.push({ section, id, reason });
  }
  failure(section: TDataExportSection, id: string, reason: string) {
    this.value.failuresTotal++;
    if (this.value.failures.length < IMPORT_ISSUES_LISTED) this.value.failures.push({ section, id, reason });
  }
}

/**
 * For every row of the document, its database id and what happens to it, counted in the report as it is decided.
 * A natural-key match is updated when the document's row is newer (its updatedAt is later), otherwise skipped; either
 * way a match whose updatedAt differs is a conflict (the two sides were edited separately). Children follow their
 * parents: a child of a parent that is not created takes the parent's fate (skipped or failed).
 */
export class Planner {
  readonly plan = Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, new Map<string, Target>()])) as {
    [K in TDataExportSection]: Map<string, Target>;
  };

  constructor(readonly report: Report) {}

  /** Records a row's fate and counts it. */
  settle(section: TDataExportSection, id: string, target: Target): Target {
    this.plan[section].set(id, target);
    this.report.count(section, target.outcome);
    return target;
  }

  decide(section: TDataExportSection, row: { id: string; updatedAt: string }, match: Match | undefined): Target {
    if (!match) return this.settle(section, row.id, { id: randomUUID(), outcome: 'created' });
    const docTime = Date.parse(row.updatedAt);
    const ownTime = match.updatedAt.getTime();
    if (docTime !== ownTime) {
      this.report.conflict(
        section,
        row.id,
        docTime > ownTime
          ? 'Also in this account; the document is newer and replaces it'
          : 'Also in this account, edited since; the account keeps its version',
      );
    }
    return this.settle(section, row.id, { id: match.id, outcome: docTime > ownTime ? 'updated' : 'skipped' });
  }

  fail(section: TDataExportSection, id: string, reason: string) {
    this.settle(section, id, { id: randomUUID(), outcome: 'failed' });
    this.report.failure(section, id, reason);
  }

  /** Whether a child is written: only under a parent the import creates; otherwise it is settled here. */
  follow(section: TDataExportSection, id: string, parent: Target | undefined, what: string): boolean {
    if (!parent || parent.outcome === 'failed') {
      this.fail(section, id, parent ? `Its ${what} could not be imported` : `Its ${what} is not in the document`);
      return false;
    }
    if (parent.outcome !== 'created') {
      this.settle(section, id, { id: randomUUID(), outcome: 'skipped' });
      return false;
    }
    return true;
  }

  /** The account id a document row stands for: null when it is not in the document or failed. */
  idOf(section: TDataExportSection, id: string | null): string | null {
    if (id === null) return null;
    const target = this.plan[section].get(id);
    return target && target.outcome !== 'failed' ? target.id : null;
  }
}
