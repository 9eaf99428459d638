// One file although over 400 lines: a module's schemas are one room, in sections that follow the service's parts.
import { z } from 'zod';
import { pageInput, pageOf, ZId, ZInstant, ZLocalDate } from '../common/common.schemas.js';

// ---------- vocabulary ----------

export const EXERCISE_CATEGORIES = ['strength', 'cardio', 'mobility'] as const;
export const ZExerciseCategory = z.enum(EXERCISE_CATEGORIES);

export const MUSCLES = [
  'chest',
  'lats',
  'upper_back',
  'lower_back',
  'traps',
  'shoulders',
  'biceps',
  'triceps',
  'forearms',
  'abs',
  'obliques',
  'quadriceps',
  'hamstrings',
  'glutes',
  'calves',
  'adductors',
  'abductors',
  'neck',
  'full_body',
] as const;
export const ZMuscle = z.enum(MUSCLES);
export type TMuscle = z.infer<typeof ZMuscle>;

export const EQUIPMENT = [
  'barbell',
  'dumbbell',
  'kettlebell',
  'machine',
  'cable',
  'smith_machine',
  'ez_bar',
  'trap_bar',
  'plate',
  'band',
  'bodyweight',
  'cardio_machine',
  'none',
  'other',
] as const;
export const ZEquipment = z.enum(EQUIPMENT);

/** Kilograms; at most 4 decimals are kept (numeric(9,4)), enough for any weight entered in pounds. */
export const ZWeightKg = z.number().min(0).max(2000);
export const ZReps = z.number().int().min(0).max(1000);
export const ZRpe = z.number().min(1).max(10).multipleOf(0.5);
const ZName = z.string().trim().min(1).max(100);
const ZNotes = z.string().trim().max(2000);

/** What kind of set: Strong writes W, D and F in "Set Order" for the last three, Hevy writes these words. */
export const SET_TYPES = ['normal', 'warmup', 'dropset', 'failure'] as const;
export const ZSetType = z.enum(SET_TYPES);
export type TSetType = z.infer<typeof ZSetType>;

// ---------- exercises ----------

const ZMuscleList = z
  .array(ZMuscle)
  .max(MUSCLES.length)
  .refine((list) => new Set(list).size === list.length, 'A muscle is listed twice');

export const ZExercise = z.object({
  id: ZId,
  name: z.string(),
  category: ZExerciseCategory,
  primaryMuscles: z.array(ZMuscle),
  secondaryMuscles: z.array(ZMuscle),
  equipment: ZEquipment,
  /** Part of the shared library (read-only), rather than the user's own. */
  builtIn: z.boolean(),
  archivedAt: z.date().nullable(),
});
export type TExercise = z.infer<typeof ZExercise>;

export const ZListExercisesInput = z
  .object({
    q: z.string().trim().max(100).optional(),
    muscle: ZMuscle.optional(),
    equipment: ZEquipment.optional(),
    category: ZExerciseCategory.optional(),
    includeArchived: z.boolean().optional(),
  })
  .strict();
export type TListExercisesInput = z.infer<typeof ZListExercisesInput>;

export const ZCreateExerciseInput = z
  .object({
    name: ZName,
    category: ZExerciseCategory,
    primaryMuscles: ZMuscleList.min(1, 'Give at least one primary muscle'),
    secondaryMuscles: ZMuscleList.optional(),
    equipment: ZEquipment,
  })
  .strict();
export type TCreateExerciseInput = z.infer<typeof ZCreateExerciseInput>;

export const ZUpdateExerciseInput = z
  .object({
    id: ZId,
    name: ZName.optional(),
    category: ZExerciseCategory.optional(),
    primaryMuscles: ZMuscleList.min(1, 'Give at least one primary muscle').optional(),
    secondaryMuscles: ZMuscleList.optional(),
    equipment: ZEquipment.optional(),
  })
  .strict();
export type TUpdateExerciseInput = z.infer<typeof ZUpdateExerciseInput>;

export const ZArchiveExerciseInput = z
  .object({ id: ZId, archived: z.boolean().optional().describe('false restores it (default true)') })
  .strict();
export type TArchiveExerciseInput = z.infer<typeof ZArchiveExerciseInput>;

// ---------- programs ----------

