import {
  JOURNAL_ENTRY_LABELS,
  JOURNAL_ENTRY_TYPES,
  type TJournalEntryType,
  type TJournalListEntry,
  type TSnippet,
} from '@lifeos/core/schemas';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, Fragment, useId, useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { formatLocalDate } from '../../lib/local-date';
import { queryClient, trpc } from '../../lib/trpc';
import './journal.css';
import { entryPath, invalidateJournalViews } from './journal-links';
import { JournalNav } from './journal-nav';

const PAGE_SIZE = 20;

/** Every entry, newest first, a page at a time; or, with a search, the best matches first. */
export function JournalHistoryPage() {
  const [type, setType] = useState<TJournalEntryType | ''>('');
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const searchId = useId();
  const typeId = useId();

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setQ(draft.trim());
  };

  return (
    <div className="page journal-page">
      <PageHeader title="Journal history" />
      <JournalNav />
      <search>
        <form className="row" onSubmit={onSearch}>
          <label htmlFor={searchId} className="visually-hidden">
            Search the journal
          </label>
          <input
            id={searchId}
            type="search"
            value={draft}
            maxLength={200}
            placeholder="Search every entry"
            onChange={(event) => {
              setDraft(event.target.value);
              if (event.target.value === '') setQ('');
            }}
            style={{ flex: '1 1 14rem', width: 'auto' }}
          />
          <button type="submit" className="button">
            Search
          </button>
          {q === '' ? (
            <>
              <label htmlFor={typeId} className="visually-hidden">
                Entry type
              </label>
              <select
                id={typeId}
                value={type}
                onChange={(event) => setType(event.target.value as TJournalEntryType | '')}
                style={{ width: 'auto' }}
              >
                <option value="">All entries</option>
                {JOURNAL_ENTRY_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {JOURNAL_ENTRY_LABELS[t]}
                  </option>
                ))}
              </select>
            </>
          ) : null}
        </form>
      </search>
      {q ? <SearchResults q={q} /> : <EntryList type={type || undefined} />}
    </div>
  );
}

function EntryList({ type }: { type: TJournalEntryType | undefined }) {
  const list = useInfiniteQuery(
    trpc.journal.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, ...(type ? { type } : {}) },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const [deleting, setDeleting] = useState<TJournalListEntry | null>(null);
  const remove = useMutation(
    trpc.journal.delete.mutationOptions({
      onSuccess: async () => {
        setDeleting(null);
        await Promise.all([invalidateJournalViews(), queryClient.invalidateQueries(trpc.journal.get.pathFilter())]);
      },
    }),
  );

  if (!list.data) {
    if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
    return <LoadingState label="Loading entries…" />;
  }
  const items = list.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <EmptyState title="No entries yet">
        <p>
          Start with <Link to={entryPath('morning_pages')}>today's morning pages</Link>.
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      <ul className="list" aria-label="Journal entries">
        {items.map((item) => (
          <li key={item.id} className="list-item">
            <div className="list-main">
              <span className="list-title">
                <Link to={entryPath(item.type, item.date)}>{formatLocalDate(item.date)}</Link>
                <span className="badge">{JOURNAL_ENTRY_LABELS[item.type]}</span>
              </span>
              {item.excerpt ? <p className="journal-excerpt">{item.excerpt}</p> : null}
              <span className="list-meta">
                <span>{item.wordCount.toLocaleString()} words</span>
                {item.mood !== null ? <span>Mood {item.mood}/5</span> : null}
              </span>
            </div>
            <button
              type="button"
              className="button button-small button-danger-quiet"
              onClick={() => setDeleting(item)}
              aria-label={`Delete ${JOURNAL_ENTRY_LABELS[item.type].toLowerCase()} of ${formatLocalDate(item.date)}`}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      {list.hasNextPage ? (
        <button
          type="button"
          className="button"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
      {list.isFetchNextPageError ? (
        <p className="field-error" role="alert">
          {errorMessage(list.error)}
        </p>
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this entry?"
        confirmLabel="Delete"
        danger
        pending={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      >
        {deleting ? (
          <p>
            {JOURNAL_ENTRY_LABELS[deleting.type]} of {formatLocalDate(deleting.date)} will be gone for good.
          </p>
        ) : null}
        {remove.isError ? <p className="field-error">{errorMessage(remove.error)}</p> : null}
      </ConfirmDialog>
    </>
  );
}

function SearchResults({ q }: { q: string }) {
  const results = useQuery(trpc.journal.search.queryOptions({ q }));
  if (results.isPending) return <LoadingState label="Searching…" />;
  if (results.isError) return <ErrorState error={results.error} onRetry={() => void results.refetch()} />;
  if (results.data.length === 0) {
    return (
      <EmptyState title="Nothing found">
        <p>No entry matches “{q}”. Try another word.</p>
      </EmptyState>
    );
  }
  return (
    <ul className="list" aria-label="Search results">
      {results.data.map((result) => (
        <li key={result.id} className="list-item">
          <div className="list-main">
            <span className="list-title">
              <Link to={entryPath(result.type, result.date)}>{formatLocalDate(result.date)}</Link>
              <span className="badge">{JOURNAL_ENTRY_LABELS[result.type]}</span>
            </span>
            <Snippet snippet={result.snippet} />
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Plain text with the matched ranges in <mark>: built from text nodes, never from HTML. */
export function Snippet({ snippet }: { snippet: TSnippet }) {
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const m of [...snippet.matches].sort((a, b) => a.start - b.start)) {
    if (m.start < at) continue;
    if (m.start > at) parts.push({ text: snippet.text.slice(at, m.start), match: false });
    parts.push({ text: snippet.text.slice(m.start, m.end), match: true });
    at = m.end;
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), match: false });
  return (
    <p className="journal-excerpt journal-snippet">
      {parts.map((part, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, in order
        part.match ? <mark key={i}>{part.text}</mark> : <Fragment key={i}>{part.text}</Fragment>,
      )}
    </p>
  );
}
