import { z } from 'zod';
import { ZDisplayName, ZEmail } from '../auth/auth.schemas.js';

/** Accepts an IANA time-zone name the runtime knows and returns its canonical spelling. */
export const ZTimezone = z
  .string()
  .min(1)
  .max(64)
  .transform((value, ctx) => {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `Unknown time zone "${value}" (expected an IANA name such as Europe/Berlin)`,
      });
      return z.NEVER;
    }
  });

export const ZWeekStart = z.enum(['monday', 'sunday']);
export const ZUnits = z.enum(['metric', 'imperial']);
export const ZTheme = z.enum(['system', 'light', 'dark']);

export const ZSettings = z.object({
  username: z.string(),
  email: z.string(),
  displayName: z.string(),
  timezone: z.string(),
  weekStart: ZWeekStart,
  units: ZUnits,
  journalWordGoal: z.number().int(),
  theme: ZTheme,
});
export type TSettings = z.infer<typeof ZSettings>;

export const ZUpdateSettingsInput = z
  .object({
    displayName: ZDisplayName.optional(),
    email: ZEmail.optional(),
    timezone: ZTimezone.optional(),
    weekStart: ZWeekStart.optional(),
    units: ZUnits.optional(),
    journalWordGoal: z.number().int().min(1).max(100_000).optional(),
    theme: ZTheme.optional(),
  })
  .strict();
export type TUpdateSettingsInput = z.infer<typeof ZUpdateSettingsInput>;
