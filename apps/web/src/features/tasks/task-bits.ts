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

/** "writing, launch" or "#writing #launch" → ['writing', 'launch']. */
export function splitLabels(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((label) => label.replace(/^#/, '').trim())
    .filter(Boolean);
}
