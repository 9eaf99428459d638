import type { TExercise, TFinishSessionResult, TWorkoutSession, TWorkoutSet } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Navigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { useWeightUnit, type WeightUnit } from '../../lib/units';
import './fitness.css';
import { ExercisePicker } from './exercise-picker';
import { FitnessNav } from './fitness-nav';
import { setTypeLabel } from './format';
import { type Rest, RestTimer } from './rest-timer';
import { describeSet, SetEditor, type SetValues } from './set-row';
import {
  type DayTargets,
  invalidateAfterWorkout,
  storeSession,
  useDayTargets,
  useExerciseMap,
  usePreviousSets,
} from './use-fitness';
import { WorkoutSummary } from './workout-summary';

/** Rest after a set when the program gives none for the exercise. */
export const DEFAULT_REST_SECONDS = 90;

/** The live workout: every exercise with its sets, logged one tap at a time, with a rest timer between sets. */
export function LiveWorkoutPage() {
  const { sessionId = '' } = useParams();
  const session = useQuery(trpc.fitness.sessions.get.queryOptions({ id: sessionId }));
  const [result, setResult] = useState<TFinishSessionResult | null>(null);

  if (result) return <WorkoutSummary result={result} />;
  if (!session.data) {
    return (
      <div className="page fitness-page">
        <PageHeader title="Workout" />
        {session.isError ? (
          <ErrorState error={session.error} onRetry={() => void session.refetch()} />
        ) : (
          <LoadingState label="Loading the workout…" />
        )}
      </div>
    );
  }
  if (session.data.finishedAt) return <Navigate to={`/fitness/history/${session.data.id}`} replace />;
  return <LiveWorkout session={session.data} onFinished={setResult} />;
}

