/**
 * The import's writers: one entry per section, in the order the sections are planned and written (parents before
 * their children, captures before the tasks made of them, a series before its detached occurrences). An entry says
 * how a merge finds the account's rows (their natural key), how a document row becomes its columns, and which query
 * inserts them; data.section-writer.ts runs every entry by the same steps.
 */
import { randomUUID } from 'node:crypto';
import { type DB, dataQueries, type Kysely } from '@lifeos/db';
import { seriesEnd } from '../calendar/calendar.series.js';
import { entryWordCount } from '../journal/journal.rules.js';
import type { Planner, Target } from './data.import-plan.js';
import { eventTimes, type RuleProblems } from './data.import-validate.js';
import type { TDataExerciseRef, TDataExport } from './data.schemas.js';
import {
  byKey,
  type Existing,
  type PlanContext,
  type SectionSteps,
  sectionSteps,
  type WriteContext,
} from './data.section-writer.js';

const at = (value: string | Date) => new Date(value).getTime();
const taskKey = (title: string, createdAt: string | Date) => `${at(createdAt)} ${title}`;
const captureKey = (text: string, createdAt: string | Date) => `${at(createdAt)} ${text}`;
const eventKey = (icsUid: string, recurrenceId: string | Date | null) =>
  `${recurrenceId === null ? '' : at(recurrenceId)} ${icsUid}`;
const rewrite =
  (table: Parameters<typeof dataQueries.updateRow>[1]) =>
  (ctx: WriteContext, id: string, _row: unknown, values: object) =>
    dataQueries.updateRow(ctx.trx, table, ctx.userId, id, values as Record<string, unknown>);
const CAPTURED_INTO = { task: 'tasks', event: 'events', journal: 'journal' } as const;

