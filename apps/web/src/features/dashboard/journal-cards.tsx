/**
 * The dashboard's journal cards: today's entries and their streaks, mood and energy, what is worth seeing, this day
 * in past years, and the year's writing days.
 */
import {
  JOURNAL_ENTRY_LABELS,
  type TDashboardCorrelation,
  type TDashboardStreak,
  type TDashboardToday,
  type TJournalEntryType,
} from '@lifeos/core/schemas';
import { Link } from 'react-router';
import { formatLocalDate } from '../../lib/local-date';
import { plural } from '../../lib/plural';
import { entryPath } from '../journal';
import { Card, ChartSlot } from './card';

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
