import { zodResolver } from '@hookform/resolvers/zod';
import {
  LABELS_MAX,
  PRIORITY_LABELS,
  REPEAT_AFTER_DAYS_MAX,
  TASK_NOTES_MAX,
  type TProject,
  type TTask,
  ZCalendarDate,
  ZCreateTaskInput,
  ZLabel,
  ZPriority,
} from '@lifeos/core/schemas';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Field, FormError } from '../../components/field';
import { applyServerErrors } from '../../lib/errors';
import { describeRepeat, REPEAT_CHOICES, type RepeatChoice, repeatFromForm, repeatLabel, repeatToForm } from './repeat';
import { splitLabels } from './task-bits';

/** The project select's value for "a new project, named below". */
export const NEW_PROJECT = '__new__';

/** The task form, validated with the API's own field schemas. */
export const ZTaskForm = z
  .object({
    title: ZCreateTaskInput.shape.title,
    notes: z.string().max(TASK_NOTES_MAX),
    dueDate: z.union([z.literal(''), ZCalendarDate]),
    labels: z
      .string()
      .transform(splitLabels)
      .pipe(z.array(ZLabel).max(LABELS_MAX, { error: `At most ${LABELS_MAX} labels` }))
      // captures.process does not drop repeated labels itself (tasks.create does).
      .transform((labels) => [...new Set(labels)]),
    priority: z.coerce.number<unknown>().pipe(ZPriority),
    project: z.string(),
    newProjectName: z.string().trim().max(200),
    repeat: z.enum(REPEAT_CHOICES),
    repeatDays: z.string(),
    customRrule: z.string(),
  })
  .refine(
    (values) =>
      values.repeat !== 'afterDays' ||
      (/^\d+$/.test(values.repeatDays.trim()) &&
        Number(values.repeatDays) >= 1 &&
        Number(values.repeatDays) <= REPEAT_AFTER_DAYS_MAX),
    { error: `A whole number of days from 1 to ${REPEAT_AFTER_DAYS_MAX}`, path: ['repeatDays'] },
  )
  .refine((values) => values.project !== NEW_PROJECT || values.newProjectName !== '', {
    error: 'Name the new project',
    path: ['newProjectName'],
  });
export type TaskFormInput = z.input<typeof ZTaskForm>;
export type TaskFormValues = z.output<typeof ZTaskForm>;

export const EMPTY_TASK_FORM: TaskFormInput = {
  title: '',
  notes: '',
  dueDate: '',
  labels: '',
  priority: '0',
  project: '',
  newProjectName: '',
  repeat: 'none',
  repeatDays: '1',
  customRrule: '',
};

/** The form's values for editing a task. */
export function taskToForm(task: TTask): TaskFormInput {
  return {
    title: task.title,
    notes: task.notes ?? '',
    dueDate: task.dueDate ?? '',
    labels: task.labels.join(' '),
    priority: String(task.priority),
    project: task.projectId ?? '',
    newProjectName: '',
    ...repeatToForm(task),
  };
}

interface TaskFormProps {
  defaults: TaskFormInput;
  /** The projects to choose from; without them the project field is hidden. */
  projects?: TProject[] | undefined;
  /** Offer "New project…" in the project select. */
  allowNewProject?: boolean;
  /** Show the Repeat control (hidden where the API takes no repeat, e.g. processing a capture). */
  showRepeat?: boolean;
  submitLabel: string;
  onSubmit: (values: TaskFormValues) => Promise<unknown>;
  onCancel: () => void;
}

