/**
 * The user's workouts written out as a CSV in the current Strong shape, which fitness.csv-import.ts reads back (the
 * export → import round trip is tested). Pure (no database): the service gathers the sessions.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { unparseCsv } from '../common/csv.js';
import type { TExerciseNote, TSetType } from './fitness.schemas.js';
import { roundTo } from './fitness.units.js';

/**
 * Writes seconds the way Strong does: `1h 5m`, `32m`, under a minute `45s`; the seconds of a longer workout follow
 * in the same style (`1h 2m 5s`), so nothing is rounded away (the import reads them back).
 */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total > 0 && total < 60) return `${total}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = total % 60;
  return `${h > 0 ? `${h}h ${m}m` : `${m}m`}${s > 0 ? ` ${s}s` : ''}`;
}

/** Strong's current columns, in its order, with its Notes and Workout Notes. */
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
  'Notes',
  'Workout Notes',
  'RPE',
] as const;

export interface ExportSession {
  name: string;
  startedAt: Date;
  finishedAt: Date;
  notes: string | null;
  /** Written as Strong's "Note" rows, each before the first set at or after its position. */
  exerciseNotes: TExerciseNote[];
  sets: Array<{
    /** Where the set is in the session (its index when absent): places the exercise notes. */
    position?: number;
    /** The name the workout gives the exercise (an imported file's own, else the library's). */
    exerciseName: string;
    setType: TSetType;
    reps: number | null;
    weightKg: number | null;
    rpe: number | null;
    durationS: number | null;
    distanceM: number | null;
    note: string | null;
  }>;
}

const numberCell = (value: number | null) => (value === null ? '0' : String(value));
const SET_ORDER: Record<Exclude<TSetType, 'normal'>, string> = { warmup: 'W', dropset: 'D', failure: 'F' };

/**
 * Sessions as a CSV in the current Strong shape: dates as local wall-clock times in `timeZone`, weights in kg,
 * distances in km, the set type in "Set Order" (`W` warm-up, `D` drop set, `F` failure, and working sets numbered
 * per exercise), notes on an exercise as "Note" rows, a set's note in Notes and the workout's in Workout Notes on
 * every row, unused numbers as 0. Cells that a spreadsheet would run as a formula are prefixed with `'` (taken off
 * again by the import). Importing the file and exporting again gives the same bytes.
 */
export function writeWorkoutCsv(sessions: ExportSession[], options: { timeZone: string }): string {
  const data: string[][] = [];
  for (const session of sessions) {
    const date = format(new TZDate(session.startedAt.getTime(), options.timeZone), 'yyyy-MM-dd HH:mm:ss');
    const duration = formatDuration((session.finishedAt.getTime() - session.startedAt.getTime()) / 1000);
    const workoutNotes = session.notes ?? '';
    const notes = [...session.exerciseNotes].sort((a, b) => a.position - b.position);
    let nextNote = 0;
    const noteRowsUpTo = (position: number) => {
      for (; nextNote < notes.length && (notes[nextNote]?.position ?? 0) <= position; nextNote++) {
        const n = notes[nextNote] as TExerciseNote;
        data.push([date, session.name, duration, n.exerciseName, 'Note', '', '', '', '', n.note, workoutNotes, '']);
      }
    };
    const counters = new Map<string, number>();
    session.sets.forEach((set, index) => {
      noteRowsUpTo(set.position ?? index);
      let order: string;
      if (set.setType === 'normal') {
        const n = (counters.get(set.exerciseName) ?? 0) + 1;
        counters.set(set.exerciseName, n);
        order = String(n);
      } else order = SET_ORDER[set.setType];
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
        set.note ?? '',
        workoutNotes,
        set.rpe === null ? '' : String(set.rpe),
      ]);
    });
    noteRowsUpTo(Number.POSITIVE_INFINITY);
  }
  return `${unparseCsv({ fields: [...CSV_EXPORT_HEADER], data })}\n`;
}
