import { ZLocalDate } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/trpc';

/**
 * The day a journal page is about: the one in the URL, or today in the user's time zone as the server sees it
 * (`journal.streaks` answers with today and this week's first day, so the browser's own clock and zone never
 * decide which day is written).
 */
export function useJournalDay(dateParam: string | undefined) {
  const streaks = useQuery(trpc.journal.streaks.queryOptions());
  const valid = dateParam === undefined || ZLocalDate.safeParse(dateParam).success;
  const today = streaks.data?.today;
  return {
    date: !valid ? undefined : (dateParam ?? today),
    today,
    weekStart: streaks.data?.weekStart,
    streaks: streaks.data,
    error: !valid ? new Error(`"${dateParam}" is not a date (expected YYYY-MM-DD)`) : streaks.error,
    retry: () => void streaks.refetch(),
  };
}
