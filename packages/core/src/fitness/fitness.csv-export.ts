/**
 * The user's workouts written out as a CSV in the current Strong shape, which fitness.csv-import.ts reads back (the
 * export → import round trip is tested). Pure (no database): the service gathers the sessions.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { unparseCsv } from '../common/csv.js';
import { roundTo } from './fitness.units.js';

/** Writes seconds the way Strong does: `1h 5m`, `32m` (whole minutes; under a minute, `45s`). */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
}

export const CSV_EXPORT_HEADER = [
  'Date',
  'Workout Name',
  'Duration',
  'Exercise Name',
  'Set Order',
  'Weight',
  'Reps',
  'Distance',
  'Seconds',
  'RPE',
] as const;

export interface ExportSession {
  name: string;
  startedAt: Date;
  finishedAt: Date;
  sets: Array<{
    exerciseName: string;
    isWarmup: boolean;
    reps: number | null;
    weightKg: number | null;
    rpe: number | null;
    durationS: number | null;
    distanceM: number | null;
  }>;
}

const numberCell = (value: number | null) => (value === null ? '0' : String(value));

/**
 * Sessions as a CSV in the current Strong shape: dates as local wall-clock times in `timeZone`, weights in kg,
 * distances in km, warm-up sets as `W` and working sets numbered per exercise, unused numbers as 0. Cells that a
 * spreadsheet would run as a formula are prefixed with `'` (taken off again by the import).
 */
export function writeWorkoutCsv(sessions: ExportSession[], options: { timeZone: string }): string {
  const data: string[][] = [];
  for (const session of sessions) {
    const date = format(new TZDate(session.startedAt.getTime(), options.timeZone), 'yyyy-MM-dd HH:mm:ss');
    const duration = formatDuration(Math.max(0, (session.finishedAt.getTime() - session.startedAt.getTime()) / 1000));
    const counters = new Map<string, number>();
    for (const set of session.sets) {
      let order = 'W';
      if (!set.isWarmup) {
        const n = (counters.get(set.exerciseName) ?? 0) + 1;
        counters.set(set.exerciseName, n);
        order = String(n);
      }
      data.push([
        date,
        session.name,
        duration,
        set.exerciseName,
        order,
        numberCell(set.weightKg === null ? null : roundTo(set.weightKg, 4)),
        numberCell(set.reps),
        numberCell(set.distanceM === null ? null : roundTo(set.distanceM / 1000, 5)),
        numberCell(set.durationS),
        set.rpe === null ? '' : String(set.rpe),
      ]);
    }
  }
  return `${unparseCsv({ fields: [...CSV_EXPORT_HEADER], data })}\n`;
}
