import type { TOccurrence } from '@lifeos/core/schemas';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { isSameMonth, isToday } from 'date-fns';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Modal } from '../../components/modal';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { TruncationNotice } from '../../components/truncation-notice';
import { trpc } from '../../lib/trpc';
import { AgendaView } from './agenda-view';
import { ImportExport } from './calendar-tools';
import { clock, dayKey, dayMonthLong, weekdayDayMonth, weekdayShort } from './date-labels';
import { type CalendarView, occurrenceKey, occursOn, step, viewRange } from './dates';
import './calendar.css';

// What is not the calendar itself loads after it renders: the event form, the feed and the subscriptions panels (the latter bring the
// schemas' validation (zod, ~34 KiB gzip)), which would otherwise hold the first paint of the month (issue 21: a
// route's JS before it renders stays under 150 KiB gzip).
const EventEditor = lazy(async () => ({ default: (await import('./event-editor')).EventEditor }));
const OccurrenceDetails = lazy(async () => ({ default: (await import('./occurrence-details')).OccurrenceDetails }));
const FeedSection = lazy(async () => ({ default: (await import('./feed-section')).FeedSection }));
const SubscriptionsSection = lazy(async () => ({
  default: (await import('./subscriptions-panel')).SubscriptionsSection,
}));

const VIEWS: { value: CalendarView; label: string }[] = [
  { value: 'month', label: 'Month' },
  { value: 'week', label: 'Week' },
  { value: 'agenda', label: 'Agenda' },
];
const MAX_PER_DAY_IN_MONTH = 3;

