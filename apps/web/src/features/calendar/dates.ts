import type { TOccurrence } from '@lifeos/core/schemas';
import { addDays, addMonths, addWeeks, endOfMonth, isSameDay, startOfDay, startOfMonth, startOfWeek } from 'date-fns';
import { clock, dayKey, dayMonthShort, monthLong } from './date-labels';

export type CalendarView = 'month' | 'week' | 'agenda';
export const AGENDA_DAYS = 30;

export interface ViewRange {
  from: Date;
  to: Date;
  /** The days the view shows, in order. */
  days: Date[];
  title: string;
}

/** The days and the query range of a view around `cursor`, in the browser's zone. */
export function viewRange(view: CalendarView, cursor: Date, weekStartsOn: 0 | 1): ViewRange {
  let first: Date;
  let count: number;
  let title: string;
  if (view === 'month') {
    first = startOfWeek(startOfMonth(cursor), { weekStartsOn });
    const last = endOfMonth(cursor);
    count = Math.ceil((last.getTime() - first.getTime()) / 86_400_000 / 7) * 7;
    count = Math.max(count, 35);
    title = `${monthLong(cursor)} ${cursor.getFullYear()}`;
  } else if (view === 'week') {
    first = startOfWeek(cursor, { weekStartsOn });
    count = 7;
    title = `${dayMonthShort(first)} – ${dayMonthShort(addDays(first, 6))} ${addDays(first, 6).getFullYear()}`;
  } else {
    first = startOfDay(cursor);
    count = AGENDA_DAYS;
    title = `${dayMonthShort(first)} – ${dayMonthShort(addDays(first, count - 1))} ${addDays(first, count - 1).getFullYear()}`;
  }
  const days = Array.from({ length: count }, (_, i) => addDays(first, i));
  return { from: first, to: addDays(first, count), days, title };
}

export function step(view: CalendarView, cursor: Date, direction: 1 | -1): Date {
  if (view === 'month') return addMonths(cursor, direction);
  if (view === 'week') return addWeeks(cursor, direction);
  return addDays(cursor, direction * AGENDA_DAYS);
}

/** A 'YYYY-MM-DD' date as a local Date at midnight. */
export function localDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}

/** Whether an occurrence falls on a (local) day. All-day events by their dates, timed ones by their hours. */
export function occursOn(o: TOccurrence, day: Date): boolean {
  if (o.allDay && o.startDate && o.endDate) {
    const key = dayKey(day);
    return key >= o.startDate && key <= o.endDate;
  }
  const dayStart = startOfDay(day).getTime();
  const dayEnd = addDays(startOfDay(day), 1).getTime();
  const start = o.start.getTime();
  const end = o.end.getTime();
  return start < dayEnd && (end > dayStart || (end === start && start >= dayStart));
}

export function timeLabel(o: TOccurrence): string {
  if (o.allDay) return 'All day';
  return `${clock(o.start)}–${isSameDay(o.start, o.end) ? clock(o.end) : `${dayMonthShort(o.end)} ${clock(o.end)}`}`;
}

/** A stable key for an occurrence. */
export const occurrenceKey = (o: TOccurrence) => `${o.eventId}:${o.start.getTime()}`;

/** 'yyyy-MM-ddTHH:mm' for <input type="datetime-local">. */
export const toLocalInput = (date: Date) => `${dayKey(date)}T${clock(date)}`;
export const fromLocalInput = (value: string) => (value ? new Date(value) : undefined);
