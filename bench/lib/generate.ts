// One file although over 400 lines: one pure generator whose parts share its seeded randomness and calendar.
/**
 * Ten years (or `years`) of one person's Life OS data, as plain rows ready for multi-row INSERTs: a pure function
 * of its options. The same seed, end date and span give the same content every time (faker is seeded, dates come
 * from `until`, never from the clock); only the row ids are fresh (`newId`), so several seeded users can share a
 * database and an import can be compared with its source by content.
 *
 * Rows follow what the services would have written: journal word counts by the journal rules, events' series end
 * and UID as calendar.createEvent sets them, detached occurrences keyed by a real occurrence start, repeating
 * tasks as a series of done history rows plus one open occurrence (projects.completeTask), captures processed
 * into a task, an event or a morning-pages note with the link both ways (captures.process).
 */
import { randomUUID } from 'node:crypto';
import { en, Faker } from '@faker-js/faker';
import {
  entryWordCount,
  recurrenceToRrule,
  type TJournalEntryType,
  type TRecurrence,
  ZDailyReflectionContent,
  ZMorningPagesContent,
  ZWeeklyReviewContent,
} from '@lifeos/core/schemas';
import type {
  CaptureTargetKind,
  ExerciseCategory,
  JournalContent,
  NewCapture,
  NewEvent,
  NewExercise,
  NewJournalEntry,
  NewProgramDay,
  NewProgramExercise,
  NewProject,
  NewTask,
  NewWorkoutSet,
  ProjectStatus,
} from '@lifeos/db';
import { fromFloating } from '../../packages/core/src/calendar/calendar.floating-time.js';
import { walkRule } from '../../packages/core/src/calendar/calendar.rrule-engine.js';
import { seriesEnd, seriesRule } from '../../packages/core/src/calendar/calendar.series.js';
import { nextDueDate } from '../../packages/core/src/tasks/tasks.rules.js';
import { createTextGenerator, type TextGenerator } from './text.js';

export interface GenerateOptions {
  userId: string;
  /** The last day of data, 'YYYY-MM-DD' in the user's time zone (today by default in the seed script). */
  until: string;
  years: number;
  seed: number;
  /** The user's time zone (their settings): journal times, most events and workouts live in it. */
  timezone: string;
  /** The built-in exercise library: lower-cased name → id. */
  builtinExercises: ReadonlyMap<string, string>;
  newId?: () => string;
  /** Check every n-th journal entry's counted words against the journal rules' countWords (0: never). */
  verifyWordCountsEvery?: number;
}

