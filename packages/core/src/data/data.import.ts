import { randomUUID } from 'node:crypto';
import { type DB, dataQueries, type Kysely } from '@lifeos/db';
import type { z } from 'zod';
import { quoteRule, recurrenceRuleProblem, seriesEnd } from '../calendar/calendar.series.js';
import { eventLoopSlicer } from '../common/slices.js';
import { entryWordCount } from '../journal/journal.rules.js';
import { taskRuleProblem } from '../tasks/tasks.service.js';
import {
  DataExportTooNewError,
  DataExportVersionUnsupportedError,
  DataImportConflictError,
  DataImportInvalidError,
} from './data.errors.js';
import type { DataDeps } from './data.export.js';
import {
  DATA_EXPORT_FORMAT,
  DATA_EXPORT_SECTIONS,
  DATA_EXPORT_VERSION,
  DATA_ROW_SCHEMAS,
  IMPORT_ISSUES_LISTED,
  type TDataExerciseRef,
  type TDataExport,
  type TDataExportSection,
  type TDataImportMode,
  type TDataImportReport,
  ZDataDateTime,
  ZDataSettings,
} from './data.schemas.js';

// ---------- versions ----------

type RawDocument = Record<string, unknown>;

/**
 * Upgrade steps: `migrations[n]` turns a version-n document into a version-(n+1) one. Version 1 is the first, so
 * the table is empty; a version 2 adds `1: (doc) => …` and older exports keep importing.
 */
export const migrations: Record<number, (doc: RawDocument) => RawDocument> = {};

/** Checks the format and version (before anything else), upgrading an older document step by step. */
export function upgradeDocument(input: unknown): RawDocument {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new DataImportInvalidError('', 'Expected a Life OS export (a JSON object)');
  }
  let doc = input as RawDocument;
  if (doc.format !== DATA_EXPORT_FORMAT) {
    throw new DataImportInvalidError('format', `Not a Life OS export (expected format "${DATA_EXPORT_FORMAT}")`);
  }
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new DataExportVersionUnsupportedError(version, DATA_EXPORT_VERSION);
  }
  if (version > DATA_EXPORT_VERSION) throw new DataExportTooNewError(version, DATA_EXPORT_VERSION);
  for (let from = version; from < DATA_EXPORT_VERSION; from++) {
    const step = migrations[from];
    if (!step) throw new DataExportVersionUnsupportedError(version, DATA_EXPORT_VERSION);
    doc = { ...step(doc), version: from + 1 };
  }
  return doc;
}

// ---------- validation ----------

/** `content.wins[3]` from zod's ['content', 'wins', 3]. */
function formatPath(base: string, path: readonly PropertyKey[]): string {
  let text = base;
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text;
}

function fail(base: string, error: z.ZodError): never {
  const issue = error.issues[0];
  throw new DataImportInvalidError(formatPath(base, issue?.path ?? []), issue?.message ?? 'Invalid value');
}

/** Keys that must be unique within a section (the database enforces them; a clear message beats a 409). */
const UNIQUE_KEYS: Partial<{ [K in TDataExportSection]: (row: TDataExport[K][number]) => string }> = {
  journal: (r) => `${r.type} ${r.entryDate}`,
  exercises: (r) => r.name.toLowerCase(),
  programDays: (r) => `${r.programId} ${r.position}`,
  programExercises: (r) => `${r.programDayId} ${r.position}`,
  bodyWeights: (r) => r.measuredOn,
  events: (r) => `${r.icsUid} ${r.recurrenceId === null ? '' : Date.parse(r.recurrenceId)}`,
};

/**
 * Validates the whole document before anything is written; the first error names its path. Rows are checked one by
 * one with the per-row schemas and each is replaced in place by its parsed value, so no second copy of the
 * document is ever held. Also refuses duplicate ids and duplicate unique keys within a section.
 */
export function validateDocument(doc: RawDocument): TDataExport {
  const steps = validationSteps(doc);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** validateDocument, pausing every SLICE_MS so a large document does not hold up other requests. */
async function validateDocumentInSlices(doc: RawDocument): Promise<TDataExport> {
  const slice = eventLoopSlicer();
  const steps = validationSteps(doc);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await slice();
  }
}