export const ZProgramExerciseInput = z
  .object({
    exerciseId: ZId,
    /** Exercises of a day with the same group number are done as a superset. */
    supersetGroup: z.number().int().min(1).max(20).nullable().optional(),
    targetSets: z.number().int().min(1).max(50),
    repMin: z.number().int().min(1).max(1000).nullable().optional(),
    repMax: z.number().int().min(1).max(1000).nullable().optional(),
    targetWeightKg: ZWeightKg.nullable().optional(),
    targetRpe: ZRpe.nullable().optional(),
    targetRir: z.number().int().min(0).max(10).nullable().optional(),
    restSeconds: z.number().int().min(0).max(3600).nullable().optional(),
    /** What the progression rule adds after a session where every working set reached the top of the range. */
    incrementKg: z.number().min(0).max(100).optional(),
  })
  .strict()
  .refine((e) => e.repMin == null || e.repMax == null || e.repMin <= e.repMax, {
    message: 'The rep range goes from the smaller number to the larger',
    path: ['repMin'],
  })
  .refine((e) => e.targetRpe == null || e.targetRir == null, {
    message: 'Give a target RPE or reps in reserve, not both',
    path: ['targetRir'],
  });
export type TProgramExerciseInput = z.infer<typeof ZProgramExerciseInput>;

export const ZProgramDayInput = z
  .object({
    /** An existing day's id keeps it (and the sessions done on it); a day without one is new. */
    id: ZId.optional(),
    name: ZName,
    exercises: z.array(ZProgramExerciseInput).max(50),
  })
  .strict();
export type TProgramDayInput = z.infer<typeof ZProgramDayInput>;

const programFields = {
  name: ZName,
  notes: ZNotes.nullable().optional(),
  days: z.array(ZProgramDayInput).min(1, 'A program needs at least one day').max(14),
};
export const ZCreateProgramInput = z.object(programFields).strict();
export type TCreateProgramInput = z.infer<typeof ZCreateProgramInput>;
/** Replaces the whole program: days given with an id are kept, days left out are deleted. */
export const ZUpdateProgramInput = z.object({ id: ZId, ...programFields }).strict();
export type TUpdateProgramInput = z.infer<typeof ZUpdateProgramInput>;

export const ZReorderProgramInput = z
  .object({
    id: ZId,
    /** Every day of the program, in the new order, each with every one of its exercise ids in the new order. */
    days: z
      .array(z.object({ id: ZId, exerciseIds: z.array(ZId).max(50) }).strict())
      .min(1)
      .max(14),
  })
  .strict();
export type TReorderProgramInput = z.infer<typeof ZReorderProgramInput>;

export const ZProgramExercise = z.object({
  id: ZId,
  exerciseId: ZId,
  exerciseName: z.string(),
  position: z.number().int(),
  supersetGroup: z.number().int().nullable(),
  targetSets: z.number().int(),
  repMin: z.number().int().nullable(),
  repMax: z.number().int().nullable(),
  targetWeightKg: z.number().nullable(),
  targetRpe: z.number().nullable(),
  targetRir: z.number().int().nullable(),
  restSeconds: z.number().int().nullable(),
  incrementKg: z.number(),
});
export const ZProgramDay = z.object({
  id: ZId,
  name: z.string(),
  position: z.number().int(),
  exercises: z.array(ZProgramExercise),
});
export const ZProgram = z.object({
  id: ZId,
  name: z.string(),
  notes: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  days: z.array(ZProgramDay),
});
export type TProgram = z.infer<typeof ZProgram>;
export const ZProgramSummary = z.object({
  id: ZId,
  name: z.string(),
  notes: z.string().nullable(),
  dayCount: z.number().int(),
  updatedAt: z.date(),
});

export const ZNextDayInput = z.object({ programId: ZId.optional() }).strict();
export type TNextDayInput = z.infer<typeof ZNextDayInput>;
export const ZNextDay = z
  .object({
    programId: ZId,
    programName: z.string(),
    day: z.object({ id: ZId, name: z.string(), position: z.number().int() }),
    /** When the program was last trained (null: never). */
    lastFinishedAt: z.date().nullable(),
  })
  .nullable();
export type TNextDay = z.infer<typeof ZNextDay>;

// ---------- sessions ----------

export const ZStartSessionInput = z
  .object({
    programDayId: ZId.optional(),
    name: ZName.optional(),
    /** For logging a past workout; defaults to now. */
    startedAt: ZInstant.optional(),
  })
  .strict();
export type TStartSessionInput = z.infer<typeof ZStartSessionInput>;

const setFields = {
  reps: ZReps.nullable().optional(),
  weightKg: ZWeightKg.nullable().optional(),
  rpe: ZRpe.nullable().optional(),
  durationS: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .nullable()
    .optional(),
  distanceM: z.number().min(0).max(1_000_000).nullable().optional(),
  /** Older clients' way of saying `setType: 'warmup'` (true) or `'normal'` (false); setType wins when both agree. */
  isWarmup: z.boolean().optional(),
  setType: ZSetType.optional(),
  /** The set's own note (empty: none). */
  note: ZNotes.nullable().optional(),
};

