import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDuration } from './fitness.csv-export.js';
import { parseDuration, parseLocalDateTime, parseWorkoutCsv } from './fitness.csv-import.js';
import { CsvFormatError } from './fitness.errors.js';
import { kgToLb } from './fitness.units.js';

// The fixtures live with the API tests (which import them over HTTP); see their README.
const fixture = (name: string) =>
  readFileSync(new URL(`../../../../apps/api/test/fixtures/csv/${name}`, import.meta.url), 'utf8');
const UTC = { timeZone: 'UTC' };

describe('parseWorkoutCsv: Strong, current shape (BOM, CRLF)', () => {
  const parsed = parseWorkoutCsv(fixture('strong-current-bom-crlf.csv'), UTC);

  it('keeps two workouts on one day apart by start time, and orders workouts by start', () => {
    expect(parsed.shape).toBe('strong');
    expect(parsed.workouts.map((w) => [w.name, w.startedAt.toISOString(), w.finishedAt.toISOString()])).toEqual([
      ['Morning Run', '2024-03-05T07:15:00.000Z', '2024-03-05T07:47:00.000Z'],
      ['Push Day', '2024-03-05T18:01:12.000Z', '2024-03-05T19:06:12.000Z'],
      ['Pull Day', '2024-03-07T18:30:45.000Z', '2024-03-07T19:28:45.000Z'],
    ]);
    expect(parsed.workouts.map((w) => w.sets.length)).toEqual([1, 5, 5]);
    expect(parsed.skippedRows).toEqual([]);
    expect(parsed.warnings).toEqual([]);
  });

  it('reads warm-ups, decimals, quoted names, bodyweight, timed and cardio sets; Rest Timer is not a set', () => {
    const push = parsed.workouts[1];
    expect(push?.sets.map((s) => [s.exerciseName, s.setType, s.weightKg, s.reps, s.rpe])).toEqual([
      ['Bench Press (Barbell)', 'warmup', 40, 10, null],
      ['Bench Press (Barbell)', 'normal', 60, 10, 7],
      ['Bench Press (Barbell)', 'normal', 62.5, 8, 8.5],
      ['Overhead Press (Dumbbell)', 'normal', 22.5, 12, null],
      ['Triceps Pushdown (Cable - Straight Bar)', 'normal', 30, 15, null],
    ]);
    expect(push?.sets.every((s) => s.row !== 4)).toBe(true);
    expect(parsed.workouts[0]?.sets[0]).toMatchObject({
      exerciseName: 'Running',
      distanceM: 5200,
      durationS: 1860,
      reps: null,
      weightKg: null,
    });
    const pull = parsed.workouts[2]?.sets ?? [];
    expect(pull.find((s) => s.exerciseName === 'Pull Up')).toMatchObject({ weightKg: null, reps: 8 });
    expect(pull.find((s) => s.exerciseName === 'Plank')).toMatchObject({ durationS: 90, reps: null, weightKg: null });
    expect(pull.find((s) => s.exerciseName === 'Totally Unknown Machine')).toMatchObject({ weightKg: 45, row: 13 });
  });

  it('reads the wall-clock times in the user time zone', () => {
    const berlin = parseWorkoutCsv(fixture('strong-current-bom-crlf.csv'), { timeZone: 'Europe/Berlin' });
    expect(berlin.workouts[1]?.startedAt.toISOString()).toBe('2024-03-05T17:01:12.000Z');
  });
});

describe('parseWorkoutCsv: Strong with units and notes', () => {
  const parsed = parseWorkoutCsv(fixture('strong-units-notes.csv'), UTC);

  it('stores pounds as kilograms precisely enough that 225 lb stays 225 lb; miles become metres', () => {
    expect(parsed.shape).toBe('strong');
    expect(parsed.workouts).toHaveLength(1);
    const [workout] = parsed.workouts;
    expect(workout?.sets).toHaveLength(4);
    const [warmup, first, second, row] = workout?.sets ?? [];
    expect(warmup).toMatchObject({ setType: 'warmup', reps: 8 });
    expect(first).toMatchObject({ setType: 'normal', weightKg: 102.0583, reps: 5, rpe: 8 });
    expect(kgToLb(first?.weightKg ?? 0)).toBe(225);
    expect(kgToLb(warmup?.weightKg ?? 0)).toBe(95);
    expect(second).toMatchObject({ rpe: 9 });
    expect(row).toMatchObject({ exerciseName: 'Rowing (Machine)', distanceM: 1995.59, durationS: 420, reps: null });
    expect(Number(workout?.finishedAt) - Number(workout?.startedAt)).toBe(3600_000);
  });

  it("keeps the workout note as the workout's, and a set's note (with its comma and quotes) on the set", () => {
    expect(parsed.workouts[0]?.notes).toBe('deload next week');
    expect(parsed.workouts[0]?.sets.map((s) => s.note)).toEqual([null, 'felt heavy, grip "narrow"', null, null]);
    expect(parsed.workouts[0]?.exerciseNotes).toEqual([]);
  });
});

