import type {
  TExercise,
  TFinishSessionResult,
  TLogSetInput,
  TUpdateSetInput,
  TWorkoutSession,
  TWorkoutSet,
} from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { isOffline, networkStatus } from '../../lib/offline/status';
import { answerWithin, isPendingId, queueWrite } from '../../lib/outbox/writes';
import { trpc } from '../../lib/trpc';
import { useWeightUnit, type WeightUnit } from '../../lib/units';
import './fitness.css';
import { ExercisePicker } from './exercise-picker';
import { FitnessNav } from './fitness-nav';
import { setTypeLabel } from './format';
import { type Rest, RestTimer } from './rest-timer';
import { describeSet, SetEditor, type SetValues } from './set-row';
import { type DayTargets, storeSession, useDayTargets, useExerciseMap, usePreviousSets } from './use-fitness';
import { useWakeLock } from './use-wake-lock';
import { WorkoutSummary } from './workout-summary';

/** Rest after a set when the program gives none for the exercise. */
export const DEFAULT_REST_SECONDS = 90;

/** Online, how long the finish waits for the server's summary before showing the offline confirmation instead. */
const FINISH_ANSWER_WAIT_MS = 8_000;

/** The workout is finished on this device; the server gets it (and its records) when the network is back. */
function FinishedOffline() {
  return (
    <div className="page fitness-page">
      <PageHeader title="Workout finished" />
      <p role="status">Saved on this device. It is sent, and your records counted, as soon as you are back online.</p>
      <p>
        <Link to="/fitness">Back to training</Link>
      </p>
    </div>
  );
}

/** The live workout: every exercise with its sets, logged one tap at a time, with a rest timer between sets. */
export function LiveWorkoutPage() {
  const { sessionId = '' } = useParams();
  const session = useQuery(trpc.fitness.sessions.get.queryOptions({ id: sessionId }));
  const [result, setResult] = useState<TFinishSessionResult | 'queued' | null>(null);
  // The finish shows in the cache at once (finishedAt): the page stays until its outcome is known.
  const [finishing, setFinishing] = useState(false);

  if (result === 'queued') return <FinishedOffline />;
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
  if (session.data.finishedAt && !finishing) return <Navigate to={`/fitness/history/${session.data.id}`} replace />;
  return <LiveWorkout session={session.data} onFinishing={setFinishing} onFinished={setResult} />;
}

function LiveWorkout({
  session,
  onFinishing,
  onFinished,
}: {
  session: TWorkoutSession;
  onFinishing: (finishing: boolean) => void;
  onFinished: (result: TFinishSessionResult | 'queued') => void;
}) {
  const unit = useWeightUnit();
  const exercises = useExerciseMap();
  const targets = useDayTargets(session.programDayId);
  const [added, setAdded] = useState<string[]>([]);
  const [rest, setRest] = useState<Rest | null>(null);
  const [confirmFinish, setConfirmFinish] = useState(false);
  useWakeLock(true);

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

  // Through the outbox: a workout finished in a basement is kept on the device and sent once online, with the time
  // it was finished. Online, the summary (with its new records) waits for the server's answer.
  const finish = useMutation({
    mutationFn: async (input: { id: string }) => {
      onFinishing(true);
      const write = await queueWrite(
        'fitness.sessions.finish',
        { ...input, finishedAt: new Date() },
        { label: `Finish “${session.name}”`, href: `/fitness/history/${session.id}` },
      );
      if (isOffline(networkStatus())) return 'queued' as const;
      return (await answerWithin(write, 'fitness.sessions.finish', FINISH_ANSWER_WAIT_MS)) ?? ('queued' as const);
    },
    networkMode: 'always',
    onSuccess: (outcome) => onFinished(outcome),
    onError: () => onFinishing(false),
  });
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
  // Logging a set goes through the outbox (it works offline; the set shows at once); the rest timer starts on the tap.
  const update = useMutation({
    mutationFn: (input: TUpdateSetInput) =>
      queueWrite('fitness.sessions.updateSet', input, {
        label: `${name}: a set`,
        href: `/fitness/workout/${sessionId}`,
      }),
    networkMode: 'always',
    onSuccess: () => onLogged(exerciseId, name),
  });
  const log = useMutation({
    mutationFn: (input: TLogSetInput) =>
      queueWrite('fitness.sessions.logSet', input, { label: `${name}: a set`, href: `/fitness/workout/${sessionId}` }),
    networkMode: 'always',
    onSuccess: () => {
      onLogged(exerciseId, name);
      setNewRowKey((k) => k + 1);
    },
  });
  const remove = useMutation(trpc.fitness.sessions.deleteSet.mutationOptions({ onSuccess: onSession }));
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
                // A set still on its way has no id on the server yet.
                disabled={remove.isPending || isPendingId(set.id)}
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
        key={`new-${newRowKey}`}
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
