import { type Compilable, type Kysely, sql } from 'kysely';
import type { DB } from '../database.js';

/*
 * The export's reads: the settings, then one query per section, each read through a server-side cursor inside the
 * caller's transaction (fetched in batches: memory stays bounded and no keyset index is needed).
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
      'userSettings.dashboardCards',
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
    .select([
      'id',
      'programDayId',
      'name',
      'startedAt',
      'finishedAt',
      'notes',
      'exerciseNotes',
      'createdAt',
      'updatedAt',
    ])
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
      'ws.setType',
      'ws.note',
      'ws.sourceName',
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
      'rdates',
      'rdateEnds',
      'sequence',
      'icsKept',
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
