/**
 * Calendar dates ('YYYY-MM-DD', a day without a time or a zone, as the API sends them) for people, and today's date
 * in this browser. Read at UTC midnight and written in UTC, so no time zone can move one to the day before.
 */

const FORMATS = {
  /** "Tuesday, March 10, 2026": a page's own date. */
  long: new Intl.DateTimeFormat(undefined, {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  }),
  /** "Mar 10, 2026": a date among others. */
  short: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }),
  /** "Tue, Mar 10": a due date or a target, near enough that the year goes without saying. */
  weekday: new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }),
  /** "Mar 10": a day of the last weeks (chart labels, recent records). */
  day: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
};

export type LocalDateStyle = keyof typeof FORMATS;

/** A 'YYYY-MM-DD' calendar date for people, in one of the app's styles (long by default). */
export function formatLocalDate(date: string, style: LocalDateStyle = 'long'): string {
  return FORMATS[style].format(new Date(`${date}T00:00:00Z`));
}

/** Today as 'YYYY-MM-DD' in the browser's zone. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
