import { hasSessionFlag } from '../../lib/session';
import { queryClient, trpc, UNBATCHED } from '../../lib/trpc';

/**
 * `dashboard.today`, in a request of its own (it is the slowest call of a first visit; batched with the session
 * check it would hold back the app shell).
 */
export function dashboardTodayOptions() {
  return trpc.dashboard.today.queryOptions(undefined, UNBATCHED);
}

/**
 * The dashboard route's loader: starts the day's data with the navigation, beside the session check and while the
 * page's code downloads, instead of once the page has mounted. Every visit fetches afresh (every other module feeds
 * this page and none of them invalidates it); the page shows the cached day meanwhile. It does not wait: the page
 * renders its loading state and the shell at once. Without a session there is nothing to fetch (the shell's loader
 * sends the visitor to the login page).
 */
export function prefetchDashboard() {
  if (hasSessionFlag()) void queryClient.prefetchQuery({ ...dashboardTodayOptions(), staleTime: 0 });
  return null;
}
