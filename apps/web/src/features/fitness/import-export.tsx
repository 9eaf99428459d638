import type { TCsvImportReport } from '@lifeos/core/schemas';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';

/** The largest CSV the API takes (characters), checked here before anything is sent. */
export const CSV_MAX_CHARS = 1_000_000;

function todayStamp(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function ImportReport({ report }: { report: TCsvImportReport }) {
  return (
    <div className="import-report" role="status" aria-label={report.dryRun ? 'Preview' : 'Import report'}>
      <p>
        <strong>{report.dryRun ? 'Would import' : 'Imported'}</strong> {plural(report.sessions, 'workout')},{' '}
        {plural(report.sets, 'set')}.
        {report.alreadyImported > 0
          ? ` ${plural(report.alreadyImported, 'workout')} already imported (left as is).`
          : ''}
      </p>
      {report.exercisesCreated.length > 0 ? (
        <div>
          <p>New exercises ({report.exercisesCreated.length}):</p>
          <ul aria-label="New exercises">
            {report.exercisesCreated.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {report.skippedRows.length > 0 ? (
        <div>
          <p>Skipped rows ({report.skippedRows.length}):</p>
          <ul aria-label="Skipped rows">
            {report.skippedRows.map((r) => (
              <li key={`s${r.row}-${r.reason}`}>
                Row {r.row}: {r.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {report.warnings.length > 0 ? (
        <div>
          <p>Warnings ({report.warnings.length}):</p>
          <ul aria-label="Warnings">
            {report.warnings.map((r) => (
              <li key={`w${r.row}-${r.reason}`}>
                Row {r.row}: {r.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** Import a Strong or Hevy CSV (previewed first) and export the history as CSV. */
export function FitnessImportExport() {
  const queryClient = useQueryClient();
  const inputId = useId();
  const [csv, setCsv] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [report, setReport] = useState<TCsvImportReport | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);

  const importCsv = useMutation(
    trpc.fitness.import.csv.mutationOptions({
      onSuccess: (result) => {
        setReport(result);
        if (!result.dryRun) {
          void queryClient.invalidateQueries(trpc.fitness.sessions.pathFilter());
          void queryClient.invalidateQueries(trpc.fitness.records.pathFilter());
          void queryClient.invalidateQueries(trpc.fitness.stats.pathFilter());
        }
      },
    }),
  );

  async function onFile(event: React.ChangeEvent<HTMLInputElement>) {
    setCsv(null);
    setReport(null);
    setFileError(null);
    importCsv.reset();
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      const text = await file.text();
      if (text.length > CSV_MAX_CHARS) {
        setFileError(`The file is too large (at most ${CSV_MAX_CHARS / 1_000_000} MB of text).`);
        return;
      }
      if (text.trim() === '') {
        setFileError('The file is empty.');
        return;
      }
      setCsv(text);
    } catch {
      setFileError('The file could not be read.');
    }
  }

  async function onExport() {
    setExporting(true);
    setExportError(null);
    try {
      const result = await queryClient.fetchQuery({ ...trpc.fitness.export.csv.queryOptions(), staleTime: 0 });
      const url = URL.createObjectURL(new Blob([result.csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `lifeos-workouts-${todayStamp()}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (error) {
      setExportError(errorMessage(error));
    } finally {
      setExporting(false);
    }
  }

  const previewed = report?.dryRun === true;
  const imported = report?.dryRun === false;

  return (
    <section className="import-export" aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`}>Import &amp; export</h2>
      <div className="field">
        <label htmlFor={inputId}>Strong or Hevy CSV</label>
        <input id={inputId} type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e)} />
      </div>
      {fileError ? (
        <p className="field-error" role="alert">
          {fileError}
        </p>
      ) : null}
      <div className="import-export-actions">
        <button
          type="button"
          className="button"
          disabled={!csv || importCsv.isPending}
          onClick={() => csv && importCsv.mutate({ csv, dryRun: true })}
        >
          {importCsv.isPending && importCsv.variables?.dryRun ? 'Previewing…' : 'Preview'}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!csv || !previewed || importCsv.isPending}
          onClick={() => csv && importCsv.mutate({ csv, dryRun: false })}
        >
          {importCsv.isPending && !importCsv.variables?.dryRun ? 'Importing…' : 'Import'}
        </button>
        <button type="button" className="button" disabled={exporting} onClick={() => void onExport()}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      {importCsv.isError ? (
        <p className="field-error" role="alert">
          {errorMessage(importCsv.error)}
        </p>
      ) : null}
      {exportError ? (
        <p className="field-error" role="alert">
          {exportError}
        </p>
      ) : null}
      {report ? <ImportReport report={report} /> : null}
      {imported ? <p>Done. Your history, records and stats are updated.</p> : null}
    </section>
  );
}