export function CalendarPage() {
  const [view, setView] = useState<CalendarView>('month');
  const [cursor, setCursor] = useState(() => new Date());
  const [creating, setCreating] = useState<Date | null>(null);
  const [selected, setSelected] = useState<TOccurrence | null>(null);
  const settings = useQuery(trpc.settings.get.queryOptions());
  const weekStartsOn = settings.data?.weekStart === 'sunday' ? 0 : 1;
  const range = useMemo(() => viewRange(view, cursor, weekStartsOn), [view, cursor, weekStartsOn]);
  const occurrences = useQuery({
    ...trpc.calendar.events.list.queryOptions({ from: range.from, to: range.to }),
    placeholderData: keepPreviousData,
    enabled: view !== 'agenda',
  });
  // The agenda also lists tasks due and finished workouts.
  const agenda = useQuery({
    ...trpc.calendar.agenda.queryOptions({ from: range.from, to: range.to }),
    placeholderData: keepPreviousData,
    enabled: view === 'agenda',
  });
  const active = view === 'agenda' ? agenda : occurrences;

  // Keyboard: ← and → move, T goes to today, N creates (not while typing or in a dialog).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.altKey || event.ctrlKey || event.metaKey || creating || selected) return;
      if (target?.closest('input, textarea, select, dialog, [contenteditable="true"]')) return;
      if (event.key === 'ArrowLeft') setCursor((c) => step(view, c, -1));
      else if (event.key === 'ArrowRight') setCursor((c) => step(view, c, 1));
      else if (event.key === 't' || event.key === 'T') setCursor(new Date());
      else if (event.key === 'n' || event.key === 'N') setCreating(new Date());
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view, creating, selected]);

  const list = occurrences.data?.items ?? [];
  return (
    <div className="page calendar-page">
      <PageHeader title="Calendar">
        <button type="button" className="button button-primary" onClick={() => setCreating(new Date())}>
          New event
        </button>
      </PageHeader>
      <div className="calendar-toolbar">
        <div className="row">
          <button
            type="button"
            className="button"
            onClick={() => setCursor((c) => step(view, c, -1))}
            aria-label="Previous"
            title="Previous (←)"
          >
            ‹
          </button>
          <button type="button" className="button" onClick={() => setCursor(new Date())} title="Today (T)">
            Today
          </button>
          <button
            type="button"
            className="button"
            onClick={() => setCursor((c) => step(view, c, 1))}
            aria-label="Next"
            title="Next (→)"
          >
            ›
          </button>
          <h2 className="calendar-title" aria-live="polite">
            {range.title}
          </h2>
        </div>
        <div className="segmented" role="radiogroup" aria-label="View">
          {VIEWS.map((v) => (
            <label key={v.value} className="segmented-option">
              <input
                type="radio"
                name="calendar-view"
                value={v.value}
                checked={view === v.value}
                onChange={() => setView(v.value)}
              />
              <span>{v.label}</span>
            </label>
          ))}
        </div>
        <ImportExport />
      </div>

      {active.isPending || active.isError ? null : <TruncationNotice truncation={active.data} />}
      {active.isPending ? (
        <LoadingState label="Loading events…" />
      ) : active.isError ? (
        <ErrorState error={active.error} onRetry={() => void active.refetch()} />
      ) : view === 'agenda' ? (
        <AgendaView
          days={range.days}
          items={agenda.data?.items ?? []}
          onSelect={setSelected}
          onCreate={() => setCreating(cursor)}
        />
      ) : (
        <div className={view === 'month' ? 'calendar-grid calendar-month' : 'calendar-grid calendar-week'}>
          {range.days.slice(0, 7).map((day) => (
            <div key={`head-${day.getDay()}`} className="calendar-weekday" aria-hidden="true">
              {view === 'week' ? `${weekdayShort(day)} ${day.getDate()}` : weekdayShort(day)}
            </div>
          ))}
          {range.days.map((day) => {
            const items = list.filter((o) => occursOn(o, day));
            const shown = view === 'month' ? items.slice(0, MAX_PER_DAY_IN_MONTH) : items;
            return (
              <section
                key={day.toISOString()}
                className={[
                  'calendar-day',
                  isToday(day) ? 'calendar-today' : '',
                  view === 'month' && !isSameMonth(day, cursor) ? 'calendar-outside' : '',
                ].join(' ')}
                aria-label={`${weekdayDayMonth(day)} ${day.getFullYear()}`}
                data-date={dayKey(day)}
              >
                <button
                  type="button"
                  className="calendar-day-number"
                  onClick={() => setCreating(day)}
                  aria-label={`New event on ${dayMonthLong(day)}`}
                >
                  {day.getDate()}
                </button>
                <ul className="calendar-items">
                  {shown.map((o) => (
                    <li key={occurrenceKey(o)}>
                      <button
                        type="button"
                        className={o.allDay ? 'calendar-item calendar-item-allday' : 'calendar-item'}
                        onClick={() => setSelected(o)}
                      >
                        {o.allDay ? null : <span className="calendar-item-time">{clock(o.start)}</span>}
                        {o.title}
                      </button>
                    </li>
                  ))}
                  {items.length > shown.length ? (
                    <li>
                      <button
                        type="button"
                        className="calendar-more"
                        onClick={() => {
                          setCursor(day);
                          setView('week');
                        }}
                      >
                        +{items.length - shown.length} more
                      </button>
                    </li>
                  ) : null}
                </ul>
              </section>
            );
          })}
        </div>
      )}
      {!occurrences.isPending && !occurrences.isError && list.length === 0 && view !== 'agenda' ? (
        <p className="muted small">
          Nothing planned in this {view}. Click a day number to add an event, or import a calendar.
        </p>
      ) : null}

      <Suspense fallback={null}>
        <FeedSection />
        <SubscriptionsSection />
      </Suspense>
      <p className="muted small">Keys: ← and → move, T jumps to today, N adds an event.</p>

      {creating ? (
        <Modal title="New event" onClose={() => setCreating(null)} className="calendar-dialog-wide">
          <Suspense fallback={<LoadingState label="Loading the form…" />}>
            <EventEditor target={{ kind: 'create', day: creating }} onDone={() => setCreating(null)} />
          </Suspense>
        </Modal>
      ) : null}
      {selected ? (
        <Suspense fallback={null}>
          <OccurrenceDetails occurrence={selected} onClose={() => setSelected(null)} />
        </Suspense>
      ) : null}
    </div>
  );
}
