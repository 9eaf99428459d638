/**
 * The calendar's date labels, written as date-fns's `format` wrote them with its default (en-US) locale — "Mon 7",
 * "Monday 7 December 2026", "7 Dec", "14:05" — from Intl's names and date-fns's locale-free `lightFormat`: `format`
 * and its locale were 6 KiB gzip of the JavaScript the calendar needs before it renders (issue 21: under 150 KiB).
 * All in the browser's zone, as `format` was.
 */
import { lightFormat } from 'date-fns';

const namer = (options: Intl.DateTimeFormatOptions) => {
  const formatter = new Intl.DateTimeFormat('en-US', options);
  return (date: Date) => formatter.format(date);
};

/** "Mon" */
export const weekdayShort = namer({ weekday: 'short' });
/** "Monday" */
export const weekdayLong = namer({ weekday: 'long' });
/** "Dec" */
export const monthShort = namer({ month: 'short' });
/** "December" */
export const monthLong = namer({ month: 'long' });

/** "2026-12-07" */
export const dayKey = (date: Date) => lightFormat(date, 'yyyy-MM-dd');
/** "14:05" */
export const clock = (date: Date) => lightFormat(date, 'HH:mm');
/** "7 Dec" */
export const dayMonthShort = (date: Date) => `${date.getDate()} ${monthShort(date)}`;
/** "7 December" */
export const dayMonthLong = (date: Date) => `${date.getDate()} ${monthLong(date)}`;
/** "Monday 7 December" */
export const weekdayDayMonth = (date: Date) => `${weekdayLong(date)} ${dayMonthLong(date)}`;
