import { jobsService } from '@lifeos/core/server';
import { authQueries, idempotencyQueries } from '@lifeos/db';
import type { AppServices } from '../services.js';
import { IDEMPOTENCY_KEY_TTL_MS } from '../trpc/idempotency.js';
import type { JobKind, RecurringJob } from './runner.js';

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
 * The hourly clean-up as a job of the runner: expired auth rows, day-old Idempotency-Keys and finished jobs past
 * their keeping time. One replica runs each hourly slot (any could: the deletes are idempotent and filter on
 * indexed timestamps). Each part runs even when another failed; the job fails if any did, and is retried.
 */
export const cleanupJob = (services: AppServices): JobKind => ({
  kind: 'cleanup',
  run: async (_payload, { log }) => {
    const parts = await Promise.allSettled([
      cleanUpAuthTables(services),
      pruneIdempotencyKeys(services),
      jobsService.pruneFinishedJobs(services),
    ]);
    const failed = parts.filter((p): p is PromiseRejectedResult => p.status === 'rejected');
    for (const { reason } of failed) log.warn({ err: reason }, 'a clean-up step failed');
    if (failed.length > 0) throw new Error(`${failed.length} clean-up step(s) failed`);
  },
});

export const cleanupSchedule: RecurringJob = { kind: 'cleanup', every: 'hourly', maxAttempts: 3 };
