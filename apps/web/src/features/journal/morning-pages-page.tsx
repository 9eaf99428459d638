import { countWords, type TJournalEntry } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useId, useMemo, useRef } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { formatLocalDate } from '../../lib/local-date';
import { isTransportFailure } from '../../lib/offline/status';
import { sendWrite, theOutbox } from '../../lib/outbox/writes';
import { queryClient, trpc } from '../../lib/trpc';
import { type AutosaveStatus, useAutosave } from './use-autosave';
import './journal.css';
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
    // But open it on the server's text: the device's copy of the cache (restored at start) may be older.
    refetchOnMount: 'always',
  });
  // Offline, the device's copy is all there is (an entry written elsewhere meanwhile comes back as a conflict).
  const offlineCopy = entry.fetchStatus === 'paused' || (entry.isError && isTransportFailure(entry.error));
  const ready = (entry.isFetchedAfterMount && entry.isSuccess) || offlineCopy;

  return (
    <div className="page journal-page">
      <PageHeader title="Morning pages">
        {day.date ? <span className="muted">{formatLocalDate(day.date)}</span> : null}
      </PageHeader>
      <JournalNav />
      {day.error ? (
        <ErrorState error={day.error} onRetry={day.retry} />
      ) : entry.isError && !offlineCopy ? (
        <ErrorState error={entry.error} onRetry={() => void entry.refetch()} />
      ) : !day.date || !ready || !me.data ? (
        <LoadingState label="Opening your pages…" />
      ) : (
        <Editor
          key={`${me.data.id}:${day.date}`}
          date={day.date}
          entry={entry.data ?? null}
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
  offline: 'Offline — kept on this device',
  conflict: 'Changed elsewhere',
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

  // The entry's version this text builds on: the server refuses the text if the entry changed elsewhere since.
  const base = useRef<Date | null>(entry?.updatedAt ?? null);
  const coalesce = `journal:morning_pages:${date}`;
  const save = useCallback(
    async (text: string) => {
      const saved = await sendWrite(
        'journal.upsert',
        { type: 'morning_pages', date, content: { text }, baseUpdatedAt: base.current },
        { label: `Morning pages, ${formatLocalDate(date)}`, coalesce, href: `/journal/morning-pages/${date}` },
      );
      base.current = saved.updatedAt;
    },
    [date, coalesce],
  );
  const storeDraft = useCallback((text: string | null) => writeDraft(draftKey, text), [draftKey]);
  const autosave = useAutosave({ savedText, draft, save, storeDraft, saveEmpty: entry !== null });

  /** The writer's choice after a conflict: the refused writes go, and the chosen text is built on theirs. */
  const merge = async (choice: 'mine' | 'theirs' | 'both') => {
    const theirs = await queryClient.fetchQuery({
      ...trpc.journal.get.queryOptions({ type: 'morning_pages', date }),
      staleTime: 0,
    });
    const theirText = theirs?.type === 'morning_pages' ? theirs.content.text : '';
    base.current = theirs?.updatedAt ?? null;
    const outbox = theOutbox();
    for (const write of outbox.snapshot().refused) if (write.coalesce === coalesce) await outbox.discard(write.id);
    const mine = autosave.text;
    if (choice === 'theirs') {
      autosave.resolve(theirText, true);
      return;
    }
    autosave.resolve(choice === 'mine' ? mine : `${theirText}\n\n${mine}`, false);
    await autosave.flush();
  };
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
      {autosave.status === 'conflict' ? <ConflictChoice date={date} onChoose={(choice) => void merge(choice)} /> : null}
      {autosave.status === 'offline' ? (
        <div className="alert alert-warning" role="alert">
          Life OS cannot be reached. Your text is kept on this device and sent as soon as the connection is back, also
          after closing the app.
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

/** Theirs beside the choice: keep mine, keep theirs, or both (theirs first, then mine). */
function ConflictChoice({ date, onChoose }: { date: string; onChoose: (choice: 'mine' | 'theirs' | 'both') => void }) {
  const theirs = useQuery({ ...trpc.journal.get.queryOptions({ type: 'morning_pages', date }), staleTime: 0 });
  const text = theirs.data?.type === 'morning_pages' ? theirs.data.content.text : null;
  return (
    <div className="alert alert-warning journal-conflict" role="alert">
      <p>
        <strong>These pages were changed on another device</strong> after you started writing here. Which text should
        stay?
      </p>
      {text !== null ? (
        <details>
          <summary>The other device's text</summary>
          <p className="journal-conflict-theirs">{text}</p>
        </details>
      ) : null}
      <div className="journal-conflict-actions">
        <button type="button" className="button button-primary" onClick={() => onChoose('mine')}>
          Keep mine
        </button>
        <button type="button" className="button" onClick={() => onChoose('theirs')}>
          Keep theirs
        </button>
        <button type="button" className="button" onClick={() => onChoose('both')}>
          Keep both
        </button>
      </div>
    </div>
  );
}