export interface NewProgram {
  id: string;
  userId: string;
  name: string;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface NewWorkoutSession {
  id: string;
  userId: string;
  programDayId: string | null;
  name: string;
  startedAt: Date;
  finishedAt: Date | null;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface NewBodyWeight {
  id: string;
  userId: string;
  measuredOn: string;
  weightKg: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Every row, per table, in an order in which they can be inserted (parents first). */
export interface Dataset {
  exercises: NewExercise[];
  programs: NewProgram[];
  programDays: NewProgramDay[];
  programExercises: NewProgramExercise[];
  workoutSessions: NewWorkoutSession[];
  workoutSets: NewWorkoutSet[];
  bodyWeights: NewBodyWeight[];
  journalEntries: NewJournalEntry[];
  projects: NewProject[];
  captures: NewCapture[];
  tasks: NewTask[];
  events: NewEvent[];
}

export type DatasetTable = keyof Dataset;
export const DATASET_TABLES: DatasetTable[] = [
  'exercises',
  'programs',
  'programDays',
  'programExercises',
  'workoutSessions',
  'workoutSets',
  'bodyWeights',
  'journalEntries',
  'projects',
  'captures',
  'tasks',
  'events',
];

// ---------- calendar arithmetic on 'YYYY-MM-DD' (UTC midnights: a day is always a day) ----------

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
/** 0 = Sunday … 6 = Saturday. */
function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
/** A day's UTC offset in a zone (ms), or null on a day whose offset changes (DST): such days go the slow way. */
const dayOffsets = new Map<string, number | null>();

/** The instant of a wall-clock time on `date` in `timezone` (DST-correct). */
function at(date: string, minutesOfDay: number, timezone: string): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  const floating = new Date(midnight + Math.round(minutesOfDay) * MINUTE_MS);
  // A zone lookup (TZDate) costs tens of microseconds and the seed makes ~40,000 of them: one offset per day and
  // zone is enough, since an offset only changes on the few DST days, which are computed exactly.
  const key = `${timezone} ${date}`;
  let offset = dayOffsets.get(key);
  if (offset === undefined) {
    const early = midnight - fromFloating(new Date(midnight), timezone).getTime();
    const late = midnight + DAY_MS - 1 - fromFloating(new Date(midnight + DAY_MS - 1), timezone).getTime();
    offset = early === late ? early : null;
    dayOffsets.set(key, offset);
  }
  return offset === null ? fromFloating(floating, timezone) : new Date(floating.getTime() - offset);
}
const later = (instant: Date, minutes: number) => new Date(instant.getTime() + Math.round(minutes * MINUTE_MS));

// ---------- the generator ----------

export function generateDataset(options: GenerateOptions): Dataset {
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed);
  const text = createTextGenerator(faker);
  const newId = options.newId ?? randomUUID;
  const start = addDays(options.until, -Math.round(options.years * 365.25) + 1);
  const span = daysFrom(start, options.until) + 1;
  const ctx: Context = { ...options, faker, text, newId, start, span };

  const journal = generateJournal(ctx);
  const fitness = generateFitness(ctx);
  const work = generateProjectsAndTasks(ctx);
  const calendar = generateEvents(ctx);
  const captures = generateCaptures(ctx, work.captureSources, calendar.captureSources, journal.morningPagesByDate);
  return {
    ...fitness,
    journalEntries: journal.entries,
    projects: work.projects,
    captures,
    tasks: work.tasks,
    events: calendar.events,
  };
}

interface Context extends GenerateOptions {
  faker: Faker;
  text: TextGenerator;
  newId: () => string;
  start: string;
  span: number;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** A normally distributed number (Box–Muller on faker's uniform numbers, so it follows the seed). */
function normal(faker: Faker, mean: number, sd: number): number {
  const u = Math.max(faker.number.float(), 1e-9);
  const v = faker.number.float();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// ---------- journal ----------

const LIFE_AREAS = ['health', 'work', 'relationships', 'growth', 'fun'];
const CONTENT_SCHEMAS = {
  morning_pages: ZMorningPagesContent,
  daily_reflection: ZDailyReflectionContent,
  weekly_review: ZWeeklyReviewContent,
} as const;

function generateJournal(ctx: Context) {
  const { faker, text, userId, timezone } = ctx;
  const entries: NewJournalEntry[] = [];
  const morningPagesByDate = new Map<string, string>();
  const verifyEvery = ctx.verifyWordCountsEvery ?? 0;
  const add = (type: TJournalEntryType, date: string, content: JournalContent, words: number, minutes: number) => {
    if (verifyEvery > 0 && entries.length % verifyEvery === 0) {
      // Also proves the content passes the schema the API validates with.
      const parsed = CONTENT_SCHEMAS[type].parse(content);
      const counted = entryWordCount(type, parsed);
      if (counted !== words) throw new Error(`word count of ${type} ${date}: generated ${words}, counted ${counted}`);
    }
    const createdAt = at(date, minutes, timezone);
    const id = ctx.newId();
    entries.push({ id, userId, type, entryDate: date, content, wordCount: words, createdAt, updatedAt: createdAt });
    return id;
  };

  let pause = 0; // days left in a break from writing (holidays, illness)
  for (let day = 0; day < ctx.span; day++) {
    const date = addDays(ctx.start, day);
    if (pause > 0) pause--;
    else if (faker.number.float() < 0.012) pause = faker.number.int({ min: 2, max: 9 });
    const writing = pause === 0;

    if (writing && faker.number.float() < 0.97) {
      const target = Math.round(clamp(normal(faker, 430, 160), 150, 750));
      const pages = text.prose(target);
      const id = add('morning_pages', date, { text: pages.text }, pages.words, 6 * 60 + 30 + faker.number.int(90));
      morningPagesByDate.set(date, id);
    }
    if (writing && faker.number.float() < 0.95) {
      let words = 0;
      const list = (min: number, max: number) =>
        Array.from({ length: faker.number.int({ min, max }) }, () => {
          const item = text.item();
          words += item.words;
          return item.text;
        });
      // Mood drifts with the seasons (a little lower in the dark months), energy follows it loosely.
      const season = Math.cos(((Date.parse(date) / DAY_MS) % 365.25) * ((2 * Math.PI) / 365.25));
      const mood = Math.round(clamp(normal(faker, 3.4 - 0.4 * season, 0.8), 1, 5));
      const energy = Math.round(clamp(mood + normal(faker, 0, 0.8), 1, 5));
      const focus = text.focus();
      words += focus.words;
      const content = {
        wins: list(1, 3),
        challenges: list(0, 2),
        gratitude: list(1, 3),
        mood,
        energy,
        tomorrowFocus: focus.text,
      };
      add('daily_reflection', date, content, words, 21 * 60 + faker.number.int(90));
    }
    if (weekday(date) === 1 && faker.number.float() < 0.95) {
      let words = 0;
      const list = (min: number, max: number) =>
        Array.from({ length: faker.number.int({ min, max }) }, () => {
          const item = text.item();
          words += item.words;
          return item.text;
        });
      const content = {
        wins: list(2, 4),
        lessons: list(1, 3),
        priorities: list(2, 4),
        ratings: LIFE_AREAS.map((area) => ({ area, score: Math.round(clamp(normal(faker, 6.5, 1.6), 1, 10)) })),
      };
      add('weekly_review', date, content, words, 19 * 60 + faker.number.int(60));
    }
  }
  return { entries, morningPagesByDate };
}

// ---------- fitness ----------

type OwnExercise = [
  name: string,
  category: ExerciseCategory,
  primary: string[],
  secondary: string[],
  equipment: string,
];

const OWN_EXERCISES: OwnExercise[] = [
  ['Landmine Press', 'strength', ['shoulders', 'chest'], ['triceps'], 'barbell'],
  ['Landmine Row', 'strength', ['upper_back', 'lats'], ['biceps'], 'barbell'],
  ['Meadows Row', 'strength', ['lats', 'upper_back'], ['biceps'], 'barbell'],
  ['JM Press', 'strength', ['triceps'], ['chest'], 'barbell'],
  ['Spider Curl', 'strength', ['biceps'], [], 'dumbbell'],
  ['Pendulum Squat', 'strength', ['quadriceps'], ['glutes'], 'machine'],
  ['Belt Squat', 'strength', ['quadriceps', 'glutes'], [], 'machine'],
  ['Tibialis Raise', 'strength', ['calves'], [], 'plate'],
  ['Reverse Nordic', 'strength', ['quadriceps'], [], 'bodyweight'],
  ['Copenhagen Plank', 'strength', ['adductors'], ['obliques'], 'bodyweight'],
  ['Farmer Carry', 'strength', ['forearms', 'traps'], ['abs'], 'dumbbell'],
  ['Suitcase Carry', 'strength', ['obliques', 'forearms'], ['traps'], 'kettlebell'],
  ['Sandbag Clean', 'strength', ['full_body'], [], 'other'],
  ['Band Face Pull', 'strength', ['shoulders'], ['upper_back'], 'band'],
  ['Jefferson Curl', 'mobility', ['hamstrings', 'lower_back'], [], 'barbell'],
  ['Cossack Squat', 'mobility', ['adductors'], ['quadriceps'], 'bodyweight'],
  ['Trail Run', 'cardio', ['quadriceps', 'calves'], ['glutes'], 'none'],
  ['Zone 2 Bike', 'cardio', ['quadriceps'], ['calves'], 'cardio_machine'],
  ['Rowing Intervals', 'cardio', ['full_body'], [], 'cardio_machine'],
  ['Open Water Swim', 'cardio', ['full_body'], [], 'none'],
];

/** How one lift progresses over the years: a starting and a best working weight, its rep range and sets. */
interface Lift {
  exercise: string;
  startKg: number | null;
  peakKg: number | null;
  step: number;
  repMin: number;
  repMax: number;
  sets: number;
  warmups: number;
}

const lift = (exercise: string, startKg: number | null, peakKg: number | null, reps: [number, number], sets = 3) => ({
  exercise,
  startKg,
  peakKg,
  step: startKg !== null && startKg >= 20 ? 2.5 : 1,
  repMin: reps[0],
  repMax: reps[1],
  sets,
  warmups: startKg !== null && startKg >= 40 ? 2 : 0,
});

/** Three programs, run one after the other: what the person trained in each block of the ten years. */
const PROGRAMS: { name: string; notes: string; share: number; weekdays: number[]; days: [string, Lift[]][] }[] = [
  {
    name: 'StrongLifts 5×5',
    notes: 'Add weight every session; deload 10 % after three failures.',
    share: 0.3,
    weekdays: [1, 3, 5],
    days: [
      [
        'Workout A',
        [
          lift('Squat (Barbell)', 60, 150, [5, 5], 5),
          lift('Bench Press (Barbell)', 45, 105, [5, 5], 5),
          lift('Bent Over Row (Barbell)', 45, 95, [5, 5], 5),
        ],
      ],
      [
        'Workout B',
        [
          lift('Squat (Barbell)', 60, 150, [5, 5], 5),
          lift('Overhead Press (Barbell)', 30, 70, [5, 5], 5),
          lift('Deadlift (Barbell)', 80, 190, [5, 5], 1),
        ],
      ],
    ],
  },
  {
    name: 'Push Pull Legs',
    notes: 'Hypertrophy block. Last set of each exercise to RPE 9.',
    share: 0.32,
    weekdays: [1, 3, 5],
    days: [
      [
        'Push',
        [
          lift('Bench Press (Barbell)', 80, 115, [5, 8], 4),
          lift('Seated Overhead Press (Dumbbell)', 20, 34, [8, 12]),
          lift('Incline Bench Press (Dumbbell)', 26, 40, [8, 12]),
          lift('Lateral Raise (Dumbbell)', 8, 16, [12, 20]),
          lift('Triceps Pushdown (Cable)', 25, 45, [10, 15]),
        ],
      ],
      [
        'Pull',
        [
          lift('Deadlift (Barbell)', 140, 200, [3, 5], 3),
          lift('Pull-Up', null, null, [6, 12], 4),
          lift('Lat Pulldown (Cable)', 55, 85, [8, 12]),
          lift('Face Pull', 20, 35, [12, 20]),
          lift('Hammer Curl (Dumbbell)', 14, 24, [8, 12]),
        ],
      ],
      [
        'Legs',
        [
          lift('Squat (Barbell)', 120, 165, [5, 8], 4),
          lift('Romanian Deadlift (Barbell)', 90, 140, [8, 10]),
          lift('Leg Press', 160, 260, [10, 15]),
          lift('Lying Leg Curl (Machine)', 35, 60, [10, 15]),
          lift('Standing Calf Raise (Machine)', 60, 110, [10, 20]),
        ],
      ],
    ],
  },
  {
    name: 'Upper / Lower',
    notes: 'Four days a week, heavy and volume days.',
    share: 0.38,
    weekdays: [1, 2, 4, 5],
    days: [
      [
        'Upper (heavy)',
        [
          lift('Bench Press (Barbell)', 100, 125, [3, 5], 4),
          lift('Pendlay Row', 80, 110, [5, 8], 4),
          lift('Overhead Press (Barbell)', 55, 75, [5, 8]),
          lift('Landmine Row', 40, 65, [8, 12]),
        ],
      ],
      [
        'Lower (heavy)',
        [
          lift('Squat (Barbell)', 140, 175, [3, 5], 4),
          lift('Deadlift (Barbell)', 170, 215, [2, 4], 3),
          lift('Belt Squat', 80, 130, [8, 12]),
          lift('Tibialis Raise', 10, 25, [15, 25]),
        ],
      ],
      [
        'Upper (volume)',
        [
          lift('Incline Bench Press (Barbell)', 70, 95, [8, 10], 4),
          lift('Weighted Pull-Up', 5, 30, [5, 8], 4),
          lift('Landmine Press', 25, 45, [8, 12]),
          lift('Spider Curl', 10, 18, [10, 15]),
          lift('JM Press', 40, 60, [8, 12]),
        ],
      ],
      [
        'Lower (volume)',
        [
          lift('Front Squat (Barbell)', 80, 120, [6, 8], 4),
          lift('Hip Thrust (Barbell)', 100, 180, [8, 12]),
          lift('Pendulum Squat', 60, 110, [10, 15]),
          lift('Seated Leg Curl (Machine)', 40, 65, [10, 15]),
          lift('Copenhagen Plank', null, null, [20, 40], 2),
        ],
      ],
    ],
  },
];

const ACCESSORIES: Lift[] = [
  lift('Hanging Leg Raise', null, null, [8, 15]),
  lift('Ab Wheel Rollout', null, null, [8, 12]),
  lift('Farmer Carry', 24, 40, [1, 1], 3),
  lift('Bicep Curl (Dumbbell)', 10, 20, [8, 12]),
  lift('Cable Crunch', 30, 60, [10, 15]),
];

const CARDIO = ['Running', 'Trail Run', 'Zone 2 Bike', 'Rowing Intervals', 'Cycling', 'Open Water Swim'];

function generateFitness(ctx: Context) {
  const { faker, userId, timezone } = ctx;
  const createdAt = at(ctx.start, 12 * 60, timezone);
  const exercises: NewExercise[] = [];
  const exerciseIds = new Map(ctx.builtinExercises);
  for (const [name, category, primaryMuscles, secondaryMuscles, equipment] of OWN_EXERCISES) {
    const id = ctx.newId();
    exerciseIds.set(name.toLowerCase(), id);
    exercises.push({
      id,
      userId,
      name,
      category,
      primaryMuscles,
      secondaryMuscles,
      equipment,
      archivedAt: name === 'Sandbag Clean' ? at(addDays(ctx.start, 400), 12 * 60, timezone) : null,
      createdAt,
      updatedAt: createdAt,
    });
  }
  const exerciseId = (name: string) => {
    const id = exerciseIds.get(name.toLowerCase());
    if (!id) throw new Error(`exercise "${name}" is neither built in nor the user's own`);
    return id;
  };

  const programs: NewProgram[] = [];
  const programDays: NewProgramDay[] = [];
  const programExercises: NewProgramExercise[] = [];
  const workoutSessions: NewWorkoutSession[] = [];
  const workoutSets: NewWorkoutSet[] = [];

  /** The working weight of a lift `day` days into the ten years: a saturating climb with deload weeks. */
  const weightOn = (l: Lift, day: number): number | null => {
    if (l.startKg === null || l.peakKg === null) return null;
    const climb = l.startKg + (l.peakKg - l.startKg) * (1 - Math.exp(-day / 700));
    const deload = Math.floor(day / 7) % 10 === 9 ? 0.9 : 1;
    return Math.max(0, Math.round((climb * deload) / l.step) * l.step);
  };

  let blockStart = 0;
  for (const [index, plan] of PROGRAMS.entries()) {
    const blockDays = index === PROGRAMS.length - 1 ? ctx.span - blockStart : Math.round(ctx.span * plan.share);
    const programId = ctx.newId();
    const programCreated = at(addDays(ctx.start, Math.max(0, blockStart - 3)), 20 * 60, timezone);
    programs.push({
      id: programId,
      userId,
      name: plan.name,
      notes: plan.notes,
      createdAt: programCreated,
      updatedAt: programCreated,
    });
    const dayIds = plan.days.map(([name, lifts], position) => {
      const id = ctx.newId();
      programDays.push({ id, userId, programId, position, name });
      for (const [exercisePosition, l] of lifts.entries()) {
        const rpe = exercisePosition === 0 ? 8 : null;
        programExercises.push({
          id: ctx.newId(),
          userId,
          programDayId: id,
          exerciseId: exerciseId(l.exercise),
          position: exercisePosition,
          supersetGroup: null,
          targetSets: l.sets,
          repMin: l.repMin,
          repMax: l.repMax,
          targetWeightKg: weightOn(l, blockStart),
          targetRpe: rpe,
          targetRir: rpe === null && l.startKg !== null ? 2 : null,
          restSeconds: exercisePosition === 0 ? 180 : 90,
          incrementKg: l.step,
        });
      }
      return id;
    });

    let rotation = 0;
    let holiday = 0;
    for (let d = blockStart; d < blockStart + blockDays; d++) {
      const date = addDays(ctx.start, d);
      if (holiday > 0) {
        holiday--;
        continue;
      }
      if (faker.number.float() < 0.006) holiday = faker.number.int({ min: 5, max: 14 });
      const dow = weekday(date);
      if (plan.weekdays.includes(dow) && faker.number.float() < 0.72) {
        const dayIndex = rotation++ % plan.days.length;
        const [dayName, lifts] = plan.days[dayIndex] as [string, Lift[]];
        const extra = faker.helpers.arrayElements(ACCESSORIES, faker.number.float() < 0.5 ? 2 : 1);
        const startedAt = at(date, 17 * 60 + 30 + faker.number.int(120), timezone);
        const sessionId = ctx.newId();
        let position = 0;
        let clock = startedAt;
        for (const l of [...lifts, ...extra]) {
          const work = weightOn(l, d);
          for (let w = 0; w < l.warmups && work !== null; w++) {
            clock = later(clock, 2 + faker.number.int(2));
            workoutSets.push({
              id: ctx.newId(),
              userId,
              sessionId,
              exerciseId: exerciseId(l.exercise),
              position: position++,
              reps: w === 0 ? 8 : 5,
              weightKg: Math.round((work * (w === 0 ? 0.5 : 0.75)) / 2.5) * 2.5,
              rpe: null,
              durationS: null,
              distanceM: null,
              setType: 'warmup',
              completed: true,
              createdAt: clock,
            });
          }
          for (let s = 0; s < l.sets; s++) {
            clock = later(clock, 2 + faker.number.int(3));
            const hard = s === l.sets - 1;
            const isHold = l.exercise === 'Copenhagen Plank';
            workoutSets.push({
              id: ctx.newId(),
              userId,
              sessionId,
              exerciseId: exerciseId(l.exercise),
              position: position++,
              reps: isHold
                ? null
                : faker.number.int({ min: l.repMin, max: l.repMax }) - (hard ? faker.number.int(1) : 0),
              weightKg: work,
              rpe:
                faker.number.float() < 0.5
                  ? clamp(Math.round(((hard ? 8.5 : 7.5) + normal(faker, 0, 0.7)) * 2) / 2, 6, 10)
                  : null,
              durationS: isHold ? faker.number.int({ min: l.repMin, max: l.repMax }) : null,
              distanceM: null,
              setType: 'normal',
              completed: true,
              createdAt: clock,
            });
          }
        }
        workoutSessions.push({
          id: sessionId,
          userId,
          programDayId: dayIds[dayIndex] as string,
          name: dayName,
          startedAt,
          finishedAt: later(clock, 5 + faker.number.int(10)),
          notes: faker.number.float() < 0.15 ? ctx.text.sentence().text : null,
          createdAt: startedAt,
          updatedAt: later(clock, 5),
        });
      } else if ((dow === 0 || dow === 6) && faker.number.float() < 0.35) {
        const name = faker.helpers.arrayElement(CARDIO);
        const startedAt = at(date, 8 * 60 + faker.number.int(180), timezone);
        const minutes = faker.number.int({ min: 25, max: 95 });
        const metresPerMinute = { Running: 190, 'Trail Run': 160, 'Zone 2 Bike': 420, 'Open Water Swim': 40 }[name];
        const sessionId = ctx.newId();
        workoutSets.push({
          id: ctx.newId(),
          userId,
          sessionId,
          exerciseId: exerciseId(name),
          position: 0,
          reps: null,
          weightKg: null,
          rpe: null,
          durationS: minutes * 60,
          distanceM: Math.round(minutes * (metresPerMinute ?? 300) * (0.9 + faker.number.float() * 0.2)),
          setType: 'normal',
          completed: true,
          createdAt: later(startedAt, minutes),
        });
        workoutSessions.push({
          id: sessionId,
          userId,
          programDayId: null,
          name,
          startedAt,
          finishedAt: later(startedAt, minutes + 3),
          notes: null,
          createdAt: startedAt,
          updatedAt: later(startedAt, minutes + 3),
        });
      }
    }
    blockStart += blockDays;
  }

  // Body weight: most mornings, a slow drift down with seasonal swings and day-to-day noise.
  const bodyWeights: NewBodyWeight[] = [];
  for (let d = 0; d < ctx.span; d++) {
    if (faker.number.float() < 0.03) continue;
    const date = addDays(ctx.start, d);
    const trend = 84 - 5 * (d / ctx.span) + 1.2 * Math.cos((d / 365.25) * 2 * Math.PI);
    const weighedAt = at(date, 7 * 60 + faker.number.int(30), timezone);
    bodyWeights.push({
      id: ctx.newId(),
      userId,
      measuredOn: date,
      weightKg: Math.round(normal(faker, trend, 0.45) * 10) / 10,
      createdAt: weighedAt,
      updatedAt: weighedAt,
    });
  }
  return { exercises, programs, programDays, programExercises, workoutSessions, workoutSets, bodyWeights };
}

// ---------- projects and tasks ----------

const AREAS = ['work', 'health', 'home', 'learning', 'finance', 'family', 'side projects'];
const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#4b5563'];
const LABELS = ['errand', 'call', 'deep-work', 'quick', 'waiting', 'email', 'review', 'buy'];

/** Repeating tasks: a rule (or N days after completion), and the share of the ten years it ran. */
const SERIES: { title: string; rrule?: string; every?: number; from: number; to: number; labels: string[] }[] = [
  { title: 'Pay rent', rrule: 'FREQ=MONTHLY', from: 0, to: 1, labels: ['finance'] },
  { title: 'Weekly planning', rrule: 'FREQ=WEEKLY;BYDAY=SU', from: 0.5, to: 1, labels: ['review'] },
  { title: 'Clean the bathroom', rrule: 'FREQ=WEEKLY;INTERVAL=2', from: 0.6, to: 1, labels: [] },
  { title: 'Back up the laptop', rrule: 'FREQ=MONTHLY;BYDAY=1SA', from: 0.4, to: 1, labels: [] },
  { title: 'Renew car insurance', rrule: 'FREQ=YEARLY', from: 0, to: 1, labels: ['finance'] },
  { title: 'Water the plants', every: 4, from: 0.8, to: 1, labels: ['quick'] },
  { title: 'Change the bedsheets', every: 7, from: 0.2, to: 0.3, labels: [] },
];

interface CaptureSource {
  /** The capture's own id, chosen up front so a task can point back at it (tasks.source_capture_id). */
  captureId: string;
  kind: CaptureTargetKind;
  id: string;
  text: string;
  /** When it was processed; the capture was made a little before. */
  processedAt: Date;
}

function generateProjectsAndTasks(ctx: Context) {
  const { faker, text, userId, timezone } = ctx;
  const projects: NewProject[] = [];
  const tasks: NewTask[] = [];
  const captureSources: CaptureSource[] = [];
  const lastDay = ctx.span - 1;
  const pickLabels = () =>
    faker.number.float() < 0.45 ? faker.helpers.arrayElements(LABELS, { min: 1, max: 2 }).sort() : [];
  const priority = () =>
    faker.helpers.weightedArrayElement([
      { weight: 50, value: 0 },
      { weight: 20, value: 1 },
      { weight: 20, value: 2 },
      { weight: 10, value: 3 },
    ]);

  /** One task made between `from` and `to` (days into the span), done with probability `pDone`. */
  const makeTask = (projectId: string | null, position: number, fromDay: number, toDay: number, pDone: number) => {
    const createdDay = faker.number.int({ min: fromDay, max: Math.max(fromDay, toDay) });
    const created = at(addDays(ctx.start, createdDay), 8 * 60 + faker.number.int(12 * 60), timezone);
    const due =
      faker.number.float() < 0.5 ? addDays(ctx.start, createdDay + faker.number.int({ min: 1, max: 30 })) : null;
    const doneDay = createdDay + faker.number.int({ min: 0, max: 25 });
    const done = doneDay <= lastDay && faker.number.float() < pDone;
    const completedAt = done ? at(addDays(ctx.start, doneDay), 9 * 60 + faker.number.int(11 * 60), timezone) : null;
    const title = text.title();
    const task: NewTask = {
      id: ctx.newId(),
      userId,
      projectId,
      title,
      notes: faker.number.float() < 0.2 ? text.sentence().text : null,
      status: done ? 'done' : faker.number.float() < 0.1 ? 'doing' : 'todo',
      priority: priority(),
      labels: pickLabels(),
      dueDate: due,
      position,
      rrule: null,
      repeatAfterDays: null,
      seriesId: null,
      completedAt,
      sourceCaptureId: null,
      createdAt: created,
      updatedAt: completedAt ?? created,
    };
    tasks.push(task);
    return task;
  };
  const fromCapture = (task: NewTask, p: number) => {
    if (faker.number.float() >= p) return;
    const captureId = ctx.newId();
    task.sourceCaptureId = captureId;
    captureSources.push({
      captureId,
      kind: 'task',
      id: task.id as string,
      text: task.title,
      processedAt: task.createdAt as Date,
    });
  };

  const projectCount = Math.max(3, Math.round(6 * ctx.years));
  for (let i = 0; i < projectCount; i++) {
    const startDay = Math.floor((i / projectCount) * ctx.span) + faker.number.int(20);
    const length = faker.number.int({ min: 30, max: 300 });
    const endDay = startDay + length;
    const finished = endDay < lastDay - 30;
    const status: ProjectStatus = finished
      ? faker.number.float() < 0.8
        ? 'completed'
        : 'archived'
      : faker.number.float() < 0.2
        ? 'on_hold'
        : 'active';
    const created = at(addDays(ctx.start, Math.min(startDay, lastDay)), 10 * 60, timezone);
    const completedAt = status === 'completed' ? at(addDays(ctx.start, endDay), 18 * 60, timezone) : null;
    const projectId = ctx.newId();
    projects.push({
      id: projectId,
      userId,
      name: `${text.title(1, 3)} ${faker.helpers.arrayElement(['plan', 'project', 'revamp', 'launch', 'course', 'move', 'fix'])}`,
      description: faker.number.float() < 0.6 ? text.prose(30).text : null,
      status,
      area: faker.helpers.arrayElement(AREAS),
      color: faker.helpers.arrayElement(COLORS),
      targetDate: faker.number.float() < 0.5 ? addDays(ctx.start, endDay) : null,
      completedAt,
      createdAt: created,
      updatedAt: completedAt ?? created,
    });
    const count = faker.number.int({ min: 20, max: 90 }) * (ctx.years / 10) + 1;
    for (let position = 0; position < count; position++) {
      const task = makeTask(
        projectId,
        position,
        Math.min(startDay, lastDay),
        Math.min(finished ? endDay - 25 : lastDay, lastDay),
        finished ? (status === 'completed' ? 1 : 0.85) : 0.6,
      );
      fromCapture(task, 0.25);
    }
  }

  // Tasks without a project: their positions are shared with the repeating series (one place per series).
  let loosePosition = 0;
  const looseCount = Math.round(90 * ctx.years);
  for (let i = 0; i < looseCount; i++) {
    const fromDay = Math.floor((i / looseCount) * ctx.span);
    const task = makeTask(
      null,
      loosePosition++,
      fromDay,
      Math.min(fromDay + 10, lastDay),
      fromDay < lastDay - 60 ? 0.97 : 0.5,
    );
    fromCapture(task, 0.6);
  }

  for (const series of SERIES) {
    const seriesId = ctx.newId();
    const position = loosePosition++;
    const firstDay = Math.round(series.from * (ctx.span - 1));
    const endDay = Math.round(series.to * (ctx.span - 1));
    const labels = series.labels;
    let due: string | null = addDays(ctx.start, firstDay);
    // Each occurrence is created when the one before it is completed (projects.completeTask).
    let created = at(due, 9 * 60, timezone);
    while (due) {
      const dueDay = daysFrom(ctx.start, due);
      const completedDay = dueDay + faker.number.int({ min: -1, max: 2 });
      const open = completedDay > lastDay;
      if (open && endDay < lastDay) break; // a series that was stopped: only its history remains
      const completedOn = addDays(ctx.start, completedDay);
      const completedAt = open ? null : at(completedOn, 18 * 60 + faker.number.int(180), timezone);
      tasks.push({
        id: ctx.newId(),
        userId,
        projectId: null,
        title: series.title,
        notes: null,
        status: open ? 'todo' : 'done',
        priority: 1,
        labels,
        dueDate: due,
        position,
        // The history row keeps its series id but no rule (projects.completeTask); only the open one repeats.
        rrule: open ? (series.rrule ?? null) : null,
        repeatAfterDays: open ? (series.every ?? null) : null,
        seriesId,
        completedAt,
        sourceCaptureId: null,
        createdAt: created,
        updatedAt: completedAt ?? created,
      });
      if (open || dueDay > endDay) break;
      created = completedAt as Date;
      due =
        nextDueDate(
          { rrule: series.rrule ?? null, repeatAfterDays: series.every ?? null, dueDate: due },
          completedOn,
        ) ?? null;
    }
  }
  return { projects, tasks, captureSources };
}

// ---------- events ----------

const TRAVEL_ZONES = ['America/New_York', 'Europe/London', 'Asia/Tokyo', 'America/Los_Angeles', 'Australia/Sydney'];
const EVENT_KINDS = [
  'Dentist',
  'Dinner with friends',
  'Haircut',
  'Team offsite',
  'Doctor',
  'Concert',
  'Coffee with a colleague',
  'Parents evening',
  'Bike service',
  'Flight',
  'Workshop',
  'Interview',
  'Birthday party',
  'Cinema',
];

interface SeriesSpec {
  title: string;
  allDay: boolean;
  /** Days into the span, minutes of the day, duration in minutes (days for all-day series). */
  startDay: number;
  minutes: number;
  duration: number;
  timezone: string;
  recurrence: TRecurrence;
  exceptions: number;
}

function generateEvents(ctx: Context) {
  const { faker, text, userId } = ctx;
  const events: NewEvent[] = [];
  const captureSources: CaptureSource[] = [];
  const lastDay = ctx.span - 1;
  const userZone = ctx.timezone;
  const stamp = (instant: Date) => ({ createdAt: instant, updatedAt: instant });

  const seriesSpecs: SeriesSpec[] = [
    {
      title: 'Team stand-up',
      allDay: false,
      startDay: Math.round(ctx.span * 0.3),
      minutes: 9 * 60 + 30,
      duration: 15,
      timezone: userZone,
      recurrence: {
        freq: 'weekly',
        byDay: ['MO', 'TU', 'WE', 'TH', 'FR'],
        until: at(addDays(ctx.start, Math.round(ctx.span * 0.6)), 9 * 60 + 30, userZone),
      },
      exceptions: 6,
    },
    {
      title: '1:1 with manager',
      allDay: false,
      startDay: Math.round(ctx.span * 0.6),
      minutes: 14 * 60,
      duration: 30,
      timezone: userZone,
      recurrence: { freq: 'weekly', interval: 2, byDay: ['TH'] },
      exceptions: 3,
    },
    {
      title: 'Sprint planning (NYC team)',
      allDay: false,
      startDay: Math.round(ctx.span * 0.65),
      minutes: 10 * 60,
      duration: 60,
      timezone: 'America/New_York',
      recurrence: { freq: 'weekly', interval: 2, byDay: ['MO'] },
      exceptions: 2,
    },
    {
      title: 'Book club',
      allDay: false,
      startDay: Math.round(ctx.span * 0.1),
      minutes: 19 * 60 + 30,
      duration: 120,
      timezone: userZone,
      recurrence: { freq: 'monthly', byDay: ['1TH'], count: 40 },
      exceptions: 2,
    },
    {
      title: 'Yoga',
      allDay: false,
      startDay: Math.round(ctx.span * 0.2),
      minutes: 7 * 60,
      duration: 60,
      timezone: userZone,
      recurrence: { freq: 'weekly', byDay: ['TU', 'TH'], count: 150 },
      exceptions: 4,
    },
    {
      title: 'Call the parents',
      allDay: false,
      startDay: 3,
      minutes: 18 * 60,
      duration: 45,
      timezone: userZone,
      recurrence: { freq: 'weekly', byDay: ['SU'] },
      exceptions: 5,
    },
    {
      title: 'Quarterly review',
      allDay: true,
      startDay: 20,
      minutes: 0,
      duration: 1,
      timezone: 'UTC',
      recurrence: { freq: 'monthly', interval: 3 },
      exceptions: 1,
    },
    ...['Mum', 'Dad', 'Sam', 'Alex', 'Grandma', 'Jo'].map(
      (name, i): SeriesSpec => ({
        title: `${name}'s birthday`,
        allDay: true,
        startDay: 10 + i * 47,
        minutes: 0,
        duration: 1,
        timezone: 'UTC',
        recurrence: { freq: 'yearly' },
        exceptions: 0,
      }),
    ),
  ];

  for (const spec of seriesSpecs) {
    const date = addDays(ctx.start, spec.startDay);
    const startsAt = spec.allDay ? new Date(`${date}T00:00:00Z`) : at(date, spec.minutes, spec.timezone);
    const endsAt = spec.allDay ? new Date(startsAt.getTime() + spec.duration * DAY_MS) : later(startsAt, spec.duration);
    const rrule = recurrenceToRrule(spec.recurrence, spec.allDay);
    const base = { allDay: spec.allDay, startsAt, endsAt, timezone: spec.timezone, rrule };
    // Real occurrence starts (as the app expands them) for deleted and moved occurrences.
    const { rule, dtstart, until } = seriesRule(base);
    const floating: Date[] = [];
    walkRule(rule, dtstart, until, (d) => floating.push(d) < 60);
    const starts = floating.map((d) => (spec.allDay ? d : fromFloating(d, spec.timezone)));
    const lastInstant = at(addDays(ctx.start, lastDay), 0, userZone);
    const past = starts.filter((s) => s.getTime() < lastInstant.getTime());
    const picked = faker.helpers.arrayElements(past.slice(1), Math.min(spec.exceptions, Math.max(0, past.length - 1)));
    const exdates = picked.filter((_s, i) => i % 2 === 0).sort((a, b) => a.getTime() - b.getTime());
    const moved = picked.filter((_s, i) => i % 2 === 1);
    const id = ctx.newId();
    const icsUid = `${ctx.newId()}@lifeos`;
    const created = spec.allDay ? at(addDays(date, -7), 12 * 60, userZone) : later(startsAt, -7 * 24 * 60);
    events.push({
      id,
      userId,
      title: spec.title,
      description: null,
      location: spec.allDay ? null : faker.number.float() < 0.5 ? 'Video call' : faker.location.city(),
      ...base,
      exdates,
      seriesEndsAt: seriesEnd(base),
      icsUid,
      recurrenceId: null,
      seriesId: null,
      ...stamp(created),
    });
    for (const original of moved) {
      // A detached occurrence: an hour later (a day later for all-day ones), same UID, keyed by its original start.
      const shift = spec.allDay ? DAY_MS : 60 * MINUTE_MS;
      const moveStart = new Date(original.getTime() + shift);
      const moveEnd = new Date(moveStart.getTime() + (endsAt.getTime() - startsAt.getTime()));
      const override = {
        allDay: spec.allDay,
        startsAt: moveStart,
        endsAt: moveEnd,
        timezone: spec.timezone,
        rrule: null,
      };
      events.push({
        id: ctx.newId(),
        userId,
        title: spec.title,
        description: 'Moved',
        location: null,
        ...override,
        exdates: [],
        seriesEndsAt: seriesEnd(override),
        icsUid,
        recurrenceId: original,
        seriesId: id,
        ...stamp(later(original, -2 * 24 * 60)),
      });
    }
  }

  const singles = Math.round(295 * ctx.years) - events.length;
  for (let i = 0; i < singles; i++) {
    // Spread over the span, with a few weeks of future plans beyond `until`.
    const day = Math.floor((i / singles) * (ctx.span + 40));
    const date = addDays(ctx.start, day);
    const title = faker.number.float() < 0.5 ? faker.helpers.arrayElement(EVENT_KINDS) : text.title(2, 4);
    const allDay = faker.number.float() < 0.15;
    let startsAt: Date;
    let endsAt: Date;
    let timezone: string;
    if (allDay) {
      startsAt = new Date(`${date}T00:00:00Z`);
      endsAt = new Date(startsAt.getTime() + faker.number.int({ min: 1, max: 3 }) * DAY_MS);
      timezone = 'UTC';
    } else {
      timezone = faker.number.float() < 0.1 ? faker.helpers.arrayElement(TRAVEL_ZONES) : userZone;
      startsAt = at(date, 8 * 60 + faker.number.int(12 * 4) * 15, timezone);
      endsAt = later(startsAt, faker.helpers.arrayElement([30, 45, 60, 60, 90, 120, 180]));
    }
    const created = new Date(
      Math.min(startsAt.getTime(), at(addDays(ctx.start, Math.min(day, lastDay)), 0, userZone).getTime()) -
        faker.number.int({ min: 1, max: 30 }) * DAY_MS,
    );
    const base = { allDay, startsAt, endsAt, timezone, rrule: null };
    const id = ctx.newId();
    events.push({
      id,
      userId,
      title,
      description: faker.number.float() < 0.3 ? text.sentence().text : null,
      location: faker.number.float() < 0.5 ? faker.location.streetAddress() : null,
      ...base,
      exdates: [],
      seriesEndsAt: seriesEnd(base),
      icsUid: `${ctx.newId()}@lifeos`,
      recurrenceId: null,
      seriesId: null,
      ...stamp(created),
    });
    if (faker.number.float() < 0.12) {
      captureSources.push({ captureId: ctx.newId(), kind: 'event', id, text: title, processedAt: created });
    }
  }
  return { events, captureSources };
}

// ---------- captures ----------

function generateCaptures(
  ctx: Context,
  taskSources: CaptureSource[],
  eventSources: CaptureSource[],
  morningPagesByDate: Map<string, string>,
): NewCapture[] {
  const { faker, text, userId, timezone } = ctx;
  const captures: NewCapture[] = [];
  const lastDay = ctx.span - 1;
  const total = Math.round(1000 * ctx.years);

  for (const source of [...taskSources, ...eventSources]) {
    const createdAt = later(source.processedAt, -faker.number.int({ min: 5, max: 3 * 24 * 60 }));
    captures.push({
      id: source.captureId,
      userId,
      text: source.kind === 'task' && faker.number.float() < 0.3 ? `${source.text} tomorrow` : source.text,
      url: null,
      status: 'processed',
      processedIntoKind: source.kind,
      processedIntoId: source.id,
      processedAt: source.processedAt,
      createdAt,
      updatedAt: source.processedAt,
    });
  }
  // Events made from a capture point back only through the capture (events have no source column).

  const inbox = 45;
  const journalNotes = Math.round(150 * ctx.years);
  const rest = Math.max(0, total - captures.length - inbox);
  for (let i = 0; i < rest; i++) {
    const day = Math.floor((i / rest) * (lastDay - 21));
    const date = addDays(ctx.start, day);
    const createdAt = at(date, 7 * 60 + faker.number.int(15 * 60), timezone);
    const entry = i % Math.max(1, Math.floor(rest / journalNotes)) === 0 ? morningPagesByDate.get(date) : undefined;
    const withUrl = !entry && faker.number.float() < 0.35;
    const processedAt = later(createdAt, faker.number.int({ min: 10, max: 2 * 24 * 60 }));
    captures.push({
      id: ctx.newId(),
      userId,
      text: withUrl ? `Read later: ${text.title(3, 7)}` : text.sentence().text,
      url: withUrl ? faker.internet.url() : null,
      status: entry ? 'processed' : 'archived',
      processedIntoKind: entry ? 'journal' : null,
      processedIntoId: entry ?? null,
      processedAt: entry ? processedAt : null,
      createdAt,
      updatedAt: processedAt,
    });
  }
  for (let i = 0; i < inbox; i++) {
    const date = addDays(ctx.start, lastDay - 20 + Math.floor((i / inbox) * 21));
    const createdAt = at(date, 7 * 60 + faker.number.int(15 * 60), timezone);
    const withUrl = faker.number.float() < 0.3;
    captures.push({
      id: ctx.newId(),
      userId,
      text: withUrl ? text.title(3, 6) : text.sentence().text,
      url: withUrl ? faker.internet.url() : null,
      status: 'inbox',
      processedIntoKind: null,
      processedIntoId: null,
      processedAt: null,
      createdAt,
      updatedAt: createdAt,
    });
  }
  return captures;
}
