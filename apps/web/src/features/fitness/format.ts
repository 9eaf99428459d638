/** How fitness writes durations and muscle names. */
import type { TMuscle, TSetType } from '@lifeos/core/schemas';

/** "1:05:30", "4:05". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

const LABELS: Record<string, string> = { upper_back: 'Upper back', lower_back: 'Lower back', full_body: 'Full body' };
/** "upper_back" → "Upper back". */
export function humanize(value: TMuscle | string): string {
  return LABELS[value] ?? value.charAt(0).toUpperCase() + value.slice(1).replaceAll('_', ' ');
}

const SET_TYPE_LABELS: Record<TSetType, string | null> = {
  normal: null,
  warmup: 'Warm-up',
  dropset: 'Drop set',
  failure: 'Failure',
};
/** The badge a set's type shows ("Warm-up", "Drop set", "Failure"); none for a normal set. */
export const setTypeLabel = (type: TSetType) => SET_TYPE_LABELS[type];
