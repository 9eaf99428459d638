import { z } from 'zod';
import { ZId } from '../common/common.schemas.js';

export const SUBSCRIPTION_NAME_MAX = 200;
export const SUBSCRIPTION_URL_MAX = 2_000;
/** How many calendars one user may subscribe to. */
export const SUBSCRIPTIONS_MAX = 50;

const isFeedUrl = (value: string) => {
  if (!URL.canParse(value)) return false;
  return ['http:', 'https:', 'webcal:', 'webcals:'].includes(new URL(value).protocol);
};

export const ZAddSubscriptionInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { error: 'Give the calendar a name' })
      .max(SUBSCRIPTION_NAME_MAX, { error: `At most ${SUBSCRIPTION_NAME_MAX} characters` }),
    url: z
      .string()
      .trim()
      .min(1, { error: 'Enter the calendar’s URL' })
      .max(SUBSCRIPTION_URL_MAX, { error: `At most ${SUBSCRIPTION_URL_MAX} characters` })
      .refine(isFeedUrl, { error: 'Enter an http:// or https:// URL of an .ics calendar' }),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, { error: 'A colour such as #3366cc' })
      .optional(),
  })
  .strict();
export type TAddSubscriptionInput = z.infer<typeof ZAddSubscriptionInput>;

/** A subscribed calendar as the owner sees it. */
export const ZSubscription = z.object({
  id: ZId,
  name: z.string(),
  url: z.string(),
  color: z.string().nullable(),
  /** When the calendar was last fetched successfully (a 304 counts). */
  lastRefreshedAt: z.date().nullable(),
  /** Why the last refresh failed; null once one succeeds. The last good events are kept meanwhile. */
  lastError: z.string().nullable(),
  lastErrorAt: z.date().nullable(),
  nextRefreshAt: z.date(),
  /** Stored events (series count once) from the last good refresh. */
  eventCount: z.number().int(),
  createdAt: z.date(),
});
export type TSubscription = z.infer<typeof ZSubscription>;
