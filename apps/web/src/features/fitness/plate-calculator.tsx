import type { WeightUnit } from '../../lib/units';
import { platesFor } from './plates';

/** The plates to load on each side of the bar for a barbell weight typed in the user's unit. */
export function PlateCalculator({ total, unit }: { total: number | null; unit: WeightUnit }) {
  if (total === null || !Number.isFinite(total)) {
    return <p className="plate-calc muted">Enter a weight to see the plates.</p>;
  }
  const load = platesFor(total, unit);
  if (load.belowBar) {
    return (
      <p className="plate-calc muted">
        Lighter than the {load.bar} {unit} bar.
      </p>
    );
  }
  return (
    <div className="plate-calc">
      <p>
        Bar {load.bar} {unit} +{' '}
        {load.perSide.length === 0 ? (
          'no plates'
        ) : (
          <>
            per side: <strong data-testid="plates-per-side">{load.perSide.join(' + ')}</strong>
          </>
        )}
      </p>
      <ul className="plate-stack" aria-hidden="true">
        {load.perSide.map((plate, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed stack of plates, in order
          <li key={i} className="plate" style={{ height: `${1.2 + plate / (unit === 'kg' ? 12 : 26)}rem` }}>
            {plate}
          </li>
        ))}
      </ul>
      {load.remainder > 0 ? (
        <p className="small muted">
          {load.remainder} {unit} cannot be made with standard plates.
        </p>
      ) : null}
    </div>
  );
}
