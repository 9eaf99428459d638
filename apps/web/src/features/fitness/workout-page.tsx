import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { formatDate, formatRelative } from '../../lib/format';
import { queryClient, trpc } from '../../lib/trpc';
import './fitness.css';
import { FitnessNav } from './fitness-nav';
import { storeSession } from './use-fitness';

/** Start a workout: the program day that is due, any other day, or an empty one; or resume one in progress. */
export function WorkoutPage() {
  const navigate = useNavigate();
  const next = useQuery(trpc.fitness.programs.next.queryOptions());
  const program = useQuery({
    ...trpc.fitness.programs.get.queryOptions({ id: next.data?.programId ?? '' }),
    enabled: Boolean(next.data),
  });
  const recent = useQuery(trpc.fitness.sessions.list.queryOptions({ limit: 10 }));
  const start = useMutation(
    trpc.fitness.sessions.start.mutationOptions({
      onSuccess: async (session) => {
        storeSession(session);
        await queryClient.invalidateQueries(trpc.fitness.sessions.list.pathFilter());
        await navigate(`/fitness/workout/${session.id}`);
      },
    }),
  );
  const inProgress = recent.data?.items.filter((s) => s.finishedAt === null) ?? [];

  return (
    <div className="page fitness-page">
      <PageHeader title="Fitness" />
      <FitnessNav />
      {inProgress.length > 0 ? (
        <Panel title="In progress" headingClassName="subheading">
          <ul className="list">
            {inProgress.map((s) => (
              <li key={s.id} className="list-item">
                <div className="list-main">
                  <span className="list-title">{s.name}</span>
                  <span className="list-meta">Started {formatRelative(s.startedAt)}</span>
                </div>
                <Link className="button button-primary" to={`/fitness/workout/${s.id}`}>
                  Resume
                </Link>
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}
      <Panel title="Start a workout" className="workout-start" headingClassName="subheading">
        <QueryState
          query={next}
          loading="Finding the day that is due…"
          empty={{
            when: (due) => due === null,
            title: 'No program yet',
            children: (
              <p>
                A program lays out your training days and targets, and each workout starts pre-filled from it.{' '}
                <Link to="/fitness/programs/new">Create a program</Link>, or start an empty workout and add exercises as
                you go.
              </p>
            ),
          }}
        >
          {(due) =>
            due && (
              <>
                <p>
                  Due next in <strong>{due.programName}</strong>
                  {due.lastFinishedAt ? ` (last trained ${formatDate(due.lastFinishedAt)})` : ''}:
                </p>
                <button
                  type="button"
                  className="button button-primary button-large"
                  disabled={start.isPending}
                  onClick={() => start.mutate({ programDayId: due.day.id })}
                >
                  Start {due.day.name}
                </button>
                {program.data && program.data.days.length > 1 ? (
                  <div className="row">
                    <span className="small muted">Or another day:</span>
                    {program.data.days
                      .filter((d) => d.id !== due.day.id)
                      .map((d) => (
                        <button
                          key={d.id}
                          type="button"
                          className="button button-small"
                          disabled={start.isPending}
                          onClick={() => start.mutate({ programDayId: d.id })}
                        >
                          {d.name}
                        </button>
                      ))}
                  </div>
                ) : null}
              </>
            )
          }
        </QueryState>
        <button type="button" className="button" disabled={start.isPending} onClick={() => start.mutate({})}>
          Start an empty workout
        </button>
        {start.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(start.error)}
          </p>
        ) : null}
      </Panel>
      {recent.data && recent.data.items.length === 0 ? (
        <p className="muted">
          Your finished workouts will show in <Link to="/fitness/history">History</Link>, and your records and charts in{' '}
          <Link to="/fitness/progress">Progress</Link>.
        </p>
      ) : null}
    </div>
  );
}
