/**
 * What an import checks before it writes anything: the document's format and version (upgrading an older one), every
 * row against its section's schema, ids and unique keys within a section, and the repeat rules the account could not
 * store (those fail their rows only, when the import is planned).
 */
import type { z } from 'zod';
import { quoteRule, recurrenceRuleProblem } from '../calendar/calendar.series.js';
import { eventLoopSlicer } from '../common/slices.js';
import { taskRuleProblem } from '../tasks/tasks.service.js';
import { DataExportTooNewError, DataExportVersionUnsupportedError, DataImportInvalidError } from './data.errors.js';
import {
  DATA_EXPORT_FORMAT,
  DATA_EXPORT_SECTIONS,
  DATA_EXPORT_VERSION,
  DATA_ROW_SCHEMAS,
  type TDataExport,
  type TDataExportSection,
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
export async function validateDocumentInSlices(doc: RawDocument): Promise<TDataExport> {
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

export type RuleProblems = { tasks: Map<string, string>; events: Map<string, string> };

/**
 * The repeat rules that cannot be stored, by row id, with the reason: the checks of tasks.create and
 * calendar.events.create (readable, supported, bounded, occurring within a walk's budget). A hostile rule may cost
 * a walk's whole budget, so the checks pause every SLICE_MS like the validation.
 */
export async function ruleProblems(doc: TDataExport): Promise<RuleProblems> {
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

/** An event row as the calendar's rule checks and series end take it. */
export function eventTimes(
  event: Pick<
    TDataExport['events'][number],
    'allDay' | 'startsAt' | 'endsAt' | 'timezone' | 'rrule' | 'rdates' | 'rdateEnds'
  >,
) {
  return {
    allDay: event.allDay,
    startsAt: new Date(event.startsAt),
    endsAt: new Date(event.endsAt),
    timezone: event.timezone,
    rrule: event.rrule,
    rdates: (event.rdates ?? []).map((value) => new Date(value)),
    rdateEnds: (event.rdateEnds ?? []).map((value) => (value === null ? null : new Date(value))),
  };
}
