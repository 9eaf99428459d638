/**
 * Workout CSV files: reading the exports of Strong and Hevy, and writing the user's history back out in the
 * current Strong shape. Pure (no database): the service resolves exercises and writes the result.
 *
 * Shapes read, recognised by their header row (see /apps/api/test/fixtures/csv/README.md):
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
 * A workout is the rows sharing a start time and a workout name (and `Workout #` where there is one). Rows that
 * are not sets (Strong's `Rest Timer`, blank lines) are ignored; rows that cannot be read are reported as
 * skipped with the reason, and every other row is imported. A file whose header is none of these is refused.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import Papa from 'papaparse';
import { unescapeCsvFormula, unparseCsv } from '../common/csv.js';
import { ValidationError } from '../errors.js';
import { CSV_MAX_CHARS } from './fitness.schemas.js';
import { lbToKg, roundTo } from './fitness.units.js';

/** A workout longer than this is taken as a timer left running: kept, without a duration. */
export const MAX_PLAUSIBLE_WORKOUT_S = 24 * 3600;
const NAME_MAX = 100;
const NOTES_MAX = 2000;
const KM_PER_MI = 1.609344;

export type CsvShape = 'strong' | 'strong-legacy' | 'strong-fr' | 'hevy';

export interface ParsedCsvSet {
  /** The row (the header is row 1, as a spreadsheet numbers them). */
  row: number;
  exerciseName: string;
  isWarmup: boolean;
  reps: number | null;
  weightKg: number | null;
  rpe: number | null;
  durationS: number | null;
  distanceM: number | null;
}

