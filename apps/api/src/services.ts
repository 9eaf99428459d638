/**
 * The composition root: everything a transport needs to call the core services, built once at start. tRPC's
 * context, the plain HTTP routes (`/api/data/*`, the calendar feed), the background jobs and the command line take
 * it from here rather than each assembling its own.
 */
import {
  type Clock,
  createPasswordHasher,
  DashboardCache,
  type Notifier,
  notificationsService,
  type PasswordHasher,
} from '@lifeos/core/server';
import type { Database, DB, Kysely } from '@lifeos/db';
import { CallerCache } from './auth/caller-cache.js';
import type { AppConfig } from './env.js';

export interface AppServices {
  /** The database with its driver (PGlite or PostgreSQL) and its close; `db` is its query builder. */
  database: Database;
  db: Kysely<DB>;
  clock: Clock;
  config: AppConfig;
  hasher: PasswordHasher;
  callerCache: CallerCache;
  dashboardCache?: DashboardCache;
  /** The notification channels' senders (Web Push, email) and the links they carry. */
  notifier: Notifier;
}

export function createServices(options: { database: Database; clock: Clock; config: AppConfig }): AppServices {
  const { database, clock, config } = options;
  return {
    database,
    db: database.db,
    clock,
    config,
    hasher: createPasswordHasher(config.argon2),
    callerCache: new CallerCache(config.callerCacheMs),
    dashboardCache: new DashboardCache(config.dashboardCacheUsers),
    notifier: createNotifier(config),
  };
}

export function createNotifier(
  config: AppConfig,
  overrides: { pushAgent?: import('node:https').Agent } = {},
): Notifier {
  const { vapid, smtp } = config.notifications;
  return {
    webPush: notificationsService.createWebPushSender({
      ...vapid,
      allowPrivateAddresses: config.calendarSubscriptions.allowPrivateUrls,
      ...(overrides.pushAgent ? { agent: overrides.pushAgent } : {}),
    }),
    email: smtp ? notificationsService.createEmailSender({ smtpUrl: smtp.url, from: smtp.from }) : null,
    appOrigin: config.appOrigins[0] ?? `http://localhost:${config.port}`,
    secret: config.auth.secretKey,
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

/** Webhook deliveries: the subscriptions' opt-in for private addresses (CALENDAR_ALLOW_PRIVATE_URLS), one policy. */
export const webhookDeps = (services: Pick<AppServices, 'db' | 'clock' | 'config'>) => ({
  db: services.db,
  clock: services.clock,
  sendPolicy: { allowPrivateAddresses: services.config.calendarSubscriptions.allowPrivateUrls },
});
