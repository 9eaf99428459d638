import { z } from 'zod';
import { ZCalendarDate, ZId } from '../common/common.schemas.js';

export const TASK_STATUSES = ['todo', 'doing', 'done'] as const;
export const ZTaskStatus = z.enum(TASK_STATUSES);
export type TTaskStatus = z.infer<typeof ZTaskStatus>;

export const TASK_TITLE_MAX = 500;
export const TASK_NOTES_MAX = 20_000;
export const LABEL_MAX = 40;
export const LABELS_MAX = 20;
export const RRULE_MAX = 500;
export const REPEAT_AFTER_DAYS_MAX = 3650;
export const TASK_LIST_DEFAULT_LIMIT = 200;
export const REORDER_MAX = 2000;

/** 0 none, 1 low, 2 medium, 3 high. */
export const ZPriority = z
  .number({ error: 'Priority is a number from 0 (none) to 3 (high)' })
  .int()
  .min(0, { error: 'Priority is a number from 0 (none) to 3 (high)' })
  .max(3, { error: 'Priority is a number from 0 (none) to 3 (high)' });
export { PRIORITY_LABELS } from './tasks.labels.js';

/** A label as written after '#': letters, digits, '-' and '_', kept lower-case. */
export const ZLabel = z
  .string()
  .trim()
  .max(LABEL_MAX, { error: `A label can be at most ${LABEL_MAX} characters` })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u, { error: 'A label is one word: letters, digits, - and _' })
  .transform((label) => label.toLowerCase());

export const ZLabels = z
  .array(ZLabel)
  .max(LABELS_MAX, { error: `At most ${LABELS_MAX} labels` })
  .transform((labels) => [...new Set(labels)]);

/**
 * A repeat rule as an RFC 5545 RRULE value ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=WEEKLY;INTERVAL=2",
 * "FREQ=MONTHLY;BYDAY=-1FR"), over days: no COUNT (each occurrence is computed from the last one), no times of day.
 * The service checks that the rule parses.
 */
export const ZTaskRrule = z
  .string()
  .trim()
  .max(RRULE_MAX)
  .transform((value) => value.replace(/^RRULE:/i, '').toUpperCase())
  .refine((value) => /(^|;)FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;|$)/.test(value), {
    error: 'Expected a repeat rule such as FREQ=WEEKLY;INTERVAL=2',
  })
  .refine((value) => !/(^|;)COUNT=/.test(value), { error: 'Use UNTIL to end a repeating task, not COUNT' })
  .refine(
    (value) => !/(^|;)(BYHOUR|BYMINUTE|BYSECOND)=/.test(value) && !/FREQ=(HOURLY|MINUTELY|SECONDLY)/.test(value),
    {
      error: 'Tasks repeat by days: hourly rules are not supported',
    },
  );

export const ZRepeatAfterDays = z.number().int().min(1).max(REPEAT_AFTER_DAYS_MAX);

const taskFields = {
  title: z.string().trim().min(1, { error: 'Give the task a title' }).max(TASK_TITLE_MAX),
  notes: z.string().max(TASK_NOTES_MAX).nullable().optional(),
  projectId: ZId.nullable().optional(),
  status: ZTaskStatus.optional(),
  priority: ZPriority.optional(),
  labels: ZLabels.optional(),
  dueDate: ZCalendarDate.nullable().optional(),
  /** Repeat by rule (from the due date)… */
  rrule: ZTaskRrule.nullable().optional(),
  /** …or N days after each completion. */
  repeatAfterDays: ZRepeatAfterDays.nullable().optional(),
};

const oneRepeatRule = (input: { rrule?: string | null | undefined; repeatAfterDays?: number | null | undefined }) =>
  !(input.rrule && input.repeatAfterDays);
const oneRepeatRuleError = {
  error: 'Choose one way to repeat: a rule or a number of days after completion',
  path: ['repeatAfterDays'],
};

export const ZCreateTaskInput = z.object(taskFields).strict().refine(oneRepeatRule, oneRepeatRuleError);
export type TCreateTaskInput = z.infer<typeof ZCreateTaskInput>;

export const ZUpdateTaskInput = z
  .object({ id: ZId, ...taskFields, title: taskFields.title.optional() })
  .strict()
  .refine(oneRepeatRule, oneRepeatRuleError);
export type TUpdateTaskInput = z.infer<typeof ZUpdateTaskInput>;

export const ZTaskDue = z.enum(['overdue', 'today', 'week']);
export type TTaskDue = z.infer<typeof ZTaskDue>;

export const ZListTasksInput = z
  .object({
    /** A project's tasks in manual order; null: the tasks without a project. */
    projectId: ZId.nullable().optional(),
    status: ZTaskStatus.optional(),
    label: ZLabel.optional(),
    /**
     * Open tasks only (unless `status` says otherwise), in the user's time zone: `overdue` before today, `today`,
     * `week` today and the six days after it.
     */
    due: ZTaskDue.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .optional();
export type TListTasksInput = z.infer<typeof ZListTasksInput>;

export const ZReorderTasksInput = z
  .object({
    /** The project whose tasks are ordered; null: the tasks without a project. */
    projectId: ZId.nullable(),
    /**
     * The new order, first to last. Tasks of the project left out keep their relative order after these, so a
     * client that has not seen a task just added does not lose it.
     */
    orderedIds: z
      .array(ZId)
      .min(1)
      .max(REORDER_MAX)
      .refine((ids) => new Set(ids).size === ids.length, { error: 'Each task once' }),
  })
  .strict();
export type TReorderTasksInput = z.infer<typeof ZReorderTasksInput>;

export const ZTask = z.object({
  id: ZId,
  projectId: ZId.nullable(),
  title: z.string(),
  notes: z.string().nullable(),
  status: ZTaskStatus,
  priority: z.number().int(),
  labels: z.array(z.string()),
  dueDate: z.string().nullable(),
  position: z.number().int(),
  rrule: z.string().nullable(),
  repeatAfterDays: z.number().int().nullable(),
  /** Shared by every occurrence of a repeating task (its history). */
  seriesId: ZId.nullable(),
  completedAt: z.date().nullable(),
  sourceCaptureId: ZId.nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TTask = z.infer<typeof ZTask>;

export const ZCompleteTaskResult = z.object({
  task: ZTask,
  /** The next occurrence of a repeating task, created in the same transaction; null otherwise. */
  next: ZTask.nullable(),
});
export type TCompleteTaskResult = z.infer<typeof ZCompleteTaskResult>;
