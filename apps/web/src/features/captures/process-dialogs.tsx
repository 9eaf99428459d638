import { zodResolver } from '@hookform/resolvers/zod';
import { type TCapture, type TProcessCaptureInput, ZCalendarDate } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Field, FormError } from '../../components/field';
import { Modal } from '../../components/modal';
import { ErrorState, LoadingState } from '../../components/states';
import { applyServerErrors } from '../../lib/errors';
import { localToday } from '../../lib/local-date';
import { trpc } from '../../lib/trpc';
import { EMPTY_TASK_FORM, NEW_PROJECT, projectChoice, TaskForm, type TaskFormInput } from '../tasks';
import { ParsePreview } from './parse-preview';

type Into = TProcessCaptureInput['into'];

/** The capture's text as the quick-add parser reads it (saves nothing). */
function useParsed(capture: TCapture) {
  return useQuery({ ...trpc.captures.parse.queryOptions({ text: capture.text }), staleTime: 60_000 });
}

/** Process into a task: the form starts from what the parser proposed (title, due date, labels, priority, project). */
export function TaskProcessDialog({
  capture,
  onClose,
  onSubmit,
}: {
  capture: TCapture;
  onClose: () => void;
  onSubmit: (into: Into) => Promise<unknown>;
}) {
  const parsed = useParsed(capture);
  const projects = useQuery(trpc.projects.list.queryOptions());
  const ready = parsed.data && projects.data;
  const defaults: TaskFormInput | undefined = parsed.data
    ? {
        ...EMPTY_TASK_FORM,
        title: parsed.data.title || capture.text,
        dueDate: parsed.data.dueDate ?? '',
        labels: parsed.data.labels.join(' '),
        priority: String(parsed.data.priority ?? 0),
        project: parsed.data.project?.id ?? (parsed.data.newProjectName ? NEW_PROJECT : ''),
        newProjectName: parsed.data.newProjectName ?? '',
      }
    : undefined;
  return (
    <Modal title="Make it a task" onClose={onClose} className="dialog-wide">
      <p className="small muted capture-source">“{capture.text}”</p>
      {parsed.isError || projects.isError ? (
        <ErrorState error={parsed.error ?? projects.error} />
      ) : !ready || !defaults ? (
        <LoadingState label="Reading the capture…" />
      ) : (
        <>
          <ParsePreview parsed={parsed.data} label="Proposed from the text" />
          <TaskForm
            defaults={defaults}
            projects={projects.data.filter((p) => p.status !== 'archived')}
            allowNewProject
            submitLabel="Create task"
            onCancel={onClose}
            onSubmit={(values) =>
              onSubmit({
                kind: 'task',
                title: values.title,
                ...(values.notes.trim() ? { notes: values.notes } : {}),
                dueDate: values.dueDate || null,
                labels: values.labels,
                priority: values.priority,
                ...projectChoice(values),
              })
            }
          />
        </>
      )}
    </Modal>
  );
}

const ZTime = z.string().regex(/^\d{2}:\d{2}$/, { error: 'Choose a time' });
const ZEventForm = z
  .object({
    title: z.string().trim().min(1, { error: 'Give the event a title' }).max(500),
    allDay: z.boolean(),
    date: ZCalendarDate,
    startTime: z.union([z.literal(''), ZTime]),
    endTime: z.union([z.literal(''), ZTime]),
  })
  .superRefine((values, ctx) => {
    if (values.allDay) return;
    if (!values.startTime) ctx.addIssue({ code: 'custom', path: ['startTime'], message: 'Choose when it starts' });
    if (!values.endTime) ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'Choose when it ends' });
    if (values.startTime && values.endTime && values.endTime < values.startTime) {
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'The end cannot be before the start' });
    }
  });
type EventFormInput = z.input<typeof ZEventForm>;

function plusHour(time: string): string {
  const [h = 0, m = 0] = time.split(':').map(Number);
  return `${String(Math.min(h + 1, 23)).padStart(2, '0')}:${String(h >= 23 ? 59 : m).padStart(2, '0')}`;
}

function localInstant(date: string, time: string): Date {
  const [y = 1970, mo = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0] = time.split(':').map(Number);
  return new Date(y, mo - 1, d, h, mi);
}

/** Process into a calendar event: timed (in this browser's time zone) or all day, on the proposed date. */
export function EventProcessDialog({
  capture,
  onClose,
  onSubmit,
}: {
  capture: TCapture;
  onClose: () => void;
  onSubmit: (into: Into) => Promise<unknown>;
}) {
  const parsed = useParsed(capture);
  return (
    <Modal title="Make it an event" onClose={onClose}>
      <p className="small muted capture-source">“{capture.text}”</p>
      {parsed.isError ? (
        <ErrorState error={parsed.error} />
      ) : !parsed.data ? (
        <LoadingState label="Reading the capture…" />
      ) : (
        <EventForm
          defaults={{
            title: parsed.data.title || capture.text,
            allDay: !parsed.data.dueTime,
            date: parsed.data.dueDate ?? localToday(),
            startTime: parsed.data.dueTime ?? '09:00',
            endTime: plusHour(parsed.data.dueTime ?? '09:00'),
          }}
          onClose={onClose}
          onSubmit={onSubmit}
        />
      )}
    </Modal>
  );
}

function EventForm({
  defaults,
  onClose,
  onSubmit,
}: {
  defaults: EventFormInput;
  onClose: () => void;
  onSubmit: (into: Into) => Promise<unknown>;
}) {
  const form = useForm({ resolver: zodResolver(ZEventForm), defaultValues: defaults });
  const { errors, isSubmitting } = form.formState;
  const allDay = form.watch('allDay');
  useEffect(() => form.setFocus('title'), [form]);
  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit(
        values.allDay
          ? { kind: 'event', title: values.title, allDay: true, startDate: values.date, endDate: values.date }
          : {
              kind: 'event',
              title: values.title,
              allDay: false,
              start: localInstant(values.date, values.startTime),
              end: localInstant(values.date, values.endTime),
              timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
            },
      );
    } catch (error) {
      applyServerErrors(error, form.setError, ['title']);
    }
  });
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError message={errors.root?.server?.message} />
      <Field label="Title" error={errors.title?.message}>
        {(props) => <input {...props} {...form.register('title')} autoComplete="off" />}
      </Field>
      <label className="checkbox-row">
        <input type="checkbox" {...form.register('allDay')} /> All day
      </label>
      <Field label="Date" error={errors.date?.message}>
        {(props) => <input {...props} type="date" {...form.register('date')} />}
      </Field>
      {allDay ? null : (
        <div className="form-grid">
          <Field label="Starts" error={errors.startTime?.message}>
            {(props) => <input {...props} type="time" {...form.register('startTime')} />}
          </Field>
          <Field label="Ends" error={errors.endTime?.message}>
            {(props) => <input {...props} type="time" {...form.register('endTime')} />}
          </Field>
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : 'Add to calendar'}
        </button>
      </div>
    </form>
  );
}
