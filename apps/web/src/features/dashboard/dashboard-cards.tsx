import {
  JOURNAL_ENTRY_LABELS,
  type TDashboardCorrelation,
  type TDashboardStreak,
  type TDashboardToday,
  type TJournalEntryType,
  type TProject,
  weightUnitFor,
} from '@lifeos/core/schemas';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { DeferredRender } from '../../components/deferred-render';
import { Panel } from '../../components/panel';
import { TruncationNotice } from '../../components/truncation-notice';
import { formatLocalDate } from '../../lib/local-date';
import { formatWeight, type WeightUnit } from '../../lib/units';
import { entryPath } from '../journal';

// The charts (recharts) and the heatmap are a chunk of their own, fetched only once one of them comes near the
// viewport (a phone that never scrolls down never downloads recharts) and drawn one per idle moment.
const loadCharts = () => import('./dashboard-charts');
type Charts = Awaited<ReturnType<typeof loadCharts>>;

function ChartSlot({ height, children }: { height: number; children: (charts: Charts) => ReactNode }) {
  return (
    <DeferredRender height={height} placeholderClassName="dash-chart-placeholder" load={loadCharts}>
      {children}
    </DeferredRender>
  );
}

function Card({
  id,
  title,
  link,
  wide = false,
  children,
}: {
  id: string;
  title: string;
  /** The card's way into its module. */
  link?: { to: string; label: string };
  /** Spans the whole grid (a year of days needs the width). */
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <Panel
      title={title}
      className={wide ? 'dash-card dash-card-wide' : 'dash-card'}
      headingClassName="dash-card-title"
      testId={`card-${id}`}
      actions={
        link ? (
          <Link className="dash-card-link" to={link.to}>
            {link.label} <span aria-hidden="true">→</span>
          </Link>
        ) : undefined
      }
    >
      {children}
    </Panel>
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' });
/** "Wed" for a day of this week. */
const dayOfWeek = (date: string) => weekday.format(new Date(`${date}T00:00:00Z`));

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
      <p className="muted">
        Tip: press <kbd>c</kbd> on any page to capture a thought into the inbox.
      </p>
    </Panel>
  );
}

function StreakNote({ streak, unit }: { streak: TDashboardStreak; unit: 'day' | 'week' }) {
  if (streak.current === 0) return null;
  return (
    <span className="badge badge-accent" title={`Current streak: ${plural(streak.current, unit)}`}>
      {plural(streak.current, unit)} streak
    </span>
  );
}

function JournalRow({
  type,
  done,
  detail,
  streak,
  unit,
  date,
}: {
  type: TJournalEntryType;
  done: boolean;
  detail: string;
  streak: TDashboardStreak;
  unit: 'day' | 'week';
  date?: string;
}) {
  return (
    <li className="dash-row">
      <span className={done ? 'dash-check dash-check-done' : 'dash-check'} aria-hidden="true">
        {done ? '✓' : '○'}
      </span>
      <span className="dash-row-main">
        <Link to={entryPath(type, date)}>{JOURNAL_ENTRY_LABELS[type]}</Link>
        <span className="muted">{detail}</span>
      </span>
      <StreakNote streak={streak} unit={unit} />
    </li>
  );
}

export function JournalCard({ data }: { data: TDashboardToday }) {
  const { journal } = data;
  const mp = journal.morningPages;
  const reflection = journal.reflection;
  return (
    <Card id="journal" title="Journal" link={{ to: '/journal', label: 'Journal' }}>
      <ul className="dash-rows">
        <JournalRow
          type="morning_pages"
          done={mp !== null && mp.words >= mp.goal}
          detail={
            mp ? `${mp.words.toLocaleString()} of ${mp.goal.toLocaleString()} words` : 'Not started today — write now'
          }
          streak={journal.streaks.morning_pages}
          unit="day"
        />
        <JournalRow
          type="daily_reflection"
          done={reflection !== null}
          detail={
            reflection ? `Mood ${reflection.mood ?? '–'}/5 · energy ${reflection.energy ?? '–'}/5` : 'How did today go?'
          }
          streak={journal.streaks.daily_reflection}
          unit="day"
        />
        <JournalRow
          type="weekly_review"
          done={journal.review !== null}
          detail={journal.review ? 'Written this week' : 'Not written this week'}
          streak={journal.streaks.weekly_review}
          unit="week"
          date={data.weekStart}
        />
      </ul>
    </Card>
  );
}

function timeOf(date: Date, timezone: string) {
  return date.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit', timeZone: timezone });
}