describe('parseWorkoutCsv: legacy semicolon Strong', () => {
  const parsed = parseWorkoutCsv(fixture('strong-legacy-semicolon.csv'), UTC);

  it('reads semicolons, decimal commas, seconds durations and non-ASCII names', () => {
    expect(parsed.shape).toBe('strong-legacy');
    expect(parsed.skippedRows).toEqual([]);
    expect(
      parsed.workouts.map((w) => [w.name, w.sets.length, (w.finishedAt.getTime() - w.startedAt.getTime()) / 1000]),
    ).toEqual([
      ['Leg Day', 3, 3720],
      ['Oberkörper', 1, 2900],
    ]);
    expect(parsed.workouts[0]?.sets.map((s) => [s.exerciseName, s.weightKg, s.reps, s.rpe])).toEqual([
      ['Squat (Barbell)', 100, 5, null],
      ['Squat (Barbell)', 102.5, 5, 8],
      ['Leg Press', 180, 10, null],
    ]);
    expect(parsed.workouts[0]?.notes).toBe('Kniebeuge, tief');
    expect(parsed.workouts[1]?.notes).toBeNull();
    expect(parsed.workouts[1]?.sets[0]?.note).toBe('Schulter ok');
  });
});

describe('parseWorkoutCsv: Hevy', () => {
  it('reads "5 Jul 2024, 07:30" in the user time zone, set types and km distances', () => {
    const parsed = parseWorkoutCsv(fixture('hevy.csv'), { timeZone: 'America/New_York' });
    expect(parsed.shape).toBe('hevy');
    expect(parsed.workouts).toHaveLength(1);
    const [workout] = parsed.workouts;
    expect(workout?.name).toBe('Upper A');
    // 07:30 in New York in July (EDT, UTC-4).
    expect(workout?.startedAt.toISOString()).toBe('2024-07-05T11:30:00.000Z');
    expect(workout?.finishedAt.toISOString()).toBe('2024-07-05T12:41:00.000Z');
    expect(workout?.sets.map((s) => [s.exerciseName, s.setType, s.weightKg, s.reps, s.rpe])).toEqual([
      ['Bench Press (Barbell)', 'warmup', 40, 10, null],
      ['Bench Press (Barbell)', 'normal', 80, 6, 8],
      ['Bent Over Row (Barbell)', 'normal', 60, 8, null],
      ['Lateral Raise (Dumbbell)', 'dropset', 10, 12, null],
      ['Treadmill', 'normal', null, null, null],
    ]);
    expect(workout?.sets[4]).toMatchObject({ distanceM: 1500, durationS: 600 });
  });

  it('survives emoji, pounds converted to kg, failure sets and a note spanning lines', () => {
    const csv = [
      'title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe',
      '"Leg day 🦵🔥","12 Jan 2025, 18:00","12 Jan 2025, 19:00","line one\nline ""two""",Squat (Barbell),,,0,failure,58.97,5,,,',
      '"Leg day 🦵🔥","12 Jan 2025, 18:00","12 Jan 2025, 19:00","",Squat (Barbell),,,1,normal,,,,,',
    ].join('\n');
    const parsed = parseWorkoutCsv(csv, UTC);
    expect(parsed.workouts[0]).toMatchObject({ name: 'Leg day 🦵🔥', notes: 'line one\nline "two"' });
    expect(parsed.workouts[0]?.sets).toEqual([
      expect.objectContaining({ weightKg: 58.97, reps: 5, setType: 'failure' }),
    ]);
    expect(parsed.skippedRows).toEqual([{ row: 3, reason: 'No reps, time or distance' }]);
  });
});

