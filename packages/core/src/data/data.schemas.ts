// One file although over 400 lines: a module's schemas are one room; the sections follow the export's sections.
import { z } from 'zod';
import { ZCaptureUrl } from '../captures/captures.schemas.js';
import { ZDateTimeText, ZId, ZLocalDate, ZWeekStart } from '../common/common.schemas.js';
import { EQUIPMENT, EXERCISE_CATEGORIES, MUSCLES, SET_TYPES } from '../fitness/fitness.schemas.js';
import { ZDailyReflectionContent, ZMorningPagesContent, ZWeeklyReviewContent } from '../journal/journal.schemas.js';
import { PROJECT_STATUSES } from '../projects/projects.schemas.js';
import { ZReminderPreferences } from '../reminders/reminders.schemas.js';
import { ZTheme, ZUnits } from '../settings/settings.schemas.js';

/**
 * The export document: everything one user owns, as plain JSON, one flat array per table so that it can be written
 * and read in batches. Rows keep their original ids as document-local ids; references use those ids, and an import
 * gives every row a new id (so a document restores into another account or instance).
 *
 * Bump DATA_EXPORT_VERSION whenever a change would make an older Life OS misread a document, and add the upgrade
 * step from the previous version to the import's `migrations` table.
 */
export const DATA_EXPORT_VERSION = 1;
export const DATA_EXPORT_FORMAT = 'lifeos-export';

// ---------- building blocks ----------

/**
 * Text as stored. PostgreSQL text and jsonb cannot hold NUL, so it is refused here (a clean 400 rather than a
 * driver error); the limits are generous because they guard the server, not the user's habits.
 */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), { error: 'Text cannot contain NUL characters' });
const name = (max: number) => text(max).refine((value) => value.trim() !== '', { error: 'Cannot be empty' });

/**
 * An instant, with its offset ('2026-03-01T08:00:00.000Z' or '…+01:00'), in the product's date range (every
 * module's own range lies within it, so whatever the app stored restores).
 */
export const ZDataDateTime = ZDateTimeText;
/** A calendar date, 'YYYY-MM-DD', in the product's date range. */

const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** Bounded by the column's numeric(p,s) range, so a value never overflows the column. */
const decimal = (min: number, max: number) => z.number().min(min).max(max);
const INT4_MAX = 2_147_483_647;

const timestamps = { createdAt: ZDataDateTime, updatedAt: ZDataDateTime };

/**
 * settings' ZTimezone (an IANA name the runtime knows, canonically spelt), remembering each answer: creating the
 * Intl formatter that checks a name costs most of a millisecond, and a document repeats a handful of zones
 * across thousands of events.
 */
const canonicalZones = new Map<string, string | null>();
export const ZDataTimezone = z
  .string()
  .min(1)
  .max(64)
  .transform((value, ctx) => {
    let canonical = canonicalZones.get(value);
    if (canonical === undefined) {
      try {
        canonical = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
      } catch {
        canonical = null;
      }
      if (canonicalZones.size < 1_000) canonicalZones.set(value, canonical);
    }
    if (canonical === null) {
      ctx.addIssue({
        code: 'custom',
        message: `Unknown time zone "${value}" (expected an IANA name such as Europe/Berlin)`,
      });
      return z.NEVER;
    }
    return canonical;
  });

/** A built-in exercise by its name (built-in ids differ between instances), or one of the user's own by id. */
export const ZDataExerciseRef = z.union([z.object({ id: ZId }).strict(), z.object({ builtin: name(100) }).strict()]);
export type TDataExerciseRef = z.infer<typeof ZDataExerciseRef>;

// ---------- settings ----------

/** What the user chose; never the feed token (or its nonce), a password hash, an API key or a session. */
export const ZDataSettings = z
  .object({
    displayName: name(100),
    timezone: ZDataTimezone,
    weekStart: ZWeekStart,
    units: ZUnits,
    journalWordGoal: int(1, 100_000),
    theme: ZTheme,
    icsFeedIncludeTasks: z.boolean(),
    // Names, not the card enum: a file from a later version may name cards this one lacks (they are skipped when
    // shown). Optional: files from before the choice existed.
    dashboardCards: z.array(z.string().min(1).max(40)).max(32).nullable().optional(),
    // Optional: files from before reminders (absent, the account's preferences are left as they are).
    reminders: ZReminderPreferences.strict()
      .refine((p) => (p.quietStart === null) === (p.quietEnd === null), {
        error: 'Quiet hours need a start and an end (both null: none)',
        path: ['quietEnd'],
      })
      .optional(),
  })
  .strict();
