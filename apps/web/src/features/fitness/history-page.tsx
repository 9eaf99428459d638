import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { trpc, trpcClient } from '../../lib/trpc';
import { formatWeight, useWeightUnit } from '../../lib/units';
import './fitness.css';
import { FitnessNav } from './fitness-nav';
import { formatDuration } from './format';
import { FitnessImportExport } from './import-export';

const PAGE_SIZE = 20;

/** Every workout, newest first, a page at a time. */
export function FitnessHistoryPage() {
  const unit = useWeightUnit();
  // Not `infiniteQueryOptions`: that sends `cursor: null` and `direction`, which the strict list input refuses.
  const list = useInfiniteQuery({
    queryKey: trpc.fitness.sessions.list.infiniteQueryKey({ limit: PAGE_SIZE }),
    queryFn: ({ pageParam }) =>
      trpcClient.fitness.sessions.list.query({ limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page fitness-page">
      <PageHeader title="Workout history" />
      <FitnessNav />
      {!list.data ? (
        list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <LoadingState label="Loading workouts…" />
        )
      ) : items.length === 0 ? (
        <EmptyState title="No workouts yet">
          <p>
            <Link to="/fitness">Start your first workout</Link> — it will be listed here once it is logged.
          </p>
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Workouts">
            {items.map((s) => (
              <li key={s.id} className="list-item">
                <div className="list-main">
                  <span className="list-title">
                    <Link to={s.finishedAt ? `/fitness/history/${s.id}` : `/fitness/workout/${s.id}`}>{s.name}</Link>
                    {s.finishedAt ? null : <span className="badge badge-warn">In progress</span>}
                  </span>
                  <span className="list-meta">
                    <span>{formatDateTime(s.startedAt)}</span>
                    {s.durationS !== null ? <span>{formatDuration(s.durationS)}</span> : null}
                    <span>
                      {s.setCount} {s.setCount === 1 ? 'set' : 'sets'}
                    </span>
                    <span>{formatWeight(s.volumeKg, unit)}</span>
                  </span>
                </div>
              </li>
            ))}
          </ul>
          {list.hasNextPage ? (
            <button
              type="button"
              className="button"
              onClick={() => void list.fetchNextPage()}
              disabled={list.isFetchingNextPage}
            >
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
          {list.isFetchNextPageError ? (
            <p className="field-error" role="alert">
              {errorMessage(list.error)}
            </p>
          ) : null}
        </>
      )}
      <FitnessImportExport />
    </div>
  );
}
