/** What the parts of the calendar service (calendar.service.ts lists them) share; not exported beyond them. */
import type { DB, EventRow as FullEventRow, Kysely } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { seriesEnd } from './calendar.series.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** An event as the queries return it (everything but the owner's id). */
export type EventRow = Omit<FullEventRow, 'userId'>;

export interface Deps {
  db: Kysely<DB>;
  clock: Clock;
}

/** The series' end for range queries; throws ValidationError when the rule cannot be expanded. */
export function computeSeriesEnd(event: {
  allDay: boolean;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  rdates?: Date[];
  rdateEnds?: (Date | null)[];
}) {
  return seriesEnd(event);
}