export type TDataSettings = z.infer<typeof ZDataSettings>;

// ---------- rows ----------

const journalBase = { id: ZId, entryDate: ZLocalDate, ...timestamps };
/** Content is validated by the schema of its type, exactly as journal.upsert does; word counts are derived. */
export const ZDataJournalEntry = z.discriminatedUnion('type', [
  z.object({ ...journalBase, type: z.literal('morning_pages'), content: ZMorningPagesContent }).strict(),
  z.object({ ...journalBase, type: z.literal('daily_reflection'), content: ZDailyReflectionContent }).strict(),
  z.object({ ...journalBase, type: z.literal('weekly_review'), content: ZWeeklyReviewContent }).strict(),
]);

const muscles = z
  .array(z.enum(MUSCLES))
  .max(MUSCLES.length)
  .refine((list) => new Set(list).size === list.length, { error: 'A muscle is listed twice' });

export const ZDataExercise = z
  .object({
    id: ZId,
    name: name(100),
    category: z.enum(EXERCISE_CATEGORIES),
    primaryMuscles: muscles,
    secondaryMuscles: muscles,
    equipment: z.enum(EQUIPMENT),
    archivedAt: ZDataDateTime.nullable(),
    ...timestamps,
  })
  .strict();

export const ZDataProgram = z
  .object({ id: ZId, name: name(200), notes: text(10_000).nullable(), ...timestamps })
  .strict();

export const ZDataProgramDay = z
  .object({ id: ZId, programId: ZId, position: int(0, INT4_MAX), name: name(200) })
  .strict();

export const ZDataProgramExercise = z
  .object({
    id: ZId,
    programDayId: ZId,
    exercise: ZDataExerciseRef,
    position: int(0, INT4_MAX),
    supersetGroup: int(0, 32_767).nullable(),
    targetSets: int(1, 50),
    repMin: int(0, 32_767).nullable(),
    repMax: int(0, 32_767).nullable(),
    targetWeightKg: decimal(0, 99_999).nullable(),
    targetRpe: decimal(1, 10).nullable(),
    targetRir: int(0, 10).nullable(),
    restSeconds: int(0, INT4_MAX).nullable(),
    incrementKg: decimal(0, 99_999),
  })
  .strict()
  .refine((row) => row.repMin === null || row.repMax === null || row.repMin <= row.repMax, {
    error: 'repMin must not be above repMax',
    path: ['repMax'],
  })
  .refine((row) => row.targetRpe === null || row.targetRir === null, {
    error: 'A target is either an RPE or an RIR, not both',
    path: ['targetRir'],
  });

export const ZDataWorkoutSession = z
  .object({
    id: ZId,
    programDayId: ZId.nullable(),
    name: text(200),
    startedAt: ZDataDateTime,
    finishedAt: ZDataDateTime.nullable(),
    notes: text(10_000).nullable(),
    /** Notes on an exercise in the workout, each before the set at `position` (absent in older exports). */
    exerciseNotes: z
      .array(z.object({ position: int(0, INT4_MAX), exerciseName: name(100), note: name(2000) }).strict())
      .max(1000)
      .optional(),
    ...timestamps,
  })
  .strict()
  .refine((row) => row.finishedAt === null || Date.parse(row.finishedAt) >= Date.parse(row.startedAt), {
    error: 'A session cannot finish before it starts',
    path: ['finishedAt'],
  });

export const ZDataWorkoutSet = z
  .object({
    id: ZId,
    sessionId: ZId,
    exercise: ZDataExerciseRef,
    position: int(0, INT4_MAX),
    reps: int(0, 1000).nullable(),
    weightKg: decimal(0, 99_999).nullable(),
    rpe: decimal(1, 10).nullable(),
    durationS: int(0, INT4_MAX).nullable(),
    distanceM: decimal(0, 99_999_999).nullable(),
    isWarmup: z.boolean(),
    /** Absent in older exports, where isWarmup says warm-up or normal. */
    setType: z.enum(SET_TYPES).optional(),
    note: name(2000).nullable().optional(),
    /** The exercise's name as an imported file wrote it (the exercise is its link). */
    sourceName: name(100).nullable().optional(),
    completed: z.boolean(),
    createdAt: ZDataDateTime,
  })
  .strict()
  .refine((row) => row.setType === undefined || row.isWarmup === (row.setType === 'warmup'), {
    error: 'isWarmup and setType disagree',
    path: ['setType'],
  });