/** The validation, yielding after each row (a point where it may pause). */
function* validationSteps(doc: RawDocument): Generator<void, TDataExport> {
  const known = new Set(['format', 'version', 'exportedAt', 'settings', ...DATA_EXPORT_SECTIONS]);
  for (const key of Object.keys(doc)) {
    if (!known.has(key)) throw new DataImportInvalidError(key, 'Unknown field');
  }
  const exportedAt = ZDataDateTime.safeParse(doc.exportedAt);
  if (!exportedAt.success) fail('exportedAt', exportedAt.error);
  const settings = ZDataSettings.safeParse(doc.settings);
  if (!settings.success) fail('settings', settings.error);
  doc.settings = settings.data;
  for (const section of DATA_EXPORT_SECTIONS) {
    const rows = doc[section];
    if (!Array.isArray(rows)) throw new DataImportInvalidError(section, 'Expected an array');
    const schema = DATA_ROW_SCHEMAS[section] as z.ZodType<{ id: string }>;
    const ids = new Map<string, number>();
    const uniqueKey = UNIQUE_KEYS[section] as ((row: unknown) => string) | undefined;
    const keys = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const parsed = schema.safeParse(rows[i]);
      if (!parsed.success) fail(`${section}[${i}]`, parsed.error);
      const row = parsed.data;
      rows[i] = row;
      const seen = ids.get(row.id);
      if (seen !== undefined) throw new DataImportInvalidError(`${section}[${i}].id`, `Same id as ${section}[${seen}]`);
      ids.set(row.id, i);
      if (uniqueKey) {
        const key = uniqueKey(row);
        const twin = keys.get(key);
        if (twin !== undefined) {
          throw new DataImportInvalidError(`${section}[${i}]`, `Duplicate of ${section}[${twin}] (same unique key)`);
        }
        keys.set(key, i);
      }
      yield;
    }
  }
  // Repeat rules are judged per row when the import is planned (ruleProblems): a bad one fails its row only.
  return doc as TDataExport;
}

type RuleProblems = { tasks: Map<string, string>; events: Map<string, string> };

/**
 * The repeat rules that cannot be stored, by row id, with the reason: the checks of tasks.create and
 * calendar.events.create (readable, supported, bounded, occurring within a walk's budget). A hostile rule may cost
 * a walk's whole budget, so the checks pause every SLICE_MS like the validation.
 */
async function ruleProblems(doc: TDataExport): Promise<RuleProblems> {
  const slice = eventLoopSlicer();
  const tasks = new Map<string, string>();
  for (const row of doc.tasks) {
    if (!row.rrule) continue;
    await slice();
    const problem = taskRuleProblem(row.rrule, row.dueDate ?? row.createdAt.slice(0, 10));
    if (problem) tasks.set(row.id, `The repeat rule ${quoteRule(row.rrule)} ${problem}`);
  }
  const events = new Map<string, string>();
  for (const row of doc.events) {
    if (!row.rrule) continue;
    await slice();
    const problem = recurrenceRuleProblem(row.rrule, eventTimes(row));
    if (problem) events.set(row.id, `The repeat rule ${quoteRule(row.rrule)} ${problem}`);
  }
  return { tasks, events };
}

function eventTimes(event: TDataExport['events'][number]) {
  return {
    allDay: event.allDay,
    startsAt: new Date(event.startsAt),
    endsAt: new Date(event.endsAt),
    timezone: event.timezone,
    rrule: event.rrule,
  };
}

// ---------- planning ----------

type Outcome = 'created' | 'updated' | 'skipped' | 'failed';
interface Target {
  /** The row's id in the database (new, or the matched row's). */
  id: string;
  outcome: Outcome;
}
type Plan = { [K in TDataExportSection]: Map<string, Target> };

