/**
 * The composition root: everything a transport needs to call the core services, built once at start. tRPC's
 * context, the plain HTTP routes (`/api/data/*`, the calendar feed) and the subscription refresh job take it from
 * here rather than each assembling its own.
 */
import { type Clock, createPasswordHasher, DashboardCache, type PasswordHasher } from '@lifeos/core/server';
import type { DB, Kysely } from '@lifeos/db';
import { CallerCache } from './auth/caller-cache.js';
import type { AppConfig } from './env.js';

export interface AppServices {
  db: Kysely<DB>;
  clock: Clock;
  config: AppConfig;
  hasher: PasswordHasher;
  callerCache: CallerCache;
  dashboardCache?: DashboardCache;
}

export function createServices(options: { db: Kysely<DB>; clock: Clock; config: AppConfig }): AppServices {
  const { db, clock, config } = options;
  return {
    db,
    clock,
    config,
    hasher: createPasswordHasher(config.argon2),
    callerCache: new CallerCache(config.callerCacheMs),
    dashboardCache: new DashboardCache(config.dashboardCacheUsers),
  };
}

/** The fetch policy of calendar subscriptions (CALENDAR_ALLOW_PRIVATE_URLS, timeout, size limit). */
export const subscriptionDeps = (services: Pick<AppServices, 'db' | 'clock' | 'config'>) => ({
  db: services.db,
  clock: services.clock,
  fetchPolicy: {
    allowPrivateAddresses: services.config.calendarSubscriptions.allowPrivateUrls,
    timeoutMs: services.config.calendarSubscriptions.fetchTimeoutMs,
    maxBytes: services.config.calendarSubscriptions.maxBytes,
  },
});
