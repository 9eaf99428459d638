import { type Kysely, sql } from 'kysely';
import type {
  DB,
  JournalContent,
  NewEvent,
  NewExercise,
  NewProgramDay,
  NewProgramExercise,
  NewProject,
  NewTask,
  NewWorkoutSet,
  WorkoutExerciseNote,
} from '../database.js';

/*
 * The import's writes: what a `replace` deletes, the settings it takes, multi-row INSERTs per section and the
 * in-place updates of a merge. Every statement is scoped by the importing user's id.
 */

/**
 * Everything a `replace` import restores, children first. Subscribed calendars (and their events), credentials and
 * sessions are not part of an export, so they stay.
 */
export async function deleteUserData(trx: Kysely<DB>, userId: string) {
  // Children before parents; one statement per table (on PGlite each holds the server's thread while it runs).
  const tables = [
    'workoutSets',
    'workoutSessions',
    'programExercises',
    'programDays',
    'programs',
    'exercises',
    'bodyWeights',
    'tasks',
    'captures',
    'projects',
    'journalEntries',
  ] as const;
  for (const table of tables) await trx.deleteFrom(table).where('userId', '=', userId).execute();
  // Only the user's own events: a subscribed calendar's events are the subscription's, refreshed from its feed, and
  // are not in the document to be restored.
  await trx.deleteFrom('events').where('userId', '=', userId).where('subscriptionId', 'is', null).execute();
}

export async function updateImportedSettings(
  trx: Kysely<DB>,
  userId: string,
  settings: {
    displayName: string;
    timezone: string;
    weekStart: 'monday' | 'sunday';
    units: 'metric' | 'imperial';
    journalWordGoal: number;
    theme: 'system' | 'light' | 'dark';
    icsFeedIncludeTasks: boolean;
    /** Absent (an export from before the choice existed): left as it is. */
    dashboardCards?: string[] | null;
  },
  now: Date,
) {
  const { displayName, ...rest } = settings;
  await trx.updateTable('users').set({ displayName, updatedAt: now }).where('id', '=', userId).execute();
  await trx
    .updateTable('userSettings')
    .set({ ...rest, updatedAt: now })
    .where('userId', '=', userId)
    .execute();
}

/**
 * A multi-row INSERT whose rows travel as one JSON parameter (jsonb_to_recordset) rather than one parameter per
 * value: for thousands of rows the server parses one JSON text instead of binding and planning tens of thousands
 * of parameters, which roughly halves an import's time. `columns` lists the table's columns (camelCase, as the
 * rows name them) with their SQL types; every listed column must be present or null in each row.
 */
async function insertAsJson(trx: Kysely<DB>, table: string, columns: Record<string, string>, rows: readonly object[]) {
  if (rows.length === 0) return;
  const entries = Object.entries(columns).map(([key, type]) => {
    const column = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return { key, column, type };
  });
  const json = JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const { key, column } of entries) out[column] = (row as Record<string, unknown>)[key] ?? null;
      return out;
    }),
  );
  const names = entries.map((e) => e.column).join(', ');
  const definitions = entries.map((e) => `${e.column} ${e.type}`).join(', ');
  // Identifiers and types are this module's constants, never input.
  await sql`insert into ${sql.raw(table)} (${sql.raw(names)})
    select ${sql.raw(names)} from jsonb_to_recordset(cast(${json} as jsonb)) as x(${sql.raw(definitions)})`.execute(
    trx,
  );
}

const timestampColumns = { createdAt: 'timestamptz', updatedAt: 'timestamptz' };

export interface ImportJournalEntry {
  id: string;
  userId: string;
  type: 'morning_pages' | 'daily_reflection' | 'weekly_review';
  entryDate: string;
  content: JournalContent;
  wordCount: number;
  createdAt: Date | string;
  updatedAt: Date | string;
}

export async function insertJournalEntries(trx: Kysely<DB>, rows: ImportJournalEntry[]) {
  await insertAsJson(
    trx,
    'journal_entries',
    {
      id: 'uuid',
      userId: 'uuid',
      type: 'text',
      entryDate: 'date',
      content: 'jsonb',
      wordCount: 'integer',
      ...timestampColumns,
    },
    rows,
  );
}

/** The sets of sessions a merge rewrites from the document. */
export async function deleteSetsOfSessions(trx: Kysely<DB>, userId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return;
  await trx.deleteFrom('workoutSets').where('userId', '=', userId).where('sessionId', 'in', sessionIds).execute();
}

export async function updateJournalContent(
  trx: Kysely<DB>,
  userId: string,
  id: string,
  content: JournalContent,
  wordCount: number,
  updatedAt: string,
) {
  await trx
    .updateTable('journalEntries')
    .set({ content: sql<JournalContent>`cast(${JSON.stringify(content)} as jsonb)`, wordCount, updatedAt })
    .where('userId', '=', userId)
    .where('id', '=', id)
    .execute();
}

export async function insertExercises(trx: Kysely<DB>, rows: NewExercise[]) {
  if (rows.length > 0) await trx.insertInto('exercises').values(rows).execute();
}

export async function insertPrograms(
  trx: Kysely<DB>,
  rows: { id: string; userId: string; name: string; notes: string | null; createdAt: string; updatedAt: string }[],
) {
  if (rows.length > 0) await trx.insertInto('programs').values(rows).execute();
}

export async function insertProgramDays(trx: Kysely<DB>, rows: NewProgramDay[]) {
  if (rows.length > 0) await trx.insertInto('programDays').values(rows).execute();
}

