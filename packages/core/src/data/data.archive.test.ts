// The archive and its files tested together, over one fixture document (most of this file's length): every case
// unpacks the archive it makes, and the files' own readers (the calendar's and fitness' imports) read them back.
import { randomBytes } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseIcs } from '../calendar/calendar.ics-import.js';
import { parseWorkoutCsv } from '../fitness/fitness.csv-import.js';
import { archiveFilename, exportArchive } from './data.archive.js';
import { ARCHIVE_FILES, journalMarkdown, TASKS_CSV_HEADER } from './data.archive-files.js';
import type { TExportPart } from './data.export.js';
import { DATA_EXPORT_SECTIONS, type TDataExport, type TDataExportSection, ZDataExport } from './data.schemas.js';

const NOW = new Date('2026-11-25T18:30:00.000Z');
const T = '2026-11-20T08:00:00.000Z';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const DOCUMENT: TDataExport = {
  format: 'lifeos-export',
  version: 1,
  exportedAt: NOW.toISOString(),
  settings: {
    displayName: 'Ada',
    timezone: 'Europe/Berlin',
    weekStart: 'monday',
    units: 'metric',
    journalWordGoal: 750,
    theme: 'system',
    icsFeedIncludeTasks: false,
    reminders: {
      taskReminders: true,
      taskTime: '09:00',
      taskOffsetMinutes: 0,
      agendaTime: null,
      quietStart: null,
      quietEnd: null,
      lateWindowMinutes: 60,
    },
  },
  journal: [
    {
      id: id(1),
      type: 'morning_pages',
      entryDate: '2026-11-25',
      content: { text: 'Woke early.\n\nThe garden | was quiet, and I wrote three pages.' },
      createdAt: T,
      updatedAt: T,
    },
    {
      id: id(2),
      type: 'daily_reflection',
      entryDate: '2026-11-24',
      content: {
        wins: ['Shipped the export', 'Ran 5 km'],
        challenges: ['Too many meetings'],
        gratitude: ['Tea\nwith a friend'],
        mood: 4,
        energy: 3,
        tomorrowFocus: 'Write the import',
      },
      createdAt: T,
      updatedAt: T,
    },
    {
      id: id(3),
      type: 'weekly_review',
      entryDate: '2026-11-16',
      content: {
        wins: ['Finished the chapter'],
        lessons: [],
        priorities: ['Rest'],
        ratings: [
          { area: 'health', score: 7 },
          { area: 'work | life', score: 9 },
        ],
      },
      createdAt: T,
      updatedAt: '2026-11-22T19:00:00.000Z',
    },
  ],
  exercises: [
    {
      id: id(10),
      name: 'Sled Push, "heavy"',
      category: 'strength',
      primaryMuscles: ['quadriceps'],
      secondaryMuscles: [],
      equipment: 'machine',
      archivedAt: null,
      createdAt: T,
      updatedAt: T,
    },
  ],
  programs: [],
  programDays: [],
  programExercises: [],
  workoutSessions: [
    {
      id: id(20),
      programDayId: null,
      name: 'Push',
      startedAt: '2026-11-23T17:00:00.000Z',
      finishedAt: '2026-11-23T18:05:07.000Z',
      notes: 'Felt strong',
      exerciseNotes: [{ position: 0, exerciseName: 'Bench', note: 'Elbows in' }],
      createdAt: T,
      updatedAt: T,
    },
    {
      id: id(21),
      programDayId: null,
      name: 'Legs',
      startedAt: '2026-11-24T07:30:00.000Z',
      finishedAt: '2026-11-24T08:00:00.000Z',
      notes: null,
      createdAt: T,
      updatedAt: T,
    },
    {
      id: id(22),
      programDayId: null,
      name: 'In progress',
      startedAt: '2026-11-25T17:00:00.000Z',
      finishedAt: null,
      notes: null,
      createdAt: T,
      updatedAt: T,
    },
  ],
  workoutSets: [
    ...[
      { n: 30, position: 0, isWarmup: true, reps: 10, weightKg: 40 },
      {
        n: 31,
        position: 1,
        isWarmup: false,
        setType: 'failure' as const,
        reps: 5,
        weightKg: 102.5,
        sourceName: 'Bench',
      },
      { n: 32, position: 2, isWarmup: false, reps: 5, weightKg: 100, completed: false },
    ].map(({ n, completed, ...s }) => ({
      id: id(n),
      sessionId: id(20),
      exercise: { builtin: 'Bench Press (Barbell)' },
      rpe: null,
      durationS: null,
      distanceM: null,
      completed: completed ?? true,
      createdAt: T,
      ...s,
    })),
    {
      id: id(33),
      sessionId: id(21),
      exercise: { id: id(10) },
      position: 0,
      reps: 8,
      weightKg: 120,
      rpe: 8.5,
      durationS: null,
      distanceM: null,
      isWarmup: false,
      setType: 'dropset',
      note: 'slow, heavy',
      completed: true,
      createdAt: T,
    },
    {
      id: id(34),
      sessionId: id(21),
      exercise: { builtin: 'Running' },
      position: 1,
      reps: null,
      weightKg: null,
      rpe: null,
      durationS: 600,
      distanceM: 2000,
      isWarmup: false,
      completed: true,
      createdAt: T,
    },
    {
      id: id(35),
      sessionId: id(22),
      exercise: { builtin: 'Running' },
      position: 0,
      reps: null,
      weightKg: null,
      rpe: null,
      durationS: 60,
      distanceM: 200,
      isWarmup: false,
      completed: true,
      createdAt: T,
    },
  ],
  bodyWeights: [{ id: id(40), measuredOn: '2026-11-20', weightKg: 71.4, createdAt: T, updatedAt: T }],
  projects: [
    {
      id: id(50),
      name: 'Garden',
      description: null,
      status: 'active',
      area: 'home',
      color: '#22aa55',
      targetDate: null,
      completedAt: null,
      createdAt: T,
      updatedAt: T,
    },
  ],
  tasks: [
    {
      id: id(60),
      projectId: id(50),
      title: 'Plant tulips, "before frost"',
      notes: 'Red and\nyellow',
      status: 'todo',
      priority: 2,
      labels: ['garden', 'autumn'],
      dueDate: '2026-11-28',
      position: 0,
      rrule: null,
      repeatAfterDays: null,
      seriesId: null,
      completedAt: null,
      sourceCaptureId: null,
      createdAt: T,
      updatedAt: T,
    },
    {
      id: id(61),
      projectId: null,
      title: '=HYPERLINK("x")',
      notes: '\n=1+1',
      status: 'done',
      priority: 0,
      labels: [],
      dueDate: null,
      position: 1,
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      repeatAfterDays: null,
      seriesId: id(62),
      completedAt: '2026-11-21T10:00:00.000Z',
      sourceCaptureId: null,
      createdAt: T,
      updatedAt: T,
    },
  ],
  captures: [
    {
      id: id(70),
      text: 'Buy bulbs',
      url: null,
      status: 'inbox',
      processedIntoKind: null,
      processedIntoId: null,
      processedAt: null,
      createdAt: T,
      updatedAt: T,
    },
  ],
  events: [
    {
      id: id(80),
      title: 'Choir',
      description: 'Bring the score',
      location: 'Hall',
      startsAt: '2026-11-02T18:00:00.000Z',
      endsAt: '2026-11-02T20:00:00.000Z',
      allDay: false,
      timezone: 'Europe/Berlin',
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      exdates: ['2026-11-09T18:00:00.000Z'],
      icsUid: 'choir@lifeos',
      recurrenceId: null,
      seriesId: null,
      createdAt: T,
      updatedAt: T,
    },
    {
      id: id(81),
      title: 'Holiday',
      description: null,
      location: null,
      startsAt: '2026-12-24T00:00:00.000Z',
      endsAt: '2026-12-25T00:00:00.000Z',
      allDay: true,
      timezone: 'UTC',
      rrule: null,
      exdates: [],
      icsUid: 'holiday@lifeos',
      recurrenceId: null,
      seriesId: null,
      createdAt: T,
      updatedAt: T,
    },
  ],
};

