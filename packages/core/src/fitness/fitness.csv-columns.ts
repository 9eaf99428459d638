/**
 * Which workout export a CSV file is, told by its header row: the columns each shape names (Strong's, in English
 * and French, and Hevy's), where they are, and the delimiter. The rows are read by fitness.csv-import.ts.
 */
import { CsvFormatError } from './fitness.errors.js';

export type CsvShape = 'strong' | 'strong-legacy' | 'strong-fr' | 'hevy';

export type Field =
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

export const EXPECTED =
  'Expected a Strong export (Date, Workout Name, Duration, Exercise Name, Set Order, Weight, Reps, Distance, ' +
  'Seconds, RPE — also the older semicolon shape and the French one) or a Hevy export (title, start_time, ' +
  'end_time, exercise_title, set_index, set_type, weight_kg, reps, distance_km, duration_seconds, rpe)';

export function detectShape(header: string[]): { shape: CsvShape; columns: Map<Field, number> } {
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
export function detectDelimiter(text: string): string {
  const end = text.search(/\r?\n/);
  const line = end < 0 ? text : text.slice(0, end);
  const count = (c: string) => line.split(c).length - 1;
  return [',', ';', '\t'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
}
