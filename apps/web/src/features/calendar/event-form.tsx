import {
  describeRecurrence,
  type TCreateEventInput,
  type TEvent,
  type TFrequency,
  type TRecurrence,
  type TWeekday,
  WEEKDAYS,
  ZCreateEventInput,
} from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { addHours, format, setHours, startOfHour } from 'date-fns';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../components/field';
import { errorMessage } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { fromLocalInput, localDate, toLocalInput } from './dates';
import { invalidateEvents } from './invalidate';

const WEEKDAY_LABELS: Record<TWeekday, string> = {
  MO: 'Mon',
  TU: 'Tue',
  WE: 'Wed',
  TH: 'Thu',
  FR: 'Fri',
  SA: 'Sat',
  SU: 'Sun',
};
const JS_DAY_TO_WEEKDAY: TWeekday[] = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

type Repeat = 'none' | TFrequency | 'custom';
type Ends = 'never' | 'count' | 'until';

interface FormState {
  title: string;
  allDay: boolean;
  start: string;
  end: string;
  startDate: string;
  endDate: string;
  location: string;
  description: string;
  repeat: Repeat;
  interval: string;
  byDay: TWeekday[];
  ends: Ends;
  count: string;
  until: string;
}

/** What the form edits: a new event on a day, a whole event or series, or one occurrence of a series. */
export type EditTarget =
  | { kind: 'create'; day: Date }
  | { kind: 'event'; event: TEvent }
  | { kind: 'occurrence'; event: TEvent; occurrenceStart: Date | null; start: Date; end: Date };

