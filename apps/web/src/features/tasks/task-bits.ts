import { PRIORITY_LABELS } from '@lifeos/core/schemas';
import { queryClient, trpc } from '../../lib/trpc';

/** Anything that changes tasks also changes the projects' progress. */
export async function invalidateTasks() {
  await Promise.all([
    queryClient.invalidateQueries(trpc.tasks.pathFilter()),
    queryClient.invalidateQueries(trpc.projects.pathFilter()),
  ]);
}

export function priorityLabel(priority: number): string {
  return PRIORITY_LABELS[priority] ?? 'none';
}

const dueFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** A 'YYYY-MM-DD' as "Fri, 14 Mar", read as a local calendar date. */
export function formatDue(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return dueFormat.format(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

/** Today as 'YYYY-MM-DD' in the browser's zone. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "writing, launch" or "#writing #launch" → ['writing', 'launch']. */
export function splitLabels(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((label) => label.replace(/^#/, '').trim())
    .filter(Boolean);
}

export { isTypingTarget } from '../../lib/typing-target';