export async function insertProgramExercises(trx: Kysely<DB>, rows: NewProgramExercise[]) {
  if (rows.length > 0) await trx.insertInto('programExercises').values(rows).execute();
}

export async function insertWorkoutSessions(
  trx: Kysely<DB>,
  rows: {
    id: string;
    userId: string;
    programDayId: string | null;
    name: string;
    startedAt: string;
    finishedAt: string | null;
    notes: string | null;
    exerciseNotes: WorkoutExerciseNote[];
    createdAt: string;
    updatedAt: string;
  }[],
) {
  await insertAsJson(
    trx,
    'workout_sessions',
    {
      id: 'uuid',
      userId: 'uuid',
      programDayId: 'uuid',
      name: 'text',
      startedAt: 'timestamptz',
      finishedAt: 'timestamptz',
      notes: 'text',
      exerciseNotes: 'jsonb',
      ...timestampColumns,
    },
    rows,
  );
}

/** A merge's newer session, rewritten in place (its exercise notes travel as jsonb, which updateRow cannot cast). */
export async function updateWorkoutSession(
  trx: Kysely<DB>,
  userId: string,
  id: string,
  values: {
    programDayId: string | null;
    name: string;
    startedAt: string;
    finishedAt: string | null;
    notes: string | null;
    exerciseNotes: WorkoutExerciseNote[];
    createdAt: string;
    updatedAt: string;
  },
) {
  const { exerciseNotes, ...rest } = values;
  await updateRow(trx, 'workoutSessions', userId, id, {
    ...rest,
    exerciseNotes: sql<WorkoutExerciseNote[]>`cast(${JSON.stringify(exerciseNotes)} as jsonb)`,
  });
}

export async function insertWorkoutSets(trx: Kysely<DB>, rows: NewWorkoutSet[]) {
  await insertAsJson(
    trx,
    'workout_sets',
    {
      id: 'uuid',
      userId: 'uuid',
      sessionId: 'uuid',
      exerciseId: 'uuid',
      position: 'integer',
      reps: 'smallint',
      weightKg: 'numeric',
      rpe: 'numeric',
      durationS: 'integer',
      distanceM: 'numeric',
      setType: 'text',
      note: 'text',
      sourceName: 'text',
      completed: 'boolean',
      createdAt: 'timestamptz',
    },
    rows,
  );
}

export async function insertBodyWeights(
  trx: Kysely<DB>,
  rows: { id: string; userId: string; measuredOn: string; weightKg: number; createdAt: string; updatedAt: string }[],
) {
  await insertAsJson(
    trx,
    'body_weights',
    { id: 'uuid', userId: 'uuid', measuredOn: 'date', weightKg: 'numeric', ...timestampColumns },
    rows,
  );
}

export async function insertProjects(trx: Kysely<DB>, rows: NewProject[]) {
  if (rows.length > 0) await trx.insertInto('projects').values(rows).execute();
}

export async function insertTasks(trx: Kysely<DB>, rows: NewTask[]) {
  await insertAsJson(
    trx,
    'tasks',
    {
      id: 'uuid',
      userId: 'uuid',
      projectId: 'uuid',
      title: 'text',
      notes: 'text',
      status: 'text',
      priority: 'smallint',
      labels: 'text[]',
      dueDate: 'date',
      position: 'integer',
      rrule: 'text',
      repeatAfterDays: 'integer',
      seriesId: 'uuid',
      completedAt: 'timestamptz',
      sourceCaptureId: 'uuid',
      ...timestampColumns,
    },
    rows,
  );
}

export async function insertCaptures(
  trx: Kysely<DB>,
  rows: {
    id: string;
    userId: string;
    text: string;
    url: string | null;
    status: 'inbox' | 'processed' | 'archived';
    processedIntoKind: 'task' | 'event' | 'journal' | null;
    processedIntoId: string | null;
    processedAt: string | null;
    createdAt: string;
    updatedAt: string;
  }[],
) {
  await insertAsJson(
    trx,
    'captures',
    {
      id: 'uuid',
      userId: 'uuid',
      text: 'text',
      url: 'text',
      status: 'text',
      processedIntoKind: 'text',
      processedIntoId: 'uuid',
      processedAt: 'timestamptz',
      ...timestampColumns,
    },
    rows,
  );
}

export async function insertEvents(trx: Kysely<DB>, rows: NewEvent[]) {
  await insertAsJson(
    trx,
    'events',
    {
      id: 'uuid',
      userId: 'uuid',
      title: 'text',
      description: 'text',
      location: 'text',
      startsAt: 'timestamptz',
      endsAt: 'timestamptz',
      allDay: 'boolean',
      timezone: 'text',
      rrule: 'text',
      exdates: 'timestamptz[]',
      rdates: 'timestamptz[]',
      rdateEnds: 'timestamptz[]',
      sequence: 'integer',
      icsKept: 'text',
      seriesEndsAt: 'timestamptz',
      icsUid: 'text',
      recurrenceId: 'timestamptz',
      seriesId: 'uuid',
      ...timestampColumns,
    },
    rows,
  );
}

/** A merge that keeps the document's newer version of a row: the row is rewritten in place under its own id. */
export async function updateRow(
  trx: Kysely<DB>,
  table: Exclude<keyof DB, 'users' | 'authAttempts' | 'userSettings'>,
  userId: string,
  id: string,
  values: Record<string, unknown>,
) {
  // Every listed table has id and user_id; the casts only spare a generic over Kysely's per-table column types.
  await trx
    .updateTable(table as 'programs')
    .set(values as never)
    .where('userId', '=', userId)
    .where('id', '=', id)
    .execute();
}