export interface ParsedCsvWorkout {
  name: string;
  startedAt: Date;
  /** The start plus the workout's duration (the start when the duration is missing or implausible). */
  finishedAt: Date;
  notes: string | null;
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

export class CsvFormatError extends ValidationError {
  constructor(message: string) {
    super(message, 'csv');
  }
}

// ---------- headers ----------

type Field =
  | 'workoutNumber'
  | 'date'
  | 'workoutName'
  | 'duration'
  | 'durationSec'
  | 'exerciseName'
  | 'setOrder'
  | 'weight'
  | 'weightKg'
  | 'weightLb'
  | 'weightUnit'
  | 'reps'
  | 'distance'
  | 'distanceM'
  | 'distanceKm'
  | 'distanceMi'
  | 'distanceUnit'
  | 'seconds'
  | 'rpe'
  | 'notes'
  | 'workoutNotes'
  | 'workoutDuration'
  // Hevy
  | 'title'
  | 'startTime'
  | 'endTime'
  | 'description'
  | 'exerciseTitle'
  | 'supersetId'
  | 'exerciseNotes'
  | 'setIndex'
  | 'setType'
  | 'durationSeconds';

/** Header cells, lower-cased, without accents, with typographic apostrophes straightened. */
const HEADERS: Record<string, Field> = {
  'workout #': 'workoutNumber',
  date: 'date',
  'workout name': 'workoutName',
  "nom de l'entrainement": 'workoutName',
  duration: 'duration',
  duree: 'duration',
  'duration (sec)': 'durationSec',
  'duration (seconds)': 'durationSec',
  'exercise name': 'exerciseName',
  "nom de l'exercice": 'exerciseName',
  'set order': 'setOrder',
  'ordre de la serie': 'setOrder',
  weight: 'weight',
  poids: 'weight',
  'weight (kg)': 'weightKg',
  'weight (lbs)': 'weightLb',
  'weight (lb)': 'weightLb',
  'weight unit': 'weightUnit',
  'unite de poids': 'weightUnit',
  reps: 'reps',
  distance: 'distance',
  'distance (meters)': 'distanceM',
  'distance (m)': 'distanceM',
  'distance (km)': 'distanceKm',
  'distance (miles)': 'distanceMi',
  'distance (mi)': 'distanceMi',
  'distance unit': 'distanceUnit',
  'unite de distance': 'distanceUnit',
  seconds: 'seconds',
  secondes: 'seconds',
  rpe: 'rpe',
  notes: 'notes',
  'workout notes': 'workoutNotes',
  "notes de l'entrainement": 'workoutNotes',
  'workout duration': 'workoutDuration',
  title: 'title',
  start_time: 'startTime',
  end_time: 'endTime',
  description: 'description',
  exercise_title: 'exerciseTitle',
  superset_id: 'supersetId',
  exercise_notes: 'exerciseNotes',
  set_index: 'setIndex',
  set_type: 'setType',
  weight_kg: 'weightKg',
  weight_lbs: 'weightLb',
  distance_km: 'distanceKm',
  distance_miles: 'distanceMi',
  duration_seconds: 'durationSeconds',
};

const normalizeHeader = (cell: string) =>
  cell
    .replace(/^\uFEFF/, '')
    .trim()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019`]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ');

const EXPECTED =
  'Expected a Strong export (Date, Workout Name, Duration, Exercise Name, Set Order, Weight, Reps, Distance, ' +
  'Seconds, RPE — also the older semicolon shape and the French one) or a Hevy export (title, start_time, ' +
  'end_time, exercise_title, set_index, set_type, weight_kg, reps, distance_km, duration_seconds, rpe)';

function detectShape(header: string[]): { shape: CsvShape; columns: Map<Field, number> } {
  const columns = new Map<Field, number>();
  header.forEach((cell, i) => {
    const field = HEADERS[normalizeHeader(cell)];
    if (field && !columns.has(field)) columns.set(field, i);
  });
  const has = (...fields: Field[]) => fields.every((f) => columns.has(f));
  const missing = (fields: Field[], names: string[]) => names.filter((_, i) => !columns.has(fields[i] as Field));
  if (has('title', 'startTime', 'exerciseTitle')) {
    const absent = missing(['setType', 'reps'], ['set_type', 'reps']);
    if (absent.length > 0 || !(columns.has('weightKg') || columns.has('weightLb'))) {
      throw new CsvFormatError(`This looks like a Hevy export but lacks ${[...absent, 'weight_kg'].join(', ')}`);
    }
    return { shape: 'hevy', columns };
  }
  const strongCore: Field[] = ['date', 'workoutName', 'exerciseName', 'setOrder', 'reps'];
  if (has(...strongCore) && (columns.has('weight') || columns.has('weightKg') || columns.has('weightLb'))) {
    const first = normalizeHeader(header[1] ?? '');
    const shape: CsvShape = columns.has('workoutNumber')
      ? 'strong-legacy'
      : first === "nom de l'entrainement"
        ? 'strong-fr'
        : 'strong';
    return { shape, columns };
  }
  const shown = header
    .slice(0, 8)
    .map((h) =>
      h
        .replace(/^\uFEFF/, '')
        .trim()
        .slice(0, 40),
    )
    .join(', ');
  throw new CsvFormatError(`Unrecognised CSV header (${shown || 'empty'}). ${EXPECTED}.`);
}

/** The delimiter of the header line: the most frequent of comma, semicolon and tab. */
function detectDelimiter(text: string): string {
  const end = text.search(/\r?\n/);
  const line = end < 0 ? text : text.slice(0, end);
  const count = (c: string) => line.split(c).length - 1;
  return [',', ';', '\t'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
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

/** Writes seconds the way Strong does: `1h 5m`, `32m` (whole minutes; under a minute, `45s`). */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
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

function toSet(raw: RawSet, warn: (reason: string) => void): Omit<ParsedCsvSet, 'row' | 'exerciseName' | 'isWarmup'> {
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

// ---------- the file ----------

interface WorkoutDraft extends ParsedCsvWorkout {
  noteLines: Set<string>;
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
      let draft: Omit<ParsedCsvWorkout, 'sets' | 'notes'> & { durationS: number | null };
      let key: string;
      let exerciseName: string;
      let isWarmup: boolean;
      let raw: RawSet;
      let noteLines: string[];
      if (shape === 'hevy') {
        const startedAt = parseLocalDateTime(get('startTime'), timeZone);
        if (!startedAt) throw new RowProblem(`Unreadable start time "${(get('startTime') ?? '').slice(0, 40)}"`);
        const endedAt = parseLocalDateTime(get('endTime'), timeZone);
        const durationS = endedAt ? Math.round((endedAt.getTime() - startedAt.getTime()) / 1000) : null;
        const name = cleanText(get('title'), NAME_MAX) || 'Workout';
        key = `${startedAt.toISOString()}\u0000${name}`;
        draft = { name, startedAt, finishedAt: startedAt, durationS };
        exerciseName = cleanText(get('exerciseTitle'), NAME_MAX);
        const setType = (get('setType') ?? '').trim().toLowerCase();
        isWarmup = setType === 'warmup' || setType === 'warm-up' || setType === 'warm_up';
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
        noteLines = [cleanText(get('description'), NOTES_MAX)];
        const exerciseNote = cleanText(get('exerciseNotes'), NOTES_MAX);
        if (exerciseNote) noteLines.push(`${exerciseName}: ${exerciseNote}`);
      } else {
        const startedAt = parseLocalDateTime(get('date'), timeZone);
        if (!startedAt) throw new RowProblem(`Unreadable date "${(get('date') ?? '').slice(0, 40)}"`);
        const name = cleanText(get('workoutName'), NAME_MAX) || 'Workout';
        key = `${startedAt.toISOString()}\u0000${name}\u0000${(get('workoutNumber') ?? '').trim()}`;
        const durationS = columns.has('durationSec')
          ? parseDuration(get('durationSec'))
          : (parseDuration(get('duration')) ?? parseDuration(get('workoutDuration')));
        draft = { name, startedAt, finishedAt: startedAt, durationS };
        exerciseName = cleanText(get('exerciseName'), NAME_MAX);
        const order = (get('setOrder') ?? '').trim();
        if (/^rest timer$/i.test(order)) return; // Strong logs its rest timer as a row: not a set.
        isWarmup = /^w$/i.test(order);
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
        noteLines = [cleanText(get('workoutNotes'), NOTES_MAX)];
        const setNote = cleanText(get('notes'), NOTES_MAX);
        if (setNote) noteLines.push(`${exerciseName}: ${setNote}`);
      }
      if (!exerciseName) throw new RowProblem('No exercise name');
      const set = toSet(raw, warn);

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
          notes: null,
          sets: [],
          noteLines: new Set(),
        };
        workouts.set(key, workout);
      }
      for (const line of noteLines) if (line) workout.noteLines.add(line);
      workout.sets.push({ row, exerciseName, isWarmup, ...set });
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      skippedRows.push({ row, reason: error.message });
    }
  });

  return {
    shape,
    workouts: [...workouts.values()]
      .filter((w) => w.sets.length > 0)
      .map(({ noteLines, ...w }) => ({ ...w, notes: [...noteLines].join('\n').slice(0, NOTES_MAX).trim() || null }))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()),
    skippedRows,
    warnings,
  };
}

// ---------- export ----------

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
