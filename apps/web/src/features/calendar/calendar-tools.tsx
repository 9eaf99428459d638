import type { TImportReport } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, useRef, useState } from 'react';
import { Modal } from '../../components/modal';
import { errorMessage } from '../../lib/errors';
import { trpc, trpcClient } from '../../lib/trpc';
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