const SECTION_WRITERS: SectionSteps[] = [
  sectionSteps({
    section: 'exercises',
    match: {
      load: async (db, userId) => byKey(await dataQueries.exerciseKeys(db, userId), (r) => r.key),
      key: (row) => row.name.toLowerCase(),
    },
    values: (row) => ({
      name: row.name,
      category: row.category,
      primaryMuscles: row.primaryMuscles,
      secondaryMuscles: row.secondaryMuscles,
      equipment: row.equipment,
      archivedAt: row.archivedAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
    insert: dataQueries.insertExercises,
    update: rewrite('exercises'),
    extra: ({ placeholders, userId }) =>
      [...placeholders.values()].map((p) => ({ ...p, userId, category: 'strength', equipment: 'other' })),
  }),
  sectionSteps({
    section: 'programs',
    match: {
      load: async (db, userId) => byKey(await dataQueries.programKeys(db, userId), (r) => r.name),
      key: (row) => row.name,
    },
    values: (row) => ({ name: row.name, notes: row.notes, createdAt: row.createdAt, updatedAt: row.updatedAt }),
    insert: dataQueries.insertPrograms,
    update: rewrite('programs'),
  }),
  sectionSteps({
    section: 'programDays',
    // A program the account already has keeps its own days; the document's day at the same position stands for it,
    // so merged sessions done on that day stay linked to it.
    plan: (row, { planner, existing }) => {
      const program = planner.plan.programs.get(row.programId);
      const own =
        program?.outcome === 'skipped' || program?.outcome === 'updated'
          ? existing.programDays.get(`${program.id} ${row.position}`)
          : undefined;
      if (own) planner.settle('programDays', row.id, { id: own, outcome: 'skipped' });
      else if (planner.follow('programDays', row.id, program, 'program')) {
        planner.settle('programDays', row.id, { id: randomUUID(), outcome: 'created' });
      }
    },
    values: (row, { planner }) => ({
      programId: planner.idOf('programs', row.programId) as string,
      position: row.position,
      name: row.name,
    }),
    insert: dataQueries.insertProgramDays,
  }),
  sectionSteps({
    section: 'programExercises',
    settle: (row, { planner, exerciseOf }) => {
      if (!planner.follow('programExercises', row.id, planner.plan.programDays.get(row.programDayId), 'program day')) {
        return undefined;
      }
      if (!exerciseOf.get(row.id)) {
        planner.fail('programExercises', row.id, 'Its exercise is not in the document');
        return undefined;
      }
      planner.report.count('programExercises', 'created');
      return { id: randomUUID(), outcome: 'created' };
    },
    values: ({ id, exercise: _exercise, programDayId, ...values }, { planner, exerciseOf }) => ({
      ...values,
      programDayId: planner.idOf('programDays', programDayId) as string,
      exerciseId: exerciseOf.get(id) as string,
    }),
    insert: dataQueries.insertProgramExercises,
  }),
  sectionSteps({
    section: 'workoutSessions',
    match: {
      load: async (db, userId) => byKey(await dataQueries.sessionKeys(db, userId), (r) => r.startedAt.getTime()),
      key: (row) => Date.parse(row.startedAt),
    },
    values: (row, { planner }) => ({
      // Null when the day is not in the account (a merged program without a day at that position).
      programDayId: planner.idOf('programDays', row.programDayId),
      name: row.name,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      notes: row.notes,
      exerciseNotes: row.exerciseNotes ?? [],
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
    insert: dataQueries.insertWorkoutSessions,
    update: ({ trx, userId }, id, _row, values) => dataQueries.updateWorkoutSession(trx, userId, id, values),
    // An updated session's sets are the document's: its own are deleted and the document's written like new ones.
    afterwards: ({ trx, userId }, updated) => dataQueries.deleteSetsOfSessions(trx, userId, updated),
  }),
  sectionSteps({
    section: 'workoutSets',
    settle: (row, { planner, exerciseOf }) => {
      const session = planner.plan.workoutSessions.get(row.sessionId);
      const parent = session?.outcome === 'updated' ? { ...session, outcome: 'created' as const } : session;
      if (!planner.follow('workoutSets', row.id, parent, 'session')) return undefined;
      if (!exerciseOf.get(row.id)) {
        planner.fail('workoutSets', row.id, 'Its exercise is not in the document');
        return undefined;
      }
      planner.report.count('workoutSets', session?.outcome === 'updated' ? 'updated' : 'created');
      return { id: randomUUID(), outcome: 'created' };
    },
    // is_warmup is derived from set_type by the database; an older export's flag says which of the two it was.
    values: (
      { id, exercise: _exercise, sessionId, isWarmup, setType, note, sourceName, ...values },
      { planner, exerciseOf },
    ) => ({
      ...values,
      setType: setType ?? (isWarmup ? 'warmup' : 'normal'),
      note: note ?? null,
      sourceName: sourceName ?? null,
      sessionId: (planner.plan.workoutSessions.get(sessionId) as Target).id,
      exerciseId: exerciseOf.get(id) as string,
    }),
    insert: dataQueries.insertWorkoutSets,
  }),
  sectionSteps({
    section: 'journal',
    match: {
      load: async (db, userId) => byKey(await dataQueries.journalKeys(db, userId), (r) => `${r.type} ${r.entryDate}`),
      key: (row) => `${row.type} ${row.entryDate}`,
    },
    values: (row) => ({
      type: row.type,
      entryDate: row.entryDate,
      content: row.content,
      // Derived as journal.upsert derives it; the search vector is an expression index and needs nothing.
      wordCount: entryWordCount(row.type, row.content),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
    insert: dataQueries.insertJournalEntries,
    update: ({ trx, userId }, id, row, values) =>
      dataQueries.updateJournalContent(trx, userId, id, row.content, values.wordCount, row.updatedAt),
    size: (row) => JSON.stringify(row.content).length,
  }),
  sectionSteps({
    section: 'bodyWeights',
    match: {
      load: async (db, userId) => byKey(await dataQueries.bodyWeightKeys(db, userId), (r) => r.measuredOn),
      key: (row) => row.measuredOn,
    },
    values: (row) => ({
      measuredOn: row.measuredOn,
      weightKg: row.weightKg,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
    insert: dataQueries.insertBodyWeights,
    update: rewrite('bodyWeights'),
  }),
  sectionSteps({
    section: 'projects',
    match: {
      load: async (db, userId) => byKey(await dataQueries.projectKeys(db, userId), (r) => r.name),
      key: (row) => row.name,
    },
    values: ({ id: _id, ...values }) => values,
    insert: dataQueries.insertProjects,
    update: rewrite('projects'),
  }),
  // Captures before tasks (a task's source_capture_id references its capture); what a capture became is planned
  // already, so its link points at the new ids. A link to something deleted since stays a link to nothing.
  sectionSteps({
    section: 'captures',
    match: {
      load: async (db, userId) =>
        byKey(await dataQueries.captureKeys(db, userId), (r) => captureKey(r.text, r.createdAt)),
      key: (row) => captureKey(row.text, row.createdAt),
    },
    values: ({ id: _id, ...values }, { planner }) =>
      values.processedIntoKind !== null && values.processedIntoId !== null
        ? {
            ...values,
            processedIntoId:
              planner.idOf(CAPTURED_INTO[values.processedIntoKind], values.processedIntoId) ?? randomUUID(),
          }
        : values,
    insert: dataQueries.insertCaptures,
    update: rewrite('captures'),
  }),
  sectionSteps({
    section: 'tasks',
    match: {
      load: async (db, userId) =>
        byKey(
          await dataQueries.taskKeys(db, userId),
          (r) => taskKey(r.title, r.createdAt),
          (r) => ({ id: r.id, updatedAt: r.updatedAt, seriesId: r.seriesId }),
        ),
      key: (row) => taskKey(row.title, row.createdAt),
    },
    problems: (_doc, badRules) => (row) => badRules.tasks.get(row.id),
    values: ({ id: _id, ...values }, { planner, taskSeries }) => ({
      ...values,
      projectId: planner.idOf('projects', values.projectId),
      sourceCaptureId: planner.idOf('captures', values.sourceCaptureId),
      seriesId: taskSeries(values.seriesId),
    }),
    insert: dataQueries.insertTasks,
    update: rewrite('tasks'),
  }),
  sectionSteps({
    section: 'events',
    match: {
      load: async (db, userId) =>
        byKey(await dataQueries.eventKeys(db, userId), (r) => eventKey(r.icsUid, r.recurrenceId)),
      key: (row) => eventKey(row.icsUid, row.recurrenceId),
    },
    problems: (doc, badRules) => {
      const ids = new Set(doc.events.map((e) => e.id));
      return (row) => {
        if (row.seriesId !== null && !ids.has(row.seriesId)) return 'Its series is not in the document';
        const problem = badRules.events.get(row.id) ?? (row.seriesId ? badRules.events.get(row.seriesId) : undefined);
        if (problem) return row.rrule ? problem : 'Its series could not be imported';
        return undefined;
      };
    },
    // Series before their detached occurrences (series_id references events.id).
    groups: (rows) => [rows.filter((row) => row.seriesId === null), rows.filter((row) => row.seriesId !== null)],
    values: ({ id: _id, ...values }, { planner }) => ({
      ...values,
      exdates: values.exdates.map((value) => new Date(value)),
      rdates: eventTimes(values).rdates,
      rdateEnds: eventTimes(values).rdateEnds,
      sequence: values.sequence ?? 0,
      icsKept: values.icsKept ?? null,
      seriesId: planner.idOf('events', values.seriesId),
      seriesEndsAt: seriesEnd(eventTimes(values)),
    }),
    insert: dataQueries.insertEvents,
    update: rewrite('events'),
  }),
];

export async function loadExisting(db: Kysely<DB>, userId: string, merge: boolean): Promise<Existing> {
  const builtins = new Map((await dataQueries.builtinExercises(db)).map((row) => [row.key, row.id]));
  if (!merge) return { builtins, programDays: new Map(), bySection: {} };
  const programDays = new Map(
    (await dataQueries.programDayKeys(db, userId)).map((r) => [`${r.programId} ${r.position}`, r.id]),
  );
  const bySection: Existing['bySection'] = {};
  for (const { section, load } of SECTION_WRITERS) if (load) bySection[section] = await load(db, userId);
  return { builtins, programDays, bySection };
}

/**
 * Plans every row of the document (see Planner), then writes the sections in order. Exercise references are resolved
 * in between, so the exercises made for unknown built-ins are written with the exercises, before the rows using them.
 */
export async function writeDocument(
  trx: Kysely<DB>,
  userId: string,
  doc: TDataExport,
  badRules: RuleProblems,
  existing: Existing,
  planner: Planner,
) {
  const planning: PlanContext = { doc, existing, planner, badRules };
  for (const writer of SECTION_WRITERS) writer.plan(planning);
  const ctx: WriteContext = {
    ...planning,
    trx,
    userId,
    ...resolveExercises(doc, planner, existing),
    taskSeries: taskSeries(doc, existing),
  };
  for (const writer of SECTION_WRITERS) await writer.write(ctx);
}

/**
 * A reference to a built-in this instance does not know becomes an exercise of the user's own (with the name it
 * had), which keeps the history rather than failing the sets.
 */
function resolveExercises(doc: TDataExport, planner: Planner, existing: Existing) {
  const ownByName = new Map<string, string>();
  for (const row of doc.exercises) {
    const target = planner.plan.exercises.get(row.id);
    if (target && target.outcome !== 'failed') ownByName.set(row.name.toLowerCase(), target.id);
  }
  for (const [name, match] of existing.bySection.exercises ?? []) {
    if (!ownByName.has(String(name))) ownByName.set(String(name), match.id);
  }
  const placeholders = new Map<string, { id: string; name: string }>();
  const resolve = (ref: TDataExerciseRef): string | null => {
    if ('id' in ref) return planner.idOf('exercises', ref.id);
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
  const exerciseOf = new Map<string, string | null>();
  for (const row of doc.programExercises) exerciseOf.set(row.id, resolve(row.exercise));
  for (const row of doc.workoutSets) exerciseOf.set(row.id, resolve(row.exercise));
  return { exerciseOf, placeholders };
}

/** A repeating task's occurrences share a series id: new in the account, or the one a matched occurrence has. */
function taskSeries(doc: TDataExport, existing: Existing) {
  const series = new Map<string, string>();
  for (const row of doc.tasks) {
    const match = existing.bySection.tasks?.get(taskKey(row.title, row.createdAt));
    if (row.seriesId && match?.seriesId && !series.has(row.seriesId)) series.set(row.seriesId, match.seriesId);
  }
  return (id: string | null) => {
    if (id === null) return null;
    let mapped = series.get(id);
    if (!mapped) {
      mapped = randomUUID();
      series.set(id, mapped);
    }
    return mapped;
  };
}
