import { z } from 'zod';

export const ZId = z.uuid({ error: 'Expected an id (a UUID)' });
export const ZIdInput = z.object({ id: ZId }).strict();
export type TIdInput = z.infer<typeof ZIdInput>;

export const ZOk = z.object({ ok: z.literal(true) });

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

/** A calendar date, 'YYYY-MM-DD', in the product's range. */
export const ZDate = z.iso
  .date({ error: 'Expected a date as YYYY-MM-DD' })
  .refine((value) => value >= `${EARLIEST_YEAR}-01-01` && value <= `${LATEST_YEAR}-12-31`, {
    error: DATE_RANGE_MESSAGE,
  });

/** An instant (a Date on the wire), in the product's range. */
export const ZInstant = z.date().refine(isInDateRange, { error: DATE_RANGE_MESSAGE });

/** An instant as ISO 8601 text with its offset ('2026-03-01T08:00:00.000Z', '…+01:00'), in the product's range. */
export const ZDateTimeText = z.iso
  .datetime({ offset: true, error: 'Expected a date and time (ISO 8601 with an offset)' })
  .refine((value) => isInDateRange(new Date(value)), { error: DATE_RANGE_MESSAGE });
