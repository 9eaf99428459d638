import type { TJournalEntryType } from '@lifeos/core/schemas';
import { queryClient, trpc } from '../../lib/trpc';

const SEGMENT: Record<TJournalEntryType, string> = {
  morning_pages: 'morning-pages',
  daily_reflection: 'reflection',
  weekly_review: 'review',
};

/** Where an entry of a type and date is written or read. */
export function entryPath(type: TJournalEntryType, date?: string): string {
  return `/journal/${SEGMENT[type]}${date ? `/${date}` : ''}`;
}

/**
 * After a write: the views built from many entries (streaks, lists, search, heatmap) are stale. Narrowly those —
 * the entry itself is put into the cache by the writer, so an autosave never refetches the page being typed on.
 */
export function invalidateJournalViews() {
  return Promise.all([
    queryClient.invalidateQueries(trpc.journal.streaks.pathFilter()),
    queryClient.invalidateQueries(trpc.journal.list.pathFilter()),
    queryClient.invalidateQueries(trpc.journal.search.pathFilter()),
    queryClient.invalidateQueries(trpc.journal.heatmap.pathFilter()),
  ]);
}