const typesAgree = (s: { isWarmup?: boolean | undefined; setType?: TSetType | undefined }) =>
  s.isWarmup === undefined || s.setType === undefined || s.isWarmup === (s.setType === 'warmup');
const typesAgreeIssue = { message: 'isWarmup and setType disagree', path: ['setType'] };

export const ZLogSetInput = z
  .object({ sessionId: ZId, exerciseId: ZId, ...setFields })
  .strict()
  .refine((s) => s.reps != null || s.durationS != null || s.distanceM != null, {
    message: 'A set needs reps, a duration or a distance',
    path: ['reps'],
  })
  .refine(typesAgree, typesAgreeIssue);
export type TLogSetInput = z.infer<typeof ZLogSetInput>;

/** Changes the fields given; a planned set becomes a logged (completed) one unless `completed: false`. */
export const ZUpdateSetInput = z
  .object({ id: ZId, exerciseId: ZId.optional(), completed: z.boolean().optional(), ...setFields })
  .strict()
  .refine(typesAgree, typesAgreeIssue);
export type TUpdateSetInput = z.infer<typeof ZUpdateSetInput>;

/**
 * Links an imported exercise name (as the file wrote it) to another exercise: in this session, or with
 * `everywhere` in all of the user's sessions (and in later imports of that name).
 */
export const ZRelinkExerciseInput = z
  .object({ id: ZId, sourceName: ZName, exerciseId: ZId, everywhere: z.boolean().optional() })
  .strict();
export type TRelinkExerciseInput = z.infer<typeof ZRelinkExerciseInput>;

export const ZFinishSessionInput = z
  .object({ id: ZId, notes: ZNotes.nullable().optional(), finishedAt: ZInstant.optional() })
  .strict();
export type TFinishSessionInput = z.infer<typeof ZFinishSessionInput>;

export const ZListSessionsInput = z
  .object({
    ...pageInput,
  })
  .strict();
export type TListSessionsInput = z.infer<typeof ZListSessionsInput>;

export const ZWorkoutSet = z.object({
  id: ZId,
  exerciseId: ZId,
  exerciseName: z.string(),
  position: z.number().int(),
  reps: z.number().int().nullable(),
  weightKg: z.number().nullable(),
  rpe: z.number().nullable(),
  durationS: z.number().int().nullable(),
  distanceM: z.number().nullable(),
  setType: ZSetType,
  /** setType === 'warmup', kept for older clients. */
  isWarmup: z.boolean(),
  note: z.string().nullable(),
  /** The exercise's name as the imported file wrote it (null: logged here); `exerciseName` is the linked one's. */
  sourceName: z.string().nullable(),
  completed: z.boolean(),
});
export type TWorkoutSet = z.infer<typeof ZWorkoutSet>;

/** A note written on an exercise in a workout (Strong's "Note" rows): it comes before the set at `position`. */
export const ZExerciseNote = z.object({
  position: z.number().int().min(0),
  exerciseName: z.string().min(1).max(100),
  note: z.string().min(1).max(2000),
});
export type TExerciseNote = z.infer<typeof ZExerciseNote>;

/** finishedAt − startedAt in whole seconds (null while the workout runs). */
const ZSessionDuration = z.number().int().nullable();

export const ZWorkoutSession = z.object({
  id: ZId,
  name: z.string(),
  programDayId: ZId.nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  durationS: ZSessionDuration,
  notes: z.string().nullable(),
  exerciseNotes: z.array(ZExerciseNote),
  sets: z.array(ZWorkoutSet),
});
export type TWorkoutSession = z.infer<typeof ZWorkoutSession>;

export const ZRelinkExerciseResult = z.object({ session: ZWorkoutSession, sets: z.number().int() });
export type TRelinkExerciseResult = z.infer<typeof ZRelinkExerciseResult>;

export const ZWorkoutSessionSummary = z.object({
  id: ZId,
  name: z.string(),
  programDayId: ZId.nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  durationS: ZSessionDuration,
  setCount: z.number().int(),
  volumeKg: z.number(),
});
export const ZSessionPage = pageOf(ZWorkoutSessionSummary);
export type TSessionPage = z.infer<typeof ZSessionPage>;

// ---------- records and stats ----------

export const RECORD_KINDS = ['heaviestWeight', 'bestE1rm', 'bestSetVolume', 'bestSessionVolume'] as const;
export const ZRecordKind = z.enum(RECORD_KINDS);

