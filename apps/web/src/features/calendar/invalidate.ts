import { queryClient, trpc } from '../../lib/trpc';

/** After events change: the views' occurrence lists and the agenda, which lists them too. */
export function invalidateEvents() {
  return Promise.all([
    queryClient.invalidateQueries(trpc.calendar.events.pathFilter()),
    queryClient.invalidateQueries(trpc.calendar.agenda.pathFilter()),
  ]);
}
