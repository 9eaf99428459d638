/** Records and statistics over the working sets of finished workouts. */
import { fitnessQueries as q } from '@lifeos/db';
import { ExerciseNotFoundError } from './fitness.errors.js';
import { E1RM_MAX_REPS } from './fitness.rules.js';
import type { TExerciseRecords, TRecord, TRecordsForExercise, TWeeklyVolume } from './fitness.schemas.js';
import { type FitnessDeps, num } from './fitness.shared.js';

function groupRecords(rows: q.RecordRow[]): TExerciseRecords[] {
  const byExercise = new Map<string, TExerciseRecords>();
  for (const row of rows) {
    let entry = byExercise.get(row.exerciseId);
    if (!entry) {
      entry = {
        exerciseId: row.exerciseId,
        exerciseName: row.exerciseName,
        heaviestWeight: null,
        bestE1rm: null,
        bestSetVolume: null,
        bestSessionVolume: null,
      };
      byExercise.set(row.exerciseId, entry);
    }
    const record: TRecord = {
      valueKg: Number(row.value),
      reps: row.reps,
      sessionId: row.sessionId,
      achievedAt: row.startedAt,
    };
    entry[row.kind] = record;
  }
  return [...byExercise.values()];
}

/** Every exercise the user has records in, with its four records. */
export async function listRecords(deps: FitnessDeps, userId: string) {
  return groupRecords(await q.records(deps.db, userId, E1RM_MAX_REPS));
}

export async function recordsForExercise(
  deps: FitnessDeps,
  userId: string,
  exerciseId: string,
): Promise<TRecordsForExercise> {
  const exercise = await q.findVisibleExercise(deps.db, userId, exerciseId);
  if (!exercise) throw new ExerciseNotFoundError();
  const [records] = groupRecords(await q.records(deps.db, userId, E1RM_MAX_REPS, exerciseId));
  const history = await q.exerciseHistory(deps.db, userId, exerciseId, E1RM_MAX_REPS);
  return {
    records: records ?? {
      exerciseId,
      exerciseName: exercise.name,
      heaviestWeight: null,
      bestE1rm: null,
      bestSetVolume: null,
      bestSessionVolume: null,
    },
    history: history.map((h) => ({
      sessionId: h.sessionId,
      date: h.startedAt,
      heaviestKg: num(h.heaviest),
      bestE1rmKg: num(h.bestE1rm),
      volumeKg: Number(h.volume),
    })),
  };
}

export async function weeklyVolume(deps: FitnessDeps, userId: string, weeks: number): Promise<TWeeklyVolume> {
  const rows = await q.weeklyVolume(deps.db, userId, weeks, deps.clock.now());
  return rows.map((r) => ({ ...r, muscle: r.muscle as TWeeklyVolume[number]['muscle'], volumeKg: Number(r.volumeKg) }));
}
