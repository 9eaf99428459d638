import { type DB, dataQueries, type Kysely } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import * as remindersService from '../reminders/reminders.service.js';
import {
  DATA_EXPORT_FORMAT,
  DATA_EXPORT_SECTIONS,
  DATA_EXPORT_VERSION,
  type TDataExerciseRef,
  type TDataExport,
  type TDataExportSection,
  type TDataSettings,
} from './data.schemas.js';

export interface DataDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/** One piece of an export: the settings, or a batch of rows of one section (sections arrive in document order). */
export type TExportPart =
  | { section: 'settings'; value: TDataSettings }
  | { [K in TDataExportSection]: { section: K; rows: TDataExport[K] } }[TDataExportSection];

/** Rows fetched per round trip: small enough to bound memory, large enough that 30,000 sets take 15 fetches. */
export const EXPORT_BATCH_ROWS = 2_000;

const iso = (value: Date) => value.toISOString();
const isoOrNull = (value: Date | null) => (value === null ? null : value.toISOString());
/** numeric columns arrive as exact decimal strings; the document holds plain JSON numbers. */
const num = (value: string) => Number(value);
const numOrNull = (value: string | null) => (value === null ? null : Number(value));
const exerciseRef = (row: { exerciseId: string; exerciseName: string; exerciseBuiltin: boolean }): TDataExerciseRef =>
  row.exerciseBuiltin ? { builtin: row.exerciseName } : { id: row.exerciseId };

type Row<Q extends { execute(): Promise<unknown[]> }> = Awaited<ReturnType<Q['execute']>>[number];

