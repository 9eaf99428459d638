import { z } from 'zod';
import { ZDisplayName, ZEmail } from '../auth/auth.schemas.js';
import { ZTimezone, ZWeekStart } from '../common/common.schemas.js';

export const ZUnits = z.enum(['metric', 'imperial']);
export const ZTheme = z.enum(['system', 'light', 'dark']);

/** The dashboard's cards, in the product's order (what a user who never chose sees). */
export const DASHBOARD_CARDS = [
  'journal',
  'agenda',
  'inbox',
  'projects',
  'fitness',
  'records',
  'mood',
  'insight',
  'body-weight',
  'on-this-day',
  'writing',
] as const;
export const ZDashboardCard = z.enum(DASHBOARD_CARDS);
export type TDashboardCard = z.infer<typeof ZDashboardCard>;

/** The cards shown, in order: each card once (an empty list is a dashboard of nothing but its header). */
export const ZDashboardCards = z
  .array(ZDashboardCard)
  .max(DASHBOARD_CARDS.length)
  .refine((cards) => new Set(cards).size === cards.length, { error: 'Each card can be shown once' });

export const ZSettings = z.object({
  username: z.string(),
  email: z.string(),
  displayName: z.string(),
  timezone: z.string(),
  weekStart: ZWeekStart,
  units: ZUnits,
  journalWordGoal: z.number().int(),
  theme: ZTheme,
  /** The cards shown on the dashboard, in order. */
  dashboardCards: z.array(ZDashboardCard),
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
    /** The cards to show, in order; null goes back to every card in the product's order. */
    dashboardCards: ZDashboardCards.nullable().optional(),
  })
  .strict();
export type TUpdateSettingsInput = z.infer<typeof ZUpdateSettingsInput>;
