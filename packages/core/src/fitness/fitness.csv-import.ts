/**
 * Workout CSV files: reading the exports of Strong and Hevy (writing them: fitness.csv-export.ts). Pure (no
 * database): the service (fitness.csv.ts) resolves exercises and writes the result.
 *
 * Shapes read, recognised by their header row (fitness.csv-columns.ts; see /apps/api/test/fixtures/csv/README.md):
 * - Strong, current: `Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE`, with
 *   optional `Notes`, `Workout Notes`, `Weight Unit` (kg/lbs), `Distance Unit` (km/mi/m) and `Workout Duration`.
 *   Without a unit column weights are kilograms and distances kilometres.
 * - Strong, legacy: semicolon-separated, `Workout #`, `Duration (sec)`, `Weight (kg)` or `Weight (lbs)`,
 *   `Distance (meters)`/`(km)`/`(miles)`, decimal commas (`102,5`).
 * - Strong with the app in French: the same columns with translated headers (`Nom de l'entraînement`, `Durée`,
 *   `Poids`, `Réps`, `Secondes`, …) and durations like `35min` or `1h 1min`.
 * - Hevy: `title,start_time,end_time,…,set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe` (or
 *   `weight_lbs`/`distance_miles`), dates like `5 Jul 2024, 07:30`, set types warmup/normal/dropset/failure.
 *
 * Dates in these files are local wall-clock times with no zone: they are read in the user's time zone.
 * A workout is the rows sharing a start time and a workout name (and `Workout #` where there is one). Nothing the
 * file says is dropped but Strong's `Rest Timer` rows and blank lines: set types (Strong's `W`/`D`/`F` in "Set
 * Order", Hevy's set_type), a set's note (Strong's Notes), the workout's note (Workout Notes, Hevy's description),
 * notes on an exercise (Strong's `Note` rows, Hevy's exercise_notes, kept once per run of its rows) where they
 * stand among the sets, durations to the second, and exercise names as written. Rows that cannot be read are
 * reported as skipped with the reason, and every other row is imported. A file whose header is none of these is
 * refused.
 */
import { TZDate } from '@date-fns/tz';
import Papa from 'papaparse';
import { unescapeCsvFormula } from '../common/csv.js';
import { type CsvShape, detectDelimiter, detectShape, EXPECTED, type Field } from './fitness.csv-columns.js';
import { CsvFormatError } from './fitness.errors.js';
import { CSV_MAX_CHARS, type TExerciseNote, type TSetType } from './fitness.schemas.js';
import { lbToKg, roundTo } from './fitness.units.js';

/** A workout longer than this is taken as a timer left running: kept, without a duration. */
export const MAX_PLAUSIBLE_WORKOUT_S = 24 * 3600;
const NAME_MAX = 100;
const NOTES_MAX = 2000;
const KM_PER_MI = 1.609344;

export interface ParsedCsvSet {
  /** The row (the header is row 1, as a spreadsheet numbers them). */
  row: number;
  /** As the file wrote it: the service links it to an exercise, and keeps the name. */
  exerciseName: string;
  setType: TSetType;
  reps: number | null;
  weightKg: number | null;
  rpe: number | null;
  durationS: number | null;
  distanceM: number | null;
  /** The set's own note (Strong's Notes cell on a set row). */
  note: string | null;
}

export interface ParsedCsvWorkout {
  name: string;
  startedAt: Date;
  /** The start plus the workout's duration (the start when the duration is missing or implausible). */
  finishedAt: Date;
  /** The workout's note (Strong's Workout Notes, Hevy's description). */
  notes: string | null;
  /** Notes on an exercise (Strong's "Note" rows, Hevy's exercise_notes), each before the set at `position`. */
  exerciseNotes: TExerciseNote[];
  sets: ParsedCsvSet[];
}

export interface CsvRowIssue {
  row: number;
  reason: string;
}

export interface ParsedCsv {
  shape: CsvShape;
  workouts: ParsedCsvWorkout[];
  skippedRows: CsvRowIssue[];
  /** Imported with a caveat (an implausible duration dropped, an RPE out of range left out, …). */
  warnings: CsvRowIssue[];
}

// ---------- values ----------

/** A number, with a decimal comma or point; empty → null; NaN when unreadable. */
function readNumber(raw: string | undefined): number | null {
  const text = (raw ?? '').trim();
  if (text === '') return null;
  const normalized = /^-?\d+,\d+$/.test(text) ? text.replace(',', '.') : text;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalized)) return Number.NaN;
  return Number(normalized);
}