class Report {
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

/** What the account already holds, by natural key (merge only; empty maps for replace). */
interface Existing {
  exercises: Map<string, { id: string; updatedAt: Date }>;
  builtins: Map<string, string>;
  programs: Map<string, { id: string; updatedAt: Date }>;
  /** By `${programId} ${position}`. */
  programDays: Map<string, string>;
  sessions: Map<number, { id: string; updatedAt: Date }>;
  journal: Map<string, { id: string; updatedAt: Date }>;
  bodyWeights: Map<string, { id: string; updatedAt: Date }>;
  projects: Map<string, { id: string; updatedAt: Date }>;
  tasks: Map<string, { id: string; seriesId: string | null; updatedAt: Date }>;
  captures: Map<string, { id: string; updatedAt: Date }>;
  events: Map<string, { id: string; updatedAt: Date }>;
}

const taskKey = (title: string, createdAt: string | Date) => `${new Date(createdAt).getTime()} ${title}`;
const captureKey = (text: string, createdAt: string | Date) => `${new Date(createdAt).getTime()} ${text}`;
const eventKey = (icsUid: string, recurrenceId: string | Date | null) =>
  `${recurrenceId === null ? '' : new Date(recurrenceId).getTime()} ${icsUid}`;

function firstByKey<T, V>(rows: T[], key: (row: T) => string | number, value: (row: T) => V) {
  const map = new Map<string | number, V>();
  for (const row of rows) {
    const k = key(row);
    if (!map.has(k)) map.set(k, value(row));
  }
  return map;
}

async function loadExisting(db: Kysely<DB>, userId: string, merge: boolean): Promise<Existing> {
  const builtins = new Map((await dataQueries.builtinExercises(db)).map((row) => [row.key, row.id]));
  const none = () => new Map();
  if (!merge) {
    return {
      builtins,
      exercises: none(),
      programs: none(),
      programDays: none(),
      sessions: none(),
      journal: none(),
      bodyWeights: none(),
      projects: none(),
      tasks: none(),
      captures: none(),
      events: none(),
    };
  }
  const pick = (row: { id: string; updatedAt: Date }) => ({ id: row.id, updatedAt: row.updatedAt });
  return {
    builtins,
    exercises: firstByKey(await dataQueries.exerciseKeys(db, userId), (r) => r.key, pick) as Existing['exercises'],
    programs: firstByKey(await dataQueries.programKeys(db, userId), (r) => r.name, pick) as Existing['programs'],
    programDays: new Map(
      (await dataQueries.programDayKeys(db, userId)).map((r) => [`${r.programId} ${r.position}`, r.id]),
    ),
    sessions: firstByKey(
      await dataQueries.sessionKeys(db, userId),
      (r) => r.startedAt.getTime(),
      pick,
    ) as Existing['sessions'],
    journal: firstByKey(
      await dataQueries.journalKeys(db, userId),
      (r) => `${r.type} ${r.entryDate}`,
      pick,
    ) as Existing['journal'],
    bodyWeights: firstByKey(
      await dataQueries.bodyWeightKeys(db, userId),
      (r) => r.measuredOn,
      pick,
    ) as Existing['bodyWeights'],
    projects: firstByKey(await dataQueries.projectKeys(db, userId), (r) => r.name, pick) as Existing['projects'],
    tasks: firstByKey(
      await dataQueries.taskKeys(db, userId),
      (r) => taskKey(r.title, r.createdAt),
      (r) => ({ ...pick(r), seriesId: r.seriesId }),
    ) as Existing['tasks'],
    captures: firstByKey(
      await dataQueries.captureKeys(db, userId),
      (r) => captureKey(r.text, r.createdAt),
      pick,
    ) as Existing['captures'],
    events: firstByKey(
      await dataQueries.eventKeys(db, userId),
      (r) => eventKey(r.icsUid, r.recurrenceId),
      pick,
    ) as Existing['events'],
  };
}

/**
 * Decides, for every row of the document, its database id and what happens to it. A natural-key match is updated
 * when the document's row is newer (its updatedAt is later), otherwise skipped; either way a match whose updatedAt
 * differs is a conflict (the two sides were edited separately). Children follow their parents: the days and
 * exercises of a matched program are kept as the account has them, the sets of a skipped session are skipped and
 * those of an updated session are replaced by the document's.
 */
function planImport(doc: TDataExport, existing: Existing, report: Report, badRules: RuleProblems) {
  const plan = Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, new Map<string, Target>()])) as Plan;

  const decide = <K extends TDataExportSection>(
    section: K,
    row: { id: string; updatedAt: string },
    match: { id: string; updatedAt: Date } | undefined,
  ): Target => {
    let target: Target;
    if (!match) target = { id: randomUUID(), outcome: 'created' };
    else {
      const docTime = Date.parse(row.updatedAt);
      const ownTime = match.updatedAt.getTime();
      if (docTime !== ownTime) {
        report.conflict(
          section,
          row.id,
          docTime > ownTime
            ? 'Also in this account; the document is newer and replaces it'
            : 'Also in this account, edited since; the account keeps its version',
        );
      }
      target = { id: match.id, outcome: docTime > ownTime ? 'updated' : 'skipped' };
    }
    plan[section].set(row.id, target);
    report.count(section, target.outcome);
    return target;
  };
  const failRow = (section: TDataExportSection, id: string, reason: string) => {
    plan[section].set(id, { id: randomUUID(), outcome: 'failed' });
    report.count(section, 'failed');
    report.failure(section, id, reason);
  };
  /** A child of a parent that is not created takes the parent's fate (skipped or failed). */
  const follow = (section: TDataExportSection, id: string, parent: Target | undefined, what: string) => {
    if (!parent || parent.outcome === 'failed') {
      failRow(section, id, parent ? `Its ${what} could not be imported` : `Its ${what} is not in the document`);
      return false;
    }
    if (parent.outcome !== 'created') {
      plan[section].set(id, { id: randomUUID(), outcome: 'skipped' });
      report.count(section, 'skipped');
      return false;
    }
    return true;
  };

  for (const row of doc.exercises) decide('exercises', row, existing.exercises.get(row.name.toLowerCase()));
  for (const row of doc.programs) decide('programs', row, existing.programs.get(row.name));
  for (const row of doc.programDays) {
    // A program the account already has keeps its own days; the document's day at the same position stands for
    // it, so merged sessions done on that day stay linked to it.
    const program = plan.programs.get(row.programId);
    const own =
      program?.outcome === 'skipped' || program?.outcome === 'updated'
        ? existing.programDays.get(`${program.id} ${row.position}`)
        : undefined;
    if (own) {
      plan.programDays.set(row.id, { id: own, outcome: 'skipped' });
      report.count('programDays', 'skipped');
      continue;
    }
    if (follow('programDays', row.id, program, 'program')) {
      plan.programDays.set(row.id, { id: randomUUID(), outcome: 'created' });
      report.count('programDays', 'created');
    }
  }
  for (const row of doc.workoutSessions)
    decide('workoutSessions', row, existing.sessions.get(Date.parse(row.startedAt)));
  for (const row of doc.journal) decide('journal', row, existing.journal.get(`${row.type} ${row.entryDate}`));
  for (const row of doc.bodyWeights) decide('bodyWeights', row, existing.bodyWeights.get(row.measuredOn));
  for (const row of doc.projects) decide('projects', row, existing.projects.get(row.name));
  for (const row of doc.captures) decide('captures', row, existing.captures.get(captureKey(row.text, row.createdAt)));
  for (const row of doc.tasks) {
    const problem = badRules.tasks.get(row.id);
    if (problem) failRow('tasks', row.id, problem);
    else decide('tasks', row, existing.tasks.get(taskKey(row.title, row.createdAt)));
  }
  const eventIds = new Set(doc.events.map((e) => e.id));
  for (const row of doc.events) {
    const parentMissing = row.seriesId !== null && !eventIds.has(row.seriesId);
    const problem = badRules.events.get(row.id) ?? (row.seriesId ? badRules.events.get(row.seriesId) : undefined);
    if (parentMissing) failRow('events', row.id, 'Its series is not in the document');
    else if (problem) failRow('events', row.id, row.rrule ? problem : 'Its series could not be imported');
    else decide('events', row, existing.events.get(eventKey(row.icsUid, row.recurrenceId)));
  }
  return { plan, decide, failRow, follow };
}

