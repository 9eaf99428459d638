import { JOURNAL_ENTRY_LABELS, type TJournalEntryType, type TJournalStreak } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { JournalHeatmap } from '../../components/heatmap';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState, QueryState } from '../../components/states';
import { formatLocalDate } from '../../lib/local-date';
import { trpc } from '../../lib/trpc';
import './journal.css';
import { entryPath } from './journal-links';
import { JournalNav } from './journal-nav';

const BLURBS: Record<TJournalEntryType, string> = {
  morning_pages: 'Free writing, first thing. Three pages, about 750 words.',
  daily_reflection: 'Wins, challenges, gratitude, mood and energy, and one focus for tomorrow.',
  weekly_review: 'What went well, what you learned, next week’s priorities, and how each part of life is doing.',
};

const TYPES: TJournalEntryType[] = ['morning_pages', 'daily_reflection', 'weekly_review'];

function plural(n: number, unit: string) {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The journal's home: what is written today, the streaks, and the year of writing days. */
export function JournalTodayPage() {
  const streaks = useQuery(trpc.journal.streaks.queryOptions());
  const today = streaks.data?.today;
  const pages = useQuery({
    ...trpc.journal.get.queryOptions({ type: 'morning_pages', date: today ?? '' }),
    enabled: today !== undefined,
  });
  const settings = useQuery(trpc.settings.get.queryOptions());

  return (
    <div className="page journal-page">
      <PageHeader title="Journal">{today ? <span className="muted">{formatLocalDate(today)}</span> : null}</PageHeader>
      <JournalNav />
      {streaks.isPending ? (
        <LoadingState label="Loading your journal…" />
      ) : streaks.isError ? (
        <ErrorState error={streaks.error} onRetry={() => void streaks.refetch()} />
      ) : (
        <>
          <section aria-labelledby="journal-today-heading" className="stack-lg">
            <h2 id="journal-today-heading" className="visually-hidden">
              Today
            </h2>
            <ul className="journal-today">
              {TYPES.map((type) => {
                const streak = streaks.data.streaks[type];
                const weekly = type === 'weekly_review';
                const words =
                  type === 'morning_pages' && pages.data?.type === 'morning_pages' ? pages.data.wordCount : null;
                return (
                  <li key={type}>
                    <article
                      className={`card journal-card${streak.doneInPeriod ? ' journal-card-done' : ''}`}
                      aria-labelledby={`journal-card-${type}`}
                    >
                      <h3 id={`journal-card-${type}`} className="card-title">
                        {JOURNAL_ENTRY_LABELS[type]}
                      </h3>
                      <p>
                        {streak.doneInPeriod ? (
                          <span className="badge badge-accent">{weekly ? 'Done this week' : 'Done today'}</span>
                        ) : (
                          <span className="badge">{weekly ? 'Not yet this week' : 'Not yet today'}</span>
                        )}
                        {words !== null ? (
                          <span className="muted small">
                            {' '}
                            {words.toLocaleString()} / {(settings.data?.journalWordGoal ?? 750).toLocaleString()} words
                          </span>
                        ) : null}
                      </p>
                      <p className="card-text">{BLURBS[type]}</p>
                      <StreakFigures
                        streak={streak}
                        unit={weekly ? 'week' : 'day'}
                        label={JOURNAL_ENTRY_LABELS[type]}
                      />
                      <Link
                        className="button button-small"
                        to={entryPath(type)}
                        aria-label={`${streak.doneInPeriod ? 'Open' : 'Write'} ${JOURNAL_ENTRY_LABELS[type].toLowerCase()}`}
                      >
                        {streak.doneInPeriod ? 'Open' : 'Write'}
                      </Link>
                    </article>
                  </li>
                );
              })}
            </ul>
          </section>
          <YearOfWriting
            initialYear={Number(streaks.data.today.slice(0, 4))}
            weekStart={settings.data?.weekStart ?? 'monday'}
          />
        </>
      )}
    </div>
  );
}

function StreakFigures({ streak, unit, label }: { streak: TJournalStreak; unit: string; label: string }) {
  return (
    <p className="streak-figures" data-testid={`streak-${label}`}>
      <span>
        Current streak <strong>{plural(streak.current, unit)}</strong>
      </span>
      <span>
        Longest <strong>{plural(streak.longest, unit)}</strong>
      </span>
    </p>
  );
}

function YearOfWriting({ initialYear, weekStart }: { initialYear: number; weekStart: 'monday' | 'sunday' }) {
  const [year, setYear] = useState(initialYear);
  const heatmap = useQuery(trpc.journal.heatmap.queryOptions({ year }));
  return (
    <section className="panel" aria-labelledby="journal-year-heading">
      <div className="page-header">
        <h2 id="journal-year-heading">Writing days in {year}</h2>
        <div className="row">
          <button type="button" className="button button-small" onClick={() => setYear((y) => y - 1)}>
            <span aria-hidden="true">←</span> {year - 1}
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => setYear((y) => y + 1)}
            disabled={year >= initialYear}
          >
            {year + 1} <span aria-hidden="true">→</span>
          </button>
        </div>
      </div>
      <QueryState query={heatmap} loading="Loading the year…">
        {(data) => (
          <>
            <JournalHeatmap data={data} weekStart={weekStart} />
            {data.days.length === 0 ? (
              <p className="muted">Nothing written in {year} yet — each day you write lights up a square.</p>
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}