/** Strong durations: `1h 5m`, `32m`, `35min`, `1h 1min`, `45s`, `264h 1m`, or plain seconds. Null if unreadable. */
export function parseDuration(raw: string | undefined): number | null {
  const text = (raw ?? '').trim().toLowerCase();
  if (text === '') return null;
  if (/^\d+([.,]\d+)?$/.test(text)) return Math.round(Number(text.replace(',', '.')));
  const match = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s(?:ec)?)?$/.exec(text);
  if (!match || (!match[1] && !match[2] && !match[3])) return null;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/**
 * A local date-time (`2024-03-05 18:01:12`, `2024-03-05T18:01`, `5 Jul 2024, 07:30`) as the instant it names in
 * `timeZone`; null if unreadable. (A time skipped by a DST change moves forward, as a clock does.)
 */
export function parseLocalDateTime(raw: string | undefined, timeZone: string): Date | null {
  const text = (raw ?? '').trim();
  let parts: number[] | null = null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (iso)
    parts = [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4]), Number(iso[5]), Number(iso[6] ?? 0)];
  const hevy = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (hevy) {
    const month = MONTHS[(hevy[2] ?? '').toLowerCase()];
    if (month !== undefined) {
      parts = [Number(hevy[3]), month, Number(hevy[1]), Number(hevy[4]), Number(hevy[5]), Number(hevy[6] ?? 0)];
    }
  }
  if (!parts) return null;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = parts;
  if (mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new TZDate(y, mo, d, h, mi, s, timeZone);
  // Reject days that roll over into the next month (31 Feb).
  if (Number.isNaN(date.getTime()) || date.getDate() !== d) return null;
  return new Date(date.getTime());
}

/** Spreadsheet formula escaping added on export (`'=…`) comes off again on import. */
const cleanText = (raw: string | undefined, max: number) =>
  unescapeCsvFormula((raw ?? '').trim())
    .slice(0, max)
    .trim();

// ---------- rows to sets ----------

class RowProblem extends Error {}

function bounded(value: number | null, what: string, max: number, options: { int?: boolean } = {}): number | null {
  if (value === null) return null;
  if (Number.isNaN(value)) throw new RowProblem(`Unreadable ${what}`);
  if (value < 0 || value > max) throw new RowProblem(`${what[0]?.toUpperCase()}${what.slice(1)} out of range`);
  if (options.int && !Number.isInteger(value))
    throw new RowProblem(`${what[0]?.toUpperCase()}${what.slice(1)} must be whole`);
  return value;
}

/** Zero in Strong's numeric columns means "not used": a bodyweight set has weight 0, a timed set reps 0. */
const zeroToNull = (value: number | null) => (value === 0 ? null : value);

interface RawSet {
  reps: number | null;
  weight: number | null;
  weightUnit: 'kg' | 'lb';
  distance: number | null;
  distanceUnit: 'm' | 'km' | 'mi';
  seconds: number | null;
  rpe: number | null;
}

function toSet(
  raw: RawSet,
  warn: (reason: string) => void,
): Omit<ParsedCsvSet, 'row' | 'exerciseName' | 'setType' | 'note'> {
  const reps = zeroToNull(bounded(raw.reps, 'reps', 1000, { int: true }));
  const weight = zeroToNull(bounded(raw.weight, 'weight', raw.weightUnit === 'kg' ? 2000 : 4400));
  const distance = zeroToNull(bounded(raw.distance, 'distance', 1_000_000));
  const durationS = zeroToNull(bounded(raw.seconds === null ? null : Math.round(raw.seconds), 'time', 7 * 86_400));
  if (reps === null && durationS === null && distance === null) throw new RowProblem('No reps, time or distance');
  const weightKg = weight === null ? null : raw.weightUnit === 'lb' ? lbToKg(weight) : roundTo(weight, 4);
  if (weightKg !== null && weightKg > 2000) throw new RowProblem('Weight out of range');
  const distanceM =
    distance === null
      ? null
      : roundTo(distance * (raw.distanceUnit === 'm' ? 1 : raw.distanceUnit === 'km' ? 1000 : KM_PER_MI * 1000), 2);
  if (distanceM !== null && distanceM > 1_000_000) throw new RowProblem('Distance out of range');
  let rpe: number | null = null;
  if (raw.rpe !== null && raw.rpe !== 0) {
    if (Number.isNaN(raw.rpe) || raw.rpe < 1 || raw.rpe > 10) warn('RPE outside 1–10 left out');
    else rpe = roundTo(raw.rpe, 1);
  }
  return { reps, weightKg, rpe, durationS, distanceM };
}

