import { z } from 'zod';
import { eventTimesIssues } from '../calendar/calendar.schemas.js';
import { ZCalendarDate, ZCalendarInstant, ZId, ZTimezone } from '../common/common.schemas.js';
import { PROJECT_NAME_MAX } from '../projects/projects.schemas.js';
import { TASK_TITLE_MAX, ZLabels, ZPriority } from '../tasks/tasks.schemas.js';

export const CAPTURE_STATUSES = ['inbox', 'processed', 'archived'] as const;
export const ZCaptureStatus = z.enum(CAPTURE_STATUSES);
export type TCaptureStatus = z.infer<typeof ZCaptureStatus>;

export const CAPTURE_TARGET_KINDS = ['task', 'event', 'journal'] as const;
export const ZCaptureTargetKind = z.enum(CAPTURE_TARGET_KINDS);
export type TCaptureTargetKind = z.infer<typeof ZCaptureTargetKind>;

export const CAPTURE_TEXT_MAX = 10_000;
export const CAPTURE_URL_MAX = 2_000;
export const CAPTURE_LIST_DEFAULT_LIMIT = 200;

const ZCaptureText = z
  .string()
  .max(CAPTURE_TEXT_MAX, { error: `A capture can be at most ${CAPTURE_TEXT_MAX.toLocaleString('en')} characters` })
  .refine((text) => text.trim() !== '', { error: 'Type something to capture' });

export const ZCaptureUrl = z
  .url({ protocol: /^https?$/, error: 'Expected a web address (http or https)' })
  .max(CAPTURE_URL_MAX);

/** What was typed, kept exactly as typed (only surrounding blank lines dropped). */
export const ZCreateCaptureInput = z
  .object({
    text: ZCaptureText.transform((text) => text.replace(/^\s*\n|\n\s*$/g, '')),
    url: ZCaptureUrl.nullable().optional(),
  })
  .strict();
export type TCreateCaptureInput = z.infer<typeof ZCreateCaptureInput>;

export const ZListCapturesInput = z
  .object({
    /** Default: the inbox. */
    status: ZCaptureStatus.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .optional();
export type TListCapturesInput = z.infer<typeof ZListCapturesInput>;

export const ZParseCaptureInput = z.object({ text: z.string().max(CAPTURE_TEXT_MAX) }).strict();
export type TParseCaptureInput = z.infer<typeof ZParseCaptureInput>;

// ---------- processing ----------

/** Into a task: its title defaults to the capture's text; a project by id, or a new one by name. */
export const ZProcessIntoTask = z
  .object({
    kind: z.literal('task'),
    title: z.string().trim().min(1).max(TASK_TITLE_MAX).optional(),
    notes: z.string().max(20_000).nullable().optional(),
    projectId: ZId.nullable().optional(),
    /** Creates the project (or uses the user's project of that name, compared case-insensitively). */
    newProjectName: z.string().trim().min(1).max(PROJECT_NAME_MAX).optional(),
    dueDate: ZCalendarDate.nullable().optional(),
    labels: ZLabels.optional(),
    priority: ZPriority.optional(),
  })
  .strict()
  .refine((into) => !(into.projectId && into.newProjectName), {
    error: 'Choose a project or name a new one, not both',
    path: ['newProjectName'],
  });

/** Into a calendar event: timed (start, end, timezone) or all-day (startDate, endDate); title defaults to the text. */
export const ZProcessIntoEvent = z
  .object({
    kind: z.literal('event'),
    title: z.string().trim().min(1).max(500).optional(),
    location: z.string().max(1_000).nullable().optional(),
    allDay: z.boolean().optional(),
    start: ZCalendarInstant.optional(),
    end: ZCalendarInstant.optional(),
    startDate: ZCalendarDate.optional(),
    endDate: ZCalendarDate.optional(),
    timezone: ZTimezone.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    for (const issue of eventTimesIssues(input)) ctx.addIssue({ code: 'custom', ...issue, path: [issue.path] });
  });

/**
 * Into a journal note: the capture's text (and its link) is appended as a paragraph to the morning pages of `date`
 * (default: today in the user's time zone) — the one free-text entry type — creating that day's pages if needed.
 */
export const ZProcessIntoJournal = z
  .object({
    kind: z.literal('journal'),
    date: ZCalendarDate.optional(),
  })
  .strict();

export const ZProcessCaptureInput = z
  .object({
    id: ZId,
    into: z.discriminatedUnion('kind', [ZProcessIntoTask, ZProcessIntoEvent, ZProcessIntoJournal]),
  })
  .strict();
export type TProcessCaptureInput = z.infer<typeof ZProcessCaptureInput>;

// ---------- outputs ----------

export const ZCapture = z.object({
  id: ZId,
  text: z.string(),
  url: z.string().nullable(),
  status: ZCaptureStatus,
  /** What it became (a task, an event or a journal entry) once processed. */
  processedIntoKind: ZCaptureTargetKind.nullable(),
  processedIntoId: ZId.nullable(),
  processedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TCapture = z.infer<typeof ZCapture>;

export const ZProcessCaptureResult = z.object({
  capture: ZCapture,
  into: z.object({ kind: ZCaptureTargetKind, id: ZId }),
  /** The project created for `newProjectName`, if one was. */
  createdProjectId: ZId.nullable(),
});
export type TProcessCaptureResult = z.infer<typeof ZProcessCaptureResult>;

export const ZParsedCapture = z.object({
  /** The text without the tokens and the date phrase. */
  title: z.string(),
  /** The proposed due date, 'YYYY-MM-DD' in the user's time zone. */
  dueDate: z.string().nullable(),
  /** 'HH:mm' when the text named a time of day. */
  dueTime: z.string().nullable(),
  /** The instant of dueDate + dueTime in the user's time zone (for an event), when a time was named. */
  dueAt: z.date().nullable(),
  /** The words read as the date ("tomorrow 9am"), to highlight them. */
  dateText: z.string().nullable(),
  labels: z.array(z.string()),
  /** 1 low, 2 medium, 3 high; null when not given. */
  priority: z.number().int().nullable(),
  /** The user's project that `+name` matched… */
  project: z.object({ id: ZId, name: z.string() }).nullable(),
  /** …or the name of a project to create, when none matched. */
  newProjectName: z.string().nullable(),
});
export type TParsedCapture = z.infer<typeof ZParsedCapture>;