function initialState(target: EditTarget): FormState {
  if (target.kind === 'create') {
    const start = startOfHour(setHours(target.day, Math.max(9, Math.min(new Date().getHours() + 1, 20))));
    const day = format(target.day, 'yyyy-MM-dd');
    return {
      title: '',
      allDay: false,
      start: toLocalInput(start),
      end: toLocalInput(addHours(start, 1)),
      startDate: day,
      endDate: day,
      location: '',
      description: '',
      repeat: 'none',
      interval: '1',
      byDay: [JS_DAY_TO_WEEKDAY[target.day.getDay()] as TWeekday],
      ends: 'never',
      count: '10',
      until: '',
    };
  }
  const e = target.event;
  const start = target.kind === 'occurrence' ? target.start : e.start;
  const end = target.kind === 'occurrence' ? target.end : e.end;
  const r = target.kind === 'occurrence' ? null : e.recurrence;
  const dayMs = 86_400_000;
  return {
    title: e.title,
    allDay: e.allDay,
    start: toLocalInput(start),
    end: toLocalInput(end),
    startDate: e.allDay ? start.toISOString().slice(0, 10) : format(start, 'yyyy-MM-dd'),
    endDate: e.allDay
      ? new Date(Math.max(start.getTime(), end.getTime() - dayMs)).toISOString().slice(0, 10)
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

/** The recurrence the form describes; undefined to leave an imported rule as it is. */
function recurrenceOf(state: FormState): TRecurrence | null | undefined {
  if (state.repeat === 'custom') return undefined;
  if (state.repeat === 'none') return null;
  const recurrence: TRecurrence = { freq: state.repeat, interval: Number(state.interval) || 1 };
  if (state.repeat === 'weekly' && state.byDay.length > 0) recurrence.byDay = state.byDay;
  if (state.ends === 'count') recurrence.count = Number(state.count);
  if (state.ends === 'until' && state.until) {
    // The last day counts: through its end (timed events) or the day itself (all-day events).
    recurrence.until = state.allDay
      ? new Date(`${state.until}T00:00:00.000Z`)
      : new Date(localDate(state.until).getTime() + 86_400_000 - 1000);
  }
  return recurrence;
}

function toInput(state: FormState) {
  const recurrence = recurrenceOf(state);
  return {
    title: state.title,
    description: state.description || null,
    location: state.location || null,
    allDay: state.allDay,
    ...(state.allDay
      ? { startDate: state.startDate, endDate: state.endDate }
      : { start: fromLocalInput(state.start), end: fromLocalInput(state.end) }),
    ...(state.allDay ? {} : { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone }),
    ...(recurrence === undefined ? {} : { recurrence }),
  };
}

export function EventForm({ target, onDone }: { target: EditTarget; onDone: () => void }) {
  const [state, setState] = useState(() => initialState(target));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const create = useMutation(trpc.calendar.events.create.mutationOptions());
  const update = useMutation(trpc.calendar.events.update.mutationOptions());
  const pending = create.isPending || update.isPending;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setState((s) => ({ ...s, [key]: value }));
  const recurrence = recurrenceOf(state);
  const isOccurrence = target.kind === 'occurrence';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const input = toInput(state);
    // The API's own schema, so the form says what the server would.
    const parsed = ZCreateEventInput.safeParse(input);
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? 'form');
        fieldErrors[key] ??= issue.message;
      }
      setErrors(fieldErrors);
      return;
    }
    setErrors({});
    setFormError(undefined);
    try {
      if (target.kind === 'create') await create.mutateAsync(parsed.data as TCreateEventInput);
      else if (target.kind === 'occurrence') {
        const { recurrence: _ignored, ...fields } = parsed.data;
        await update.mutateAsync({
          id: target.event.id,
          ...fields,
          ...(target.occurrenceStart ? { scope: 'occurrence' as const, occurrenceStart: target.occurrenceStart } : {}),
        });
      } else await update.mutateAsync({ id: target.event.id, scope: 'series', ...parsed.data });
    } catch (error) {
      setFormError(errorMessage(error));
      return;
    }
    await invalidateEvents();
    onDone();
  };

  return (
    <form className="form calendar-form" onSubmit={onSubmit} noValidate aria-label="Event">
      <FormError message={formError} />
      <Field label="Title" error={errors.title}>
        {(props) => <input {...props} type="text" value={state.title} onChange={(e) => set('title', e.target.value)} />}
      </Field>
      <label className="calendar-check">
        <input type="checkbox" checked={state.allDay} onChange={(e) => set('allDay', e.target.checked)} /> All day
      </label>
      {state.allDay ? (
        <div className="form-grid">
          <Field label="First day" error={errors.startDate}>
            {(props) => (
              <input
                {...props}
                type="date"
                value={state.startDate}
                onChange={(e) => set('startDate', e.target.value)}
              />
            )}
          </Field>
          <Field label="Last day" error={errors.endDate}>
            {(props) => (
              <input {...props} type="date" value={state.endDate} onChange={(e) => set('endDate', e.target.value)} />
            )}
          </Field>
        </div>
      ) : (
        <div className="form-grid">
          <Field label="Starts" error={errors.start}>
            {(props) => (
              <input
                {...props}
                type="datetime-local"
                value={state.start}
                onChange={(e) => {
                  const start = fromLocalInput(e.target.value);
                  const oldStart = fromLocalInput(state.start);
                  const oldEnd = fromLocalInput(state.end);
                  // Moving the start keeps the duration.
                  if (start && oldStart && oldEnd) {
                    set('end', toLocalInput(new Date(start.getTime() + (oldEnd.getTime() - oldStart.getTime()))));
                  }
                  set('start', e.target.value);
                }}
              />
            )}
          </Field>
          <Field label="Ends" error={errors.end}>
            {(props) => (
              <input {...props} type="datetime-local" value={state.end} onChange={(e) => set('end', e.target.value)} />
            )}
          </Field>
        </div>
      )}
      {isOccurrence ? (
        <p className="muted small">You are changing this one occurrence; the rest of the series stays as it is.</p>
      ) : (
        <fieldset className="calendar-repeat">
          <legend>Repeat</legend>
          <div className="form-grid">
            <Field label="Repeats">
              {(props) => (
                <select {...props} value={state.repeat} onChange={(e) => set('repeat', e.target.value as Repeat)}>
                  <option value="none">Does not repeat</option>
                  <option value="daily">Daily</option>
                  <option value="weekly">Weekly</option>
                  <option value="monthly">Monthly</option>
                  <option value="yearly">Yearly</option>
                  {state.repeat === 'custom' ? <option value="custom">Custom rule (kept as imported)</option> : null}
                </select>
              )}
            </Field>
            {state.repeat !== 'none' && state.repeat !== 'custom' ? (
              <Field
                label="Every"
                hint={state.repeat === 'daily' ? 'days' : `${state.repeat.replace('ly', '')}s`}
                error={errors.recurrence}
              >
                {(props) => (
                  <input
                    {...props}
                    type="number"
                    min={1}
                    max={999}
                    value={state.interval}
                    onChange={(e) => set('interval', e.target.value)}
                  />
                )}
              </Field>
            ) : null}
          </div>
          {state.repeat === 'weekly' ? (
            <fieldset className="calendar-weekdays">
              <legend className="visually-hidden">On these days</legend>
              {WEEKDAYS.map((day) => (
                <label key={day} className="calendar-check">
                  <input
                    type="checkbox"
                    checked={state.byDay.includes(day)}
                    onChange={(e) =>
                      set('byDay', e.target.checked ? [...state.byDay, day] : state.byDay.filter((d) => d !== day))
                    }
                  />{' '}
                  {WEEKDAY_LABELS[day]}
                </label>
              ))}
            </fieldset>
          ) : null}
          {state.repeat !== 'none' && state.repeat !== 'custom' ? (
            <div className="form-grid">
              <Field label="Ends">
                {(props) => (
                  <select {...props} value={state.ends} onChange={(e) => set('ends', e.target.value as Ends)}>
                    <option value="never">Never</option>
                    <option value="count">After a number of times</option>
                    <option value="until">On a date</option>
                  </select>
                )}
              </Field>
              {state.ends === 'count' ? (
                <Field label="Times">
                  {(props) => (
                    <input
                      {...props}
                      type="number"
                      min={1}
                      max={1000}
                      value={state.count}
                      onChange={(e) => set('count', e.target.value)}
                    />
                  )}
                </Field>
              ) : null}
              {state.ends === 'until' ? (
                <Field label="Last date">
                  {(props) => (
                    <input {...props} type="date" value={state.until} onChange={(e) => set('until', e.target.value)} />
                  )}
                </Field>
              ) : null}
            </div>
          ) : null}
          <p className="calendar-summary" aria-live="polite">
            {recurrence
              ? describeRecurrence(recurrence, (d) =>
                  formatDate(state.allDay ? localDate(d.toISOString().slice(0, 10)) : d),
                )
              : recurrence === undefined && target.kind === 'event'
                ? `Custom rule: ${target.event.rrule}`
                : 'Once'}
          </p>
        </fieldset>
      )}
      <Field label="Location" error={errors.location}>
        {(props) => (
          <input {...props} type="text" value={state.location} onChange={(e) => set('location', e.target.value)} />
        )}
      </Field>
      <Field label="Notes" error={errors.description}>
        {(props) => (
          <textarea
            {...props}
            rows={3}
            value={state.description}
            onChange={(e) => set('description', e.target.value)}
          />
        )}
      </Field>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onDone} disabled={pending}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save event'}
        </button>
      </div>
    </form>
  );
}
