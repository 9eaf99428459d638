import type { TExercise } from '@lifeos/core/schemas';
import { useId, useMemo, useState } from 'react';
import { humanize } from './format';

/** Search the library and pick an exercise (archived ones are left out). */
export function ExercisePicker({
  exercises,
  onPick,
  label = 'Find an exercise',
}: {
  exercises: TExercise[];
  onPick: (exercise: TExercise) => void;
  label?: string;
}) {
  const [q, setQ] = useState('');
  const id = useId();
  const matches = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return exercises
      .filter((e) => e.archivedAt === null && (needle === '' || e.name.toLowerCase().includes(needle)))
      .slice(0, 8);
  }, [exercises, q]);
  return (
    <div className="exercise-picker">
      <label htmlFor={id} className="small">
        {label}
      </label>
      <input id={id} type="search" value={q} placeholder="Squat, bench, row…" onChange={(e) => setQ(e.target.value)} />
      <ul className="picker-list" aria-label="Matching exercises">
        {matches.map((e) => (
          <li key={e.id}>
            <button
              type="button"
              className="picker-option"
              onClick={() => {
                onPick(e);
                setQ('');
              }}
            >
              <span>{e.name}</span>
              <span className="small muted">
                {humanize(e.equipment)} · {e.primaryMuscles.map(humanize).join(', ')}
              </span>
            </button>
          </li>
        ))}
        {matches.length === 0 ? <li className="muted small">No exercise matches.</li> : null}
      </ul>
    </div>
  );
}