function LiveWorkout({
  session,
  onFinished,
}: {
  session: TWorkoutSession;
  onFinished: (result: TFinishSessionResult) => void;
}) {
  const unit = useWeightUnit();
  const exercises = useExerciseMap();
  const targets = useDayTargets(session.programDayId);
  const [added, setAdded] = useState<string[]>([]);
  const [rest, setRest] = useState<Rest | null>(null);
  const [confirmFinish, setConfirmFinish] = useState(false);

  const groups = useMemo(() => {
    const order: string[] = [];
    const byExercise = new Map<string, TWorkoutSet[]>();
    for (const set of [...session.sets].sort((a, b) => a.position - b.position)) {
      if (!byExercise.has(set.exerciseId)) {
        byExercise.set(set.exerciseId, []);
        order.push(set.exerciseId);
      }
      byExercise.get(set.exerciseId)?.push(set);
    }
    for (const id of added) if (!byExercise.has(id)) order.push(id);
    return order.map((id) => ({ exerciseId: id, sets: byExercise.get(id) ?? [] }));
  }, [session.sets, added]);

  const finish = useMutation(
    trpc.fitness.sessions.finish.mutationOptions({
      onSuccess: async (result) => {
        storeSession(result.session);
        onFinished(result);
        await invalidateAfterWorkout();
      },
    }),
  );
  const unlogged = session.sets.filter((s) => !s.completed).length;
  const startRest = useCallback(
    (exerciseId: string, name: string) => {
      const seconds = targets.get(exerciseId)?.restSeconds ?? DEFAULT_REST_SECONDS;
      if (seconds > 0) setRest({ endsAt: Date.now() + seconds * 1000, exerciseName: name });
    },
    [targets],
  );

  return (
    <div className="page fitness-page workout-live">
      <PageHeader title={session.name}>
        <span className="muted small">Started {session.startedAt.toLocaleTimeString([], { timeStyle: 'short' })}</span>
      </PageHeader>
      <FitnessNav />
      {groups.length === 0 ? <p className="muted">An empty workout: add the first exercise below.</p> : null}
      {groups.map((group) => (
        <ExerciseCard
          key={group.exerciseId}
          sessionId={session.id}
          exerciseId={group.exerciseId}
          exercise={exercises.map.get(group.exerciseId)}
          fallbackName={group.sets[0]?.exerciseName ?? 'Exercise'}
          sets={group.sets}
          targets={targets}
          unit={unit}
          onLogged={startRest}
        />
      ))}
      <details className="disclosure panel">
        <summary>Add an exercise</summary>
        <ExercisePicker
          exercises={exercises.data ?? []}
          onPick={(exercise) => setAdded((list) => (list.includes(exercise.id) ? list : [...list, exercise.id]))}
        />
      </details>
      <div className="workout-finish">
        <button
          type="button"
          className="button button-primary button-block"
          disabled={finish.isPending}
          onClick={() => (unlogged > 0 ? setConfirmFinish(true) : finish.mutate({ id: session.id }))}
        >
          {finish.isPending ? 'Finishing…' : 'Finish workout'}
        </button>
        {finish.isError && !confirmFinish ? (
          <p className="field-error" role="alert">
            {errorMessage(finish.error)}
          </p>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirmFinish}
        title="Finish with sets not logged?"
        confirmLabel="Finish workout"
        pending={finish.isPending}
        onCancel={() => setConfirmFinish(false)}
        onConfirm={() => finish.mutate({ id: session.id }, { onSettled: () => setConfirmFinish(false) })}
      >
        <p>
          {unlogged} planned {unlogged === 1 ? 'set was' : 'sets were'} not logged; {unlogged === 1 ? 'it' : 'they'}{' '}
          will be dropped.
        </p>
      </ConfirmDialog>
      <RestTimer rest={rest} onChange={setRest} />
    </div>
  );
}

interface ExerciseCardProps {
  sessionId: string;
  exerciseId: string;
  exercise: TExercise | undefined;
  fallbackName: string;
  sets: TWorkoutSet[];
  targets: DayTargets;
  unit: WeightUnit;
  onLogged: (exerciseId: string, name: string) => void;
}

function ExerciseCard({
  sessionId,
  exerciseId,
  exercise,
  fallbackName,
  sets,
  targets,
  unit,
  onLogged,
}: ExerciseCardProps) {
  const name = exercise?.name ?? fallbackName;
  const cardio = exercise?.category === 'cardio';
  const barbell = exercise?.equipment === 'barbell';
  const previous = usePreviousSets(exerciseId, sessionId);
  const target = targets.get(exerciseId);
  // A new row remounts (fresh values) after each logged set.
  const [newRowKey, setNewRowKey] = useState(0);

  const onSession = (updated: TWorkoutSession) => {
    storeSession(updated);
    onLogged(exerciseId, name);
  };
  const update = useMutation(trpc.fitness.sessions.updateSet.mutationOptions({ onSuccess: onSession }));
  const log = useMutation(
    trpc.fitness.sessions.logSet.mutationOptions({
      onSuccess: (updated) => {
        onSession(updated);
        setNewRowKey((k) => k + 1);
      },
    }),
  );
  const remove = useMutation(trpc.fitness.sessions.deleteSet.mutationOptions({ onSuccess: storeSession }));
  const error = update.error ?? log.error ?? remove.error;
  const last = sets.at(-1);
  const targetText = target
    ? [
        `${target.targetSets} sets`,
        target.repMin !== null || target.repMax !== null
          ? `${target.repMin ?? target.repMax}${target.repMax !== null && target.repMax !== target.repMin ? `–${target.repMax}` : ''} reps`
          : null,
        target.targetRpe !== null ? `RPE ${target.targetRpe}` : null,
        target.targetRir !== null ? `${target.targetRir} RIR` : null,
        target.restSeconds !== null ? `rest ${target.restSeconds} s` : null,
      ]
        .filter(Boolean)
        .join(' · ')
    : null;

  return (
    <section className="panel exercise-card" aria-label={name}>
      <header className="exercise-card-header">
        <h2 className="exercise-card-title">{name}</h2>
        {targetText ? <span className="small muted">{targetText}</span> : null}
      </header>
      <div className="set-head" aria-hidden="true">
        <span>Set</span>
        <span>Previous</span>
      </div>
      {sets.map((set, index) =>
        set.completed ? (
          <div key={set.id} className="set-row set-row-done">
            <span className="set-label">Set {index + 1}</span>
            <span className="set-previous">{previous[index] ? describeSet(previous[index], unit) : '—'}</span>
            <span className="set-logged">
              <span aria-hidden="true">✓ </span>
              {describeSet(set, unit)}
              {setTypeLabel(set.setType) ? <span className="badge">{setTypeLabel(set.setType)}</span> : null}
            </span>
            <div className="set-actions">
              <button
                type="button"
                className="button button-danger-quiet"
                aria-label={`Remove set ${index + 1} of ${name}`}
                disabled={remove.isPending}
                onClick={() => remove.mutate({ id: set.id })}
              >
                Remove
              </button>
            </div>
          </div>
        ) : (
          <SetEditor
            key={set.id}
            label={`Set ${index + 1}`}
            initial={set}
            cardio={cardio}
            barbell={barbell}
            unit={unit}
            previous={previous[index]}
            pending={update.isPending}
            submitLabel="Log set"
            onSubmit={(values: SetValues) => update.mutate({ id: set.id, ...values })}
            onDelete={() => remove.mutate({ id: set.id })}
          />
        ),
      )}
      <SetEditor
        key={`new-${newRowKey}-${last?.id ?? ''}`}
        label={`Set ${sets.length + 1}`}
        initial={last ? { ...last, isWarmup: false } : { weightKg: target?.targetWeightKg ?? null }}
        cardio={cardio}
        barbell={barbell}
        unit={unit}
        previous={previous[sets.length]}
        pending={log.isPending}
        submitLabel={sets.length === 0 ? 'Log set' : 'Add set'}
        onSubmit={(values) => log.mutate({ sessionId, exerciseId, ...values })}
      />
      {error ? (
        <p className="field-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      {previous.length > 0 ? null : <p className="small muted">No earlier session of this exercise.</p>}
    </section>
  );
}
