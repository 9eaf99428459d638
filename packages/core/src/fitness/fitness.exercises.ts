/** Exercises: the built-in library and the user's own, which they may change, archive and restore. */
import { fitnessQueries as q } from '@lifeos/db';
import { ForbiddenError } from '../errors.js';
import { ExerciseNameTakenError, ExerciseNotFoundError } from './fitness.errors.js';
import type {
  TArchiveExerciseInput,
  TCreateExerciseInput,
  TExercise,
  TListExercisesInput,
  TUpdateExerciseInput,
} from './fitness.schemas.js';
import type { FitnessDeps } from './fitness.shared.js';

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

type ExerciseRow = Awaited<ReturnType<typeof q.insertExercise>>;

function toExercise(row: ExerciseRow): TExercise {
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    primaryMuscles: row.primaryMuscles as TExercise['primaryMuscles'],
    secondaryMuscles: row.secondaryMuscles as TExercise['secondaryMuscles'],
    equipment: row.equipment as TExercise['equipment'],
    builtIn: row.userId === null,
    archivedAt: row.archivedAt,
  };
}

export async function listExercises(deps: FitnessDeps, userId: string, input: TListExercisesInput = {}) {
  return (await q.listExercises(deps.db, userId, input)).map(toExercise);
}

export async function createExercise(deps: FitnessDeps, userId: string, input: TCreateExerciseInput) {
  if (await q.isExerciseNameTaken(deps.db, userId, input.name)) throw new ExerciseNameTakenError();
  try {
    const row = await q.insertExercise(deps.db, {
      userId,
      name: input.name,
      category: input.category,
      primaryMuscles: input.primaryMuscles,
      secondaryMuscles: input.secondaryMuscles ?? [],
      equipment: input.equipment,
    });
    return toExercise(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ExerciseNameTakenError();
    throw error;
  }
}

/** The user's own exercise, for a change; a built-in one is read-only, another user's does not exist. */
async function ownExercise(deps: FitnessDeps, userId: string, id: string) {
  const found = await q.findVisibleExercise(deps.db, userId, id);
  if (!found) throw new ExerciseNotFoundError();
  if (found.userId === null) throw new ForbiddenError('Built-in exercises cannot be changed; create your own');
  return found;
}

export async function updateExercise(deps: FitnessDeps, userId: string, input: TUpdateExerciseInput) {
  const { id, ...changes } = input;
  await ownExercise(deps, userId, id);
  if (changes.name !== undefined && (await q.isExerciseNameTaken(deps.db, userId, changes.name, id))) {
    throw new ExerciseNameTakenError();
  }
  try {
    const row = await q.updateOwnExercise(deps.db, userId, id, { ...changes, updatedAt: deps.clock.now() });
    if (!row) throw new ExerciseNotFoundError();
    return toExercise(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ExerciseNameTakenError();
    throw error;
  }
}

/** Archives (hides from the list, keeps history) or, with `archived: false`, restores. */
export async function archiveExercise(deps: FitnessDeps, userId: string, input: TArchiveExerciseInput) {
  await ownExercise(deps, userId, input.id);
  const now = deps.clock.now();
  const row = await q.updateOwnExercise(deps.db, userId, input.id, {
    archivedAt: input.archived === false ? null : now,
    updatedAt: now,
  });
  if (!row) throw new ExerciseNotFoundError();
  return toExercise(row);
}
