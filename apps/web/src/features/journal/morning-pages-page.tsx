import { countWords, type TJournalEntry } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useId, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { formatLocalDate } from '../../lib/local-date';
import { queryClient, trpc } from '../../lib/trpc';
import { type AutosaveStatus, useAutosave } from './use-autosave';
import './journal.css';
import { invalidateJournalViews } from './journal-links';
import { JournalNav } from './journal-nav';
import { useJournalDay } from './use-journal-day';

const DRAFT_PREFIX = 'lifeos.journal.draft.';

function readDraft(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeDraft(key: string, text: string | null) {
  try {
    if (text === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, text);
  } catch {
    // Storage full or disabled: the page still warns before unload.
  }
}

/** Morning pages for a day (today by default): a quiet page that saves itself. */
export function MorningPagesPage() {
  const { date: dateParam } = useParams();
  const day = useJournalDay(dateParam);
  const me = useQuery(trpc.auth.me.queryOptions());
  const entry = useQuery({
    ...trpc.journal.get.queryOptions({ type: 'morning_pages', date: day.date ?? '' }),
    enabled: day.date !== undefined,
    // The editor owns the text once open: never replace it under the writer's hands.
    refetchOnWindowFocus: false,
    staleTime: Number.POSITIVE_INFINITY,
  });

  return (
    <div className="page journal-page">
      <PageHeader title="Morning pages">
        {day.date ? <span className="muted">{formatLocalDate(day.date)}</span> : null}
      </PageHeader>
      <JournalNav />
      {day.error ? (
        <ErrorState error={day.error} onRetry={day.retry} />
      ) : entry.isError ? (
        <ErrorState error={entry.error} onRetry={() => void entry.refetch()} />
      ) : !day.date || entry.isPending || !me.data ? (
        <LoadingState label="Opening your pages…" />
      ) : (
        <Editor
          key={`${me.data.id}:${day.date}`}
          date={day.date}
          entry={entry.data}
          draftKey={`${DRAFT_PREFIX}${me.data.id}.${day.date}`}
          isFuture={day.today !== undefined && day.date > day.today}
        />
      )}
    </div>
  );
}

const STATUS_TEXT: Record<AutosaveStatus, string> = {
  saved: 'Saved',
  saving: 'Saving…',
  offline: 'Offline — not saved',
  error: 'Not saved',
};

function Editor({
  date,
  entry,
  draftKey,
  isFuture,
}: {
  date: string;
  entry: TJournalEntry | null;
  draftKey: string;
  isFuture: boolean;
}) {
  const textareaId = useId();
  const statusId = useId();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const goal = settings.data?.journalWordGoal ?? 750;
  const savedText = entry?.type === 'morning_pages' ? entry.content.text : '';
  const draft = useMemo(() => {
    const stored = readDraft(draftKey);
    return stored !== null && stored !== savedText ? stored : null;
  }, [draftKey, savedText]);

  const upsert = useMutation(trpc.journal.upsert.mutationOptions());
  const save = useCallback(
    async (text: string) => {
      const saved = await upsert.mutateAsync({ type: 'morning_pages', date, content: { text } });
      queryClient.setQueryData(trpc.journal.get.queryKey({ type: 'morning_pages', date }), saved);
      void invalidateJournalViews();
    },
    [upsert.mutateAsync, date],
  );
  const storeDraft = useCallback((text: string | null) => writeDraft(draftKey, text), [draftKey]);
  const autosave = useAutosave({ savedText, draft, save, storeDraft, saveEmpty: entry !== null });

  const deferred = useDeferredValue(autosave.text);
  const words = useMemo(() => countWords(deferred), [deferred]);
  const progress = Math.min(1, words / goal);

  if (isFuture) {
    return <p className="state state-empty">This day has not come yet. Pages are written on the day.</p>;
  }

  return (
    <div className="journal-editor">
      <label htmlFor={textareaId} className="visually-hidden">
        Morning pages for {formatLocalDate(date)}
      </label>
      <textarea
        id={textareaId}
        className="journal-textarea"
        value={autosave.text}
        onChange={(event) => autosave.setText(event.target.value)}
        onBlur={() => void autosave.flush()}
        placeholder="Write whatever comes. Three pages, no editing, no one reading over your shoulder."
        spellCheck
        aria-describedby={statusId}
        // biome-ignore lint/a11y/noAutofocus: the page exists to write in; the cursor belongs in the text
        autoFocus
      />
      <div className="journal-editor-bar" id={statusId}>
        <div className="journal-words">
          <span>
            <strong>{words.toLocaleString()}</strong> / {goal.toLocaleString()} words
          </span>
          <progress max={1} value={progress} aria-label="Progress towards your word goal" />
          {words >= goal ? <span className="badge badge-accent">Goal reached</span> : null}
        </div>
        <output className={`journal-status journal-status-${autosave.status}`} aria-live="polite">
          {STATUS_TEXT[autosave.status]}
          {autosave.status === 'error' && autosave.error ? `: ${autosave.error}` : ''}
        </output>
      </div>
      {autosave.status === 'offline' ? (
        <div className="alert alert-warning" role="alert">
          Life OS cannot be reached. Your text stays on this device and is sent as soon as the connection is back.
          <button type="button" className="button button-small" onClick={() => void autosave.flush()}>
            Try now
          </button>
        </div>
      ) : null}
      <p className="muted small">
        Saved as you type. <Link to="/journal">Back to today</Link>
      </p>
    </div>
  );
}