const weightUnitOf = (text: string | undefined): 'kg' | 'lb' | null => {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '') return null;
  if (t === 'kg' || t === 'kgs') return 'kg';
  if (t === 'lb' || t === 'lbs') return 'lb';
  return null;
};
const distanceUnitOf = (text: string | undefined): 'm' | 'km' | 'mi' | null => {
  const t = (text ?? '').trim().toLowerCase();
  if (t === 'km') return 'km';
  if (t === 'm' || t === 'meters' || t === 'metres') return 'm';
  if (t === 'mi' || t === 'miles') return 'mi';
  return null;
};

/** Hevy's set_type words (and their spellings elsewhere); anything else is a normal set. */
function hevySetType(raw: string | undefined): TSetType {
  const t = (raw ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  return t === 'warmup' ? 'warmup' : t === 'dropset' ? 'dropset' : t === 'failure' ? 'failure' : 'normal';
}

/** What a Strong row is, by its "Set Order": a set of a type, a note on the exercise, or the rest timer. */
function strongRowKind(order: string): TSetType | 'note' | 'rest' {
  if (/^rest timer$/i.test(order)) return 'rest';
  if (/^note$/i.test(order)) return 'note';
  if (/^w$/i.test(order)) return 'warmup';
  if (/^d$/i.test(order)) return 'dropset';
  if (/^f$/i.test(order)) return 'failure';
  return 'normal';
}

// ---------- the file ----------

interface WorkoutDraft extends Omit<ParsedCsvWorkout, 'notes'> {
  noteLines: Set<string>;
  /** The exercise and note of the last Hevy row, so a note repeated on each of an exercise's rows is kept once. */
  lastExerciseNote: string | null;
}

export function parseWorkoutCsv(input: string, options: { timeZone: string }): ParsedCsv {
  if (input.length > CSV_MAX_CHARS) {
    throw new CsvFormatError(`The file is too large (at most ${CSV_MAX_CHARS / 1_000_000} MB)`);
  }
  const text = input.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new CsvFormatError(`The file is empty. ${EXPECTED}.`);
  const result = Papa.parse<string[]>(text, { delimiter: detectDelimiter(text), header: false, skipEmptyLines: false });
  const [header, ...rows] = result.data;
  if (!header) throw new CsvFormatError(`The file is empty. ${EXPECTED}.`);
  const { shape, columns } = detectShape(header);
  const { timeZone } = options;

  const workouts = new Map<string, WorkoutDraft>();
  const skippedRows: CsvRowIssue[] = [];
  const warnings: CsvRowIssue[] = [];
  const brokenRows = new Map<number, string>();
  for (const error of result.errors) {
    if (error.row !== undefined && error.code !== 'UndetectableDelimiter') brokenRows.set(error.row, error.message);
  }

  rows.forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const get = (field: Field) => {
      const i = columns.get(field);
      return i === undefined ? undefined : cells[i];
    };
    const warn = (reason: string) => warnings.push({ row, reason });
    try {
      const broken = brokenRows.get(index + 1);
      if (broken) throw new RowProblem(`Malformed CSV row: ${broken}`);
      let draft: { name: string; startedAt: Date; durationS: number | null };
      let key: string;
      let exerciseName: string;
      let kind: TSetType | 'note';
      let raw: RawSet | null = null;
      let workoutNote: string;
      /** A set row's own note (Strong), or the note on the row's exercise (a Strong Note row, Hevy). */
      let setNote = '';
      let exerciseNote = '';
      if (shape === 'hevy') {
        const startedAt = parseLocalDateTime(get('startTime'), timeZone);
        if (!startedAt) throw new RowProblem(`Unreadable start time "${(get('startTime') ?? '').slice(0, 40)}"`);
        const endedAt = parseLocalDateTime(get('endTime'), timeZone);
        const durationS = endedAt ? Math.round((endedAt.getTime() - startedAt.getTime()) / 1000) : null;
        const name = cleanText(get('title'), NAME_MAX) || 'Workout';
        key = `${startedAt.toISOString()}\u0000${name}`;
        draft = { name, startedAt, durationS };
        exerciseName = cleanText(get('exerciseTitle'), NAME_MAX);
        kind = hevySetType(get('setType'));
        const lb = columns.has('weightLb') && !columns.has('weightKg');
        const mi = columns.has('distanceMi') && !columns.has('distanceKm');
        raw = {
          reps: readNumber(get('reps')),
          weight: readNumber(get(lb ? 'weightLb' : 'weightKg')),
          weightUnit: lb ? 'lb' : 'kg',
          distance: readNumber(get(mi ? 'distanceMi' : 'distanceKm')),
          distanceUnit: mi ? 'mi' : 'km',
          seconds: readNumber(get('durationSeconds')),
          rpe: readNumber(get('rpe')),
        };
        workoutNote = cleanText(get('description'), NOTES_MAX);
        exerciseNote = cleanText(get('exerciseNotes'), NOTES_MAX);
      } else {
        const startedAt = parseLocalDateTime(get('date'), timeZone);
        if (!startedAt) throw new RowProblem(`Unreadable date "${(get('date') ?? '').slice(0, 40)}"`);
        const name = cleanText(get('workoutName'), NAME_MAX) || 'Workout';
        key = `${startedAt.toISOString()}\u0000${name}\u0000${(get('workoutNumber') ?? '').trim()}`;
        const durationS = columns.has('durationSec')
          ? parseDuration(get('durationSec'))
          : (parseDuration(get('duration')) ?? parseDuration(get('workoutDuration')));
        draft = { name, startedAt, durationS };
        exerciseName = cleanText(get('exerciseName'), NAME_MAX);
        const rowKind = strongRowKind((get('setOrder') ?? '').trim());
        if (rowKind === 'rest') return; // Strong logs its rest timer as a row: not a set.
        kind = rowKind;
        workoutNote = cleanText(get('workoutNotes'), NOTES_MAX);
        if (kind === 'note') exerciseNote = cleanText(get('notes'), NOTES_MAX);
        else {
          setNote = cleanText(get('notes'), NOTES_MAX);
          const unitCell = get('weightUnit');
          const weightUnit = columns.has('weightLb') ? 'lb' : columns.has('weightKg') ? 'kg' : weightUnitOf(unitCell);
          if (columns.has('weightUnit') && (unitCell ?? '').trim() !== '' && !weightUnitOf(unitCell)) {
            throw new RowProblem(`Unknown weight unit "${(unitCell ?? '').trim().slice(0, 20)}"`);
          }
          const distanceUnitCell = get('distanceUnit');
          const distanceUnit = columns.has('distanceM')
            ? 'm'
            : columns.has('distanceMi')
              ? 'mi'
              : columns.has('distanceKm')
                ? 'km'
                : (distanceUnitOf(distanceUnitCell) ?? 'km');
          raw = {
            reps: readNumber(get('reps')),
            weight: readNumber(
              get(columns.has('weightLb') ? 'weightLb' : columns.has('weightKg') ? 'weightKg' : 'weight'),
            ),
            weightUnit: weightUnit ?? 'kg',
            distance: readNumber(
              get(
                columns.has('distanceM')
                  ? 'distanceM'
                  : columns.has('distanceMi')
                    ? 'distanceMi'
                    : columns.has('distanceKm')
                      ? 'distanceKm'
                      : 'distance',
              ),
            ),
            distanceUnit,
            seconds: readNumber(get('seconds')),
            rpe: readNumber(get('rpe')),
          };
        }
      }
      if (!exerciseName) throw new RowProblem('No exercise name');
      const set = raw && kind !== 'note' ? { setType: kind, ...toSet(raw, warn) } : null;
      if (kind === 'note' && !exerciseNote) return; // An empty Note row says nothing.

      let workout = workouts.get(key);
      if (!workout) {
        let finishedAt = draft.startedAt;
        if (draft.durationS !== null && draft.durationS > MAX_PLAUSIBLE_WORKOUT_S) {
          warn(`Implausible workout duration (${Math.round(draft.durationS / 3600)} h) left out`);
        } else if (draft.durationS !== null && draft.durationS > 0) {
          finishedAt = new Date(draft.startedAt.getTime() + draft.durationS * 1000);
        }
        workout = {
          name: draft.name,
          startedAt: draft.startedAt,
          finishedAt,
          exerciseNotes: [],
          sets: [],
          noteLines: new Set(),
          lastExerciseNote: null,
        };
        workouts.set(key, workout);
      }
      if (workoutNote) workout.noteLines.add(workoutNote);
      if (exerciseNote) {
        // Hevy repeats an exercise's note on each of its rows: one note per run of rows.
        const said = `${exerciseName}\u0000${exerciseNote}`;
        if (kind === 'note' || workout.lastExerciseNote !== said) {
          workout.exerciseNotes.push({ position: workout.sets.length, exerciseName, note: exerciseNote });
        }
        workout.lastExerciseNote = said;
      } else if (set) workout.lastExerciseNote = null;
      if (set) workout.sets.push({ row, exerciseName, ...set, note: setNote || null });
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      skippedRows.push({ row, reason: error.message });
    }
  });

  return {
    shape,
    workouts: [...workouts.values()]
      .filter((w) => w.sets.length > 0)
      .map(({ noteLines, lastExerciseNote: _last, ...w }) => ({
        ...w,
        notes: [...noteLines].join('\n').slice(0, NOTES_MAX).trim() || null,
      }))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()),
    skippedRows,
    warnings,
  };
}
