import type { TImportReport } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type ChangeEvent, useRef, useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Modal } from '../../components/modal';
import { ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { queryClient, trpc, trpcClient } from '../../lib/trpc';
import { invalidateEvents } from './invalidate';

const MAX_FILE_BYTES = 1_000_000;

/** Import (.ics file → importIcs → the report) and export (a download). */
export function ImportExport() {
  const input = useRef<HTMLInputElement>(null);
  const [report, setReport] = useState<TImportReport | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const importIcs = useMutation(
    trpc.calendar.importIcs.mutationOptions({
      onSuccess: async (result) => {
        setReport(result);
        await invalidateEvents();
      },
      onError: (error) => setProblem(errorMessage(error)),
    }),
  );

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setProblem(null);
    if (file.size > MAX_FILE_BYTES) {
      setProblem('That file is larger than 1 MB; split it or export a shorter range.');
      return;
    }
    importIcs.mutate({ ics: await file.text() });
  };

  const onExport = async () => {
    setExporting(true);
    setProblem(null);
    try {
      const { ics, filename } = await trpcClient.calendar.exportIcs.query();
      const url = URL.createObjectURL(new Blob([ics], { type: 'text/calendar' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="row">
      <input
        ref={input}
        type="file"
        accept=".ics,text/calendar"
        // Not drawn at all (the button opens it): visually hidden, it still took width and made phones scroll sideways.
        hidden
        aria-label="Calendar file to import"
        onChange={(e) => void onFile(e)}
        tabIndex={-1}
      />
      <button type="button" className="button" onClick={() => input.current?.click()} disabled={importIcs.isPending}>
        {importIcs.isPending ? 'Importing…' : 'Import .ics'}
      </button>
      <button type="button" className="button" onClick={() => void onExport()} disabled={exporting}>
        {exporting ? 'Exporting…' : 'Export .ics'}
      </button>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {report ? (
        <Modal title="Import finished" onClose={() => setReport(null)}>
          <div className="dialog-body">
            <p>
              {report.imported} new, {report.updated} updated, {report.unchanged} unchanged
              {report.skipped.length ? `, ${report.skipped.length} skipped` : ''}.
            </p>
            {report.skipped.length ? (
              <>
                <h3 className="subheading">Skipped</h3>
                <ul className="calendar-report">
                  {report.skipped.map((s) => (
                    <li key={`${s.uid}\n${s.summary}\n${s.reason}`}>
                      <strong>{s.summary ?? s.uid ?? 'An event'}</strong>: {s.reason}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {report.warnings.length ? (
              <>
                <h3 className="subheading">Notes</h3>
                <ul className="calendar-report">
                  {report.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
          <div className="dialog-actions">
            <button type="button" className="button button-primary" onClick={() => setReport(null)}>
              Done
            </button>
          </div>
        </Modal>
      ) : null}
    </div>
  );
}

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
