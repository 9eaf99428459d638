import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CSV_EXPORT_HEADER, writeWorkoutCsv } from './fitness.csv-export.js';
import { parseWorkoutCsv } from './fitness.csv-import.js';

// Each export is read back with the import: the two shapes must agree.
describe('writeWorkoutCsv', () => {
  it('writes the current Strong shape that reads back to the same workouts', () => {
    const sessions = [
      {
        name: '=cmd|calc',
        startedAt: new Date('2024-03-05T17:01:12Z'),
        finishedAt: new Date('2024-03-05T18:06:12Z'),
        sets: [
          {
            exerciseName: 'Bench, "wide"',
            isWarmup: true,
            reps: 10,
            weightKg: 40,
            rpe: null,
            durationS: null,
            distanceM: null,
          },
          {
            exerciseName: 'Bench, "wide"',
            isWarmup: false,
            reps: 5,
            weightKg: 102.0583,
            rpe: 8.5,
            durationS: null,
            distanceM: null,
          },
          {
            exerciseName: 'Running',
            isWarmup: false,
            reps: null,
            weightKg: null,
            rpe: null,
            durationS: 1860,
            distanceM: 5200,
          },
        ],
      },
    ];
    const csv = writeWorkoutCsv(sessions, { timeZone: 'Europe/Berlin' });
    expect(csv.split('\n')[0]).toBe(CSV_EXPORT_HEADER.join(','));
    expect(csv.split('\n')[1]).toBe(`2024-03-05 18:01:12,"'=cmd|calc",1h 5m,"Bench, ""wide""",W,40,10,0,0,`);
    expect(csv.split('\n')[3]).toBe(`2024-03-05 18:01:12,"'=cmd|calc",1h 5m,Running,1,0,0,5.2,1860,`);
    const back = parseWorkoutCsv(csv, { timeZone: 'Europe/Berlin' });
    expect(back.workouts).toEqual([
      {
        ...sessions[0],
        notes: null,
        sets: sessions[0]?.sets.map((s, i) => ({ ...s, row: i + 2 })),
      },
    ]);
    expect(writeWorkoutCsv(back.workouts, { timeZone: 'Europe/Berlin' })).toBe(csv);
  });

  it('escapes a formula behind a leading line break or space, and reads every name back as it was', () => {
    const set = { isWarmup: false, reps: 5, weightKg: 60, rpe: null, durationS: null, distanceM: null };
    const sessions = [
      {
        name: '\n=HYPERLINK("http://x")',
        startedAt: new Date('2024-03-05T17:00:00Z'),
        finishedAt: new Date('2024-03-05T18:00:00Z'),
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
