import { webhooksService } from '@lifeos/core/server';
import { type AppServices, webhookDeps } from '../services.js';
import type { JobKind } from './runner.js';

/**
 * One attempt of one outgoing webhook (core's `webhooksService.deliver`), enqueued by the write that emitted the
 * event, in its transaction. Safe on several replicas: the runner gives the job to one worker; a worker killed
 * mid-delivery lets its lease expire and another sends again with the same `webhook-id`, which is how a receiver
 * tells a duplicate. A failed attempt throws, so the runner's backoff spaces the retries.
 */
export const webhookDeliverJob = (services: AppServices): JobKind => ({
  kind: webhooksService.DELIVER_JOB_KIND,
  // The send's own deadline is 10 s; the rest is two statements.
  timeoutMs: 60_000,
  run: async (payload, context) => {
    const deliveryId = (payload as { deliveryId?: unknown }).deliveryId;
    if (typeof deliveryId !== 'string' || !context.userId) {
      context.log.error('a webhook delivery job without its delivery or user');
      return;
    }
    await webhooksService.deliver(webhookDeps(services), context.userId, deliveryId, {
      attempt: context.attempt,
      maxAttempts: context.maxAttempts,
      signal: context.signal,
    });
  },
});
