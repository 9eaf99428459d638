import type { TDataImportMode } from '@lifeos/core/schemas';
import { useId, useState } from 'react';
import { Panel } from '../../components/panel';
import { queryClient } from '../../lib/trpc';
import {
  type DataImportReport,
  downloadExport,
  EXPORT_JSON_URL,
  EXPORT_ZIP_URL,
  IMPORT_MAX_BYTES,
  importDocument,
} from './data-api';
import './data.css';

type Kind = keyof DataImportReport['counts'];

/** Report rows in the order a person thinks of their data, with names they would use. */
const KINDS: Array<[Kind, string]> = [
  ['settings', 'Settings'],
  ['journal', 'Journal entries'],
  ['projects', 'Projects'],
  ['tasks', 'Tasks'],
  ['captures', 'Inbox captures'],
  ['events', 'Calendar events'],
  ['exercises', 'Own exercises'],
  ['programs', 'Programs'],
  ['programDays', 'Program days'],
  ['programExercises', 'Program exercises'],
  ['workoutSessions', 'Workouts'],
  ['workoutSets', 'Sets'],
  ['bodyWeights', 'Body weights'],
];
const KIND_LABELS = new Map<string, string>(KINDS);

const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong.');

export function DataSection() {
  return (
    <Panel
      id="data"
      title="Your data"
      description="Download everything you keep in Life OS, or bring a download back — into this account or another one."
    >
      <ExportPanel />
      <ImportPanel />
    </Panel>
  );
}

