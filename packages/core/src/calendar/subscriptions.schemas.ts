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

/** How many of the events a refresh left out are kept to show (`skippedTotal` counts them all). */
export const SUBSCRIPTION_SKIPPED_MAX = 100;
/** A skipped event's UID and summary are cut to this many characters, its reason to SKIPPED_REASON_MAX. */
export const SKIPPED_TEXT_MAX = 200;
export const SKIPPED_REASON_MAX = 500;

/** An event of the feed that the last good refresh could not show, and why (unreadable, a refused repeat rule). */
export const ZSubscriptionSkippedEvent = z.object({
  uid: z.string().max(SKIPPED_TEXT_MAX).nullable(),
  summary: z.string().max(SKIPPED_TEXT_MAX).nullable(),
  reason: z.string().max(SKIPPED_REASON_MAX),
});
export type TSubscriptionSkippedEvent = z.infer<typeof ZSubscriptionSkippedEvent>;

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
  /**
   * The feed's events that the last good refresh left out, with the reason: the first SUBSCRIPTION_SKIPPED_MAX of
   * `skippedTotal`. Kept through a failed refresh or a 304, like the events; empty once a refresh skips none.
   */
  skipped: z.array(ZSubscriptionSkippedEvent).max(SUBSCRIPTION_SKIPPED_MAX),
  skippedTotal: z.number().int().nonnegative(),
  createdAt: z.date(),
});
export type TSubscription = z.infer<typeof ZSubscription>;
