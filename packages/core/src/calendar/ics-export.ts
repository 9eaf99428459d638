/** Writes events as an iCalendar file with ical-generator; parseIcs reads it back to the same events. */
import ical, { ICalCalendarMethod } from 'ical-generator';
import { toFloating } from './recurrence.js';

export interface ExportableEvent {
  icsUid: string;
  title: string;
  description: string | null;
  location: string | null;
  allDay: boolean;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  exdates: Date[];
  recurrenceId: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateStamp = (d: Date) => `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
const timeStamp = (d: Date) => `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
const isUtc = (timezone: string) => timezone === 'UTC' || timezone === 'Etc/UTC';

/** EXDATE in the event's own terms: dates for all-day events, wall-clock times in its zone otherwise. */
function exdateLine(event: ExportableEvent): string | null {
  if (event.exdates.length === 0) return null;
  if (event.allDay) return `EXDATE;VALUE=DATE:${event.exdates.map(dateStamp).join(',')}`;
  if (isUtc(event.timezone)) return `EXDATE:${event.exdates.map((d) => `${dateStamp(d)}T${timeStamp(d)}Z`).join(',')}`;
  const local = event.exdates.map((d) => toFloating(d, event.timezone)).map((d) => `${dateStamp(d)}T${timeStamp(d)}`);
  return `EXDATE;TZID=${event.timezone}:${local.join(',')}`;
}

export function buildIcs(events: ExportableEvent[], options: { name: string; method?: 'publish' }): string {
  const calendar = ical({
    name: options.name,
    prodId: { company: 'Life OS', product: 'Calendar', language: 'EN' },
    ...(options.method ? { method: ICalCalendarMethod.PUBLISH } : {}),
  });
  for (const event of events) {
    const zoned = !event.allDay && !isUtc(event.timezone);
    const repeating = event.rrule ? [`RRULE:${event.rrule}`, exdateLine(event)].filter(Boolean).join('\r\n') : null;
    // ical-generator writes a Date's UTC fields after TZID (it converts only moment/luxon/dayjs values), so a
    // zoned event gets its wall-clock times written as UTC fields.
    const wall = (d: Date) => (zoned ? toFloating(d, event.timezone) : d);
    calendar.createEvent({
      id: event.icsUid,
      start: wall(event.startsAt),
      end: wall(event.endsAt),
      allDay: event.allDay,
      timezone: zoned ? event.timezone : null,
      summary: event.title,
      description: event.description,
      location: event.location,
      repeating,
      recurrenceId: event.recurrenceId ? wall(event.recurrenceId) : null,
      stamp: event.updatedAt,
      created: event.createdAt,
      lastModified: event.updatedAt,
    });
  }
  return calendar.toString();
}
