import { zodResolver } from '@hookform/resolvers/zod';
import {
  PROJECT_AREA_MAX,
  PROJECT_DESCRIPTION_MAX,
  type TCreateProjectInput,
  type TProject,
  ZCalendarDate,
  ZColor,
  ZCreateProjectInput,
  ZProjectStatus,
} from '@lifeos/core/schemas';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Field, FormError } from '../../components/field';
import { Modal } from '../../components/modal';
import { applyServerErrors } from '../../lib/errors';
import { STATUS_LABELS } from './project-bits';

const ZProjectForm = z.object({
  name: ZCreateProjectInput.shape.name,
  description: z.string().max(PROJECT_DESCRIPTION_MAX),
  status: ZProjectStatus,
  area: z.string().trim().max(PROJECT_AREA_MAX),
  color: ZColor,
  targetDate: z.union([z.literal(''), ZCalendarDate]),
});
type ProjectFormInput = z.input<typeof ZProjectForm>;

const COLORS = ['#2f6b57', '#3b6fb6', '#8a4fb3', '#c2571a', '#b3261e', '#8a5a00', '#4f6b2f'];

function defaults(project: TProject | null): ProjectFormInput {
  return {
    name: project?.name ?? '',
    description: project?.description ?? '',
    status: project?.status ?? 'active',
    area: project?.area ?? '',
    color: project?.color ?? COLORS[0] ?? '#2f6b57',
    targetDate: project?.targetDate ?? '',
  };
}

/** Create or edit a project in a dialog. */
export function ProjectFormDialog({
  project,
  onClose,
  onSubmit,
}: {
  project: TProject | null;
  onClose: () => void;
  onSubmit: (values: TCreateProjectInput) => Promise<unknown>;
}) {
  const form = useForm({ resolver: zodResolver(ZProjectForm), defaultValues: defaults(project) });
  const { errors, isSubmitting } = form.formState;
  useEffect(() => form.setFocus('name'), [form]);
  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit({
        name: values.name,
        description: values.description.trim() ? values.description : null,
        status: values.status,
        area: values.area || null,
        color: values.color,
        targetDate: values.targetDate || null,
      });
    } catch (error) {
      applyServerErrors(error, form.setError, ['name', 'description', 'status', 'area', 'color', 'targetDate']);
    }
  });
  return (
    <Modal title={project ? `Edit ${project.name}` : 'New project'} onClose={onClose} className="dialog-wide">
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={errors.root?.server?.message} />
        <Field label="Name" error={errors.name?.message}>
          {(props) => <input {...props} {...form.register('name')} autoComplete="off" />}
        </Field>
        <div className="form-grid">
          <Field label="Status" error={errors.status?.message}>
            {(props) => (
              <select {...props} {...form.register('status')}>
                {Object.entries(STATUS_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Target date" error={errors.targetDate?.message}>
            {(props) => <input {...props} type="date" {...form.register('targetDate')} />}
          </Field>
          <Field label="Life area" hint="Health, work, home…" error={errors.area?.message}>
            {(props) => <input {...props} {...form.register('area')} autoComplete="off" />}
          </Field>
          <Field label="Colour" error={errors.color?.message}>
            {(props) => <input {...props} type="color" className="color-input" {...form.register('color')} />}
          </Field>
        </div>
        <Field label="Description" error={errors.description?.message}>
          {(props) => <textarea {...props} rows={3} {...form.register('description')} />}
        </Field>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={isSubmitting}>
            {isSubmitting ? 'Saving…' : project ? 'Save' : 'Create project'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
