// Exercises: the library (user_id null, readable by everyone) and the user's own. Scoped by the caller's user id.
import { type Kysely, sql } from 'kysely';
import type { DB, ExerciseCategory, ExerciseUpdate, NewExercise } from '../database.js';

const exerciseColumns = [
  'exercises.id',
  'exercises.userId',
  'exercises.name',
  'exercises.category',
  'exercises.primaryMuscles',
  'exercises.secondaryMuscles',
  'exercises.equipment',
  'exercises.archivedAt',
] as const;

export interface ExerciseFilters {
  q?: string | undefined;
  muscle?: string | undefined;
  equipment?: string | undefined;
  category?: ExerciseCategory | undefined;
  includeArchived?: boolean | undefined;
}

/** Escapes LIKE wildcards so a search for "50%" means the characters. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listExercises(db: Kysely<DB>, userId: string, filters: ExerciseFilters) {
  let query = db
    .selectFrom('exercises')
    .select(exerciseColumns)
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]));
  if (filters.q) query = query.where(sql<boolean>`name ilike ${`%${likeEscape(filters.q)}%`}`);
  if (filters.muscle) {
    query = query.where(
      sql<boolean>`(${filters.muscle} = any(primary_muscles) or ${filters.muscle} = any(secondary_muscles))`,
    );
  }
  if (filters.equipment) query = query.where('equipment', '=', filters.equipment);
  if (filters.category) query = query.where('category', '=', filters.category);
  if (!filters.includeArchived) query = query.where('archivedAt', 'is', null);
  return query.orderBy(sql`lower(name)`).orderBy('id').execute();
}

/** An exercise the user may read (their own or a built-in one). */
export async function findVisibleExercise(db: Kysely<DB>, userId: string, id: string) {
  return db
    .selectFrom('exercises')
    .select(exerciseColumns)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]))
    .executeTakeFirst();
}

/** Of `ids`, those naming exercises the user may use. */
export async function visibleExerciseIds(db: Kysely<DB>, userId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('exercises')
    .select('id')
    .where('id', 'in', ids)
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Whether the user's own exercises or the library already hold `name` (any case), other than `exceptId`. */
export async function isExerciseNameTaken(db: Kysely<DB>, userId: string, name: string, exceptId?: string) {
  let query = db
    .selectFrom('exercises')
    .select('id')
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]));
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** Exercises visible to the user, by lower-cased name (for imports). */
export async function findExercisesByNames(db: Kysely<DB>, userId: string, names: string[]) {
  if (names.length === 0) return [];
  return db
    .selectFrom('exercises')
    .select(exerciseColumns)
    .where(
      sql<string>`lower(name)`,
      'in',
      names.map((n) => n.toLowerCase()),
    )
    .where((eb) => eb.or([eb('userId', '=', userId), eb('userId', 'is', null)]))
    .execute();
}

export async function insertExercise(db: Kysely<DB>, exercise: NewExercise) {
  return db.insertInto('exercises').values(exercise).returning(exerciseColumns).executeTakeFirstOrThrow();
}

/** Updates one of the user's own exercises; undefined when there is none (built-ins are not theirs). */
export async function updateOwnExercise(db: Kysely<DB>, userId: string, id: string, update: ExerciseUpdate) {
  return db
    .updateTable('exercises')
    .set(update)
    .where('id', '=', id)
    .where('userId', '=', userId)
    .returning(exerciseColumns)
    .executeTakeFirst();
}