describe('parseWorkoutCsv: Strong in French', () => {
  it('reads translated headers, "35min" and "1h 1min" durations and decimal reps', () => {
    const parsed = parseWorkoutCsv(fixture('strong-fr-localized-crlf.csv'), UTC);
    expect(parsed.shape).toBe('strong-fr');
    expect(parsed.skippedRows).toEqual([]);
    expect(
      parsed.workouts.map((w) => [w.name, w.sets.length, (w.finishedAt.getTime() - w.startedAt.getTime()) / 1000]),
    ).toEqual([
      ['Bras / Épaules', 3, 3660],
      ['Cardio', 1, 2100],
    ]);
    expect(parsed.workouts[0]?.sets.map((s) => [s.exerciseName, s.weightKg, s.reps, s.rpe])).toEqual([
      ['Curl (Haltère)', 12, 10, null],
      ['Curl (Haltère)', 12, 9, 8],
      ['Élévations latérales (Haltère)', 8, 15, null],
    ]);
    expect(parsed.workouts[0]?.notes).toBeNull();
    expect(parsed.workouts[0]?.sets[2]?.note).toBe('léger, bonne forme');
    expect(parsed.workouts[1]?.sets[0]).toMatchObject({ exerciseName: 'Aerobics', durationS: 600, reps: null });
  });
});

describe('parseWorkoutCsv: what it refuses and what it survives', () => {
  it('refuses an unknown header, naming what it expected', () => {
    expect(() => parseWorkoutCsv('name,when,what\nx,y,z\n', UTC)).toThrow(CsvFormatError);
    expect(() => parseWorkoutCsv('name,when,what\n', UTC)).toThrow(
      /Unrecognised CSV header \(name, when, what\)\. Expected a Strong export/,
    );
    expect(() => parseWorkoutCsv('', UTC)).toThrow(/empty/);
    expect(() => parseWorkoutCsv('x'.repeat(1_000_001), UTC)).toThrow(/too large/);
  });

  it('skips unreadable rows with their reason, drops implausible durations with a warning', () => {
    const csv = [
      'Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;Seconds;Notes;Workout Notes;Workout Duration',
      '2024-01-01 10:00:00;Long;264h 1m;Pull Up;1;;;10;;;;;;;264h 1m',
      '2024-01-01 10:00:00;Long;264h 1m;Squat (Barbell);1;abc;kg;5;;;;;;;',
      'not a date;Long;1h;Squat (Barbell);1;100;kg;5;;;;;;;',
      '2024-01-01 10:00:00;Long;264h 1m;Squat (Barbell);1;100;kg;5,5;;;;;;;',
      '2024-01-01 10:00:00;Long;264h 1m;;1;100;kg;5;;;;;;;',
      '2024-01-01 10:00:00;Long;264h 1m;Squat (Barbell);1;100;stone;5;;;;;;;',
      '2024-01-01 10:00:00;Long;264h 1m;Squat (Barbell);2;100;kg;5;11;;;;;;',
      '',
    ].join('\r\n');
    const parsed = parseWorkoutCsv(csv, UTC);
    expect(parsed.workouts).toHaveLength(1);
    expect(parsed.workouts[0]?.finishedAt).toEqual(parsed.workouts[0]?.startedAt);
    expect(parsed.workouts[0]?.sets.map((s) => [s.exerciseName, s.weightKg, s.reps, s.rpe])).toEqual([
      ['Pull Up', null, 10, null],
      ['Squat (Barbell)', 100, 5, null],
    ]);
    expect(parsed.skippedRows).toEqual([
      { row: 3, reason: 'Unreadable weight' },
      { row: 4, reason: 'Unreadable date "not a date"' },
      { row: 5, reason: 'Reps must be whole' },
      { row: 6, reason: 'No exercise name' },
      { row: 7, reason: 'Unknown weight unit "stone"' },
    ]);
    expect(parsed.warnings).toEqual([
      { row: 2, reason: 'Implausible workout duration (264 h) left out' },
      { row: 8, reason: 'RPE outside 1–10 left out' },
    ]);
  });
});