function ExportPanel() {
  const [busy, setBusy] = useState<'json' | 'zip' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function download(kind: 'json' | 'zip') {
    setBusy(kind);
    setError(null);
    setSaved(null);
    try {
      const stamp = new Date().toISOString().slice(0, 10);
      const name = await downloadExport(
        kind === 'json' ? EXPORT_JSON_URL : EXPORT_ZIP_URL,
        `lifeos-export-${stamp}.${kind}`,
      );
      setSaved(name);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="data-block">
      <h3 className="subheading">Export</h3>
      <p className="muted">
        The JSON file is the complete copy that Import reads back. The ZIP holds the same file plus your journal as
        Markdown, your calendar as .ics, and workouts and tasks as CSV, for other apps.
      </p>
      <div className="form-actions">
        <button type="button" className="button" disabled={busy !== null} onClick={() => void download('json')}>
          {busy === 'json' ? 'Preparing JSON…' : 'Download JSON'}
        </button>
        <button type="button" className="button" disabled={busy !== null} onClick={() => void download('zip')}>
          {busy === 'zip' ? 'Preparing ZIP…' : 'Download ZIP'}
        </button>
      </div>
      {error ? (
        <p className="alert alert-error" role="alert">
          The export failed: {error}
        </p>
      ) : null}
      {saved ? (
        <p className="muted" role="status">
          Saved {saved}.
        </p>
      ) : null}
    </div>
  );
}

function ImportPanel() {
  const fileId = useId();
  const warningId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [mode, setMode] = useState<TDataImportMode>('merge');
  const [pending, setPending] = useState<'preview' | 'import' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<DataImportReport | null>(null);

  const reset = () => {
    setReport(null);
    setError(null);
  };

  function onFile(event: React.ChangeEvent<HTMLInputElement>) {
    reset();
    setFileError(null);
    const picked = event.target.files?.[0] ?? null;
    setFile(null);
    if (!picked) return;
    if (picked.size === 0) setFileError('The file is empty.');
    else if (picked.size > IMPORT_MAX_BYTES)
      setFileError(`The file is too large (at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB).`);
    else setFile(picked);
  }

  async function run(dryRun: boolean) {
    if (!file) return;
    setPending(dryRun ? 'preview' : 'import');
    setError(null);
    try {
      const result = await importDocument(file, { mode, dryRun });
      setReport(result);
      // An import can touch every module: whatever the app has cached is stale now.
      if (!dryRun) await queryClient.invalidateQueries();
    } catch (e) {
      setReport(null);
      setError(messageOf(e));
    } finally {
      setPending(null);
    }
  }

  const previewed = report?.dryRun === true && report.mode === mode;

  return (
    <div className="data-block">
      <h3 className="subheading">Import</h3>
      <p className="muted">
        Restore a Life OS JSON export. Preview first: it shows what would change and writes nothing.
      </p>
      <div className="field">
        <label htmlFor={fileId}>Export file (JSON)</label>
        <input id={fileId} type="file" accept=".json,application/json" onChange={onFile} />
      </div>
      {fileError ? (
        <p className="field-error" role="alert">
          {fileError}
        </p>
      ) : null}
      <fieldset className="field data-modes">
        <legend>How to import</legend>
        <label className="data-mode">
          <input
            type="radio"
            name="data-import-mode"
            value="merge"
            checked={mode === 'merge'}
            onChange={() => {
              setMode('merge');
              reset();
            }}
          />
          <span>
            <strong>Merge</strong> — add what this account does not have yet; what matches (same journal day, same
            project name, …) is kept, or updated when the file's copy is newer.
          </span>
        </label>
        <label className="data-mode">
          <input
            type="radio"
            name="data-import-mode"
            value="replace"
            checked={mode === 'replace'}
            aria-describedby={mode === 'replace' ? warningId : undefined}
            onChange={() => {
              setMode('replace');
              reset();
            }}
          />
          <span>
            <strong>Replace</strong> — delete this account's data, then import the file.
          </span>
        </label>
      </fieldset>
      {mode === 'replace' ? (
        <p id={warningId} className="alert alert-warning" role="note">
          Replace deletes this account's journal, workouts, programs, body weights, projects, tasks, inbox and calendar
          events before importing, and cannot be undone. Your sign-in, sessions, API keys and subscribed calendars stay.
          Download an export first if you might want them back.
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" disabled={!file || pending !== null} onClick={() => void run(true)}>
          {pending === 'preview' ? 'Previewing…' : 'Preview'}
        </button>
        <button
          type="button"
          className={mode === 'replace' ? 'button button-danger' : 'button button-primary'}
          disabled={!file || !previewed || pending !== null}
          onClick={() => void run(false)}
        >
          {pending === 'import' ? 'Importing…' : mode === 'replace' ? 'Replace and import' : 'Import'}
        </button>
      </div>
      {file && !report && !error && pending === null ? <p className="muted">Preview the import to enable it.</p> : null}
      {error ? (
        <div className="alert alert-error" role="alert">
          <strong>The file could not be imported.</strong> {error}
        </div>
      ) : null}
      {report ? <ImportReportView report={report} /> : null}
    </div>
  );
}

function ImportReportView({ report }: { report: DataImportReport }) {
  const rows = KINDS.map(([kind, label]) => ({ kind, label, counts: report.counts[kind] })).filter(
    (row) => row.counts && row.counts.created + row.counts.updated + row.counts.skipped + row.counts.failed > 0,
  );
  const title = report.dryRun ? 'Preview — nothing has been written yet' : 'Imported';
  return (
    <div className="data-report" role="status" aria-label={report.dryRun ? 'Import preview' : 'Import result'}>
      {report.dryRun ? null : <p className="alert alert-success">Done. Everything below is in your account now.</p>}
      {rows.length === 0 ? (
        <p>The file holds nothing to import.</p>
      ) : (
        <div className="data-table-wrap">
          <table className="data-table">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">{report.dryRun ? 'New' : 'Created'}</th>
                <th scope="col">Updated</th>
                <th scope="col">Skipped</th>
                <th scope="col">Failed</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ kind, label, counts }) => (
                <tr key={kind}>
                  <th scope="row">{label}</th>
                  <td>{counts?.created}</td>
                  <td>{counts?.updated}</td>
                  <td>{counts?.skipped}</td>
                  <td>{counts?.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <IssueList
        title="Conflicts"
        hint="Matched something already here, with different content: the newer copy wins."
        issues={report.conflicts}
        total={report.conflictsTotal}
      />
      <IssueList
        title="Failed"
        hint="These rows could not be imported."
        issues={report.failures}
        total={report.failuresTotal}
      />
    </div>
  );
}

function IssueList({
  title,
  hint,
  issues,
  total,
}: {
  title: string;
  hint: string;
  issues: DataImportReport['conflicts'];
  total: number;
}) {
  if (total === 0) return null;
  return (
    <details className="disclosure" open={total <= 10}>
      <summary>
        {title} ({total})
      </summary>
      <p className="muted">{hint}</p>
      <ul aria-label={title}>
        {issues.map((issue) => (
          <li key={`${issue.section}:${issue.id}:${issue.reason}`}>
            {KIND_LABELS.get(issue.section) ?? issue.section}: {issue.reason}
          </li>
        ))}
      </ul>
      {total > issues.length ? <p className="muted">…and {total - issues.length} more.</p> : null}
    </details>
  );
}