// ---------- writing ----------

/** Rows per INSERT at most: far below PostgreSQL's 65,535 parameters for the widest table (events, ~18 columns). */
export const BATCH_ROWS = 1_000;
/** Rows in a section's first INSERT: the batch grows from there while its statements stay quick. */
export const BATCH_FIRST_ROWS = 25;
/**
 * How long one INSERT should take. On PGlite the database runs on the server's own thread, so a statement's time is
 * time no other request is served: 1,000 journal entries took 1.9 s there (their search vectors), one entry 0.1 s
 * the first time. A batch slower than this shrinks in proportion, one much quicker doubles, up to BATCH_ROWS.
 */
export const BATCH_TARGET_MS = 60;
/** …and a bound on a batch's size in characters, for long journal entries. */
const BATCH_CHARS = 4_000_000;

/** Collects rows into multi-row INSERTs (exported for its tests). */
export class Batcher<T> {
  private rows: T[] = [];
  private chars = 0;
  private limit = BATCH_FIRST_ROWS;
  /** The batch the database is writing while the next one is prepared (one connection runs them in order). */
  private inFlight: Promise<void> = Promise.resolve();
  /** Pauses between statements and rows, so other requests run between an import's slices. */
  private readonly slice = eventLoopSlicer();
  constructor(
    private readonly flushRows: (rows: T[]) => Promise<void>,
    private readonly size: (row: T) => number = () => 0,
  ) {}
  async add(row: T) {
    this.rows.push(row);
    this.chars += this.size(row);
    if (this.rows.length >= this.limit || this.chars >= BATCH_CHARS) await this.send();
    else await this.slice();
  }
  /**
   * Runs another write of this section once the batch in flight is written, so that batch's failure (not the
   * "transaction aborted" of the write queued behind it) is the error the caller sees.
   */
  async after<A extends unknown[]>(write: (...args: A) => Promise<unknown>, ...args: A): Promise<void> {
    await this.inFlight;
    await this.slice();
    await write(...args);
  }
  /** Sends what is collected and waits until every batch is written (a section's end). */
  async flush() {
    await this.send();
    await this.inFlight;
  }
  /**
   * Waits for the previous batch, then starts this one without waiting for it: Node builds the next batch while
   * PostgreSQL writes this one, instead of each idling while the other works. At most one batch is in flight.
   */
  private async send() {
    await this.inFlight;
    if (this.rows.length === 0) return;
    await this.slice();
    const rows = this.rows;
    this.rows = [];
    this.chars = 0;
    const started = performance.now();
    this.inFlight = this.flushRows(rows).then(() => this.adapt(rows.length, performance.now() - started));
    // Handled here so a failure is never an unhandled rejection; it is rethrown where inFlight is awaited next.
    this.inFlight.catch(() => {});
  }
  /** Sizes the next batch by how long this one took (see BATCH_TARGET_MS). */
  private adapt(rows: number, ms: number) {
    if (ms > BATCH_TARGET_MS) this.limit = Math.max(1, Math.floor((rows * BATCH_TARGET_MS) / ms));
    else if (ms < BATCH_TARGET_MS / 2 && rows >= this.limit) this.limit = Math.min(BATCH_ROWS, this.limit * 2);
  }
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

export interface ImportOptions {
  mode: TDataImportMode;
  dryRun: boolean;
}

/**
 * Imports a document into the user's account. The version is checked first, then the whole document is
 * validated (nothing is written when any of it is invalid), then everything is written in one transaction with new
 * ids. `replace` first deletes the user's data of every exported kind (not credentials, sessions or subscribed
 * calendars) and takes the document's settings; `merge` keeps what is there, adds what is new (by natural key, so
 * importing one document twice creates nothing the second time) and takes the document's settings only into an
 * empty account. A dry run performs the very same work and rolls it back, so its report is exactly what the
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
    if (takeSettings) await dataQueries.updateImportedSettings(trx, userId, doc.settings, now);
    report.count('settings', takeSettings ? 'updated' : 'skipped');
    await writeDocument(trx, userId, doc, badRules, await loadExisting(trx, userId, merge), report);
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

async function writeDocument(
  trx: Kysely<DB>,
  userId: string,
  doc: TDataExport,
  badRules: RuleProblems,
  existing: Existing,
  report: Report,
) {
  const { plan, follow, failRow } = planImport(doc, existing, report, badRules);
  const created = <K extends TDataExportSection>(section: K, id: string) =>
    plan[section].get(id)?.outcome === 'created';
  const idOf = (section: TDataExportSection, id: string | null) => {
    if (id === null) return null;
    const target = plan[section].get(id);
    return target && target.outcome !== 'failed' ? target.id : null;
  };

  // Exercises: a reference to a built-in this instance does not know becomes an exercise of the user's own (with
  // the name it had), which keeps the history rather than failing the sets.
  const ownByName = new Map<string, string>();
  for (const row of doc.exercises) {
    const target = plan.exercises.get(row.id);
    if (target && target.outcome !== 'failed') ownByName.set(row.name.toLowerCase(), target.id);
  }
  for (const [name, id] of existing.exercises) if (!ownByName.has(name)) ownByName.set(name, id.id);
  const placeholders = new Map<string, { id: string; name: string }>();
  const resolveExercise = (ref: TDataExerciseRef): string | null => {
    if ('id' in ref) return idOf('exercises', ref.id);
    const key = ref.builtin.toLowerCase();
    const found = existing.builtins.get(key) ?? ownByName.get(key);
    if (found) return found;
    let placeholder = placeholders.get(key);
    if (!placeholder) {
      placeholder = { id: randomUUID(), name: ref.builtin.trim() };
      placeholders.set(key, placeholder);
      ownByName.set(key, placeholder.id);
    }
    return placeholder.id;
  };
  // Resolve every reference up front, so placeholders exist before the rows that use them.
  const exerciseOf = new Map<string, string | null>();
  for (const row of doc.programExercises) exerciseOf.set(row.id, resolveExercise(row.exercise));
  for (const row of doc.workoutSets) exerciseOf.set(row.id, resolveExercise(row.exercise));

  await inSection('exercises', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertExercises>[1]) =>
      dataQueries.insertExercises(trx, rows),
    );
    for (const row of doc.exercises) {
      const target = plan.exercises.get(row.id) as Target;
      const values = {
        name: row.name,
        category: row.category,
        primaryMuscles: row.primaryMuscles,
        secondaryMuscles: row.secondaryMuscles,
        equipment: row.equipment,
        archivedAt: row.archivedAt,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
      if (target.outcome === 'created') await batch.add({ id: target.id, userId, ...values });
      else if (target.outcome === 'updated')
        await batch.after(dataQueries.updateRow, trx, 'exercises', userId, target.id, values);
    }
    for (const placeholder of placeholders.values()) {
      await batch.add({ ...placeholder, userId, category: 'strength', equipment: 'other' });
      report.count('exercises', 'created');
    }
    await batch.flush();
  });

  await inSection('programs', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertPrograms>[1]) =>
      dataQueries.insertPrograms(trx, rows),
    );
    for (const row of doc.programs) {
      const target = plan.programs.get(row.id) as Target;
      const values = { name: row.name, notes: row.notes, createdAt: row.createdAt, updatedAt: row.updatedAt };
      if (target.outcome === 'created') await batch.add({ id: target.id, userId, ...values });
      else if (target.outcome === 'updated')
        await batch.after(dataQueries.updateRow, trx, 'programs', userId, target.id, values);
    }
    await batch.flush();
  });

  await inSection('programDays', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertProgramDays>[1]) =>
      dataQueries.insertProgramDays(trx, rows),
    );
    for (const row of doc.programDays) {
      if (!created('programDays', row.id)) continue;
      await batch.add({
        id: idOf('programDays', row.id) as string,
        userId,
        programId: idOf('programs', row.programId) as string,
        position: row.position,
        name: row.name,
      });
    }
    await batch.flush();
  });

  await inSection('programExercises', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertProgramExercises>[1]) =>
      dataQueries.insertProgramExercises(trx, rows),
    );
    for (const row of doc.programExercises) {
      if (!follow('programExercises', row.id, plan.programDays.get(row.programDayId), 'program day')) continue;
      const exerciseId = exerciseOf.get(row.id);
      if (!exerciseId) {
        failRow('programExercises', row.id, 'Its exercise is not in the document');
        continue;
      }
      const { id: _id, exercise: _exercise, programDayId, ...values } = row;
      await batch.add({
        ...values,
        id: randomUUID(),
        userId,
        programDayId: idOf('programDays', programDayId) as string,
        exerciseId,
      });
      report.count('programExercises', 'created');
    }
    await batch.flush();
  });

  const rewrittenSessions: string[] = [];
  await inSection('workoutSessions', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertWorkoutSessions>[1]) =>
      dataQueries.insertWorkoutSessions(trx, rows),
    );
    for (const row of doc.workoutSessions) {
      const target = plan.workoutSessions.get(row.id) as Target;
      const values = {
        // Null when the day is not in the account (a merged program without a day at that position).
        programDayId: idOf('programDays', row.programDayId),
        name: row.name,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt,
        notes: row.notes,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
      if (target.outcome === 'created') await batch.add({ id: target.id, userId, ...values });
      else if (target.outcome === 'updated') {
        await batch.after(dataQueries.updateRow, trx, 'workoutSessions', userId, target.id, values);
        rewrittenSessions.push(target.id);
      }
    }
    await batch.flush();
    await dataQueries.deleteSetsOfSessions(trx, userId, rewrittenSessions);
  });

  await inSection('workoutSets', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertWorkoutSets>[1]) =>
      dataQueries.insertWorkoutSets(trx, rows),
    );
    for (const row of doc.workoutSets) {
      const session = plan.workoutSessions.get(row.sessionId);
      // An updated session's sets are the document's: rewritten like those of a new one.
      const parent = session?.outcome === 'updated' ? { ...session, outcome: 'created' as const } : session;
      if (!follow('workoutSets', row.id, parent, 'session')) continue;
      const exerciseId = exerciseOf.get(row.id);
      if (!exerciseId) {
        failRow('workoutSets', row.id, 'Its exercise is not in the document');
        continue;
      }
      const { id: _id, exercise: _exercise, sessionId, ...values } = row;
      await batch.add({ ...values, id: randomUUID(), userId, sessionId: (session as Target).id, exerciseId });
      report.count('workoutSets', session?.outcome === 'updated' ? 'updated' : 'created');
    }
    await batch.flush();
  });

  await inSection('journal', async () => {
    const batch = new Batcher(
      (rows: dataQueries.ImportJournalEntry[]) => dataQueries.insertJournalEntries(trx, rows),
      (row) => JSON.stringify(row.content).length,
    );
    for (const row of doc.journal) {
      const target = plan.journal.get(row.id) as Target;
      // Derived as journal.upsert derives it; the search vector is an expression index and needs nothing.
      const wordCount = entryWordCount(row.type, row.content);
      if (target.outcome === 'created') {
        await batch.add({
          id: target.id,
          userId,
          type: row.type,
          entryDate: row.entryDate,
          content: row.content,
          wordCount,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
        });
      } else if (target.outcome === 'updated') {
        await batch.after(
          dataQueries.updateJournalContent,
          trx,
          userId,
          target.id,
          row.content,
          wordCount,
          row.updatedAt,
        );
      }
    }
    await batch.flush();
  });

  await inSection('bodyWeights', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertBodyWeights>[1]) =>
      dataQueries.insertBodyWeights(trx, rows),
    );
    for (const row of doc.bodyWeights) {
      const target = plan.bodyWeights.get(row.id) as Target;
      const values = {
        measuredOn: row.measuredOn,
        weightKg: row.weightKg,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
      if (target.outcome === 'created') await batch.add({ id: target.id, userId, ...values });
      else if (target.outcome === 'updated')
        await batch.after(dataQueries.updateRow, trx, 'bodyWeights', userId, target.id, values);
    }
    await batch.flush();
  });

  await inSection('projects', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertProjects>[1]) =>
      dataQueries.insertProjects(trx, rows),
    );
    for (const row of doc.projects) {
      const target = plan.projects.get(row.id) as Target;
      const { id: _id, ...values } = row;
      if (target.outcome === 'created') await batch.add({ ...values, id: target.id, userId });
      else if (target.outcome === 'updated')
        await batch.after(dataQueries.updateRow, trx, 'projects', userId, target.id, values);
    }
    await batch.flush();
  });

  // Captures before tasks (a task's source_capture_id references its capture); what a capture became is planned
  // already, so its link points at the new ids. A link to something deleted since stays a link to nothing.
  await inSection('captures', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertCaptures>[1]) =>
      dataQueries.insertCaptures(trx, rows),
    );
    const kindSection = { task: 'tasks', event: 'events', journal: 'journal' } as const;
    for (const row of doc.captures) {
      const target = plan.captures.get(row.id) as Target;
      const { id: _id, ...values } = row;
      if (row.processedIntoKind !== null && row.processedIntoId !== null) {
        values.processedIntoId = idOf(kindSection[row.processedIntoKind], row.processedIntoId) ?? randomUUID();
      }
      if (target.outcome === 'created') await batch.add({ ...values, id: target.id, userId });
      else if (target.outcome === 'updated')
        await batch.after(dataQueries.updateRow, trx, 'captures', userId, target.id, values);
    }
    await batch.flush();
  });

  await inSection('tasks', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertTasks>[1]) =>
      dataQueries.insertTasks(trx, rows),
    );
    // A repeating task's occurrences share a series id: new in the account, or the one a matched occurrence has.
    const series = new Map<string, string>();
    for (const row of doc.tasks) {
      const match = existing.tasks.get(taskKey(row.title, row.createdAt));
      if (row.seriesId && match?.seriesId && !series.has(row.seriesId)) series.set(row.seriesId, match.seriesId);
    }
    const seriesOf = (id: string | null) => {
      if (id === null) return null;
      let mapped = series.get(id);
      if (!mapped) {
        mapped = randomUUID();
        series.set(id, mapped);
      }
      return mapped;
    };
    for (const row of doc.tasks) {
      const target = plan.tasks.get(row.id) as Target;
      const { id: _id, ...values } = row;
      values.projectId = idOf('projects', row.projectId);
      values.sourceCaptureId = idOf('captures', row.sourceCaptureId);
      values.seriesId = seriesOf(row.seriesId);
      if (target.outcome === 'created') await batch.add({ ...values, id: target.id, userId });
      else if (target.outcome === 'updated')
        await batch.after(dataQueries.updateRow, trx, 'tasks', userId, target.id, values);
    }
    await batch.flush();
  });

  // Events: series before their detached occurrences (series_id references events.id).
  await inSection('events', async () => {
    const batch = new Batcher((rows: Parameters<typeof dataQueries.insertEvents>[1]) =>
      dataQueries.insertEvents(trx, rows),
    );
    for (const overrides of [false, true]) {
      for (const row of doc.events) {
        if ((row.seriesId !== null) !== overrides) continue;
        const target = plan.events.get(row.id) as Target;
        if (target.outcome !== 'created' && target.outcome !== 'updated') continue;
        const { id: _id, ...rest } = row;
        const values = {
          ...rest,
          exdates: row.exdates.map((value) => new Date(value)),
          seriesId: idOf('events', row.seriesId),
          seriesEndsAt: seriesEnd(eventTimes(row)),
        };
        if (target.outcome === 'created') await batch.add({ ...values, id: target.id, userId });
        else await batch.after(dataQueries.updateRow, trx, 'events', userId, target.id, values);
      }
      await batch.flush();
    }
  });
}