/** Title, due date, labels, priority, project and notes of a task; server errors land next to their fields. */
export function TaskForm({
  defaults,
  projects,
  allowNewProject = false,
  showRepeat = false,
  submitLabel,
  onSubmit,
  onCancel,
}: TaskFormProps) {
  const form = useForm({ resolver: zodResolver(ZTaskForm), defaultValues: defaults });
  const { errors, isSubmitting } = form.formState;
  const project = form.watch('project');
  const dueDate = form.watch('dueDate');
  const repeat = form.watch('repeat') as RepeatChoice;
  const repeatDays = form.watch('repeatDays');
  const customRrule = form.watch('customRrule');
  const repeatDaysValid = /^\d+$/.test(repeatDays.trim()) && Number(repeatDays) >= 1;
  const repeatMeaning =
    repeat === 'afterDays' && !repeatDaysValid
      ? null
      : describeRepeat(
          repeatFromForm({ repeat, repeatDays, customRrule }, dueDate, defaults.customRrule || null),
          dueDate,
        );

  useEffect(() => {
    form.setFocus('title');
  }, [form]);

  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (error) {
      applyServerErrors(error, form.setError, [
        'title',
        'notes',
        'dueDate',
        'labels',
        'priority',
        'newProjectName',
        'repeatDays',
      ]);
    }
  });

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError message={errors.root?.server?.message} />
      <Field label="Title" error={errors.title?.message}>
        {(props) => <input {...props} {...form.register('title')} autoComplete="off" />}
      </Field>
      <div className="form-grid">
        <Field label="Due date" error={errors.dueDate?.message}>
          {(props) => <input {...props} type="date" {...form.register('dueDate')} />}
        </Field>
        <Field label="Priority" error={errors.priority?.message}>
          {(props) => (
            <select {...props} {...form.register('priority')} defaultValue={String(defaults.priority)}>
              {PRIORITY_LABELS.map((label, value) => (
                <option key={label} value={String(value)}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {showRepeat ? (
        <>
          <div className="form-grid">
            <Field label="Repeat" error={errors.repeat?.message}>
              {(props) => (
                <select {...props} {...form.register('repeat')} defaultValue={defaults.repeat}>
                  {REPEAT_CHOICES.filter((choice) => choice !== 'custom' || defaults.repeat === 'custom').map(
                    (choice) => (
                      <option key={choice} value={choice}>
                        {choice === 'custom'
                          ? `Custom rule (${defaults.customRrule})`
                          : repeatLabel(choice, dueDate, defaults.customRrule)}
                      </option>
                    ),
                  )}
                </select>
              )}
            </Field>
            {repeat === 'afterDays' ? (
              <Field label="Days after completion" error={errors.repeatDays?.message}>
                {(props) => (
                  <input
                    {...props}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={REPEAT_AFTER_DAYS_MAX}
                    step={1}
                    {...form.register('repeatDays')}
                  />
                )}
              </Field>
            ) : null}
          </div>
          {repeatMeaning ? (
            <p className="small muted" data-testid="repeat-meaning">
              {repeatMeaning}
            </p>
          ) : null}
        </>
      ) : null}
      <Field label="Labels" hint="Words separated by spaces or commas" error={errors.labels?.message}>
        {(props) => <input {...props} {...form.register('labels')} autoComplete="off" />}
      </Field>
      {projects ? (
        <div className="form-grid">
          <Field label="Project">
            {(props) => (
              <select {...props} {...form.register('project')} defaultValue={defaults.project}>
                <option value="">No project</option>
                {projects.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
                {allowNewProject ? <option value={NEW_PROJECT}>New project…</option> : null}
              </select>
            )}
          </Field>
          {project === NEW_PROJECT ? (
            <Field label="New project name" error={errors.newProjectName?.message}>
              {(props) => <input {...props} {...form.register('newProjectName')} autoComplete="off" />}
            </Field>
          ) : null}
        </div>
      ) : null}
      <Field label="Notes" error={errors.notes?.message}>
        {(props) => <textarea {...props} rows={3} {...form.register('notes')} />}
      </Field>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The form's project choice as the API wants it. */
export function projectChoice(values: TaskFormValues): { projectId: string | null } | { newProjectName: string } {
  if (values.project === NEW_PROJECT) return { newProjectName: values.newProjectName };
  return { projectId: values.project || null };
}

/** The form's repeat choice as the API's `rrule` / `repeatAfterDays` (for tasks.create / tasks.update). */
export function repeatChoice(values: TaskFormValues) {
  return repeatFromForm(values, values.dueDate || null, values.customRrule || null);
}