export const ZRecord = z.object({
  valueKg: z.number(),
  /** The set's reps (null for a session's volume). */
  reps: z.number().int().nullable(),
  sessionId: ZId,
  achievedAt: z.date(),
});
export type TRecord = z.infer<typeof ZRecord>;

/** Best performances over completed working sets of finished sessions; e1RM by Epley from 1–12 rep sets. */
export const ZExerciseRecords = z.object({
  exerciseId: ZId,
  exerciseName: z.string(),
  heaviestWeight: ZRecord.nullable(),
  bestE1rm: ZRecord.nullable(),
  bestSetVolume: ZRecord.nullable(),
  bestSessionVolume: ZRecord.nullable(),
});
export type TExerciseRecords = z.infer<typeof ZExerciseRecords>;

export const ZNewRecord = z.object({
  exerciseId: ZId,
  exerciseName: z.string(),
  kind: ZRecordKind,
  valueKg: z.number(),
  /** The best before this session (null: the first time). */
  previousKg: z.number().nullable(),
});
export const ZFinishSessionResult = z.object({ session: ZWorkoutSession, newRecords: z.array(ZNewRecord) });
export type TFinishSessionResult = z.infer<typeof ZFinishSessionResult>;

export const ZRecordsForExerciseInput = z.object({ exerciseId: ZId }).strict();
export const ZExerciseHistoryPoint = z.object({
  sessionId: ZId,
  date: z.date(),
  heaviestKg: z.number().nullable(),
  bestE1rmKg: z.number().nullable(),
  volumeKg: z.number(),
});
export const ZRecordsForExercise = z.object({
  records: ZExerciseRecords,
  /** One point per finished session with working sets of the exercise, oldest first (for charts). */
  history: z.array(ZExerciseHistoryPoint),
});
export type TRecordsForExercise = z.infer<typeof ZRecordsForExercise>;

export const ZWeeklyVolumeInput = z.object({ weeks: z.number().int().min(1).max(520) }).strict();
export const ZWeeklyVolume = z.array(
  z.object({
    /** The first day of the week (the user's week start, in their time zone). */
    weekStart: z.string(),
    muscle: ZMuscle,
    sets: z.number().int(),
    volumeKg: z.number(),
  }),
);
export type TWeeklyVolume = z.infer<typeof ZWeeklyVolume>;

// ---------- body weight ----------

export const ZLogBodyWeightInput = z.object({ date: ZLocalDate, weightKg: z.number().positive().max(1000) }).strict();
export type TLogBodyWeightInput = z.infer<typeof ZLogBodyWeightInput>;
export const ZListBodyWeightInput = z.object({ from: ZLocalDate.optional(), to: ZLocalDate.optional() }).strict();
export type TListBodyWeightInput = z.infer<typeof ZListBodyWeightInput>;
export const ZBodyWeight = z.object({ id: ZId, date: z.string(), weightKg: z.number() });
export type TBodyWeight = z.infer<typeof ZBodyWeight>;

// ---------- CSV import and export ----------

/** The largest CSV text `fitness.import.csv` takes (characters); the HTTP body limit (1 MiB) applies too. */
export const CSV_MAX_CHARS = 1_000_000;

export const ZImportCsvInput = z
  .object({
    /** The text of a Strong (current, legacy semicolon or French) or Hevy CSV export. */
    csv: z
      .string()
      .min(1, { error: 'The file is empty' })
      .max(CSV_MAX_CHARS, { error: `The file is too large (at most ${CSV_MAX_CHARS / 1_000_000} MB)` }),
    /** Reads and matches everything and answers the report, writing nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict();
export type TImportCsvInput = z.infer<typeof ZImportCsvInput>;

const ZCsvRowIssue = z.object({ row: z.number().int(), reason: z.string() });
export const ZCsvImportReport = z.object({
  dryRun: z.boolean(),
  /** Workouts and sets written (or, in a dry run, that would be). */
  sessions: z.number().int(),
  sets: z.number().int(),
  /** Workouts of the file already in the history (same start and name): left as they are. */
  alreadyImported: z.number().int(),
  /** Exercises that matched nothing and were created as the user's own. */
  exercisesCreated: z.array(z.string()),
  /** Rows that could not be read (the header is row 1); every other row was imported. */
  skippedRows: z.array(ZCsvRowIssue),
  /** Rows imported with a caveat (an implausible duration or an RPE out of range left out). */
  warnings: z.array(ZCsvRowIssue),
});
export type TCsvImportReport = z.infer<typeof ZCsvImportReport>;

export const ZExportCsv = z.object({ csv: z.string(), filename: z.string() });
export type TExportCsv = z.infer<typeof ZExportCsv>;
