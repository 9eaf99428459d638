import {
  describeRecurrence,
  type TCreateEventInput,
  type TFrequency,
  type TRecurrence,
  type TWeekday,
  WEEKDAYS,
  ZCreateEventInput,
} from '@lifeos/core/schemas';
import { addHours, format } from 'date-fns';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Field, FormError } from '../../components/field';
import { errorMessage, serverFieldErrors } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { fromLocalInput, localDate, toLocalInput } from './dates';
import './event-form.css';

const WEEKDAY_LABELS: Record<TWeekday, string> = {
  MO: 'Mon',
  TU: 'Tue',
  WE: 'Wed',
  TH: 'Thu',
  FR: 'Fri',
  SA: 'Sat',
  SU: 'Sun',
};
export const JS_DAY_TO_WEEKDAY: TWeekday[] = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

type Repeat = 'none' | TFrequency | 'custom';
type Ends = 'never' | 'count' | 'until';

/** What the event form holds, as its inputs do (strings, in this browser's zone). */
export interface EventFormValues {
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

/** A new event's values: an hour from `start`, or (all day) the day `start` falls on. */
export function newEventValues({
  title = '',
  start,
  allDay = false,
}: {
  title?: string;
  start: Date;
  allDay?: boolean;
}): EventFormValues {
  const day = format(start, 'yyyy-MM-dd');
  return {
    title,
    allDay,
    start: toLocalInput(start),
    end: toLocalInput(addHours(start, 1)),
    startDate: day,
    endDate: day,
    location: '',
    description: '',
    repeat: 'none',
    interval: '1',
    byDay: [JS_DAY_TO_WEEKDAY[start.getDay()] as TWeekday],
    ends: 'never',
    count: '10',
    until: '',
  };
}

/** The recurrence the form describes; undefined to leave an imported rule as it is. */
function recurrenceOf(state: EventFormValues): TRecurrence | null | undefined {
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

/** The API's input for what the form shows: no recurrence without the repeat controls, no description without notes. */
function toInput(state: EventFormValues, { kind, notes }: Pick<EventFormProps, 'kind' | 'notes'>) {
  const recurrence = kind === 'series' ? recurrenceOf(state) : undefined;
  return {
    title: state.title,
    ...(notes ? { description: state.description || null } : {}),
    location: state.location || null,
    allDay: state.allDay,
    ...(state.allDay
      ? { startDate: state.startDate, endDate: state.endDate }
      : { start: fromLocalInput(state.start), end: fromLocalInput(state.end) }),
    ...(state.allDay ? {} : { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone }),
    ...(recurrence === undefined ? {} : { recurrence }),
  };
}

/** The fields the form shows an error next to; anything else the server says goes above the form. */
const FIELDS = ['title', 'start', 'end', 'startDate', 'endDate', 'location', 'description', 'recurrence'];

export interface EventFormProps {
  initial: EventFormValues;
  /**
   * What is saved: an event that may repeat (`series`: the repeat controls), one occurrence of a series (the form
   * says the rest stays as it is), or a `single` event that cannot repeat (a capture processed into an event).
   */
  kind: 'series' | 'occurrence' | 'single';
  /** The series' imported rule, kept while the user picks no other (series only). */
  customRule?: string | null | undefined;
  /** Show Notes (the event's description); off where the target takes none. */
  notes?: boolean;
  submitLabel: string;
  /** Saves the event; a rejection shows next to its field when the server names one, else above the form. */
  onSubmit: (input: TCreateEventInput) => Promise<unknown>;
  onCancel: () => void;
}

/**
 * The one event form: the calendar's new event and edits (a series or one occurrence), and a capture processed
 * into an event. Checked with the API's own schema, so the form says what the server would.
 */
export function EventForm({
  initial,
  kind,
  customRule,
  notes = true,
  submitLabel,
  onSubmit,
  onCancel,
}: EventFormProps) {
  const [state, setState] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [pending, setPending] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const set = <K extends keyof EventFormValues>(key: K, value: EventFormValues[K]) =>
    setState((s) => ({ ...s, [key]: value }));
  const recurrence = recurrenceOf(state);

  useEffect(() => titleRef.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = ZCreateEventInput.safeParse(toInput(state, { kind, notes }));
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
    setPending(true);
    try {
      await onSubmit(parsed.data);
    } catch (error) {
      const fromServer = Object.entries(serverFieldErrors(error)).flatMap(([field, messages]) =>
        FIELDS.includes(field) && messages?.[0] ? [[field, messages[0]] as const] : [],
      );
      if (fromServer.length > 0) setErrors(Object.fromEntries(fromServer));
      else setFormError(errorMessage(error));
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="form calendar-form" onSubmit={submit} noValidate aria-label="Event">
      <FormError message={formError} />
      <Field label="Title" error={errors.title}>
        {(props) => (
          <input
            {...props}
            ref={titleRef}
            type="text"
            autoComplete="off"
            value={state.title}
            onChange={(e) => set('title', e.target.value)}
          />
        )}
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
      {kind === 'occurrence' ? (
        <p className="muted small">You are changing this one occurrence; the rest of the series stays as it is.</p>
      ) : kind === 'single' ? null : (
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
              : recurrence === undefined && customRule
                ? `Custom rule: ${customRule}`
                : 'Once'}
          </p>
        </fieldset>
      )}
      <Field label="Location" error={errors.location}>
        {(props) => (
          <input {...props} type="text" value={state.location} onChange={(e) => set('location', e.target.value)} />
        )}
      </Field>
      {notes ? (
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
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
