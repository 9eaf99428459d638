/** The dashboard's fitness cards: this week's training, the last records, body weight. */
import { type TDashboardToday, weightUnitFor } from '@lifeos/core/schemas';
import { Link } from 'react-router';
import { formatLocalDate } from '../../lib/local-date';
import { plural } from '../../lib/plural';
import { formatWeight, type WeightUnit } from '../../lib/units';
import { Card, ChartSlot } from './card';

const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' });

/** "Wed" for a day of this week. */
const dayOfWeek = (date: string) => weekday.format(new Date(`${date}T00:00:00Z`));

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
