import { notificationsService } from '@lifeos/core/server';
import type { AppServices } from '../services.js';
import type { JobKind } from './runner.js';

/**
 * One notification on one channel (`notify.deliver`, keyed by notification and channel). Safe on several replicas
 * and after a worker's death: the delivery's record is read first and written the moment the channel took the
 * message, and the message carries the job's key (Web Push Topic, email Message-ID) for the moment in between.
 * A failure throws: the runner retries with backoff, and the last attempt marks the channel failing.
 */
export const notifyDeliverJob = (services: Pick<AppServices, 'db' | 'clock' | 'notifier'>): JobKind => ({
  kind: notificationsService.DELIVER_JOB,
  timeoutMs: 60_000,
  run: async (payload, context) => {
    if (!context.userId) throw new Error('A delivery belongs to a user');
    const outcome = await notificationsService.deliver(
      services,
      context.userId,
      notificationsService.readDeliverPayload(payload),
      { key: context.key, attempt: context.attempt, maxAttempts: context.maxAttempts },
    );
    context.log.debug({ outcome }, 'notification delivery');
  },
});