export const ZDataBodyWeight = z
  .object({ id: ZId, measuredOn: ZLocalDate, weightKg: decimal(0.0001, 99_999), ...timestamps })
  .strict();

export const ZDataProject = z
  .object({
    id: ZId,
    name: name(200),
    description: text(10_000).nullable(),
    status: z.enum(PROJECT_STATUSES),
    area: text(60).nullable(),
    color: text(7)
      .regex(/^#[0-9a-fA-F]{6}$/, { error: 'Expected a colour as #rrggbb' })
      .nullable(),
    targetDate: ZLocalDate.nullable(),
    completedAt: ZDataDateTime.nullable(),
    ...timestamps,
  })
  .strict();

export const ZDataTask = z
  .object({
    id: ZId,
    projectId: ZId.nullable(),
    title: name(500),
    notes: text(20_000).nullable(),
    status: z.enum(['todo', 'doing', 'done']),
    priority: int(0, 3),
    labels: z.array(text(40)).max(20),
    dueDate: ZLocalDate.nullable(),
    position: int(-INT4_MAX, INT4_MAX),
    rrule: text(500).nullable(),
    repeatAfterDays: int(1, 3650).nullable(),
    /** Shared by the occurrences of one repeating task (not a row id: it is remapped like one). */
    seriesId: ZId.nullable(),
    completedAt: ZDataDateTime.nullable(),
    sourceCaptureId: ZId.nullable(),
    ...timestamps,
  })
  .strict()
  .refine((row) => row.rrule === null || row.repeatAfterDays === null, {
    error: 'A task repeats by a rule or N days after completion, not both',
    path: ['repeatAfterDays'],
  })
  .refine((row) => (row.status === 'done') === (row.completedAt !== null), {
    error: 'A done task has completedAt, any other has none',
    path: ['completedAt'],
  });

export const ZDataCapture = z
  .object({
    id: ZId,
    text: name(10_000),
    // The create path's own rule (http and https only): a `javascript:` address must not come in by import.
    url: ZCaptureUrl.nullable(),
    status: z.enum(['inbox', 'processed', 'archived']),
    processedIntoKind: z.enum(['task', 'event', 'journal']).nullable(),
    /** The task, event or journal entry it became (may point at one deleted since: then it points nowhere). */
    processedIntoId: ZId.nullable(),
    processedAt: ZDataDateTime.nullable(),
    ...timestamps,
  })
  .strict()
  .refine(
    (row) =>
      (row.status === 'processed') ===
      (row.processedIntoKind !== null && row.processedIntoId !== null && row.processedAt !== null),
    { error: 'A processed capture names what it became (kind, id and time); no other does', path: ['status'] },
  );

/**
 * The user's own events only. Subscribed calendars' copies are not exported: they are re-fetched from their
 * source, and a subscription's URL often carries a secret token of the calendar's owner.
 */
export const ZDataEvent = z
  .object({
    id: ZId,
    title: text(2_000),
    description: text(100_000).nullable(),
    location: text(2_000).nullable(),
    startsAt: ZDataDateTime,
    endsAt: ZDataDateTime,
    allDay: z.boolean(),
    timezone: ZDataTimezone,
    rrule: text(1_000).nullable(),
    exdates: z.array(ZDataDateTime).max(10_000),
    /** Extra dates (RDATE) and, one for one, their ends (null: the event's length); absent when there are none. */
    rdates: z.array(ZDataDateTime).max(1_000).optional(),
    rdateEnds: z.array(ZDataDateTime.nullable()).max(1_000).optional(),
    /** The revision (SEQUENCE); absent for 0. */
    sequence: z.number().int().min(0).max(1_000_000).optional(),
    /** An imported event's lines Life OS does not interpret (alarms, attendees, X- properties); absent for none. */
    icsKept: text(65_536)
      // Written back inside the event: a line that opens or closes an event or the calendar would break the file.
      .refine((kept) => !/^(BEGIN|END):(VEVENT|VCALENDAR)\s*$/im.test(kept), {
        error: 'Kept calendar lines cannot open or close an event or a calendar',
      })
      .nullable()
      .optional(),
    icsUid: name(1_000),
    /** A detached occurrence: the original start it replaces, in the series `seriesId`. */
    recurrenceId: ZDataDateTime.nullable(),
    seriesId: ZId.nullable(),
    ...timestamps,
  })
  .strict()
  .refine((row) => Date.parse(row.endsAt) >= Date.parse(row.startsAt), {
    error: 'An event cannot end before it starts',
    path: ['endsAt'],
  })
  .refine((row) => row.recurrenceId === null || row.rrule === null, {
    error: 'A detached occurrence has no repeat rule of its own',
    path: ['rrule'],
  })
  .refine((row) => (row.rdates?.length ?? 0) === (row.rdateEnds?.length ?? 0), {
    error: "Every extra date (rdates) needs its end in rdateEnds (null for the event's length)",
    path: ['rdateEnds'],
  })
  .refine((row) => (row.rdates?.length ?? 0) === 0 || row.rrule !== null, {
    error: 'Extra dates (rdates) belong to a series',
    path: ['rdates'],
  });

// ---------- the document ----------

export const ZDataExport = z
  .object({
    format: z.literal(DATA_EXPORT_FORMAT),
    version: z.literal(DATA_EXPORT_VERSION),
    exportedAt: ZDataDateTime,
    settings: ZDataSettings,
    journal: z.array(ZDataJournalEntry),
    exercises: z.array(ZDataExercise),
    programs: z.array(ZDataProgram),
    programDays: z.array(ZDataProgramDay),
    programExercises: z.array(ZDataProgramExercise),
    workoutSessions: z.array(ZDataWorkoutSession),
    workoutSets: z.array(ZDataWorkoutSet),
    bodyWeights: z.array(ZDataBodyWeight),
    projects: z.array(ZDataProject),
    tasks: z.array(ZDataTask),
    captures: z.array(ZDataCapture),
    events: z.array(ZDataEvent),
  })
  .strict();
export type TDataExport = z.infer<typeof ZDataExport>;
export type TDataExportSection = Exclude<keyof TDataExport, 'format' | 'version' | 'exportedAt' | 'settings'>;
export type TDataRow<K extends TDataExportSection> = TDataExport[K][number];

/** Row schemas per section, so a document can be checked row by row without a second parsed copy of it. */
export const DATA_ROW_SCHEMAS: { [K in TDataExportSection]: z.ZodType<TDataExport[K][number]> } = {
  journal: ZDataJournalEntry,
  exercises: ZDataExercise,
  programs: ZDataProgram,
  programDays: ZDataProgramDay,
  programExercises: ZDataProgramExercise,
  workoutSessions: ZDataWorkoutSession,
  workoutSets: ZDataWorkoutSet,
  bodyWeights: ZDataBodyWeight,
  projects: ZDataProject,
  tasks: ZDataTask,
  captures: ZDataCapture,
  events: ZDataEvent,
};

/** Sections in document order, which is also an order where every reference points backwards or sideways. */
export const DATA_EXPORT_SECTIONS = [
  'journal',
  'exercises',
  'programs',
  'programDays',
  'programExercises',
  'workoutSessions',
  'workoutSets',
  'bodyWeights',
  'projects',
  'tasks',
  'captures',
  'events',
] as const satisfies readonly TDataExportSection[];

// ---------- import ----------

export const ZDataImportMode = z.enum(['merge', 'replace']);
export type TDataImportMode = z.infer<typeof ZDataImportMode>;

/**
 * `data` is checked by the import itself (version first, then row by row), so that its errors name the path in
 * the document (`journal[12].content.text`) rather than a path inside this input.
 */
export const ZDataImportInput = z
  .object({
    data: z.unknown(),
    mode: ZDataImportMode,
    dryRun: z.boolean().default(false),
  })
  .strict();
export type TDataImportInput = z.infer<typeof ZDataImportInput>;

export const ZDataImportCounts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
});
export type TDataImportCounts = z.infer<typeof ZDataImportCounts>;

export const ZDataImportIssue = z.object({
  section: z.string(),
  /** The row's id in the document. */
  id: z.string(),
  reason: z.string(),
});
export type TDataImportIssue = z.infer<typeof ZDataImportIssue>;

/** How many conflicts and failures are listed one by one; the totals count them all. */
export const IMPORT_ISSUES_LISTED = 100;

export const ZDataImportReport = z.object({
  dryRun: z.boolean(),
  mode: ZDataImportMode,
  /** Settings count as one row of their own. */
  counts: z.record(z.enum([...DATA_EXPORT_SECTIONS, 'settings']), ZDataImportCounts),
  /** Rows matched by their natural key whose content differs (what a merge would update or keep). */
  conflicts: z.array(ZDataImportIssue),
  conflictsTotal: z.number().int(),
  /** Rows that could not be imported (a reference that cannot be resolved). */
  failures: z.array(ZDataImportIssue),
  failuresTotal: z.number().int(),
});
export type TDataImportReport = z.infer<typeof ZDataImportReport>;
