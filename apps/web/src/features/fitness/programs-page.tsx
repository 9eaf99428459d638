import type { ZProgramSummary } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { queryClient, trpc } from '../../lib/trpc';
import './fitness.css';
import { FitnessNav } from './fitness-nav';

type TProgramSummary = z.infer<typeof ZProgramSummary>;

/** The user's programs. */
export function ProgramsPage() {
  const programs = useQuery(trpc.fitness.programs.list.queryOptions());
  const [deleting, setDeleting] = useState<TProgramSummary | null>(null);
  const remove = useMutation(
    trpc.fitness.programs.delete.mutationOptions({
      onSuccess: async () => {
        setDeleting(null);
        await queryClient.invalidateQueries(trpc.fitness.programs.pathFilter());
      },
    }),
  );
  return (
    <div className="page fitness-page">
      <PageHeader title="Programs">
        <Link to="/fitness/programs/new" className="button button-primary">
          New program
        </Link>
      </PageHeader>
      <FitnessNav />
      {!programs.data ? (
        programs.isError ? (
          <ErrorState error={programs.error} onRetry={() => void programs.refetch()} />
        ) : (
          <LoadingState label="Loading programs…" />
        )
      ) : programs.data.length === 0 ? (
        <EmptyState title="No programs yet">
          <p>
            A program is a cycle of training days — say Push, Pull, Legs — each with its exercises and targets. Every
            workout then starts pre-filled, with the weight going up when you hit the top of the rep range.
          </p>
          <Link to="/fitness/programs/new" className="button button-primary">
            Create your first program
          </Link>
        </EmptyState>
      ) : (
        <ul className="list" aria-label="Programs">
          {programs.data.map((p) => (
            <li key={p.id} className="list-item">
              <div className="list-main">
                <span className="list-title">
                  <Link to={`/fitness/programs/${p.id}`}>{p.name}</Link>
                </span>
                <span className="list-meta">
                  <span>
                    {p.dayCount} {p.dayCount === 1 ? 'day' : 'days'}
                  </span>
                  <span>Changed {formatDate(p.updatedAt)}</span>
                </span>
                {p.notes ? <span className="small muted">{p.notes}</span> : null}
              </div>
              <button
                type="button"
                className="button button-small button-danger-quiet"
                aria-label={`Delete ${p.name}`}
                onClick={() => setDeleting(p)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this program?"
        confirmLabel="Delete"
        danger
        pending={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      >
        <p>{deleting?.name} will be deleted; the workouts you did with it stay in your history.</p>
        {remove.isError ? <p className="field-error">{errorMessage(remove.error)}</p> : null}
      </ConfirmDialog>
    </div>
  );
}
