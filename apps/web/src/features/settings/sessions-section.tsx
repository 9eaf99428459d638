import type { TSession } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { describeUserAgent, formatDateTime, formatRelative } from '../../lib/format';
import { clearSessionData } from '../../lib/session';
import { queryClient, trpc } from '../../lib/trpc';

export function SessionsSection() {
  const sessions = useQuery(trpc.auth.sessions.list.queryOptions());
  const [confirmAll, setConfirmAll] = useState(false);
  const navigate = useNavigate();
  const logoutAll = useMutation(
    trpc.auth.logoutAll.mutationOptions({
      onSuccess: async () => {
        setConfirmAll(false);
        await navigate('/login', { replace: true });
        clearSessionData();
      },
    }),
  );

  return (
    <Panel
      id="sessions"
      title="Sessions"
      description="Devices signed in to your account. Sign out any you do not recognise."
    >
      <QueryState
        query={sessions}
        loading="Loading sessions…"
        empty={{ when: (list) => list.length === 0, title: 'No active sessions' }}
      >
        {(list) => (
          <ul className="list">
            {sortSessions(list).map((session) => (
              <SessionItem key={session.id} session={session} />
            ))}
          </ul>
        )}
      </QueryState>
      <div className="panel-footer">
        <button type="button" className="button button-danger-quiet" onClick={() => setConfirmAll(true)}>
          Sign out everywhere
        </button>
        {logoutAll.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(logoutAll.error)}
          </p>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirmAll}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        danger
        pending={logoutAll.isPending}
        onConfirm={() => logoutAll.mutate()}
        onCancel={() => setConfirmAll(false)}
      >
        <p>Every device, this one included, will have to sign in again. API keys keep working.</p>
      </ConfirmDialog>
    </Panel>
  );
}

/** This device first, then the most recently used. */
function sortSessions(sessions: TSession[]): TSession[] {
  return [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.getTime() - a.lastUsedAt.getTime(),
  );
}

function SessionItem({ session }: { session: TSession }) {
  const revoke = useMutation(
    trpc.auth.sessions.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.auth.sessions.list.queryFilter()),
    }),
  );
  const device = describeUserAgent(session.userAgent);
  return (
    <li className="list-item">
      <div className="list-main">
        <p className="list-title">
          {device}
          {session.current ? <span className="badge badge-accent">This device</span> : null}
        </p>
        <p className="list-meta">
          {session.ip ? <span>{session.ip}</span> : null}
          <span>Signed in {formatDateTime(session.createdAt)}</span>
          <span title={formatDateTime(session.lastUsedAt)}>Last active {formatRelative(session.lastUsedAt)}</span>
        </p>
        {revoke.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(revoke.error)}
          </p>
        ) : null}
      </div>
      {session.current ? null : (
        <button
          type="button"
          className="button button-small"
          disabled={revoke.isPending}
          onClick={() => revoke.mutate({ id: session.id })}
          aria-label={`Sign out ${device}${session.ip ? ` at ${session.ip}` : ''}`}
        >
          {revoke.isPending ? 'Signing out…' : 'Sign out'}
        </button>
      )}
    </li>
  );
}
