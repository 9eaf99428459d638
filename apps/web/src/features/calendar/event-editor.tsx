import type { TCreateEventInput, TEvent, TWeekday } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { format, setHours, startOfHour } from 'date-fns';
import { trpc } from '../../lib/trpc';
import { toLocalInput } from './dates';
import { EventForm, type EventFormValues, JS_DAY_TO_WEEKDAY, newEventValues } from './event-form';
import { invalidateEvents } from './invalidate';

/** What the calendar edits: a new event on a day, a whole event or series, or one occurrence of a series. */
export type EditTarget =
  | { kind: 'create'; day: Date }
  | { kind: 'event'; event: TEvent }
  | { kind: 'occurrence'; event: TEvent; occurrenceStart: Date | null; start: Date; end: Date };

const DAY_MS = 86_400_000;

/** The form's values for a target: a new event starts at the next hour of the day (9:00 to 20:00). */
function valuesOf(target: EditTarget): EventFormValues {
  if (target.kind === 'create') {
    return newEventValues({
      start: startOfHour(setHours(target.day, Math.max(9, Math.min(new Date().getHours() + 1, 20)))),
    });
  }
  const e = target.event;
  const start = target.kind === 'occurrence' ? target.start : e.start;
  const end = target.kind === 'occurrence' ? target.end : e.end;
  const r = target.kind === 'occurrence' ? null : e.recurrence;
  return {
    title: e.title,
    allDay: e.allDay,
    start: toLocalInput(start),
    end: toLocalInput(end),
    startDate: e.allDay ? start.toISOString().slice(0, 10) : format(start, 'yyyy-MM-dd'),
    endDate: e.allDay
      ? new Date(Math.max(start.getTime(), end.getTime() - DAY_MS)).toISOString().slice(0, 10)
      : format(end, 'yyyy-MM-dd'),
    location: e.location ?? '',
    description: e.description ?? '',
    repeat: target.kind === 'occurrence' || !e.rrule ? 'none' : r ? r.freq : 'custom',
    interval: String(r?.interval ?? 1),
    byDay: (r?.byDay?.filter((d) => d.length === 2) as TWeekday[] | undefined) ?? [
      JS_DAY_TO_WEEKDAY[start.getDay()] as TWeekday,
    ],
    ends: r?.count ? 'count' : r?.until ? 'until' : 'never',
    count: String(r?.count ?? 10),
    until: r?.until ? (e.allDay ? r.until.toISOString().slice(0, 10) : format(r.until, 'yyyy-MM-dd')) : '',
  };
}

/** The calendar's event form: creates the event, or saves the series or the one occurrence it edits. */
export function EventEditor({ target, onDone }: { target: EditTarget; onDone: () => void }) {
  const create = useMutation(trpc.calendar.events.create.mutationOptions());
  const update = useMutation(trpc.calendar.events.update.mutationOptions());

  const save = async (input: TCreateEventInput) => {
    if (target.kind === 'create') await create.mutateAsync(input);
    else if (target.kind === 'occurrence') {
      await update.mutateAsync({
        id: target.event.id,
        ...input,
        ...(target.occurrenceStart ? { scope: 'occurrence' as const, occurrenceStart: target.occurrenceStart } : {}),
      });
    } else await update.mutateAsync({ id: target.event.id, scope: 'series', ...input });
    await invalidateEvents();
    onDone();
  };

  return (
    <EventForm
      initial={valuesOf(target)}
      kind={target.kind === 'occurrence' ? 'occurrence' : 'series'}
      customRule={target.kind === 'event' ? target.event.rrule : null}
      submitLabel="Save event"
      onSubmit={save}
      onCancel={onDone}
    />
  );
}
