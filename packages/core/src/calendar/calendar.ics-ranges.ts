/**
 * RECURRENCE-ID;RANGE=THISANDFUTURE (RFC 5545 §3.8.4.4): an override that holds for its occurrence and every later
 * one. Life OS stores it the way it stores its own "this and following" edit, and the way Google writes such edits:
 * the series ends before that occurrence, and a new series (UID `<uid>_R<recurrence-id in UTC>`, so a second import
 * finds it again) carries on from the override's start with its title, place and length, the rest of the rule (COUNT
 * reduced by the occurrences already had), the later exceptions and the later single overrides, each moved by the
 * override's shift in wall-clock time. Several such overrides of one series split it in order.
 */
import { fromFloating, toFloating } from './calendar.floating-time.js';
import type { ParsedEvent, SkippedEvent } from './calendar.ics-import.js';
import { ruleEndingBefore, ruleFrom } from './calendar.series.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const utcStamp = (d: Date) =>
  `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;

/** The series' later occurrence moved by the override's shift, in the wall-clock time of the series' zone. */
function shifted(instant: Date, shift: number, series: ParsedEvent, next: ParsedEvent): Date {
  if (series.allDay) return new Date(instant.getTime() + shift);
  return fromFloating(new Date(toFloating(instant, series.timezone).getTime() + shift), next.timezone);
}

/** The events with every THISANDFUTURE override applied; an override that cannot be applied is reported. */
export function applyThisAndFuture(events: ParsedEvent[], skipped: SkippedEvent[]): ParsedEvent[] {
  const ranged = events.filter((e) => e.thisAndFuture && e.recurrenceId && !e.cancelled);
  if (ranged.length === 0) return events;
  let result = events.filter((e) => !ranged.includes(e));
  const byUid = new Map<string, ParsedEvent[]>();
  for (const override of ranged) byUid.set(override.icsUid, [...(byUid.get(override.icsUid) ?? []), override]);
  for (const [uid, overrides] of byUid) {
    overrides.sort((a, b) => (a.recurrenceId as Date).getTime() - (b.recurrenceId as Date).getTime());
    let series = result.find((e) => e.icsUid === uid && !e.recurrenceId && e.rrule);
    for (const override of overrides) {
      const at = override.recurrenceId as Date;
      if (!series) {
        // No series in the file to split: it is an override of its own occurrence, as before.
        result.push({ ...override, thisAndFuture: false });
        continue;
      }
      try {
        const current: ParsedEvent = series;
        const floatingAt = current.allDay ? at : toFloating(at, current.timezone);
        const floatingStart = override.allDay ? override.startsAt : toFloating(override.startsAt, override.timezone);
        const shift = floatingStart.getTime() - floatingAt.getTime();
        const nextUid = `${uid}_R${utcStamp(at)}`;
        const next: ParsedEvent = {
          ...override,
          icsUid: nextUid,
          recurrenceId: null,
          thisAndFuture: false,
          rrule: ruleFrom(current, at),
          exdates: [],
        };
        next.exdates = current.exdates
          .filter((d) => d.getTime() >= at.getTime())
          .map((d) => shifted(d, shift, current, next));
        const later = current.rdates.flatMap((d, i) => (d.getTime() >= at.getTime() ? [i] : []));
        next.rdates = later.map((i) => shifted(current.rdates[i] as Date, shift, current, next));
        next.rdateEnds = later.map((i) => {
          const end = current.rdateEnds[i];
          return end ? shifted(end, shift, current, next) : null;
        });
        const earlier = current.rdates.flatMap((d, i) => (d.getTime() < at.getTime() ? [i] : []));
        const head: ParsedEvent = {
          ...current,
          rrule: ruleEndingBefore(current, at),
          exdates: current.exdates.filter((d) => d.getTime() < at.getTime()),
          rdates: earlier.map((i) => current.rdates[i] as Date),
          rdateEnds: earlier.map((i) => current.rdateEnds[i] ?? null),
        };
        result = result.map((e) => {
          if (e === current) return head;
          // Later single overrides of the series belong to the new one, moved like its occurrences.
          if (e.icsUid === uid && e.recurrenceId && e.recurrenceId.getTime() > at.getTime()) {
            return { ...e, icsUid: nextUid, recurrenceId: shifted(e.recurrenceId, shift, current, next) };
          }
          return e;
        });
        // Split at its first occurrence, nothing is left of the series before it.
        if (at.getTime() <= current.startsAt.getTime()) result = result.filter((e) => e !== head);
        result.push(next);
        series = next;
      } catch (error) {
        skipped.push({
          uid: uid.slice(0, 200),
          summary: override.title || null,
          reason: `RECURRENCE-ID;RANGE=THISANDFUTURE could not be applied: ${
            error instanceof Error ? error.message : String(error)
          }`.slice(0, 300),
        });
      }
    }
  }
  return result;
}
