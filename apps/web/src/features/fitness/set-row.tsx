import type { TLogSetInput, TWorkoutSet } from '@lifeos/core/schemas';
import { ZRpe } from '@lifeos/core/schemas';
import { type FormEvent, useId, useState } from 'react';
import {
  displayDistance,
  displayWeight,
  distanceUnitFor,
  formatWeight,
  parseDistance,
  parseWeight,
  type WeightUnit,
} from '../../lib/units';
import { formatDuration } from './format';
import { PlateCalculator } from './plate-calculator';

export type SetValues = Pick<TLogSetInput, 'reps' | 'weightKg' | 'rpe' | 'durationS' | 'distanceM' | 'isWarmup'>;

/** "100 kg × 5 @ 8", "5:00 · 1.2 km". */
export function describeSet(
  set: Pick<TWorkoutSet, 'reps' | 'weightKg' | 'rpe' | 'durationS' | 'distanceM'>,
  unit: WeightUnit,
) {
  const parts: string[] = [];
  if (set.weightKg !== null && set.reps !== null) parts.push(`${formatWeight(set.weightKg, unit)} × ${set.reps}`);
  else if (set.reps !== null) parts.push(`${set.reps} reps`);
  else if (set.weightKg !== null) parts.push(formatWeight(set.weightKg, unit));
  if (set.durationS !== null) parts.push(formatDuration(set.durationS));
  if (set.distanceM !== null) {
    const du = distanceUnitFor(unit);
    parts.push(`${displayDistance(set.distanceM, du)} ${du}`);
  }
  if (set.rpe !== null) parts.push(`@ ${set.rpe}`);
  return parts.join(' · ') || '—';
}

interface SetEditorProps {
  label: string;
  /** Starting values (a planned set, or the last set of the exercise). */
  initial: Partial<SetValues>;
  cardio: boolean;
  barbell: boolean;
  unit: WeightUnit;
  previous: TWorkoutSet | undefined;
  pending: boolean;
  submitLabel: string;
  onSubmit: (values: SetValues) => void;
  onDelete?: () => void;
}

const numOrNull = (raw: string) => (raw.trim() === '' ? null : Number(raw.replace(',', '.')));

/** The smallest plate pair on most bars: 2 × 1.25 kg, 2 × 2.5 lb. */
const WEIGHT_STEP: Record<WeightUnit, number> = { kg: 2.5, lb: 5 };

/**
 * A number with big − and + either side (44 px, one thumb, sweaty hands): the usual change from the last set is a
 * plate pair or a rep, and a tap is surer than the keyboard. The field still takes any value typed.
 */
function SteppedField({
  caption,
  name,
  inputMode,
  value,
  onChange,
  step,
  stepName,
  buttonsFor,
}: {
  caption: string;
  name: string;
  inputMode: 'decimal' | 'numeric';
  value: string;
  onChange: (value: string) => void;
  step: number;
  stepName: string;
  /** The buttons' names start with this ("Set 1 weight: 2.5 kg more"), not with the field's own name, so that the
   * field's label still finds the field alone. */
  buttonsFor: string;
}) {
  const bump = (direction: 1 | -1) => {
    const current = numOrNull(value);
    const base = current === null || !Number.isFinite(current) ? 0 : current;
    // Rounded to hundredths: 0.1 + 0.2 stays 0.3, and the field never shows 102.49999.
    onChange(String(Math.max(0, Math.round((base + direction * step) * 100) / 100)));
  };
  return (
    <div className="set-field set-field-stepped">
      <span>{caption}</span>
      <div className="stepper">
        <button
          type="button"
          className="stepper-button"
          aria-label={`${buttonsFor}: ${stepName} less`}
          onClick={() => bump(-1)}
        >
          −
        </button>
        <input inputMode={inputMode} value={value} onChange={(e) => onChange(e.target.value)} aria-label={name} />
        <button
          type="button"
          className="stepper-button"
          aria-label={`${buttonsFor}: ${stepName} more`}
          onClick={() => bump(1)}
        >
          +
        </button>
      </div>
    </div>
  );
}

