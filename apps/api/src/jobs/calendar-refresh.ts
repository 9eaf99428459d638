import { subscriptionsService } from '@lifeos/core/server';
import type { FastifyBaseLogger } from 'fastify';
import { type AppServices, subscriptionDeps } from '../services.js';
import type { JobKind, RecurringJob } from './runner.js';

/**
 * One run of the calendar refresh: claims due subscriptions one at a time and refreshes them. Safe on any number
 * of replicas at once: the claim (`for update skip locked` plus `locked_until`, see claimDueSubscription) gives
 * each due subscription to exactly one refresher, and the job runner gives each 5-minute slot to one replica.
 */
export async function runCalendarRefresh(
  services: AppServices,
  log?: FastifyBaseLogger,
  options: { max?: number } = {},
) {
  const done = await subscriptionsService.refreshDueSubscriptions(subscriptionDeps(services), options);
  for (const { id, outcome } of done) {
    if (outcome.status === 'failed' && outcome.unexpected !== undefined) {
      log?.error({ err: outcome.unexpected, subscriptionId: id }, 'calendar subscription refresh failed');
    }
    // The id and the count only: the feed's URL may carry a secret token, and its events are the owner's business.
    if (outcome.status === 'updated' && outcome.skippedTotal > 0) {
      log?.info(
        { subscriptionId: id, skipped: outcome.skippedTotal },
        'calendar subscription refreshed with events left out',
      );
    }
  }
  if (done.length > 0) log?.info({ refreshed: done.length }, 'calendar subscriptions refreshed');
  return done;
}

/**
 * The refresh as a job of the runner, every 5 minutes (as before the runner: a subscription falls due hourly, and
 * a failing one is retried sooner). One replica runs each slot; the claim inside still gives each subscription to
 * one refresher, so a manual refresh and the job never fetch the same feed at once. The first slot after a start
 * waits 30 s, so subscriptions that fell due while the server was down catch up without slowing the start.
 */
export const calendarRefreshJob = (services: AppServices): JobKind => ({
  kind: 'calendar.refresh',
  timeoutMs: 15 * 60_000,
  run: async (_payload, { log }) => {
    await runCalendarRefresh(services, log);
  },
});

export const calendarRefreshSchedule: RecurringJob = {
  kind: 'calendar.refresh',
  every: 'every 5 min',
  firstRunDelayMs: 30_000,
  maxAttempts: 1,
};