export function AgendaCard({ data }: { data: TDashboardToday }) {
  const { items, overdue, moreTasks } = data.agenda;
  return (
    <Card id="agenda" title="Today" link={{ to: '/calendar', label: 'Calendar' }}>
      {items.length === 0 && overdue.length === 0 ? (
        <p className="muted">
          Nothing planned today. <Link to="/calendar">Add an event</Link> or <Link to="/tasks">a task</Link>.
        </p>
      ) : (
        <ul className="dash-rows">
          {items.map((item) => (
            <li key={item.key} className="dash-row">
              <span className="dash-when">
                {item.kind === 'task'
                  ? 'Task'
                  : item.allDay || !item.start
                    ? 'All day'
                    : timeOf(item.start, data.timezone)}
              </span>
              <span className="dash-row-main">
                <Link to={item.link}>{item.title}</Link>
                {item.kind === 'workout' ? <span className="muted">Workout</span> : null}
              </span>
            </li>
          ))}
          {overdue.map((task) => (
            <li key={task.id} className="dash-row">
              <span className="dash-when dash-overdue">Overdue</span>
              <span className="dash-row-main">
                <Link to={task.projectId ? `/projects/${task.projectId}` : '/tasks'}>{task.title}</Link>
                <span className="muted">due {formatLocalDate(task.dueDate, 'day')}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {moreTasks > 0 ? (
        <p>
          <Link to="/tasks">{plural(moreTasks, 'more task')} due</Link>
        </p>
      ) : null}
      <TruncationNotice truncation={data.agenda} hint="open the calendar to see the rest" timezone={data.timezone} />
    </Card>
  );
}

export function InboxCard({ count }: { count: number }) {
  return (
    <Card id="inbox" title="Inbox">
      <p className="dash-figure">
        <Link to="/inbox" aria-label={`Inbox: ${plural(count, 'item')} to sort`}>
          {count.toLocaleString()}
        </Link>
      </p>
      <p className="muted">
        {count === 0 ? (
          <>
            Inbox zero. Press <kbd>c</kbd> anywhere to capture.
          </>
        ) : (
          <Link to="/inbox">{plural(count, 'capture')} waiting to be sorted</Link>
        )}
      </p>
    </Card>
  );
}

export function ProjectsCard({ projects }: { projects: TProject[] }) {
  return (
    <Card id="projects" title="Active projects" link={{ to: '/projects', label: 'Projects' }}>
      {projects.length === 0 ? (
        <p className="muted">
          No active projects. <Link to="/projects">Start one</Link> to track its progress here.
        </p>
      ) : (
        <ul className="dash-rows">
          {projects.slice(0, 8).map((project) => {
            const percent = Math.round(project.progress.ratio * 100);
            return (
              <li key={project.id} className="dash-project">
                <span className="dash-row-main">
                  <Link to={`/projects/${project.id}`}>{project.name}</Link>
                  <span className="muted">
                    {project.progress.done}/{project.progress.total} done
                  </span>
                </span>
                <progress
                  className="dash-progress"
                  max={100}
                  value={percent}
                  aria-label={`${project.name}: ${percent}% done`}
                  style={project.color ? { accentColor: project.color } : undefined}
                />
              </li>
            );
          })}
          {projects.length > 8 ? (
            <li>
              <Link to="/projects">All {projects.length} active projects</Link>
            </li>
          ) : null}
        </ul>
      )}
    </Card>
  );
}

export function FitnessCard({ data }: { data: TDashboardToday }) {
  const unit: WeightUnit = weightUnitFor(data.units);
  const { thisWeek, weekVolumeKg, weeklyVolume } = data.fitness;
  const anyTraining = weeklyVolume.some((w) => w.sessions > 0);
  return (
    <Card id="fitness" title="This week's training" link={{ to: '/fitness', label: 'Train' }}>
      <p>
        <strong>{plural(thisWeek.length, 'workout')}</strong> · {formatWeight(weekVolumeKg, unit)} lifted
      </p>
      {thisWeek.length > 0 ? (
        <ul className="dash-rows">
          {thisWeek.map((s) => (
            <li key={s.id} className="dash-row">
              <span className="dash-when">{dayOfWeek(s.date)}</span>
              <span className="dash-row-main">
                <Link to={s.finishedAt ? `/fitness/history/${s.id}` : `/fitness/workout/${s.id}`}>{s.name}</Link>
                <span className="muted">
                  {plural(s.sets, 'set')}
                  {s.finishedAt ? '' : ' · in progress'}
                </span>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {anyTraining ? (
        <ChartSlot height={160}>{(charts) => <charts.VolumeChart data={weeklyVolume} unit={unit} />}</ChartSlot>
      ) : (
        <p className="muted">
          No workouts in the last weeks. <Link to="/fitness">Start one</Link>.
        </p>
      )}
    </Card>
  );
}

export function RecordsCard({ data }: { data: TDashboardToday }) {
  const unit: WeightUnit = weightUnitFor(data.units);
  const { records } = data.fitness;
  return (
    <Card id="records" title="Records, last 14 days" link={{ to: '/fitness/progress', label: 'Progress' }}>
      {records.length === 0 ? (
        <p className="muted">No new records lately — they show up here the day you set them.</p>
      ) : (
        <ul className="dash-rows">
          {records.map((r) => (
            <li key={r.exerciseId} className="dash-row">
              <span className="dash-when">{formatLocalDate(r.date, 'day')}</span>
              <span className="dash-row-main">
                <Link to={`/fitness/history/${r.sessionId}`}>{r.exerciseName}</Link>
                <span className="muted">
                  {formatWeight(r.weightKg, unit)} × {r.reps}
                  {r.previousKg === null ? ' · first time' : ` · was ${formatWeight(r.previousKg, unit)}`}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function MoodCard({ data }: { data: TDashboardToday }) {
  const rated = data.mood.filter((d) => d.mood !== null || d.energy !== null);
  return (
    <Card id="mood" title="Mood and energy, 30 days" link={{ to: entryPath('daily_reflection'), label: 'Reflect' }}>
      {rated.length === 0 ? (
        <p className="muted">
          Rate your mood and energy in a <Link to={entryPath('daily_reflection')}>daily reflection</Link> to see the
          trend.
        </p>
      ) : (
        <ChartSlot height={180}>{(charts) => <charts.MoodChart data={rated} />}</ChartSlot>
      )}
    </Card>
  );
}

export function InsightCard({ correlation }: { correlation: TDashboardCorrelation }) {
  return (
    <Card id="insight" title="Worth seeing">
      {correlation.sentence ? (
        <p data-testid="insight-sentence">{correlation.sentence}</p>
      ) : (
        <p className="muted">
          After 30 days of reflections with a mood, a pattern worth seeing shows up here (
          {plural(correlation.daysWithMood, 'day')} so far).
        </p>
      )}
    </Card>
  );
}

export function BodyWeightCard({ data }: { data: TDashboardToday }) {
  const unit: WeightUnit = weightUnitFor(data.units);
  const weights = data.bodyWeight;
  const last = weights.at(-1);
  const first = weights[0];
  const change = last && first && weights.length > 1 ? last.weightKg - first.weightKg : null;
  return (
    <Card id="weight" title="Body weight, 90 days" link={{ to: '/fitness/progress', label: 'Log' }}>
      {!last ? (
        <p className="muted">
          No weigh-ins yet. <Link to="/fitness/progress">Log your weight</Link> to follow the trend.
        </p>
      ) : (
        <>
          <p>
            <strong>{formatWeight(last.weightKg, unit)}</strong>{' '}
            <span className="muted">
              on {formatLocalDate(last.date, 'short')}
              {change !== null
                ? ` · ${change > 0 ? '+' : change < 0 ? '−' : '±'}${formatWeight(Math.abs(change), unit)} since ${formatLocalDate(first?.date ?? last.date, 'short')}`
                : ''}
            </span>
          </p>
          {weights.length > 1 ? (
            <ChartSlot height={160}>{(charts) => <charts.WeightChart data={weights} unit={unit} />}</ChartSlot>
          ) : null}
        </>
      )}
    </Card>
  );
}

export function OnThisDayCard({ entries }: { entries: TDashboardToday['onThisDay'] }) {
  return (
    <Card id="on-this-day" title="On this day">
      {entries.length === 0 ? (
        <p className="muted">What you write today shows up here a year from now.</p>
      ) : (
        <ul className="dash-rows">
          {entries.map((e) => (
            <li key={e.id} className="dash-row dash-row-stacked">
              <span className="muted">
                {plural(e.yearsAgo, 'year')} ago · {JOURNAL_ENTRY_LABELS[e.type]}
              </span>
              <Link to={entryPath(e.type, e.date)}>{e.excerpt || formatLocalDate(e.date)}</Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The year's grid (seven rows of days under the month labels) and the legend line below it. */
const HEATMAP_HEIGHT = 150;

export function WritingCard({ data }: { data: TDashboardToday }) {
  return (
    <Card
      id="writing"
      wide
      title={`Writing days in ${data.heatmap.year}`}
      link={{ to: '/journal/history', label: 'History' }}
    >
      <ChartSlot height={HEATMAP_HEIGHT}>
        {(charts) => <charts.WritingHeatmap data={data.heatmap} weekStart={data.weekStartsOn} />}
      </ChartSlot>
      {data.heatmap.days.length === 0 ? (
        <p className="muted">Each day you write lights up a square.</p>
      ) : (
        <p className="muted">{plural(data.heatmap.days.length, 'day')} written this year.</p>
      )}
    </Card>
  );
}
