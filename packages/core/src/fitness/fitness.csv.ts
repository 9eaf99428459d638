/**
 * Workouts in and out as CSV files: Strong's and Hevy's exports imported (read by fitness.csv-import.ts), the
 * history exported in Strong's shape (fitness.csv-export.ts).
 */
import { TZDate } from '@date-fns/tz';
import { type NewWorkoutSet, fitnessQueries as q } from '@lifeos/db';
import { format } from 'date-fns';
import { userTimeZone } from '../common/time-zone.js';
import { inTransaction } from '../common/transaction.js';
import { type ExportSession, writeWorkoutCsv } from './fitness.csv-export.js';
import { type ParsedCsvSet, parseWorkoutCsv } from './fitness.csv-import.js';
import type { TCsvImportReport, TExercise, TExportCsv, TImportCsvInput } from './fitness.schemas.js';
import { type FitnessDeps, num } from './fitness.shared.js';

/**
 * Names Strong and Hevy use for exercises the library spells differently (lower-cased → library name). Names that
 * match the library or the user's own exercises (any case) need no entry.
 */
export const EXERCISE_ALIASES: Record<string, string> = {
  'bench press': 'Bench Press (Barbell)',
  squat: 'Squat (Barbell)',
  deadlift: 'Deadlift (Barbell)',
  'pull up': 'Pull-Up',
  'pull-up': 'Pull-Up',
  'chin up': 'Chin-Up',
  'push up': 'Push-Up',
  'sit up': 'Sit-Up',
  'lat pulldown (machine)': 'Lat Pulldown (Cable)',
  'overhead press (dumbbell)': 'Seated Overhead Press (Dumbbell)',
  'shoulder press (dumbbell)': 'Seated Overhead Press (Dumbbell)',
  'triceps pushdown (cable - straight bar)': 'Triceps Pushdown (Cable)',
  'triceps pushdown (cable - rope)': 'Triceps Pushdown (Cable)',
  'triceps pushdown': 'Triceps Pushdown (Cable)',
  'leg press (machine)': 'Leg Press',
  'hip thrust': 'Hip Thrust (Barbell)',
  treadmill: 'Running (Treadmill)',
  'running (outdoor)': 'Running',
  'stationary bike': 'Cycling (Stationary)',
  'cycling (indoor)': 'Cycling (Stationary)',
  rowing: 'Rowing (Machine)',
  'rowing machine': 'Rowing (Machine)',
  elliptical: 'Elliptical Trainer',
  // Strong in French
  'curl (haltère)': 'Bicep Curl (Dumbbell)',
  'élévations latérales (haltère)': 'Lateral Raise (Dumbbell)',
  'développé couché (barre)': 'Bench Press (Barbell)',
  'squat (barre)': 'Squat (Barbell)',
  'soulevé de terre (barre)': 'Deadlift (Barbell)',
};

