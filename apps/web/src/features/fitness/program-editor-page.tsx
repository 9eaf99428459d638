import { zodResolver } from '@hookform/resolvers/zod';
import type { TCreateProgramInput, TUpdateProgramInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import {
  type Control,
  type FieldErrors,
  type Resolver,
  type UseFormRegister,
  useFieldArray,
  useForm,
} from 'react-hook-form';
import { Link, useNavigate, useParams } from 'react-router';
import { Field, FormError } from '../../components/field';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';
import { useWeightUnit, type WeightUnit } from '../../lib/units';
import './fitness.css';
import { ExercisePicker } from './exercise-picker';
import { FitnessNav } from './fitness-nav';
import { emptyExercise, type ProgramForm, programFormSchema, programToForm } from './program-form';
import { useExerciseMap } from './use-fitness';

type ProgramInput = TCreateProgramInput | TUpdateProgramInput;

/** Create (`/fitness/programs/new`) or edit a program: its days, their ordered exercises and targets. */
export function ProgramEditorPage() {
  const { programId = 'new' } = useParams();
  const isNew = programId === 'new';
  const program = useQuery({ ...trpc.fitness.programs.get.queryOptions({ id: programId }), enabled: !isNew });
  const unit = useWeightUnit();
  const title = isNew ? 'New program' : (program.data?.name ?? 'Program');
  return (
    <div className="page fitness-page">
      <PageHeader title={title}>
        <Link to="/fitness/programs" className="button button-small">
          ← Programs
        </Link>
      </PageHeader>
      <FitnessNav />
      {isNew ? (
        <ProgramEditor key="new" initial={programToForm(undefined, unit)} unit={unit} />
      ) : program.data ? (
        <ProgramEditor key={program.data.id} initial={programToForm(program.data, unit)} unit={unit} />
      ) : program.isError ? (
        <ErrorState error={program.error} onRetry={() => void program.refetch()} />
      ) : (
        <LoadingState label="Loading the program…" />
      )}
    </div>
  );
}

function ProgramEditor({ initial, unit }: { initial: ProgramForm; unit: WeightUnit }) {
  const navigate = useNavigate();
  const editing = Boolean(initial.id);
  const resolver = useMemo(
    (): Resolver<ProgramForm, unknown, ProgramInput> => zodResolver(programFormSchema(unit, editing)),
    [unit, editing],
  );
  const form = useForm<ProgramForm, unknown, ProgramInput>({ defaultValues: initial, resolver });
  const days = useFieldArray({ control: form.control, name: 'days', keyName: 'key' });
  const [saved, setSaved] = useState(false);
  const onSaved = async (id: string) => {
    await queryClient.invalidateQueries(trpc.fitness.programs.pathFilter());
    if (!editing) await navigate(`/fitness/programs/${id}`, { replace: true });
    else setSaved(true);
  };
  const create = useMutation(trpc.fitness.programs.create.mutationOptions({ onSuccess: (p) => onSaved(p.id) }));
  const update = useMutation(trpc.fitness.programs.update.mutationOptions({ onSuccess: (p) => onSaved(p.id) }));
  const pending = create.isPending || update.isPending;
  const failure = create.error ?? update.error;
  const errors = form.formState.errors as FieldErrors<ProgramForm> & {
    days?: { message?: string; root?: { message?: string } };
  };

  const onSubmit = form.handleSubmit((input) => {
    setSaved(false);
    if ('id' in input) update.mutate(input);
    else create.mutate(input);
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <Field label="Program name" error={errors.name?.message}>
        {(props) => <input {...props} {...form.register('name')} maxLength={100} />}
      </Field>
      <Field label="Notes" error={errors.notes?.message}>
        {(props) => <textarea {...props} {...form.register('notes')} rows={2} />}
      </Field>
      {days.fields.map((day, dayIndex) => (
        <section key={day.key} className="panel program-day" aria-label={`Day ${dayIndex + 1}`}>
          <div className="program-exercise-head">
            <Field label={`Day ${dayIndex + 1} name`} error={errors.days?.[dayIndex]?.name?.message}>
              {(props) => <input {...props} {...form.register(`days.${dayIndex}.name`)} maxLength={100} />}
            </Field>
            <div className="row">
              <MoveButtons
                index={dayIndex}
                count={days.fields.length}
                what={`day ${dayIndex + 1}`}
                onMove={(from, to) => days.move(from, to)}
              />
              <button
                type="button"
                className="button button-small button-danger-quiet"
                onClick={() => days.remove(dayIndex)}
                disabled={days.fields.length === 1}
              >
                Remove day
              </button>
            </div>
          </div>
          <DayExercises
            control={form.control}
            register={form.register}
            errors={errors}
            dayIndex={dayIndex}
            unit={unit}
          />
        </section>
      ))}
      {errors.days?.message ? <p className="field-error">{errors.days.message}</p> : null}
      <div>
        <button
          type="button"
          className="button"
          onClick={() => days.append({ name: `Day ${String.fromCharCode(65 + days.fields.length)}`, exercises: [] })}
          disabled={days.fields.length >= 14}
        >
          Add a day
        </button>
      </div>
      <FormError message={failure ? errorMessage(failure) : undefined} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save program'}
        </button>
        {saved ? (
          <output className="form-status" aria-live="polite">
            Saved.
          </output>
        ) : null}
      </div>
      {editing ? <p className="small muted">Submitting replaces the program in one call.</p> : null}
    </form>
  );
}

function MoveButtons({
  index,
  count,
  what,
  onMove,
}: {
  index: number;
  count: number;
  what: string;
  onMove: (from: number, to: number) => void;
}) {
  return (
    <>
      <button
        type="button"
        className="button button-small"
        aria-label={`Move ${what} up`}
        disabled={index === 0}
        onClick={() => onMove(index, index - 1)}
      >
        ↑
      </button>
      <button
        type="button"
        className="button button-small"
        aria-label={`Move ${what} down`}
        disabled={index === count - 1}
        onClick={() => onMove(index, index + 1)}
      >
        ↓
      </button>
    </>
  );
}

type ExerciseErrors = Partial<Record<string, { message?: string }>>;

function DayExercises({
  control,
  register,
  errors,
  dayIndex,
  unit,
}: {
  control: Control<ProgramForm, unknown, ProgramInput>;
  register: UseFormRegister<ProgramForm>;
  errors: FieldErrors<ProgramForm>;
  dayIndex: number;
  unit: WeightUnit;
}) {
  const exercises = useFieldArray({ control, name: `days.${dayIndex}.exercises`, keyName: 'key' });
  const library = useExerciseMap();
  const num = { setValueAs: (v: unknown) => (v === '' || v === null || v === undefined ? null : Number(v)) };
  return (
    <>
      {exercises.fields.length === 0 ? <p className="muted small">No exercises yet: add the first one below.</p> : null}
      <ol className="stack-lg" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {exercises.fields.map((exercise, i) => {
          const e = (errors.days?.[dayIndex]?.exercises?.[i] ?? {}) as ExerciseErrors;
          const path = `days.${dayIndex}.exercises.${i}` as const;
          return (
            <li key={exercise.key} className="program-exercise" aria-label={exercise.exerciseName}>
              <div className="program-exercise-head">
                <strong>
                  {i + 1}. {exercise.exerciseName}
                </strong>
                <div className="row">
                  <MoveButtons
                    index={i}
                    count={exercises.fields.length}
                    what={exercise.exerciseName}
                    onMove={(from, to) => exercises.move(from, to)}
                  />
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    aria-label={`Remove ${exercise.exerciseName}`}
                    onClick={() => exercises.remove(i)}
                  >
                    Remove
                  </button>
                </div>
              </div>
              <div className="target-grid">
                <Field label="Sets" error={e.targetSets?.message}>
                  {(props) => <input {...props} inputMode="numeric" {...register(`${path}.targetSets`, num)} />}
                </Field>
                <Field label="Reps from" error={e.repMin?.message}>
                  {(props) => <input {...props} inputMode="numeric" {...register(`${path}.repMin`, num)} />}
                </Field>
                <Field label="Reps to" error={e.repMax?.message}>
                  {(props) => <input {...props} inputMode="numeric" {...register(`${path}.repMax`, num)} />}
                </Field>
                <Field label={`Weight (${unit})`} error={e.targetWeightKg?.message ?? e.targetWeight?.message}>
                  {(props) => <input {...props} inputMode="decimal" {...register(`${path}.targetWeight`, num)} />}
                </Field>
                <Field label="RPE" error={e.targetRpe?.message}>
                  {(props) => <input {...props} inputMode="decimal" {...register(`${path}.targetRpe`, num)} />}
                </Field>
                <Field label="RIR" error={e.targetRir?.message}>
                  {(props) => <input {...props} inputMode="numeric" {...register(`${path}.targetRir`, num)} />}
                </Field>
                <Field label="Rest (s)" error={e.restSeconds?.message}>
                  {(props) => <input {...props} inputMode="numeric" {...register(`${path}.restSeconds`, num)} />}
                </Field>
                <Field label={`Increment (${unit})`} error={e.incrementKg?.message ?? e.increment?.message}>
                  {(props) => <input {...props} inputMode="decimal" {...register(`${path}.increment`, num)} />}
                </Field>
                <Field label="Superset" hint="Same number = superset" error={e.supersetGroup?.message}>
                  {(props) => <input {...props} inputMode="numeric" {...register(`${path}.supersetGroup`, num)} />}
                </Field>
              </div>
            </li>
          );
        })}
      </ol>
      <details className="disclosure">
        <summary>Add an exercise to this day</summary>
        {library.isError ? (
          <ErrorState error={library.error} onRetry={() => void library.refetch()} />
        ) : (
          <ExercisePicker
            label={`Find an exercise for day ${dayIndex + 1}`}
            exercises={library.data ?? []}
            onPick={(picked) => exercises.append(emptyExercise(picked.id, picked.name, unit))}
          />
        )}
      </details>
    </>
  );
}
