import { NotFoundError, ValidationError } from '../errors.js';

export class WebhookEndpointNotFoundError extends NotFoundError {
  constructor() {
    super('Webhook endpoint');
  }
}

export class WebhookDeliveryNotFoundError extends NotFoundError {
  constructor() {
    super('Webhook delivery');
  }
}

/** A replay of a delivery that has not failed (or was replayed too often). */
export class WebhookNotReplayableError extends ValidationError {}

/** An attempt the receiver did not accept: the runner retries it with backoff. */
export class WebhookAttemptFailedError extends Error {}
