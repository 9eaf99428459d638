import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';

/** The secret subscription URL, with copy and rotate. */
export function FeedSection() {
  const [open, setOpen] = useState(false);
  const feed = useQuery({ ...trpc.calendar.feed.get.queryOptions(), enabled: open });
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const rotate = useMutation(
    trpc.calendar.feed.rotate.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.calendar.feed.get.queryKey(), data);
        setConfirming(false);
      },
    }),
  );
  // The box shows the choice at once; the server's answer replaces it (or, on failure, restores the old one).
  const [includeTasks, setIncludeTasks] = useState<boolean | null>(null);
  const update = useMutation(
    trpc.calendar.feed.update.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.calendar.feed.get.queryKey(), data),
      onSettled: () => setIncludeTasks(null),
    }),
  );
  const url = feed.data ? `${window.location.origin}${feed.data.path}` : '';
  return (
    <details className="disclosure panel" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Subscribe from another calendar app</summary>
      <p className="panel-description">
        Phone and desktop calendars can subscribe to this secret address and stay in sync. Anyone who has it can read
        your calendar: keep it private, and rotate it if it leaks.
      </p>
      {feed.isPending && open ? <LoadingState label="Loading the address…" /> : null}
      {feed.isError ? <ErrorState error={feed.error} onRetry={() => void feed.refetch()} /> : null}
      {feed.data ? (
        <div className="copy-row">
          <input
            className="key-value"
            readOnly
            value={url}
            aria-label="Feed address"
            onFocus={(e) => e.target.select()}
          />
          <button
            type="button"
            className="button"
            onClick={() =>
              void navigator.clipboard?.writeText(url).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button type="button" className="button button-danger-quiet" onClick={() => setConfirming(true)}>
            Rotate
          </button>
        </div>
      ) : null}
      {feed.data ? (
        <label className="calendar-feed-option">
          <input
            type="checkbox"
            checked={includeTasks ?? feed.data.includeTasks}
            disabled={update.isPending}
            onChange={(e) => {
              setIncludeTasks(e.target.checked);
              update.mutate({ includeTasks: e.target.checked });
            }}
          />
          <span>Include tasks’ due dates (as all-day events)</span>
        </label>
      ) : null}
      {update.isError ? (
        <p className="field-error" role="alert">
          {errorMessage(update.error)}
        </p>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title="Make a new address?"
        confirmLabel="Rotate address"
        danger
        pending={rotate.isPending}
        onConfirm={() => rotate.mutate()}
        onCancel={() => setConfirming(false)}
      >
        <p>The current address stops working at once; calendar apps subscribed to it need the new one.</p>
      </ConfirmDialog>
    </details>
  );
}
