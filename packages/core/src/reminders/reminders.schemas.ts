import { z } from 'zod';

export const ZWallTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'Expected a time HH:MM' });

/** The longest offset before a task's due time: four weeks. */
export const TASK_OFFSET_MAX_MINUTES = 28 * 24 * 60;
/** The longest a reminder may still be sent late after downtime: a week. */
export const LATE_WINDOW_MAX_MINUTES = 7 * 24 * 60;

export const ZReminderPreferences = z.object({
  /** Remind of tasks with a due date. */
  taskReminders: z.boolean(),
  /** The local time a task due on a day is reminded at. */
  taskTime: ZWallTime,
  /** How long before it (whole days keep the time of day). */
  taskOffsetMinutes: z.number().int().min(0).max(TASK_OFFSET_MAX_MINUTES),
  /** The daily agenda's local time; null: no agenda. */
  agendaTime: ZWallTime.nullable(),
  /** Quiet hours (local; may cross midnight): reminders falling inside wait until they end. */
  quietStart: ZWallTime.nullable(),
  quietEnd: ZWallTime.nullable(),
  /** After downtime, reminders missed by less than this are sent late; older ones are dropped and listed. */
  lateWindowMinutes: z.number().int().min(0).max(LATE_WINDOW_MAX_MINUTES),
});
export type TReminderPreferences = z.infer<typeof ZReminderPreferences>;

export const ZUpdateReminderPreferencesInput = ZReminderPreferences.partial()
  .strict()
  .refine((p) => (p.quietStart === undefined) === (p.quietEnd === undefined), {
    error: 'Quiet hours need a start and an end (both null: none)',
    path: ['quietEnd'],
  })
  .refine((p) => (p.quietStart === null) === (p.quietEnd === null), {
    error: 'Quiet hours need a start and an end (both null: none)',
    path: ['quietEnd'],
  });
export type TUpdateReminderPreferencesInput = z.infer<typeof ZUpdateReminderPreferencesInput>;
