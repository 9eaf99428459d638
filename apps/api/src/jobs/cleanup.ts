import { authQueries, idempotencyQueries } from '@lifeos/db';
import type { FastifyBaseLogger } from 'fastify';
import type { AppServices } from '../services.js';
import { IDEMPOTENCY_KEY_TTL_MS } from '../trpc/idempotency.js';

const HOUR_MS = 60 * 60 * 1000;

/** Deletes refresh tokens past their absolute expiry and throttle counters whose window ended a day ago. */
export async function cleanUpAuthTables({ db, clock }: Pick<AppServices, 'db' | 'clock'>): Promise<void> {
  const now = clock.now();
  await authQueries.deleteExpiredRefreshTokens(db, now);
  await authQueries.deleteStaleAttempts(db, new Date(now.getTime() - 24 * HOUR_MS));
}

/**
 * Deletes Idempotency-Keys (and their kept answers) claimed longer than a day ago: a repeat after that runs again,
 * which no outbox waits long enough to meet. Returns how many were deleted.
 */
export async function pruneIdempotencyKeys({ db, clock }: Pick<AppServices, 'db' | 'clock'>): Promise<number> {
  return idempotencyQueries.deleteKeysBefore(db, new Date(clock.now().getTime() - IDEMPOTENCY_KEY_TTL_MS));
}

/**
 * Runs the clean-up hourly in this process. Every replica may run it: the deletes are idempotent and cheap
 * (each filters on an indexed timestamp), so no job queue is needed for it.
 */
export function scheduleCleanup(services: AppServices, log: FastifyBaseLogger): () => void {
  const run = () => {
    cleanUpAuthTables(services).catch((err: unknown) => log.warn({ err }, 'auth clean-up failed'));
    pruneIdempotencyKeys(services).catch((err: unknown) => log.warn({ err }, 'idempotency key clean-up failed'));
  };
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
