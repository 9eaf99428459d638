import type { TWorkoutSet } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { queryClient, trpc } from '../../lib/trpc';
import { formatWeight, useWeightUnit } from '../../lib/units';
import './fitness.css';
import { FitnessNav } from './fitness-nav';
import { formatDuration, setTypeLabel } from './format';
import { describeSet } from './set-row';
import { invalidateAfterWorkout } from './use-fitness';
import { sessionVolumeKg } from './workout-summary';

/** One finished workout: its exercises and sets. */
export function SessionDetailPage() {
  const { sessionId = '' } = useParams();
  const unit = useWeightUnit();
  const navigate = useNavigate();
  const session = useQuery(trpc.fitness.sessions.get.queryOptions({ id: sessionId }));
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation(
    trpc.fitness.sessions.delete.mutationOptions({
      onSuccess: async () => {
        queryClient.removeQueries(trpc.fitness.sessions.get.queryFilter({ id: sessionId }));
        await invalidateAfterWorkout();
        await navigate('/fitness/history');
      },
    }),
  );
  const groups = useMemo(() => {
    const map = new Map<string, TWorkoutSet[]>();
    for (const set of session.data?.sets ?? []) {
      const list = map.get(set.exerciseId) ?? [];
      list.push(set);
      map.set(set.exerciseId, list);
    }
    return [...map.values()];
  }, [session.data]);

  if (!session.data) {
    return (
      <div className="page fitness-page">
        <PageHeader title="Workout" />
        <FitnessNav />
        {session.isError ? (
          <ErrorState error={session.error} onRetry={() => void session.refetch()} />
        ) : (
          <LoadingState label="Loading the workout…" />
        )}
      </div>
    );
  }
  const s = session.data;
  return (
    <div className="page fitness-page">
      <PageHeader title={s.name}>
        <Link to="/fitness/history" className="button button-small">
          ← History
        </Link>
      </PageHeader>
      <FitnessNav />
      <p className="list-meta">
        <span>{formatDateTime(s.startedAt)}</span>
        {s.durationS !== null ? (
          <span>{formatDuration(s.durationS)}</span>
        ) : (
          <Link to={`/fitness/workout/${s.id}`}>In progress — resume</Link>
        )}
        <span>Volume {formatWeight(sessionVolumeKg(s), unit)}</span>
      </p>
      {s.notes ? <p>{s.notes}</p> : null}
      {s.exerciseNotes.length > 0 ? (
        <ul className="list-meta" aria-label="Exercise notes">
          {s.exerciseNotes.map((n) => (
            <li key={`${n.position} ${n.exerciseName} ${n.note}`}>
              {n.exerciseName}: {n.note}
            </li>
          ))}
        </ul>
      ) : null}
      {groups.length === 0 ? <p className="muted">No sets were logged.</p> : null}
      {groups.map((sets) => (
        <section key={sets[0]?.exerciseId} className="panel" aria-label={sets[0]?.exerciseName}>
          <h2 className="exercise-card-title">{sets[0]?.sourceName ?? sets[0]?.exerciseName}</h2>
          {sets[0]?.sourceName && sets[0].sourceName !== sets[0].exerciseName ? (
            <p className="small muted">Linked to {sets[0].exerciseName}</p>
          ) : null}
          <ol className="set-list">
            {sets.map((set) => {
              const type = setTypeLabel(set.setType);
              return (
                <li key={set.id}>
                  {describeSet(set, unit)} {type ? <span className="badge">{type}</span> : null}
                  {set.note ? <span className="small muted"> — {set.note}</span> : null}
                </li>
              );
            })}
          </ol>
        </section>
      ))}
      <div>
        <button type="button" className="button button-danger-quiet" onClick={() => setDeleting(true)}>
          Delete workout
        </button>
      </div>
      <ConfirmDialog
        open={deleting}
        title="Delete this workout?"
        confirmLabel="Delete"
        danger
        pending={remove.isPending}
        onCancel={() => setDeleting(false)}
        onConfirm={() => remove.mutate({ id: s.id })}
      >
        <p>Its sets and the records they set will be gone for good.</p>
        {remove.isError ? <p className="field-error">{errorMessage(remove.error)}</p> : null}
      </ConfirmDialog>
    </div>
  );
}
