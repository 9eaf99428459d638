import { subscriptionsService } from '@lifeos/core/server';
import type { FastifyBaseLogger } from 'fastify';
import { type AppServices, subscriptionDeps } from '../services.js';

const EVERY_MS = 5 * 60 * 1000;
/** A first run shortly after start, so subscriptions that fell due while the server was down catch up. */
const FIRST_RUN_MS = 30 * 1000;

/**
 * One run of the calendar refresh: claims due subscriptions one at a time and refreshes them. Safe on any number
 * of replicas at once: the claim (`for update skip locked` plus `locked_until`, see claimDueSubscription) gives
 * each due subscription to exactly one of them — a job queue in PostgreSQL without a new dependency. On PGlite
 * it simply runs in this process.
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

/** Runs the refresh every 5 minutes in this process (never two runs at once here); returns a stop function. */
export function scheduleCalendarRefresh(services: AppServices, log: FastifyBaseLogger): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    runCalendarRefresh(services, log)
      .catch((err: unknown) => log.warn({ err }, 'calendar refresh failed'))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(run, FIRST_RUN_MS);
  const timer = setInterval(run, EVERY_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