const EQUIPMENT_WORDS: Array<[RegExp, TExercise['equipment']]> = [
  [/smith/i, 'smith_machine'],
  [/\((barbell|barre)\b/i, 'barbell'],
  [/\((dumbbell|haltère)/i, 'dumbbell'],
  [/\(kettlebell/i, 'kettlebell'],
  [/\(cable/i, 'cable'],
  [/\(machine/i, 'machine'],
  [/\(band/i, 'band'],
  [/\(bodyweight|\(assisted/i, 'bodyweight'],
];

/** A new exercise for a name that matched nothing: cardio if it has distances or only times, equipment by name. */
function newExerciseFor(name: string, sets: ParsedCsvSet[]) {
  const cardio = sets.some((s) => s.distanceM !== null) || sets.every((s) => s.reps === null && s.weightKg === null);
  return {
    name,
    category: cardio ? ('cardio' as const) : ('strength' as const),
    // Muscles are unknown: the user can add them (until then the exercise counts in no muscle's weekly volume).
    primaryMuscles: [] as string[],
    secondaryMuscles: [] as string[],
    equipment: EQUIPMENT_WORDS.find(([re]) => re.test(name))?.[1] ?? 'other',
  };
}

class DryRunRollback extends Error {
  constructor(readonly report: TCsvImportReport) {
    super('dry run');
  }
}

/**
 * Imports a Strong or Hevy CSV export (see fitness.csv-import.ts) as finished sessions, in one transaction, keeping
 * set types, notes (the workout's, each set's, and those on an exercise) and each exercise's name as the file
 * wrote it. That name is linked to an exercise, which the user may change (sessions.relinkExercise): the exercise
 * the user last linked it to, else, any case, the user's own exercise of that name, then the library's, then
 * EXERCISE_ALIASES; the rest are created as the user's own. Idempotent: a workout whose start time and name are already in the history
 * is left alone (so importing the same file twice adds nothing; imports of one user run one at a time). Dates
 * are read in the user's time zone, so after a change of time zone the same file would import again. A dry run
 * does all of it and rolls back.
 */
export async function importCsv(deps: FitnessDeps, userId: string, input: TImportCsvInput): Promise<TCsvImportReport> {
  const parsed = parseWorkoutCsv(input.csv, { timeZone: await userTimeZone(deps.db, userId) });
  try {
    return await inTransaction(deps, async ({ db: trx }) => {
      await q.lockUserForImport(trx, userId);
      const workouts = parsed.workouts;
      const first = workouts[0];
      const last = workouts.at(-1);
      const existing = new Set(
        first && last
          ? (await q.sessionsStartedBetween(trx, userId, first.startedAt, last.startedAt)).map(
              (s) => `${s.startedAt.getTime()}\u0000${s.name}`,
            )
          : [],
      );
      const fresh = workouts.filter((w) => !existing.has(`${w.startedAt.getTime()}\u0000${w.name}`));

      // Resolve every exercise name of the new workouts.
      const setsByName = new Map<string, { name: string; sets: ParsedCsvSet[] }>();
      for (const set of fresh.flatMap((w) => w.sets)) {
        const key = set.exerciseName.toLowerCase();
        const entry = setsByName.get(key) ?? { name: set.exerciseName, sets: [] };
        entry.sets.push(set);
        setsByName.set(key, entry);
      }
      // A name the user already relinked follows that link; the file's own name is kept on every set anyway.
      const linked = new Map(
        (await q.linksBySourceName(trx, userId, [...setsByName.keys()])).map((r) => [r.name, r.exerciseId]),
      );
      const candidates = [...setsByName.keys()].flatMap((key) => [key, EXERCISE_ALIASES[key] ?? key]);
      const byName = new Map<string, { id: string; own: boolean }>();
      for (const row of await q.findExercisesByNames(trx, userId, [...new Set(candidates)])) {
        const key = row.name.toLowerCase();
        if (!byName.get(key)?.own) byName.set(key, { id: row.id, own: row.userId !== null });
      }
      const exerciseIds = new Map<string, string>();
      const exercisesCreated: string[] = [];
      for (const [key, { name, sets }] of setsByName) {
        const alias = EXERCISE_ALIASES[key]?.toLowerCase();
        let id = linked.get(key) ?? byName.get(key)?.id ?? (alias ? byName.get(alias)?.id : undefined);
        if (!id) {
          id = (await q.insertExercise(trx, { userId, ...newExerciseFor(name, sets) })).id;
          exercisesCreated.push(name);
        }
        exerciseIds.set(key, id);
      }

      const sessionIds = await q.insertFinishedSessions(
        trx,
        fresh.map((w) => ({
          userId,
          name: w.name,
          startedAt: w.startedAt,
          finishedAt: w.finishedAt,
          notes: w.notes,
          exerciseNotes: w.exerciseNotes,
        })),
      );
      const sets: NewWorkoutSet[] = fresh.flatMap((w, i) =>
        w.sets.map((s, position) => ({
          userId,
          sessionId: sessionIds[i] as string,
          exerciseId: exerciseIds.get(s.exerciseName.toLowerCase()) as string,
          position,
          reps: s.reps,
          weightKg: s.weightKg,
          rpe: s.rpe,
          durationS: s.durationS,
          distanceM: s.distanceM,
          setType: s.setType,
          note: s.note,
          sourceName: s.exerciseName,
          completed: true,
        })),
      );
      await q.insertSetsInChunks(trx, sets);
      const report: TCsvImportReport = {
        dryRun: input.dryRun === true,
        sessions: fresh.length,
        sets: sets.length,
        alreadyImported: workouts.length - fresh.length,
        exercisesCreated,
        skippedRows: parsed.skippedRows,
        warnings: parsed.warnings,
      };
      if (input.dryRun) throw new DryRunRollback(report);
      return report;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
}

/** The user's finished sessions as a CSV in the current Strong shape (see writeWorkoutCsv). */
export async function exportCsv(deps: FitnessDeps, userId: string): Promise<TExportCsv> {
  const timeZone = await userTimeZone(deps.db, userId);
  const sessions: ExportSession[] = [];
  let current: (ExportSession & { id: string }) | undefined;
  for (const row of await q.exportSets(deps.db, userId)) {
    if (current?.id !== row.sessionId) {
      current = {
        id: row.sessionId,
        name: row.sessionName,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt ?? row.startedAt,
        notes: row.sessionNotes,
        exerciseNotes: row.exerciseNotes,
        sets: [],
      };
      sessions.push(current);
    }
    current.sets.push({
      position: row.position,
      exerciseName: row.sourceName ?? row.exerciseName,
      setType: row.setType,
      note: row.note,
      reps: row.reps,
      weightKg: num(row.weightKg),
      rpe: num(row.rpe),
      durationS: row.durationS,
      distanceM: num(row.distanceM),
    });
  }
  const today = format(new TZDate(deps.clock.now().getTime(), timeZone), 'yyyy-MM-dd');
  return { csv: writeWorkoutCsv(sessions, { timeZone }), filename: `lifeos-workouts-${today}.csv` };
}
