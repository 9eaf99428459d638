import { z } from 'zod';

export const ZId = z.uuid({ error: 'Expected an id (a UUID)' });
export const ZIdInput = z.object({ id: ZId }).strict();
export type TIdInput = z.infer<typeof ZIdInput>;

export const ZOk = z.object({ ok: z.literal(true) });

// ---------- zones and weeks ----------

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

/** The day a user's week starts on (settings); weeks, weekly reviews and week facts follow it. */
export const ZWeekStart = z.enum(['monday', 'sunday']);

// ---------- the product's date range ----------

/**
 * Every date the product stores or is asked about lies in the years 1000–9999 (a module may narrow it: the calendar
 * keeps 1900–2199). Outside it, PostgreSQL's and JavaScript's ranges part ways (year 0 does not exist, year 10000 is
 * not 'YYYY-MM-DD', year 275760 is JavaScript's last and past what a timestamp column holds): such values would
 * fail in the database as a 500, or be stored and make an export that cannot be restored.
 */
export const EARLIEST_YEAR = 1000;
export const LATEST_YEAR = 9999;
export const DATE_RANGE_MESSAGE = `Dates must lie between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}`;
const EARLIEST_MS = Date.UTC(EARLIEST_YEAR, 0, 1);
/** Exclusive: the first instant of the year after LATEST_YEAR. */
const AFTER_LATEST_MS = Date.UTC(LATEST_YEAR + 1, 0, 1);

/** Whether an instant lies in the product's range. */
export const isInDateRange = (date: Date) => date.getTime() >= EARLIEST_MS && date.getTime() < AFTER_LATEST_MS;

/**
 * A local date: a calendar date 'YYYY-MM-DD' (leap days checked) as the user's own time zone counts it, in the
 * product's range. The one date schema of the product; the calendar narrows its range (`ZCalendarDate`).
 */
export const ZLocalDate = z.iso
  .date({ error: 'Expected a date as YYYY-MM-DD' })
  .refine((value) => value >= `${EARLIEST_YEAR}-01-01` && value <= `${LATEST_YEAR}-12-31`, {
    error: DATE_RANGE_MESSAGE,
  });

/** An instant (a Date on the wire), in the product's range. */
export const ZInstant = z.date().refine(isInDateRange, { error: DATE_RANGE_MESSAGE });

// ---------- the calendar's range ----------

/**
 * What is planned on the calendar (events, tasks' due dates, projects' targets) lies in 1900–2199: recurrences are
 * expanded, and a walk from year 1000 to a far future would be work without a user.
 */
export const CALENDAR_EARLIEST_YEAR = 1900;
export const CALENDAR_LATEST_YEAR = 2199;
const CALENDAR_RANGE_MESSAGE = `Dates must lie between the years ${CALENDAR_EARLIEST_YEAR} and ${CALENDAR_LATEST_YEAR}`;
const CALENDAR_EARLIEST_MS = Date.UTC(CALENDAR_EARLIEST_YEAR, 0, 1);
const CALENDAR_AFTER_LATEST_MS = Date.UTC(CALENDAR_LATEST_YEAR + 1, 0, 1);

/** An instant the calendar takes: the product's date range narrowed to 1900–2199. */
export const ZCalendarInstant = z
  .date()
  .refine((date) => date.getTime() >= CALENDAR_EARLIEST_MS && date.getTime() < CALENDAR_AFTER_LATEST_MS, {
    error: CALENDAR_RANGE_MESSAGE,
  });

/** A local date the calendar takes, 'YYYY-MM-DD', in 1900–2199. */
export const ZCalendarDate = z.iso
  .date({ error: 'Expected a date (YYYY-MM-DD)' })
  .refine((value) => value >= `${CALENDAR_EARLIEST_YEAR}-01-01` && value <= `${CALENDAR_LATEST_YEAR}-12-31`, {
    error: CALENDAR_RANGE_MESSAGE,
  });

// ---------- search snippets ----------

/**
 * A search snippet as plain text plus the ranges that matched, so that no HTML from the database (or from what
 * the user wrote) ever reaches the page: the web app wraps the ranges in <mark> itself.
 */
export const ZSnippet = z.object({
  text: z.string(),
  matches: z.array(z.object({ start: z.number().int(), end: z.number().int() })),
});
export type TSnippet = z.infer<typeof ZSnippet>;

/** An instant as ISO 8601 text with its offset ('2026-03-01T08:00:00.000Z', '…+01:00'), in the product's range. */
export const ZDateTimeText = z.iso
  .datetime({ offset: true, error: 'Expected a date and time (ISO 8601 with an offset)' })
  .refine((value) => isInDateRange(new Date(value)), { error: DATE_RANGE_MESSAGE });

// ---------- pages ----------

/** An opaque position in a list, as a page's `nextCursor` gave it. */
export const ZCursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'Invalid cursor' });

/**
 * The paging fields of a list input: keyset pages, newest first. `direction` is sent by tRPC's infinite queries;
 * pages only go one way (older).
 */
export const pageInput = {
  cursor: ZCursor.nullish(),
  limit: z.number().int().min(1).max(100).optional(),
  direction: z.enum(['forward', 'backward']).optional(),
};

/** A page of a list: its items and the cursor of the next (older) page, null at the end. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    /** Pass back as `cursor` for the next (older) page; null at the end. */
    nextCursor: z.string().nullable(),
  });