/** The document as parts, the way `exportParts` yields them: settings, then batches of `batch` rows per section. */
async function* partsOf(document: TDataExport, batch = 2): AsyncGenerator<TExportPart> {
  yield { section: 'settings', value: document.settings };
  for (const section of DATA_EXPORT_SECTIONS) {
    const rows = document[section] as unknown[];
    for (let i = 0; i < rows.length; i += batch) {
      yield { section, rows: rows.slice(i, i + batch) } as TExportPart;
    }
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

async function unpack(document: TDataExport = DOCUMENT) {
  const zip = await collect(exportArchive(partsOf(document), { now: NOW, level: 1 }));
  const files = unzipSync(zip);
  return { zip, files, text: (name: string) => strFromU8(files[name] ?? new Uint8Array()) };
}

describe('exportArchive', () => {
  it('holds the JSON document, README, calendar, workouts, tasks and one Markdown file per entry', async () => {
    const { files, text } = await unpack();
    expect(Object.keys(files).sort()).toEqual(
      [
        ARCHIVE_FILES.readme,
        ARCHIVE_FILES.json,
        'journal/2026/2026-11-25-morning-pages.md',
        'journal/2026/2026-11-24-daily-reflection.md',
        'journal/2026/2026-11-16-weekly-review.md',
        ARCHIVE_FILES.tasks,
        ARCHIVE_FILES.workouts,
        ARCHIVE_FILES.calendar,
      ].sort(),
    );
    // Byte for byte the compact JSON of the document, keys in document order, as the JSON export writes it.
    expect(text(ARCHIVE_FILES.json)).toBe(JSON.stringify(DOCUMENT));
    const json = JSON.parse(text(ARCHIVE_FILES.json));
    expect(ZDataExport.parse(json)).toEqual(DOCUMENT);
    expect(json).toEqual(DOCUMENT);
    expect(text(ARCHIVE_FILES.readme)).toContain('lifeos-export.json');
  });

  it('writes sections that had no rows, and a document with nothing but settings', async () => {
    const empty = Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, []])) as unknown as Pick<
      TDataExport,
      TDataExportSection
    >;
    const document: TDataExport = { ...DOCUMENT, ...empty };
    const { files, text } = await unpack(document);
    expect(text(ARCHIVE_FILES.json)).toBe(JSON.stringify(document));
    expect(Object.keys(files).filter((f) => f.startsWith('journal/'))).toEqual([]);
    expect(text(ARCHIVE_FILES.tasks)).toBe(`${TASKS_CSV_HEADER.join(',')}\n`);
    expect(text(ARCHIVE_FILES.workouts).split('\n')[0]).toBe(
      'Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE',
    );
    expect(parseIcs(text(ARCHIVE_FILES.calendar), { defaultTimezone: 'UTC' }).events).toEqual([]);
  });

  it('writes morning pages as Markdown with front matter and the text as written', async () => {
    const { text } = await unpack();
    expect(text('journal/2026/2026-11-25-morning-pages.md')).toBe(
      [
        '---',
        'type: morning_pages',
        'date: 2026-11-25',
        `created: ${T}`,
        `updated: ${T}`,
        '---',
        '',
        '# Morning pages — Wednesday 25 November 2026',
        '',
        'Woke early.',
        '',
        'The garden | was quiet, and I wrote three pages.',
        '',
      ].join('\n'),
    );
  });

  it('writes a daily reflection with mood and energy in the front matter and a section per list', async () => {
    const { text } = await unpack();
    const md = text('journal/2026/2026-11-24-daily-reflection.md');
    expect(md).toMatch(/^---\ntype: daily_reflection\ndate: 2026-11-24\nmood: 4\nenergy: 3\n/);
    expect(md).toContain('# Daily reflection — Tuesday 24 November 2026');
    expect(md).toContain('Mood 4/5 · energy 3/5');
    expect(md).toContain('## Wins\n\n- Shipped the export\n- Ran 5 km\n');
    expect(md).toContain('## Challenges\n\n- Too many meetings\n');
    // A line break inside an item stays inside the item.
    expect(md).toContain('## Grateful for\n\n- Tea\n  with a friend\n');
    expect(md).toContain("## Tomorrow's focus\n\n- Write the import\n");
  });

  it('writes a weekly review with its ratings as front matter and a table', async () => {
    const { text } = await unpack();
    const md = text('journal/2026/2026-11-16-weekly-review.md');
    expect(md).toContain('type: weekly_review\ndate: 2026-11-16\n');
    expect(md).toContain('ratings:\n  "health": 7\n  "work | life": 9\n---');
    expect(md).toContain('# Weekly review — week of Monday 16 November 2026');
    expect(md).toContain('## Lessons\n\n_Nothing written._\n');
    expect(md).toContain("## Next week's priorities\n\n- Rest\n");
    expect(md).toContain('| Area | Rating |\n| --- | ---: |\n| health | 7/10 |\n| work \\| life | 9/10 |');
  });

  it('writes the events as an .ics that the calendar import reads back to the same events', async () => {
    const { text } = await unpack();
    const parsed = parseIcs(text(ARCHIVE_FILES.calendar), { defaultTimezone: 'UTC' });
    expect(parsed.skipped).toEqual([]);
    const byUid = new Map(parsed.events.map((e) => [e.icsUid, e]));
    for (const event of DOCUMENT.events) {
      const back = byUid.get(event.icsUid);
      expect(back, event.icsUid).toMatchObject({
        title: event.title,
        description: event.description,
        location: event.location,
        allDay: event.allDay,
        startsAt: new Date(event.startsAt),
        endsAt: new Date(event.endsAt),
        timezone: event.timezone,
        rrule: event.rrule,
        exdates: event.exdates.map((d) => new Date(d)),
        recurrenceId: null,
      });
    }
    expect(parsed.events).toHaveLength(DOCUMENT.events.length);
  });

  it('writes finished workouts as a Strong CSV that the fitness import reads back to the same sets', async () => {
    const { text } = await unpack();
    const parsed = parseWorkoutCsv(text(ARCHIVE_FILES.workouts), { timeZone: 'Europe/Berlin' });
    expect(parsed.skippedRows).toEqual([]);
    const strip = (w: (typeof parsed.workouts)[number]) => ({
      ...w,
      sets: w.sets.map(({ row: _row, ...set }) => set),
    });
    const none = { rpe: null, durationS: null, distanceM: null, note: null };
    expect(parsed.workouts.map(strip)).toEqual([
      {
        name: 'Push',
        startedAt: new Date('2026-11-23T17:00:00.000Z'),
        // To the second; the workout's note, the note on an exercise, set types and the file's own name come along.
        finishedAt: new Date('2026-11-23T18:05:07.000Z'),
        notes: 'Felt strong',
        exerciseNotes: [{ position: 0, exerciseName: 'Bench', note: 'Elbows in' }],
        // The set not marked completed is left out, as the fitness export does.
        sets: [
          { exerciseName: 'Bench Press (Barbell)', setType: 'warmup', reps: 10, weightKg: 40, ...none },
          { exerciseName: 'Bench', setType: 'failure', reps: 5, weightKg: 102.5, ...none },
        ],
      },
      {
        name: 'Legs',
        startedAt: new Date('2026-11-24T07:30:00.000Z'),
        finishedAt: new Date('2026-11-24T08:00:00.000Z'),
        notes: null,
        exerciseNotes: [],
        sets: [
          {
            exerciseName: 'Sled Push, "heavy"',
            setType: 'dropset',
            reps: 8,
            weightKg: 120,
            ...none,
            rpe: 8.5,
            note: 'slow, heavy',
          },
          {
            exerciseName: 'Running',
            setType: 'normal',
            note: null,
            reps: null,
            weightKg: null,
            rpe: null,
            durationS: 600,
            distanceM: 2000,
          },
        ],
      },
      // The workout still in progress is not in the CSV.
    ]);
  });

  it('writes tasks as a CSV with project names, escaping formulas', async () => {
    const { text } = await unpack();
    const rows = Papa.parse<string[]>(text(ARCHIVE_FILES.tasks).trimEnd()).data;
    expect(rows[0]).toEqual([...TASKS_CSV_HEADER]);
    expect(rows[1]).toEqual([
      'Plant tulips, "before frost"',
      'todo',
      '2',
      '2026-11-28',
      'Garden',
      'garden, autumn',
      'Red and\nyellow',
      '',
      T,
      '',
    ]);
    expect(rows[2]?.slice(0, 3)).toEqual([`'=HYPERLINK("x")`, 'done', '0']);
    expect(rows[2]?.[7]).toBe('FREQ=WEEKLY;BYDAY=MO');
    // A formula behind a leading line break is escaped too (papaparse's own pattern let it through).
    expect(rows[2]?.[6]).toBe(`'\n=1+1`);
    expect(rows).toHaveLength(3);
  });

  it('streams: bytes come out before the last part has been read', async () => {
    const big: TDataExport = {
      ...DOCUMENT,
      journal: Array.from({ length: 400 }, (_, i) => ({
        id: id(1000 + i),
        type: 'morning_pages' as const,
        entryDate: new Date(Date.UTC(2015, 0, 1 + i)).toISOString().slice(0, 10),
        // Random text, which deflate cannot shrink: the bytes out follow the bytes in.
        content: { text: `Entry ${i}: ${randomBytes(1200).toString('base64')}` },
        createdAt: T,
        updatedAt: T,
      })),
    };
    let partsDone = false;
    async function* tracked() {
      yield* partsOf(big, 50);
      partsDone = true;
    }
    let earlyBytes = 0;
    const chunks: Uint8Array[] = [];
    for await (const chunk of exportArchive(tracked(), { now: NOW, level: 1 })) {
      if (!partsDone) earlyBytes += chunk.length;
      chunks.push(chunk);
    }
    expect(earlyBytes).toBeGreaterThan(400_000);
    const files = unzipSync(Buffer.concat(chunks));
    expect(JSON.parse(strFromU8(files[ARCHIVE_FILES.json] as Uint8Array)).journal).toHaveLength(400);
  });

  it('renders one entry on its own and names the archive by the local date', () => {
    expect(journalMarkdown(DOCUMENT.journal[0] as TDataExport['journal'][number])).toContain('# Morning pages');
    expect(archiveFilename(new Date('2026-11-25T23:30:00Z'), 'Europe/Berlin')).toBe('lifeos-export-2026-11-26.zip');
    expect(archiveFilename(new Date('2026-11-25T23:30:00Z'), 'UTC')).toBe('lifeos-export-2026-11-25.zip');
  });
});
