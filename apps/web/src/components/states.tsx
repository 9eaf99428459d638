import type { ReactNode } from 'react';
import { errorMessage } from '../lib/errors';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorState({
  error,
  title = 'This could not be loaded',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title}</p>
      <p>{errorMessage(error)}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

/** What QueryState reads of a query (useQuery's result has it). */
export interface QueryView<T> {
  data: T | undefined;
  error: unknown;
  isError: boolean;
  refetch: () => unknown;
}

/** The empty case of a query's answer: when it counts as empty, and what to say then. */
export interface EmptyView<T> {
  when: (data: T) => boolean;
  title: string;
  children?: ReactNode;
}

/**
 * One query's answer, or where it stands: its data once there is some (kept on screen when a later refetch fails),
 * else its error with a retry, else a spinner saying what is loading. `empty` names the answer that holds nothing.
 */
export function QueryState<T>({
  query,
  loading,
  empty,
  children,
}: {
  query: QueryView<T>;
  /** What is being loaded ("Loading sessions…"). */
  loading: string;
  empty?: EmptyView<T> | undefined;
  children: (data: T) => ReactNode;
}) {
  if (query.data !== undefined) {
    if (empty?.when(query.data)) return <EmptyState title={empty.title}>{empty.children}</EmptyState>;
    return children(query.data);
  }
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <LoadingState label={loading} />;
}
