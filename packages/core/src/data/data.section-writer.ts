/**
 * What a section writer is (data.import-write.ts holds one per section) and the steps every writer runs by: planning
 * its rows (matched by natural key, decided by their parent, or failed for a reason of their own) and writing them
 * in batches, new rows inserted and newer versions rewritten in place.
 */
import type { DB, Kysely } from '@lifeos/db';
import { Batcher } from './data.batcher.js';
import { DataImportConflictError, DataImportInvalidError } from './data.errors.js';
import type { Match, Planner, Target } from './data.import-plan.js';
import type { RuleProblems } from './data.import-validate.js';
import type { TDataExport, TDataExportSection, TDataRow } from './data.schemas.js';

export type Key = string | number;

/** What the account already holds (merge only; empty for replace). */
export interface Existing {
  /** The built-in library by lower-cased name. */
  builtins: Map<string, string>;
  /** The days of the account's programs, by `${programId} ${position}`. */
  programDays: Map<string, string>;
  /** A matched section's rows by natural key. */
  bySection: Partial<Record<TDataExportSection, Map<Key, Match>>>;
}

export interface PlanContext {
  doc: TDataExport;
  existing: Existing;
  planner: Planner;
  badRules: RuleProblems;
}

export interface WriteContext extends PlanContext {
  trx: Kysely<DB>;
  userId: string;
  /** The account's exercise for every program exercise's and set's reference (null: its exercise failed). */
  exerciseOf: Map<string, string | null>;
  /** Exercises of the user's own, made for built-ins this instance does not know. */
  placeholders: Map<string, { id: string; name: string }>;
  /** The account's series id for a document's task series id. */
  taskSeries(id: string | null): string | null;
}

/** What a writer maps a document row to: the columns of its section's INSERT but the two ids the runner sets. */
type Columns<I> = NoInfer<Omit<I, 'id' | 'userId'>>;

export interface SectionWriter<K extends TDataExportSection, I extends object> {
  section: K;
  /** Merge: the account's rows by natural key, and a document row's key; a row is then created, updated or skipped. */
  match?: { load(db: Kysely<DB>, userId: string): Promise<Map<Key, Match>>; key(row: TDataRow<K>): Key };
  /** Why a row cannot be imported (a repeat rule the account could not store): it fails alone. */
  problems?(doc: TDataExport, badRules: RuleProblems): (row: TDataRow<K>) => string | undefined;
  /** A row its parent decides for rather than a key (program days). */
  plan?(row: TDataRow<K>, ctx: PlanContext): void;
  /** A child settled as it is written, by its parent: the target when it is written. */
  settle?(row: TDataRow<K>, ctx: WriteContext): Target | undefined;
  /** Groups written one after the other: a group's batches land before the next group's rows are sent. */
  groups?(rows: TDataRow<K>[]): TDataRow<K>[][];
  /** The row's columns, except its id and user id: what it inserts, or what an update sets. */
  values(row: TDataRow<K>, ctx: WriteContext): Columns<I>;
  insert(trx: Kysely<DB>, rows: I[]): Promise<void>;
  /** Rewrites a matched row that the document's newer version replaces. */
  update?(ctx: WriteContext, id: string, row: TDataRow<K>, values: Columns<I>): Promise<void>;
  /** A row's share of a batch's characters (long journal entries). */
  size?(row: NoInfer<I>): number;
  /** Rows the section adds beside the document's, counted as created. */
  extra?(ctx: WriteContext): NoInfer<I>[];
  /** Once the section's rows are written, with the ids of the rows it updated. */
  afterwards?(ctx: WriteContext, updated: string[]): Promise<void>;
}

/** A writer's steps, the same for every section (the writer's types stay inside). */
export interface SectionSteps {
  section: TDataExportSection;
  load: ((db: Kysely<DB>, userId: string) => Promise<Map<Key, Match>>) | undefined;
  plan(ctx: PlanContext): void;
  write(ctx: WriteContext): Promise<void>;
}

export function sectionSteps<K extends TDataExportSection, I extends object>(
  writer: SectionWriter<K, I>,
): SectionSteps {
  const { section } = writer;
  const rowsOf = (doc: TDataExport) => doc[section] as TDataRow<K>[];
  return {
    section,
    load: writer.match?.load,
    plan(ctx) {
      if (writer.plan) {
        for (const row of rowsOf(ctx.doc)) writer.plan(row, ctx);
        return;
      }
      if (!writer.match) return;
      const matches = ctx.existing.bySection[section];
      const problem = writer.problems?.(ctx.doc, ctx.badRules);
      for (const row of rowsOf(ctx.doc)) {
        const reason = problem?.(row);
        // A matched section's rows all carry updatedAt (their schemas require it).
        if (reason) ctx.planner.fail(section, row.id, reason);
        else ctx.planner.decide(section, row as { id: string; updatedAt: string }, matches?.get(writer.match.key(row)));
      }
    },
    write: (ctx) =>
      inSection(section, async () => {
        const batch = new Batcher((rows: I[]) => writer.insert(ctx.trx, rows), writer.size);
        const rows = rowsOf(ctx.doc);
        const updated: string[] = [];
        for (const [i, group] of (writer.groups?.(rows) ?? [rows]).entries()) {
          if (i > 0) await batch.flush();
          for (const row of group) {
            const target = writer.settle ? writer.settle(row, ctx) : ctx.planner.plan[section].get(row.id);
            if (target?.outcome === 'created') {
              // The columns and the two ids make the whole row (TypeScript cannot put a generic Omit back together).
              await batch.add({ ...writer.values(row, ctx), id: target.id, userId: ctx.userId } as I);
            } else if (target?.outcome === 'updated' && writer.update) {
              await batch.after(writer.update, ctx, target.id, row, writer.values(row, ctx));
              updated.push(target.id);
            }
          }
        }
        for (const row of writer.extra?.(ctx) ?? []) {
          await batch.add(row);
          ctx.planner.report.count(section, 'created');
        }
        await batch.flush();
        await writer.afterwards?.(ctx, updated);
      }),
  };
}

/** The account's rows by natural key: the first of equal keys, with what a match needs of it. */
export function byKey<T extends Match>(
  rows: T[],
  key: (row: T) => Key,
  match = (row: T): Match => ({ id: row.id, updatedAt: row.updatedAt }),
): Map<Key, Match> {
  const map = new Map<Key, Match>();
  for (const row of rows) {
    const k = key(row);
    if (!map.has(k)) map.set(k, match(row));
  }
  return map;
}

/**
 * Database errors on import rows become a 409 (a unique key the account already holds) or a 400 (a value or
 * reference the database refuses), naming the section and the rule, never the SQL.
 */
async function inSection<T>(section: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { code, constraint } = error as { code?: unknown; constraint?: unknown };
    const rule = typeof constraint === 'string' ? ` (${constraint})` : '';
    if (code === '23505') {
      throw new DataImportConflictError(`${section}: a row collides with one this account already has${rule}`);
    }
    if (typeof code === 'string' && (code.startsWith('23') || code.startsWith('22'))) {
      throw new DataImportInvalidError(section, `A row cannot be stored${rule}`);
    }
    throw error;
  }
}
