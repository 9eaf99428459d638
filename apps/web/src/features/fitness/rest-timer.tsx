import { useEffect, useState } from 'react';
import { formatDuration } from './format';

export interface Rest {
  endsAt: number;
  exerciseName: string;
}

/** The rest countdown after a logged set: visible, skippable, extendable by 30 s. */
export function RestTimer({ rest, onChange }: { rest: Rest | null; onChange: (rest: Rest | null) => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!rest) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [rest]);
  const remaining = rest ? Math.max(0, Math.ceil((rest.endsAt - now) / 1000)) : 0;
  useEffect(() => {
    if (rest && remaining === 0) {
      navigator.vibrate?.(200);
      onChange(null);
    }
  }, [rest, remaining, onChange]);
  if (!rest) return null;
  return (
    <section className="rest-timer" aria-label="Rest timer">
      <div>
        <span className="small muted">Rest · {rest.exerciseName}</span>
        <span className="rest-timer-time" role="timer" aria-live="off">
          {formatDuration(remaining)}
        </span>
      </div>
      <div className="row">
        <button type="button" className="button" onClick={() => onChange({ ...rest, endsAt: rest.endsAt + 30_000 })}>
          +30 s
        </button>
        <button type="button" className="button button-primary" onClick={() => onChange(null)}>
          Skip rest
        </button>
      </div>
    </section>
  );
}
