import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Compilable, type Kysely, type KyselyPlugin, sql } from 'kysely';
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
} from '../database.js';

/**
 * Export and import of one user's whole data. Reads go through server-side cursors inside the caller's transaction
 * (one query per table, fetched in batches: memory stays bounded and no keyset index is needed); writes are
 * multi-row INSERTs. Every statement filters by user_id, which leads an index on each table.
 */

// ---------- cursors ----------

/** Opens a cursor over `query` in the current transaction (cursors live until the transaction ends). */
export async function declareCursor(trx: Kysely<DB>, name: string, query: Compilable) {
  await sql`declare ${sql.id(name)} no scroll cursor for ${query}`.execute(trx);
}

export async function fetchCursor<T>(trx: Kysely<DB>, name: string, count: number): Promise<T[]> {
  const result = await sql<T>`fetch forward ${sql.raw(String(Math.trunc(count)))} from ${sql.id(name)}`.execute(trx);
  return result.rows;
}

export async function closeCursor(trx: Kysely<DB>, name: string) {
  await sql`close ${sql.id(name)}`.execute(trx);
}

// ---------- export ----------

export async function exportSettings(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('userSettings')
    .innerJoin('users', 'users.id', 'userSettings.userId')
    .select([
      'users.displayName',
      'userSettings.timezone',
      'userSettings.weekStart',
      'userSettings.units',
      'userSettings.journalWordGoal',
      'userSettings.theme',
      'userSettings.icsFeedIncludeTasks',
    ])
    .where('userSettings.userId', '=', userId)
    .executeTakeFirst();
}

/*
 * The row order is the rows' own (dates, creation times, names), not their ids: ids change on every import, so this
 * order makes an export of a restored account list its rows as the original did.
 */

export function exportJournalQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('journalEntries')
    .select(['id', 'type', 'entryDate', 'content', 'createdAt', 'updatedAt'])
    .where('userId', '=', userId)
    .orderBy('entryDate')
    .orderBy('type');
}

export function exportExercisesQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('exercises')
    .select([
      'id',
      'name',
      'category',
      'primaryMuscles',
      'secondaryMuscles',
      'equipment',
      'archivedAt',
      'createdAt',
      'updatedAt',
    ])
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .orderBy(sql`lower(name)`);
}

export function exportProgramsQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('programs')
    .select(['id', 'name', 'notes', 'createdAt', 'updatedAt'])
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .orderBy('name')
    .orderBy('id');
}

export function exportProgramDaysQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('programDays as d')
    .innerJoin('programs as p', 'p.id', 'd.programId')
    .select(['d.id', 'd.programId', 'd.position', 'd.name'])
    .where('d.userId', '=', userId)
    .where('p.userId', '=', userId)
    .orderBy('p.createdAt')
    .orderBy('p.name')
    .orderBy('p.id')
    .orderBy('d.position');
}

export function exportProgramExercisesQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('programExercises as pe')
    .innerJoin('programDays as d', 'd.id', 'pe.programDayId')
    .innerJoin('programs as p', 'p.id', 'd.programId')
    .innerJoin('exercises as e', 'e.id', 'pe.exerciseId')
    .select([
      'pe.id',
      'pe.programDayId',
      'pe.exerciseId',
      'e.name as exerciseName',
      sql<boolean>`e.user_id is null`.as('exerciseBuiltin'),
      'pe.position',
      'pe.supersetGroup',
      'pe.targetSets',
      'pe.repMin',
      'pe.repMax',
      'pe.targetWeightKg',
      'pe.targetRpe',
      'pe.targetRir',
      'pe.restSeconds',
      'pe.incrementKg',
    ])
    .where('pe.userId', '=', userId)
    .where('d.userId', '=', userId)
    .orderBy('p.createdAt')
    .orderBy('p.name')
    .orderBy('p.id')
    .orderBy('d.position')
    .orderBy('pe.position');
}

export function exportWorkoutSessionsQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('workoutSessions')
    .select(['id', 'programDayId', 'name', 'startedAt', 'finishedAt', 'notes', 'createdAt', 'updatedAt'])
    .where('userId', '=', userId)
    .orderBy('startedAt')
    .orderBy('createdAt')
    .orderBy('id');
}

export function exportWorkoutSetsQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('workoutSets as ws')
    .innerJoin('workoutSessions as s', 's.id', 'ws.sessionId')
    .innerJoin('exercises as e', 'e.id', 'ws.exerciseId')
    .select([
      'ws.id',
      'ws.sessionId',
      'ws.exerciseId',
      'e.name as exerciseName',
      sql<boolean>`e.user_id is null`.as('exerciseBuiltin'),
      'ws.position',
      'ws.reps',
      'ws.weightKg',
      'ws.rpe',
      'ws.durationS',
      'ws.distanceM',
      'ws.isWarmup',
      'ws.completed',
      'ws.createdAt',
    ])
    .where('ws.userId', '=', userId)
    .where('s.userId', '=', userId)
    .orderBy('s.startedAt')
    .orderBy('s.createdAt')
    .orderBy('s.id')
    .orderBy('ws.position')
    .orderBy('ws.createdAt')
    .orderBy('ws.id');
}

