import type { TDashboardCard, TDashboardToday } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { Fragment, lazy, type ReactNode, Suspense, useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { Panel } from '../../components/panel';
import { ErrorState, LoadingState } from '../../components/states';
import { formatLocalDate } from '../../lib/local-date';
import { entryPath } from '../journal';
import { dashboardTodayOptions } from './dashboard-query';
import { BodyWeightCard, FitnessCard, RecordsCard } from './fitness-cards';
import { InsightCard, JournalCard, MoodCard, OnThisDayCard, WritingCard } from './journal-cards';
import { AgendaCard, InboxCard, ProjectsCard } from './planning-cards';
import './dashboard.css';

const CardChooser = lazy(async () => ({ default: (await import('./card-chooser')).CardChooser }));

/** Each card the user may show, drawn from the one `dashboard.today` answer. */
const CARDS: Record<TDashboardCard, (data: TDashboardToday) => ReactNode> = {
  journal: (data) => <JournalCard data={data} />,
  agenda: (data) => <AgendaCard data={data} />,
  inbox: (data) => <InboxCard count={data.inboxCount} />,
  projects: (data) => <ProjectsCard projects={data.projects} />,
  fitness: (data) => <FitnessCard data={data} />,
  records: (data) => <RecordsCard data={data} />,
  mood: (data) => <MoodCard data={data} />,
  insight: (data) => <InsightCard correlation={data.correlation} />,
  'body-weight': (data) => <BodyWeightCard data={data} />,
  'on-this-day': (data) => <OnThisDayCard entries={data.onThisDay} />,
  writing: (data) => <WritingCard data={data} />,
};

export function greeting(hour: number): string {
  if (hour < 5) return 'Good night';
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

/** The hour it is where the user lives (their settings' zone, not the browser's). */
function hourIn(timezone: string): number {
  const hour = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: timezone }).format(
    new Date(),
  );
  return Number(hour);
}

/** A user with nothing anywhere yet: the page leads with where to begin. */
export function isBlank(data: TDashboardToday): boolean {
  return (
    data.heatmap.days.length === 0 &&
    data.agenda.items.length === 0 &&
    data.agenda.overdue.length === 0 &&
    data.inboxCount === 0 &&
    data.projects.length === 0 &&
    data.fitness.weeklyVolume.every((w) => w.sessions === 0) &&
    data.bodyWeight.length === 0
  );
}

/** The landing page: the day at a glance, from one `dashboard.today` call, with a way into every module. */
export function DashboardPage() {
  // The route's loader has already started this visit's fetch (prefetchDashboard): mounting must not send a second
  // one. Stale at once all the same, so coming back to the tab refreshes the day.
  const today = useQuery({ ...dashboardTodayOptions(), staleTime: 0, refetchOnMount: false });
  const data = today.data;
  const title = data ? `${greeting(hourIn(data.timezone))}, ${data.displayName}` : 'Today';
  const [choosing, setChoosing] = useState(false);
  return (
    <div className="page dashboard">
      <PageHeader title={title}>
        {data ? (
          <div className="dash-header-row">
            <p className="muted">{formatLocalDate(data.today)}</p>
            <button type="button" className="button" onClick={() => setChoosing(true)}>
              Choose cards
            </button>
          </div>
        ) : null}
      </PageHeader>
      {choosing && data ? (
        <Suspense fallback={null}>
          <CardChooser cards={data.cards} onClose={() => setChoosing(false)} />
        </Suspense>
      ) : null}
      {today.isPending ? (
        <LoadingState label="Gathering your day…" />
      ) : today.isError ? (
        <ErrorState error={today.error} onRetry={() => void today.refetch()} />
      ) : (
        <Dashboard data={today.data} />
      )}
    </div>
  );
}

export function Dashboard({ data }: { data: TDashboardToday }) {
  return (
    <>
      {isBlank(data) ? <StartHere /> : null}
      <div className="dash-grid">
        {data.cards.map((card) => (
          <Fragment key={card}>{CARDS[card](data)}</Fragment>
        ))}
      </div>
      {data.cards.length === 0 ? (
        <p className="muted">Every card is hidden: “Choose cards” above brings them back.</p>
      ) : null}
    </>
  );
}

/** Where to begin, for someone with nothing in Life OS yet. */
export function StartHere() {
  return (
    <Panel title="Start here" className="dash-start">
      <p className="muted">Nothing here yet — each of these fills a card below.</p>
      <ul className="dash-start-list">
        <li>
          <Link to={entryPath('morning_pages')}>Write your first morning pages</Link>
        </li>
        <li>
          <Link to={entryPath('daily_reflection')}>Reflect on today and rate your mood</Link>
        </li>
        <li>
          <Link to="/tasks">Add a task with a due date</Link>
        </li>
        <li>
          <Link to="/fitness">Log a workout</Link>
        </li>
        <li>
          <Link to="/projects">Start a project</Link>
        </li>
        <li>
          <Link to="/calendar">Plan an event</Link>
        </li>
      </ul>
      <p className="muted keys-hint">
        Tip: press <kbd>c</kbd> on any page to capture a thought into the inbox.
      </p>
    </Panel>
  );
}
