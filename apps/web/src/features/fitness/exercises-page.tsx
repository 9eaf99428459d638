import { zodResolver } from '@hookform/resolvers/zod';
import {
  EQUIPMENT,
  EXERCISE_CATEGORIES,
  MUSCLES,
  type TCreateExerciseInput,
  type TExercise,
  ZCreateExerciseInput,
} from '@lifeos/core/schemas';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Field, FormError } from '../../components/field';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { applyServerErrors, errorMessage } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';
import './fitness.css';
import { FitnessNav } from './fitness-nav';
import { humanize } from './format';

type Muscle = (typeof MUSCLES)[number];
type Equipment = (typeof EQUIPMENT)[number];

/** The exercise library: search and filter it, and keep your own exercises. */
export function ExercisesPage() {
  const [q, setQ] = useState('');
  const [muscle, setMuscle] = useState<Muscle | ''>('');
  const [equipment, setEquipment] = useState<Equipment | ''>('');
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<TExercise | 'new' | null>(null);
  const ids = { q: useId(), muscle: useId(), equipment: useId() };
  const list = useQuery({
    ...trpc.fitness.exercises.list.queryOptions({
      ...(q.trim() ? { q: q.trim() } : {}),
      ...(muscle ? { muscle } : {}),
      ...(equipment ? { equipment } : {}),
      ...(showArchived ? { includeArchived: true } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const archive = useMutation(
    trpc.fitness.exercises.archive.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.fitness.exercises.pathFilter()),
    }),
  );

  return (
    <div className="page fitness-page">
      <PageHeader title="Exercises">
        <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
          New exercise
        </button>
      </PageHeader>
      <FitnessNav />
      {editing ? (
        <ExerciseForm
          key={editing === 'new' ? 'new' : editing.id}
          exercise={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
      <search className="filters">
        <div>
          <label htmlFor={ids.q} className="visually-hidden">
            Search exercises
          </label>
          <input
            id={ids.q}
            type="search"
            placeholder="Search exercises"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={ids.muscle} className="visually-hidden">
            Muscle
          </label>
          <select id={ids.muscle} value={muscle} onChange={(e) => setMuscle(e.target.value as Muscle | '')}>
            <option value="">Every muscle</option>
            {MUSCLES.map((m) => (
              <option key={m} value={m}>
                {humanize(m)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.equipment} className="visually-hidden">
            Equipment
          </label>
          <select id={ids.equipment} value={equipment} onChange={(e) => setEquipment(e.target.value as Equipment | '')}>
            <option value="">All equipment</option>
            {EQUIPMENT.map((m) => (
              <option key={m} value={m}>
                {humanize(m)}
              </option>
            ))}
          </select>
        </div>
        <label className="row small">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Show
          archived
        </label>
      </search>
      {!list.data ? (
        list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <LoadingState label="Loading exercises…" />
        )
      ) : list.data.length === 0 ? (
        <EmptyState title="No exercise matches">
          <p>Try another word or filter, or add the exercise as your own.</p>
        </EmptyState>
      ) : (
        <ul className="list" aria-label="Exercises">
          {list.data.map((e) => (
            <li key={e.id} className={e.archivedAt ? 'list-item list-item-inactive' : 'list-item'}>
              <div className="list-main">
                <span className="list-title">
                  {e.name}
                  {e.builtIn ? null : <span className="badge badge-accent">Yours</span>}
                  {e.archivedAt ? <span className="badge">Archived</span> : null}
                </span>
                <span className="list-meta">
                  <span>{humanize(e.category)}</span>
                  <span>{humanize(e.equipment)}</span>
                  <span>{e.primaryMuscles.map(humanize).join(', ')}</span>
                  {e.secondaryMuscles.length > 0 ? (
                    <span>also {e.secondaryMuscles.map(humanize).join(', ')}</span>
                  ) : null}
                </span>
              </div>
              {e.builtIn ? null : (
                <div className="row">
                  <button type="button" className="button button-small" onClick={() => setEditing(e)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    disabled={archive.isPending}
                    onClick={() => archive.mutate({ id: e.id, archived: e.archivedAt === null })}
                  >
                    {e.archivedAt ? 'Restore' : 'Archive'}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {archive.isError ? (
        <p className="field-error" role="alert">
          {errorMessage(archive.error)}
        </p>
      ) : null}
    </div>
  );
}

const FIELDS = ['name', 'category', 'primaryMuscles', 'secondaryMuscles', 'equipment'] as const;

function ExerciseForm({ exercise, onDone }: { exercise: TExercise | null; onDone: () => void }) {
  const form = useForm<TCreateExerciseInput>({
    resolver: zodResolver(ZCreateExerciseInput),
    defaultValues: exercise
      ? {
          name: exercise.name,
          category: exercise.category,
          primaryMuscles: exercise.primaryMuscles,
          secondaryMuscles: exercise.secondaryMuscles,
          equipment: exercise.equipment,
        }
      : { name: '', category: 'strength', primaryMuscles: [], secondaryMuscles: [], equipment: 'barbell' },
  });
  const onSuccess = async () => {
    await queryClient.invalidateQueries(trpc.fitness.exercises.pathFilter());
    onDone();
  };
  const create = useMutation(trpc.fitness.exercises.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.fitness.exercises.update.mutationOptions({ onSuccess }));
  const onError = (error: unknown) => applyServerErrors(error, form.setError, FIELDS);
  const submit = form.handleSubmit((values) => {
    if (exercise) update.mutate({ id: exercise.id, ...values }, { onError });
    else create.mutate(values, { onError });
  });
  const { errors } = form.formState;
  const pending = create.isPending || update.isPending;
  return (
    <form className="panel form" onSubmit={submit} noValidate aria-label={exercise ? 'Edit exercise' : 'New exercise'}>
      <h2 className="subheading">{exercise ? `Edit ${exercise.name}` : 'New exercise'}</h2>
      <Field label="Name" error={errors.name?.message}>
        {(props) => <input {...props} {...form.register('name')} maxLength={100} />}
      </Field>
      <div className="form-grid">
        <Field label="Category" error={errors.category?.message}>
          {(props) => (
            <select {...props} {...form.register('category')}>
              {EXERCISE_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {humanize(c)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Equipment" error={errors.equipment?.message}>
          {(props) => (
            <select {...props} {...form.register('equipment')}>
              {EQUIPMENT.map((c) => (
                <option key={c} value={c}>
                  {humanize(c)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="form-grid">
        <Field label="Primary muscles" hint="Ctrl/Cmd-click to pick several" error={errors.primaryMuscles?.message}>
          {(props) => (
            <select {...props} multiple size={6} {...form.register('primaryMuscles')}>
              {MUSCLES.map((m) => (
                <option key={m} value={m}>
                  {humanize(m)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Secondary muscles" error={errors.secondaryMuscles?.message}>
          {(props) => (
            <select {...props} multiple size={6} {...form.register('secondaryMuscles')}>
              {MUSCLES.map((m) => (
                <option key={m} value={m}>
                  {humanize(m)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormError message={errors.root?.server?.message} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : exercise ? 'Save changes' : 'Add exercise'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