describe('parseWorkoutCsv: what a workout file says beside its numbers', () => {
  it("keeps Strong's Note rows, drop and failure sets, set and workout notes, and durations to the second", () => {
    const csv = [
      'Workout #,Date,Workout Name,Duration (sec),Exercise Name,Set Order,Weight (kg),Reps,Distance (meters),Seconds,Notes,Workout Notes,RPE',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),Note,,,,,"Elbows in, 2s pause",Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),W,40,10,0,0,,Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),1,80,5,0,0,grindy,Felt strong,9',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),D,60,8,0,0,,Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),Rest Timer,0,0,0,120,,Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Dips,F,0,12,0,0,,Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Dips,Note,,,,,last set to failure,Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Dips,Note,,,,,,Felt strong,',
    ].join('\n');
    const parsed = parseWorkoutCsv(csv, UTC);
    expect(parsed.skippedRows).toEqual([]);
    const [workout] = parsed.workouts;
    expect(workout?.notes).toBe('Felt strong');
    expect((Number(workout?.finishedAt) - Number(workout?.startedAt)) / 1000).toBe(3725);
    expect(workout?.sets.map((s) => [s.exerciseName, s.setType, s.weightKg, s.reps, s.note])).toEqual([
      ['Bench Press (Barbell)', 'warmup', 40, 10, null],
      ['Bench Press (Barbell)', 'normal', 80, 5, 'grindy'],
      ['Bench Press (Barbell)', 'dropset', 60, 8, null],
      ['Dips', 'failure', null, 12, null],
    ]);
    // Each note stands where the file put it: before the first set, and after the last.
    expect(workout?.exerciseNotes).toEqual([
      { position: 0, exerciseName: 'Bench Press (Barbell)', note: 'Elbows in, 2s pause' },
      { position: 4, exerciseName: 'Dips', note: 'last set to failure' },
    ]);
  });

  it("keeps Hevy's description as the workout's note and an exercise's note once for its rows", () => {
    const csv = [
      'title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe',
      'Legs,"12 Jan 2025, 18:00","12 Jan 2025, 19:01",Good day,Squat (Barbell),,Belt on,0,warmup,60,5,,,',
      'Legs,"12 Jan 2025, 18:00","12 Jan 2025, 19:01",Good day,Squat (Barbell),,Belt on,1,normal,100,5,,,',
      'Legs,"12 Jan 2025, 18:00","12 Jan 2025, 19:01",Good day,Leg Curl (Machine),,,0,failure,40,12,,,',
    ].join('\n');
    const [workout] = parseWorkoutCsv(csv, UTC).workouts;
    expect(workout?.notes).toBe('Good day');
    expect(workout?.exerciseNotes).toEqual([{ position: 0, exerciseName: 'Squat (Barbell)', note: 'Belt on' }]);
    expect(workout?.sets.map((s) => s.setType)).toEqual(['warmup', 'normal', 'failure']);
    expect((Number(workout?.finishedAt) - Number(workout?.startedAt)) / 1000).toBe(3660);
  });
});

describe('durations and dates', () => {
  it('reads and writes Strong durations', () => {
    expect(['1h 5m', '32m', '35min', '1h 1min', '1h', '45s', '3720', '264h 1m', 'soon'].map(parseDuration)).toEqual([
      3900,
      1920,
      2100,
      3660,
      3600,
      45,
      3720,
      950_460,
      null,
    ]);
    expect([3900, 1920, 0, 45, 3600, 3661, 3725, 1925.4].map(formatDuration)).toEqual([
      '1h 5m',
      '32m',
      '0m',
      '45s',
      '1h 0m',
      '1h 1m 1s',
      '1h 2m 5s',
      '32m 5s',
    ]);
    // Seconds survive the way out and back: none is rounded to a minute.
    for (const seconds of [3725, 1925, 45, 3600, 86_399]) expect(parseDuration(formatDuration(seconds))).toBe(seconds);
  });

  it('refuses impossible dates and resolves DST in the zone', () => {
    expect(parseLocalDateTime('2024-02-31 10:00:00', 'UTC')).toBeNull();
    expect(parseLocalDateTime('5 Foo 2024, 07:30', 'UTC')).toBeNull();
    expect(parseLocalDateTime('2024-01-15 09:00', 'Europe/Berlin')?.toISOString()).toBe('2024-01-15T08:00:00.000Z');
    expect(parseLocalDateTime('2024-07-15 09:00:00', 'Europe/Berlin')?.toISOString()).toBe('2024-07-15T07:00:00.000Z');
  });
});