export function exportBodyWeightsQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('bodyWeights')
    .select(['id', 'measuredOn', 'weightKg', 'createdAt', 'updatedAt'])
    .where('userId', '=', userId)
    .orderBy('measuredOn');
}

export function exportProjectsQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('projects')
    .select([
      'id',
      'name',
      'description',
      'status',
      'area',
      'color',
      'targetDate',
      'completedAt',
      'createdAt',
      'updatedAt',
    ])
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .orderBy('name')
    .orderBy('id');
}

export function exportTasksQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('tasks')
    .select([
      'id',
      'projectId',
      'title',
      'notes',
      'status',
      'priority',
      'labels',
      'dueDate',
      'position',
      'rrule',
      'repeatAfterDays',
      'seriesId',
      'completedAt',
      'sourceCaptureId',
      'createdAt',
      'updatedAt',
    ])
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .orderBy('title')
    .orderBy('id');
}

export function exportCapturesQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('captures')
    .select([
      'id',
      'text',
      'url',
      'status',
      'processedIntoKind',
      'processedIntoId',
      'processedAt',
      'createdAt',
      'updatedAt',
    ])
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .orderBy('text')
    .orderBy('id');
}

/** The user's own events: a subscribed calendar's copies are re-fetched from their source, never exported. */
export function exportEventsQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('events')
    .select([
      'id',
      'title',
      'description',
      'location',
      'startsAt',
      'endsAt',
      'allDay',
      'timezone',
      'rrule',
      'exdates',
      'icsUid',
      'recurrenceId',
      'seriesId',
      'createdAt',
      'updatedAt',
    ])
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .orderBy('createdAt')
    .orderBy('icsUid')
    .orderBy(sql`recurrence_id nulls first`)
    .orderBy('id');
}

// ---------- import: what the account holds ----------

/** Whether the user owns no data of any exported kind (an empty account takes a merged document's settings). */
export async function isAccountEmpty(db: Kysely<DB>, userId: string): Promise<boolean> {
  const tables = [
    'journalEntries',
    'exercises',
    'programs',
    'workoutSessions',
    'bodyWeights',
    'projects',
    'tasks',
    'captures',
  ] as const;
  const row = await db
    .selectNoFrom((eb) =>
      eb
        .or([
          ...tables.map((table) =>
            eb.exists(
              eb
                .selectFrom(table as 'programs')
                .select(sql<number>`1`.as('one'))
                .where('userId', '=', userId),
            ),
          ),
          eb.exists(
            eb
              .selectFrom('events')
              .select(sql<number>`1`.as('one'))
              .where('userId', '=', userId)
              .where('subscriptionId', 'is', null),
          ),
        ])
        .as('hasData'),
    )
    .executeTakeFirstOrThrow();
  return !row.hasData;
}

/** The built-in library by lower-cased name. */
export async function builtinExercises(db: Kysely<DB>) {
  return db
    .selectFrom('exercises')
    .select(['id', sql<string>`lower(name)`.as('key')])
    .where('userId', 'is', null)
    .execute();
}

/*
 * Natural keys of what the user already has, one query per kind (a merge matches the document against them in
 * memory, never with a query per row). Only the key, the id and updated_at are loaded.
 */

export async function journalKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('journalEntries')
    .select(['id', 'type', 'entryDate', 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function exerciseKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('exercises')
    .select(['id', sql<string>`lower(name)`.as('key'), 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function programKeys(db: Kysely<DB>, userId: string) {
  return db.selectFrom('programs').select(['id', 'name', 'updatedAt']).where('userId', '=', userId).execute();
}

/** Days of the user's programs, so a merged session keeps pointing at the day of a program the account already has. */
export async function programDayKeys(db: Kysely<DB>, userId: string) {
  return db.selectFrom('programDays').select(['id', 'programId', 'position']).where('userId', '=', userId).execute();
}

export async function sessionKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('workoutSessions')
    .select(['id', 'startedAt', 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function bodyWeightKeys(db: Kysely<DB>, userId: string) {
  return db.selectFrom('bodyWeights').select(['id', 'measuredOn', 'updatedAt']).where('userId', '=', userId).execute();
}

export async function projectKeys(db: Kysely<DB>, userId: string) {
  return db.selectFrom('projects').select(['id', 'name', 'updatedAt']).where('userId', '=', userId).execute();
}

export async function taskKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('tasks')
    .select(['id', 'title', 'seriesId', 'createdAt', 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function captureKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('captures')
    .select(['id', 'text', 'createdAt', 'updatedAt'])
    .where('userId', '=', userId)
    .execute();
}

export async function eventKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('events')
    .select(['id', 'icsUid', 'recurrenceId', 'updatedAt'])
    .where('userId', '=', userId)
    .where('subscriptionId', 'is', null)
    .execute();
}

// ---------- import: writes ----------

/**
 * Everything a `replace` import restores, children first. Subscribed calendars (and their events), credentials and
 * sessions are not part of an export, so they stay.
 */
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

/** Serialises concurrent imports into one account (a second merge waits and then sees the first one's rows). */
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

export async function lockUser(trx: Kysely<DB>, userId: string) {
  await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
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
      ...timestampColumns,
    },
    rows,
  );
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
      isWarmup: 'boolean',
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
