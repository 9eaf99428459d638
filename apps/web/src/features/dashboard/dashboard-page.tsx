import type { TDashboardToday } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { formatLocalDate } from '../../lib/local-date';
import {
  AgendaCard,
  BodyWeightCard,
  FitnessCard,
  InboxCard,
  InsightCard,
  JournalCard,
  MoodCard,
  OnThisDayCard,
  ProjectsCard,
  RecordsCard,
  StartHere,
  WritingCard,
} from './dashboard-cards';
import { dashboardTodayOptions } from './dashboard-query';
import './dashboard.css';

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
  return (
    <div className="page dashboard">
      <PageHeader title={title}>{data ? <p className="muted">{formatLocalDate(data.today)}</p> : null}</PageHeader>
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
        <JournalCard data={data} />
        <AgendaCard data={data} />
        <InboxCard count={data.inboxCount} />
        <ProjectsCard projects={data.projects} />
        <FitnessCard data={data} />
        <RecordsCard data={data} />
        <MoodCard data={data} />
        <InsightCard correlation={data.correlation} />
        <BodyWeightCard data={data} />
        <OnThisDayCard entries={data.onThisDay} />
        <WritingCard data={data} />
      </div>
    </>
  );
}