/** One set being logged: big inputs, previous performance beside it, a plate calculator for barbells. */
export function SetEditor({
  label,
  initial,
  cardio,
  barbell,
  unit,
  previous,
  pending,
  submitLabel,
  onSubmit,
  onDelete,
}: SetEditorProps) {
  const id = useId();
  const du = distanceUnitFor(unit);
  const [weight, setWeight] = useState(String(displayWeight(initial.weightKg, unit) ?? ''));
  const [reps, setReps] = useState(initial.reps == null ? '' : String(initial.reps));
  const [rpe, setRpe] = useState(initial.rpe == null ? '' : String(initial.rpe));
  const [warmup, setWarmup] = useState(initial.isWarmup ?? false);
  const [minutes, setMinutes] = useState(initial.durationS == null ? '' : String(initial.durationS / 60));
  const [distance, setDistance] = useState(String(displayDistance(initial.distanceM ?? null, du) ?? ''));
  const [showPlates, setShowPlates] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const rpeValue = numOrNull(rpe);
    if (rpeValue !== null && !ZRpe.safeParse(rpeValue).success) {
      setError('RPE goes from 1 to 10 in half steps');
      return;
    }
    const values: SetValues = { rpe: rpeValue, isWarmup: warmup };
    if (cardio) {
      const m = numOrNull(minutes);
      values.durationS = m === null ? null : Math.round(m * 60);
      values.distanceM = parseDistance(distance, du);
      values.reps = numOrNull(reps);
      if (values.durationS === null && values.distanceM === null && values.reps === null) {
        setError('Give a duration or a distance');
        return;
      }
    } else {
      values.reps = numOrNull(reps);
      values.weightKg = parseWeight(weight, unit);
      if (values.reps === null || !Number.isInteger(values.reps) || values.reps < 0) {
        setError('Give the reps (a whole number)');
        return;
      }
      if (values.weightKg !== null && (values.weightKg < 0 || values.weightKg > 2000)) {
        setError('That weight is out of range');
        return;
      }
    }
    setError(null);
    onSubmit(values);
  };

  return (
    <form className="set-row" onSubmit={submit} aria-label={label}>
      <span className="set-label">{label}</span>
      <span className="set-previous" title="Last time">
        {previous ? describeSet(previous, unit) : '—'}
      </span>
      {cardio ? (
        <>
          <label className="set-field">
            <span>Minutes</span>
            <input inputMode="decimal" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
          </label>
          <label className="set-field">
            <span>Distance ({du})</span>
            <input inputMode="decimal" value={distance} onChange={(e) => setDistance(e.target.value)} />
          </label>
        </>
      ) : (
        <>
          <SteppedField
            caption={`Weight (${unit})`}
            name={`${label}: weight (${unit})`}
            inputMode="decimal"
            value={weight}
            onChange={setWeight}
            step={WEIGHT_STEP[unit]}
            stepName={`${WEIGHT_STEP[unit]} ${unit}`}
            buttonsFor={`${label} weight`}
          />
          <SteppedField
            caption="Reps"
            name={`${label}: reps`}
            inputMode="numeric"
            value={reps}
            onChange={setReps}
            step={1}
            stepName="one rep"
            buttonsFor={`${label} reps`}
          />
        </>
      )}
      <label className="set-field set-field-small">
        <span>RPE</span>
        <input inputMode="decimal" value={rpe} onChange={(e) => setRpe(e.target.value)} aria-label={`${label}: RPE`} />
      </label>
      <label className="set-warmup">
        <input type="checkbox" checked={warmup} onChange={(e) => setWarmup(e.target.checked)} />
        <span>Warm-up</span>
      </label>
      <div className="set-actions">
        {barbell && !cardio ? (
          <button
            type="button"
            className="button"
            aria-expanded={showPlates}
            aria-controls={`${id}-plates`}
            onClick={() => setShowPlates((s) => !s)}
          >
            Plates
          </button>
        ) : null}
        {onDelete ? (
          <button type="button" className="button button-danger-quiet" onClick={onDelete} disabled={pending}>
            Remove
          </button>
        ) : null}
        <button type="submit" className="button button-primary set-done" disabled={pending}>
          {submitLabel}
        </button>
      </div>
      {showPlates ? (
        <div id={`${id}-plates`} className="set-plates">
          <PlateCalculator total={numOrNull(weight)} unit={unit} />
        </div>
      ) : null}
      {error ? (
        <p className="field-error set-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
