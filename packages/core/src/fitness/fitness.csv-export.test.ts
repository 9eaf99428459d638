import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CSV_EXPORT_HEADER, type ExportSession, writeWorkoutCsv } from './fitness.csv-export.js';
import { parseWorkoutCsv } from './fitness.csv-import.js';

const FIXTURES = [
  'strong-current-bom-crlf.csv',
  'strong-units-notes.csv',
  'strong-legacy-semicolon.csv',
  'hevy.csv',
  'strong-fr-localized-crlf.csv',
];
const fixture = (name: string) =>
  readFileSync(new URL(`../../../../apps/api/test/fixtures/csv/${name}`, import.meta.url), 'utf8');
const none = { rpe: null, durationS: null, distanceM: null, note: null };

// Each export is read back with the import: the two shapes must agree.
describe('writeWorkoutCsv', () => {
  it("writes Strong's columns, set types, notes and Note rows, and reads back to the same workouts", () => {
    const bench = 'Bench, "wide"';
    const sessions: ExportSession[] = [
      {
        name: '=cmd|calc',
        startedAt: new Date('2024-03-05T17:01:12Z'),
        finishedAt: new Date('2024-03-05T18:06:17Z'),
        notes: 'deload, "next" week',
        exerciseNotes: [
          { position: 0, exerciseName: bench, note: 'Elbows in' },
          { position: 4, exerciseName: 'Running', note: '-easy pace' },
        ],
        sets: [
          { exerciseName: bench, setType: 'warmup', reps: 10, weightKg: 40, ...none },
          { exerciseName: bench, setType: 'normal', reps: 5, weightKg: 102.0583, ...none, rpe: 8.5 },
          { exerciseName: bench, setType: 'dropset', reps: 8, weightKg: 80, ...none, note: 'grip, wide' },
          { exerciseName: bench, setType: 'failure', reps: 3, weightKg: 80, ...none },
          {
            exerciseName: 'Running',
            setType: 'normal',
            reps: null,
            weightKg: null,
            ...none,
            durationS: 1860,
            distanceM: 5200,
          },
        ],
      },
    ];
    const csv = writeWorkoutCsv(sessions, { timeZone: 'Europe/Berlin' });
    const lines = csv.split('\n');
    expect(lines[0]).toBe(
      'Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE',
    );
    expect(lines[0]).toBe(CSV_EXPORT_HEADER.join(','));
    // The duration keeps its seconds: 1 h 5 min 5 s.
    const head = `2024-03-05 18:01:12,"'=cmd|calc",1h 5m 5s`;
    const start = `${head},"Bench, ""wide"""`;
    const workoutNotes = '"deload, ""next"" week"';
    expect(lines.slice(1, 8)).toEqual([
      `${start},Note,,,,,Elbows in,${workoutNotes},`,
      `${start},W,40,10,0,0,,${workoutNotes},`,
      `${start},1,102.0583,5,0,0,,${workoutNotes},8.5`,
      `${start},D,80,8,0,0,"grip, wide",${workoutNotes},`,
      `${start},F,80,3,0,0,,${workoutNotes},`,
      `${head},Running,Note,,,,,"'-easy pace",${workoutNotes},`,
      `${head},Running,1,0,0,5.2,1860,,${workoutNotes},`,
    ]);
    const back = parseWorkoutCsv(csv, { timeZone: 'Europe/Berlin' });
    expect(back.skippedRows).toEqual([]);
    const rows = [3, 4, 5, 6, 8];
    expect(back.workouts).toEqual([
      { ...sessions[0], sets: sessions[0]?.sets.map((s, i) => ({ ...s, row: rows[i] })) },
    ]);
    expect(writeWorkoutCsv(back.workouts, { timeZone: 'Europe/Berlin' })).toBe(csv);
  });

  it.each(FIXTURES)('%s: import → export → import → export writes the same bytes twice', (name) => {
    const once = writeWorkoutCsv(parseWorkoutCsv(fixture(name), { timeZone: 'UTC' }).workouts, { timeZone: 'UTC' });
    const twice = writeWorkoutCsv(parseWorkoutCsv(once, { timeZone: 'UTC' }).workouts, { timeZone: 'UTC' });
    expect(twice).toBe(once);
    expect(once.split('\n').length).toBeGreaterThan(2);
  });

  it('escapes a formula behind a leading line break or space, and reads every name back as it was', () => {
    const set = { setType: 'normal' as const, reps: 5, weightKg: 60, ...none };
    const sessions: ExportSession[] = [
      {
        name: '\n=HYPERLINK("http://x")',
        startedAt: new Date('2024-03-05T17:00:00Z'),
        finishedAt: new Date('2024-03-05T18:00:00Z'),
        notes: null,
        exerciseNotes: [],
        sets: [
          { ...set, exerciseName: ' @SUM(A1)' },
          { ...set, exerciseName: '-tired' },
          { ...set, exerciseName: "'quoted" },
        ],
      },
    ];
    const csv = writeWorkoutCsv(sessions, { timeZone: 'UTC' });
    const cells = Papa.parse<string[]>(csv.trimEnd()).data.slice(1);
    expect(cells.map((row) => [row[1], row[3]])).toEqual([
      ['\'\n=HYPERLINK("http://x")', "' @SUM(A1)"],
      ['\'\n=HYPERLINK("http://x")', "'-tired"],
      ['\'\n=HYPERLINK("http://x")', "'quoted"],
    ]);
    // Numbers stay numbers: weights and reps are written bare.
    expect(cells[0]?.slice(5, 7)).toEqual(['60', '5']);
    const back = parseWorkoutCsv(csv, { timeZone: 'UTC' });
    // The import trims names (as it does for every file): the formula comes back without its line break.
    expect(back.workouts[0]?.name).toBe('=HYPERLINK("http://x")');
    expect(back.workouts[0]?.sets.map((s) => [s.exerciseName, s.weightKg, s.reps])).toEqual([
      ['@SUM(A1)', 60, 5],
      ['-tired', 60, 5],
      ["'quoted", 60, 5],
    ]);
  });
});
