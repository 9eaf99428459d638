import { z } from 'zod';
import { ZDisplayName, ZEmail } from '../auth/auth.schemas.js';
import { ZTimezone, ZWeekStart } from '../common/common.schemas.js';

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
