import type { TFinishSessionResult } from '@lifeos/core/schemas';
import { Link } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { Panel } from '../../components/panel';
import { formatWeight, useWeightUnit, type WeightUnit } from '../../lib/units';
import { FitnessNav } from './fitness-nav';
import { formatDuration } from './format';

export const RECORD_LABELS = {
  heaviestWeight: 'Heaviest weight',
  bestE1rm: 'Best estimated 1RM',
  bestSetVolume: 'Best set volume',
  bestSessionVolume: 'Best session volume',
} as const;

/** Working volume (kg × reps) of completed, non-warm-up sets. */
export function sessionVolumeKg(result: TFinishSessionResult['session']): number {
  return result.sets
    .filter((s) => s.completed && !s.isWarmup)
    .reduce((sum, s) => sum + (s.weightKg ?? 0) * (s.reps ?? 0), 0);
}

/** What a finished workout achieved: its totals and the records it set. */
export function WorkoutSummary({ result }: { result: TFinishSessionResult }) {
  const unit = useWeightUnit();
  const { session, newRecords } = result;
  const seconds = session.finishedAt
    ? Math.round((session.finishedAt.getTime() - session.startedAt.getTime()) / 1000)
    : null;
  return (
    <div className="page fitness-page">
      <PageHeader title="Workout finished" />
      <FitnessNav />
      <section className="panel" aria-label="Summary">
        <h2 className="subheading">{session.name}</h2>
        <dl className="summary-stats">
          <div>
            <dt>Duration</dt>
            <dd>{formatDuration(seconds)}</dd>
          </div>
          <div>
            <dt>Sets</dt>
            <dd>{session.sets.filter((s) => s.completed).length}</dd>
          </div>
          <div>
            <dt>Volume</dt>
            <dd>{formatWeight(sessionVolumeKg(session), unit)}</dd>
          </div>
        </dl>
      </section>
      <NewRecords records={newRecords} unit={unit} />
      <div className="row">
        <Link className="button button-primary" to={`/fitness/history/${session.id}`}>
          See the workout
        </Link>
        <Link className="button" to="/fitness/progress">
          Progress
        </Link>
      </div>
    </div>
  );
}

function NewRecords({ records, unit }: { records: TFinishSessionResult['newRecords']; unit: WeightUnit }) {
  if (records.length === 0) {
    return <p className="muted">No new records this time — consistency is what counts.</p>;
  }
  return (
    <Panel title="New records" headingClassName="subheading">
      <ul className="list" aria-label="New records">
        {records.map((r) => (
          <li key={`${r.exerciseId}-${r.kind}`} className="list-item">
            <div className="list-main">
              <span className="list-title">
                <span aria-hidden="true">🏆</span> {r.exerciseName}
              </span>
              <span className="list-meta">
                <span>
                  {RECORD_LABELS[r.kind]}: <strong>{formatWeight(r.valueKg, unit)}</strong>
                </span>
                <span>{r.previousKg === null ? 'first time' : `was ${formatWeight(r.previousKg, unit)}`}</span>
              </span>
            </div>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