/** Per section: the query (one cursor) and how a database row becomes a document row. */
function sectionReaders(db: Kysely<DB>, userId: string) {
  const reader = <Q extends { execute(): Promise<unknown[]> }, R>(query: Q, map: (row: Row<Q>) => R) => ({
    query,
    map,
  });

  return {
    journal: reader(
      dataQueries.exportJournalQuery(db, userId),
      (r) =>
        ({
          id: r.id,
          type: r.type,
          entryDate: r.entryDate,
          createdAt: iso(r.createdAt),
          updatedAt: iso(r.updatedAt),
          // Stored content passed its type's schema on the way in (journal.upsert or an import).
          content: r.content,
        }) as TDataExport['journal'][number],
    ),
    exercises: reader(dataQueries.exportExercisesQuery(db, userId), (r) => ({
      id: r.id,
      name: r.name,
      category: r.category,
      primaryMuscles: r.primaryMuscles as TDataExport['exercises'][number]['primaryMuscles'],
      secondaryMuscles: r.secondaryMuscles as TDataExport['exercises'][number]['secondaryMuscles'],
      equipment: r.equipment as TDataExport['exercises'][number]['equipment'],
      archivedAt: isoOrNull(r.archivedAt),
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
    programs: reader(dataQueries.exportProgramsQuery(db, userId), (r) => ({
      id: r.id,
      name: r.name,
      notes: r.notes,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
    programDays: reader(dataQueries.exportProgramDaysQuery(db, userId), (r) => ({
      id: r.id,
      programId: r.programId,
      position: r.position,
      name: r.name,
    })),
    programExercises: reader(dataQueries.exportProgramExercisesQuery(db, userId), (r) => ({
      id: r.id,
      programDayId: r.programDayId,
      exercise: exerciseRef(r),
      position: r.position,
      supersetGroup: r.supersetGroup,
      targetSets: r.targetSets,
      repMin: r.repMin,
      repMax: r.repMax,
      targetWeightKg: numOrNull(r.targetWeightKg),
      targetRpe: numOrNull(r.targetRpe),
      targetRir: r.targetRir,
      restSeconds: r.restSeconds,
      incrementKg: num(r.incrementKg),
    })),
    workoutSessions: reader(dataQueries.exportWorkoutSessionsQuery(db, userId), (r) => ({
      id: r.id,
      programDayId: r.programDayId,
      name: r.name,
      startedAt: iso(r.startedAt),
      finishedAt: isoOrNull(r.finishedAt),
      notes: r.notes,
      exerciseNotes: r.exerciseNotes,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
    workoutSets: reader(dataQueries.exportWorkoutSetsQuery(db, userId), (r) => ({
      id: r.id,
      sessionId: r.sessionId,
      exercise: exerciseRef(r),
      position: r.position,
      reps: r.reps,
      weightKg: numOrNull(r.weightKg),
      rpe: numOrNull(r.rpe),
      durationS: r.durationS,
      distanceM: numOrNull(r.distanceM),
      isWarmup: r.isWarmup,
      setType: r.setType,
      note: r.note,
      sourceName: r.sourceName,
      completed: r.completed,
      createdAt: iso(r.createdAt),
    })),
    bodyWeights: reader(dataQueries.exportBodyWeightsQuery(db, userId), (r) => ({
      id: r.id,
      measuredOn: r.measuredOn,
      weightKg: num(r.weightKg),
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
    projects: reader(dataQueries.exportProjectsQuery(db, userId), (r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      status: r.status,
      area: r.area,
      color: r.color,
      targetDate: r.targetDate,
      completedAt: isoOrNull(r.completedAt),
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
    tasks: reader(dataQueries.exportTasksQuery(db, userId), (r) => ({
      id: r.id,
      projectId: r.projectId,
      title: r.title,
      notes: r.notes,
      status: r.status,
      priority: r.priority,
      labels: r.labels,
      dueDate: r.dueDate,
      position: r.position,
      rrule: r.rrule,
      repeatAfterDays: r.repeatAfterDays,
      seriesId: r.seriesId,
      completedAt: isoOrNull(r.completedAt),
      sourceCaptureId: r.sourceCaptureId,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
    captures: reader(dataQueries.exportCapturesQuery(db, userId), (r) => ({
      id: r.id,
      text: r.text,
      url: r.url,
      status: r.status,
      processedIntoKind: r.processedIntoKind,
      processedIntoId: r.processedIntoId,
      processedAt: isoOrNull(r.processedAt),
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
    events: reader(dataQueries.exportEventsQuery(db, userId), (r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      location: r.location,
      startsAt: iso(r.startsAt),
      endsAt: iso(r.endsAt),
      allDay: r.allDay,
      timezone: r.timezone,
      rrule: r.rrule,
      exdates: r.exdates.map(iso),
      // Only when there are some: exports of calendars without extra dates stay as they were.
      ...(r.rdates.length > 0 ? { rdates: r.rdates.map(iso), rdateEnds: r.rdateEnds.map(isoOrNull) } : {}),
      ...(r.sequence > 0 ? { sequence: r.sequence } : {}),
      ...(r.icsKept !== null ? { icsKept: r.icsKept } : {}),
      icsUid: r.icsUid,
      recurrenceId: isoOrNull(r.recurrenceId),
      seriesId: r.seriesId,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
  } satisfies { [K in TDataExportSection]: { query: unknown; map: (row: never) => TDataExport[K][number] } };
}

/**
 * The user's data as parts: settings first, then each section in batches of EXPORT_BATCH_ROWS, read through one
 * cursor per table. Everything is read in one REPEATABLE READ transaction, so the document is one consistent
 * snapshot (a task and the capture it came from are never half-exported) even while the user keeps writing. On
 * PGlite (one connection) other requests wait while the export runs; stopping the iteration early ends the
 * transaction.
 */
export async function* exportParts(deps: DataDeps, userId: string): AsyncGenerator<TExportPart> {
  const trx = await deps.db
    .startTransaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute();
  try {
    const settings = await dataQueries.exportSettings(trx, userId);
    if (!settings) throw new NotFoundError('User');
    // Always written (the defaults when never changed), so a restore gives the same reminders as the original.
    const reminders = await remindersService.getPreferences({ db: trx, clock: deps.clock }, userId);
    yield { section: 'settings', value: { ...settings, reminders } };
    const readers = sectionReaders(trx, userId);
    for (const section of DATA_EXPORT_SECTIONS) {
      const { query, map } = readers[section] as unknown as {
        query: Parameters<typeof dataQueries.declareCursor>[2];
        map: (row: unknown) => unknown;
      };
      const cursor = `lifeos_export_${section}`;
      await dataQueries.declareCursor(trx, cursor, query);
      for (;;) {
        const rows = await dataQueries.fetchCursor<unknown>(trx, cursor, EXPORT_BATCH_ROWS);
        if (rows.length > 0) yield { section, rows: rows.map(map) } as TExportPart;
        if (rows.length < EXPORT_BATCH_ROWS) break;
      }
      await dataQueries.closeCursor(trx, cursor);
    }
    await trx.commit().execute();
  } catch (error) {
    await trx.rollback().execute();
    throw error;
  } finally {
    // An abandoned iteration (the client went away) lands here without commit or rollback: end the transaction.
    if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
  }
}

/** The whole document in memory (for the tRPC procedure and tests; the HTTP route streams exportJsonChunks). */
export async function exportDocument(deps: DataDeps, userId: string): Promise<TDataExport> {
  const exportedAt = deps.clock.now().toISOString();
  const sections = Object.fromEntries(DATA_EXPORT_SECTIONS.map((section) => [section, [] as unknown[]])) as {
    [K in TDataExportSection]: TDataExport[K];
  };
  let settings: TDataSettings | undefined;
  for await (const part of exportParts(deps, userId)) {
    if (part.section === 'settings') settings = part.value;
    else for (const row of part.rows) (sections[part.section] as unknown[]).push(row);
  }
  if (!settings) throw new NotFoundError('User');
  return { format: DATA_EXPORT_FORMAT, version: DATA_EXPORT_VERSION, exportedAt, settings, ...sections };
}

/**
 * The document as JSON text, piece by piece (one piece per batch of rows), for streaming: the concatenation is the
 * same document `exportDocument` returns, as compact JSON, and parses with ZDataExport.
 */
export async function* exportJsonChunks(deps: DataDeps, userId: string): AsyncGenerator<string> {
  const exportedAt = deps.clock.now().toISOString();
  yield `{"format":${JSON.stringify(DATA_EXPORT_FORMAT)},"version":${DATA_EXPORT_VERSION},"exportedAt":${JSON.stringify(exportedAt)}`;
  let open: TDataExportSection | null = null;
  let pending = [...DATA_EXPORT_SECTIONS];
  /** Empty sections never produce a part, yet the document lists every section: close them up to `until`. */
  const emptyUntil = (until: TDataExportSection | null) => {
    let text = '';
    while (pending.length > 0 && pending[0] !== until) text += `,${JSON.stringify(pending.shift())}:[]`;
    return text;
  };
  for await (const part of exportParts(deps, userId)) {
    if (part.section === 'settings') {
      yield `,"settings":${JSON.stringify(part.value)}`;
      continue;
    }
    let text = '';
    let first = false;
    if (open !== part.section) {
      if (open !== null) text += ']';
      text += emptyUntil(part.section);
      pending = pending.slice(1);
      text += `,${JSON.stringify(part.section)}:[`;
      open = part.section;
      first = true;
    }
    for (const row of part.rows as unknown[]) {
      text += `${first ? '' : ','}${JSON.stringify(row)}`;
      first = false;
    }
    yield text;
  }
  yield `${open !== null ? ']' : ''}${emptyUntil(null)}}`;
}
