import type { TCapture, TProcessCaptureInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { formatRelative } from '../../lib/format';
import { queryClient, trpc } from '../../lib/trpc';
import { isTypingTarget } from '../../lib/typing-target';
import { invalidateTasks } from '../tasks';
import './captures.css';
import { EventProcessDialog, TaskProcessDialog } from './process-dialogs';
import { QUICK_CAPTURE_KEY } from './quick-capture';

type Dialog = { kind: 'task' | 'event' | 'delete'; capture: TCapture } | null;

const INBOX = { status: 'inbox' } as const;

/** Drops a capture from the cached inbox at once, so the next one is selected without waiting for the refetch. */
function removeFromInbox(id: string) {
  queryClient.setQueryData(trpc.captures.list.queryKey(INBOX), (old) => old?.filter((c) => c.id !== id));
}

/** The captures waiting to be sorted, processed one after another with the keyboard. */
export function InboxPage() {
  const captures = useQuery(trpc.captures.list.queryOptions(INBOX));
  const [index, setIndex] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<{ text: string; link?: { to: string; label: string } } | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const items = captures.data ?? [];
  const current = Math.min(index, Math.max(items.length - 1, 0));
  const selected = items[current];

  const done = async (id: string, text: string, link?: { to: string; label: string }) => {
    removeFromInbox(id);
    setDialog(null);
    setNotice(link ? { text, link } : { text });
    await queryClient.invalidateQueries(trpc.captures.pathFilter());
  };

  const process = useMutation(trpc.captures.process.mutationOptions());
  const archive = useMutation(trpc.captures.archive.mutationOptions({ onSuccess: (c) => done(c.id, 'Archived.') }));
  const remove = useMutation(
    trpc.captures.delete.mutationOptions({ onSuccess: (_r, input) => done(input.id, 'Deleted.') }),
  );

  const processInto = async (capture: TCapture, into: TProcessCaptureInput['into']) => {
    const result = await process.mutateAsync({ id: capture.id, into });
    if (into.kind === 'task') {
      const projectId = result.createdProjectId ?? ('projectId' in into ? into.projectId : null);
      await invalidateTasks();
      await done(
        capture.id,
        'Turned into a task.',
        projectId ? { to: `/projects/${projectId}`, label: 'Open the project' } : { to: '/tasks', label: 'Tasks' },
      );
    } else if (into.kind === 'event') {
      await queryClient.invalidateQueries(trpc.calendar.pathFilter());
      await done(capture.id, 'Added to the calendar.', { to: '/calendar', label: 'Open the calendar' });
    } else {
      await queryClient.invalidateQueries(trpc.journal.pathFilter());
      await done(capture.id, 'Added to the morning pages.', { to: '/journal', label: 'Open the journal' });
    }
  };

  const note = (capture: TCapture) => {
    setNotice(null);
    processInto(capture, { kind: 'journal' }).catch((error: unknown) =>
      setNotice({ text: `Not added to the journal: ${errorMessage(error)}` }),
    );
  };

  // The inbox's keys; nothing happens while a dialog is open or focus is in a field.
  const keyState = useRef({ items, current, selected });
  keyState.current = { items, current, selected };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target) || document.querySelector('dialog[open]')) return;
      const { items, current, selected } = keyState.current;
      const move = (to: number) => {
        event.preventDefault();
        setIndex(Math.max(0, Math.min(items.length - 1, to)));
      };
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          return move(current + 1);
        case 'k':
        case 'ArrowUp':
          return move(current - 1);
      }
      if (!selected) return;
      const open = (kind: 'task' | 'event' | 'delete') => {
        event.preventDefault();
        setNotice(null);
        setDialog({ kind, capture: selected });
      };
      switch (event.key) {
        case 't':
          return open('task');
        case 'e':
          return open('event');
        case 'Delete':
          return open('delete');
        case 'n':
          event.preventDefault();
          return note(selected);
        case 'a':
          event.preventDefault();
          setNotice(null);
          return archive.mutate({ id: selected.id });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  // Keep the selected capture in view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the selection moves
  useEffect(() => {
    listRef.current?.querySelector('[aria-current="true"]')?.scrollIntoView?.({ block: 'nearest' });
  }, [current]);

  return (
    <div className="page tasks-page">
      <PageHeader title="Inbox">{items.length ? <span className="badge">{items.length}</span> : null}</PageHeader>
      <p className="small muted keys-hint">
        <kbd className="kbd">j</kbd>/<kbd className="kbd">k</kbd> move · <kbd className="kbd">t</kbd> task ·{' '}
        <kbd className="kbd">e</kbd> event · <kbd className="kbd">n</kbd> journal note · <kbd className="kbd">a</kbd>{' '}
        archive · <kbd className="kbd">Delete</kbd> delete · <kbd className="kbd">{QUICK_CAPTURE_KEY}</kbd> capture
      </p>
      <output className="inbox-notice" aria-live="polite">
        {notice ? (
          <>
            {notice.text} {notice.link ? <Link to={notice.link.to}>{notice.link.label}</Link> : null}
          </>
        ) : null}
      </output>
      {archive.isError ? (
        <p className="alert alert-error" role="alert">
          Not archived: {errorMessage(archive.error)}
        </p>
      ) : null}
      {!captures.data ? (
        captures.isError ? (
          <ErrorState error={captures.error} onRetry={() => void captures.refetch()} />
        ) : (
          <LoadingState label="Loading the inbox…" />
        )
      ) : items.length === 0 ? (
        <EmptyState title="Inbox zero">
          <p>
            Nothing waiting. Press <kbd className="kbd">{QUICK_CAPTURE_KEY}</kbd> anywhere to capture a thought.
          </p>
        </EmptyState>
      ) : (
        <ul ref={listRef} className="list inbox-list" aria-label="Captures">
          {items.map((capture, i) => (
            <li key={capture.id} className="list-item inbox-item" aria-current={i === current ? 'true' : undefined}>
              <div className="list-main">
                <span className="list-title inbox-text">{capture.text}</span>
                <span className="list-meta">
                  <span>{formatRelative(capture.createdAt)}</span>
                  {capture.url ? (
                    <a href={capture.url} target="_blank" rel="noreferrer noopener">
                      {capture.url}
                    </a>
                  ) : null}
                </span>
              </div>
              <div className="row-actions">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => {
                    setIndex(i);
                    setDialog({ kind: 'task', capture });
                  }}
                >
                  Task
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => {
                    setIndex(i);
                    setDialog({ kind: 'event', capture });
                  }}
                >
                  Event
                </button>
                <button type="button" className="button button-small" onClick={() => note(capture)}>
                  Note
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => archive.mutate({ id: capture.id })}
                >
                  Archive
                </button>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  onClick={() => setDialog({ kind: 'delete', capture })}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {dialog?.kind === 'task' ? (
        <TaskProcessDialog
          capture={dialog.capture}
          onClose={() => setDialog(null)}
          onSubmit={(into) => processInto(dialog.capture, into)}
        />
      ) : null}
      {dialog?.kind === 'event' ? (
        <EventProcessDialog
          capture={dialog.capture}
          onClose={() => setDialog(null)}
          onSubmit={(into) => processInto(dialog.capture, into)}
        />
      ) : null}
      <ConfirmDialog
        open={dialog?.kind === 'delete'}
        title="Delete this capture?"
        confirmLabel="Delete"
        danger
        pending={remove.isPending}
        onCancel={() => setDialog(null)}
        onConfirm={() => dialog && remove.mutate({ id: dialog.capture.id })}
      >
        <p>“{dialog?.capture.text}” will be deleted for good.</p>
        {remove.isError ? <p className="field-error">{errorMessage(remove.error)}</p> : null}
      </ConfirmDialog>
    </div>
  );
}
