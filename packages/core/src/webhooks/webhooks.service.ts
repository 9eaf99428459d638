/**
 * Outgoing webhooks (issue 23, part 2): a user's endpoints, the events their writes emit, and the deliveries.
 *
 * - **Emission** (`emit`): the service that writes calls it inside its own transaction; it inserts one delivery per
 *   endpoint that wants the event and, beside it, a `webhook.deliver` job (the job row is the outbox row). So a
 *   rolled-back write leaves neither, and a committed one always has both.
 * - **Delivery** (`deliver`, run by the job): the stored body, signed by the Standard Webhooks scheme (`webhook-id`
 *   the delivery's id, the same on every attempt, `webhook-timestamp`, `webhook-signature` v1 HMAC-SHA256 with the
 *   `standardwebhooks` package; during a rotation's overlap one signature per secret), POSTed through the SSRF
 *   guard. A failed attempt throws, and the runner retries it with its backoff; the delivery row keeps the last
 *   attempt's outcome (the log), bounded per endpoint to about the last `LOG_KEEP` and `LOG_DAYS` days.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type DB, type Kysely, webhooksQueries } from '@lifeos/db';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../clock.js';
import { assertPublicHost, OutboundRequestError, UrlNotAllowedError } from '../common/outbound-http.js';
import { inTransaction } from '../common/transaction.js';
import { ConflictError } from '../errors.js';
import * as jobsService from '../jobs/jobs.service.js';
import {
  WebhookAttemptFailedError,
  WebhookDeliveryNotFoundError,
  WebhookEndpointNotFoundError,
  WebhookNotReplayableError,
} from './webhooks.errors.js';
import {
  type TCreateWebhookEndpointInput,
  type TUpdateWebhookEndpointInput,
  type TWebhookDelivery,
  type TWebhookEndpoint,
  type TWebhookEndpointWithSecret,
  type TWebhookEventType,
  WEBHOOK_ENDPOINTS_MAX,
} from './webhooks.schemas.js';
import { parseEndpointUrl, postWebhook, type SendPolicy } from './webhooks.send.js';

export { WEBHOOK_EVENT_TYPES } from './webhooks.schemas.js';

export const DELIVER_JOB_KIND = 'webhook.deliver';
/** Attempts of one delivery (the runner's backoff: 10 s doubling, so the last is about 21 min after the first). */
export const DELIVERY_ATTEMPTS = 8;
/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** The delivery log of one endpoint: the last LOG_KEEP deliveries, none older than LOG_DAYS. */
export const LOG_KEEP = 200;
export const LOG_DAYS = 30;
const MAX_REPLAYS = 20;

export interface WebhooksDeps {
  db: Kysely<DB>;
  clock: Clock;
}

export interface WebhookDeliverDeps extends WebhooksDeps {
  /** CALENDAR_ALLOW_PRIVATE_URLS (the same opt-in as subscriptions), the timeout and the answer's bound. */
  sendPolicy: SendPolicy;
}

/** `whsec_` + 24 random bytes in base64: the form the standardwebhooks libraries read. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

type EndpointRow = webhooksQueries.EndpointRow;
const toEndpoint = ({ previousExpiresAt, ...row }: EndpointRow, now: Date): TWebhookEndpoint => ({
  ...row,
  eventTypes: row.eventTypes as TWebhookEventType[],
  previousSecretExpiresAt: previousExpiresAt && previousExpiresAt > now ? previousExpiresAt : null,
});

/**
 * The URL checked for scheme, credentials and (without the opt-in) a private address, as a subscription's is when
 * added; every attempt checks the address again (DNS may change), and the log says so.
 */
async function checkedUrl(raw: string, policy: SendPolicy): Promise<string> {
  const url = parseEndpointUrl(raw);
  await assertPublicHost(url, policy);
  return url.toString();
}

export async function createEndpoint(
  deps: WebhookDeliverDeps,
  userId: string,
  input: TCreateWebhookEndpointInput,
): Promise<TWebhookEndpointWithSecret> {
  const url = await checkedUrl(input.url, deps.sendPolicy);
  const secret = newSecret();
  const now = deps.clock.now();
  return inTransaction(deps, async ({ db }) => {
    if ((await webhooksQueries.countEndpoints(db, userId)) >= WEBHOOK_ENDPOINTS_MAX) {
      throw new ConflictError(`At most ${WEBHOOK_ENDPOINTS_MAX} webhook endpoints`);
    }
    const row = await webhooksQueries.insertEndpoint(db, {
      userId,
      url,
      description: input.description ?? '',
      secret,
      eventTypes: input.eventTypes,
      now,
    });
    return { endpoint: toEndpoint(row, now), secret };
  });
}

export async function listEndpoints(deps: WebhooksDeps, userId: string): Promise<TWebhookEndpoint[]> {
  const now = deps.clock.now();
  return (await webhooksQueries.listEndpoints(deps.db, userId)).map((row) => toEndpoint(row, now));
}

export async function updateEndpoint(
  deps: WebhookDeliverDeps,
  userId: string,
  input: TUpdateWebhookEndpointInput,
): Promise<TWebhookEndpoint> {
  const { id, url, ...rest } = input;
  const now = deps.clock.now();
  const row = await webhooksQueries.updateEndpoint(deps.db, userId, id, {
    ...rest,
    ...(url === undefined ? {} : { url: await checkedUrl(url, deps.sendPolicy) }),
    now,
  });
  if (!row) throw new WebhookEndpointNotFoundError();
  return toEndpoint(row, now);
}

/** Deletes the endpoint and its log; its queued deliveries find nothing to send. */
export async function deleteEndpoint(deps: WebhooksDeps, userId: string, id: string): Promise<void> {
  if (!(await webhooksQueries.deleteEndpoint(deps.db, userId, id))) throw new WebhookEndpointNotFoundError();
}

/** A new secret, shown once; the old one signs beside it for ROTATION_OVERLAP_MS so receivers can switch. */
export async function rotateSecret(
  deps: WebhooksDeps,
  userId: string,
  id: string,
): Promise<TWebhookEndpointWithSecret> {
  const now = deps.clock.now();
  const secret = newSecret();
  const row = await webhooksQueries.rotateSecret(deps.db, userId, id, {
    secret,
    previousExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
    now,
  });
  if (!row) throw new WebhookEndpointNotFoundError();
  return { endpoint: toEndpoint(row, now), secret };
}

export async function listDeliveries(
  deps: WebhooksDeps,
  userId: string,
  input: { endpointId: string; limit?: number | undefined },
): Promise<TWebhookDelivery[]> {
  const rows = await webhooksQueries.listDeliveries(deps.db, userId, input.endpointId, input.limit ?? 50);
  return rows;
}

/** Sends a failed delivery again, with the same `webhook-id` and body, for a new round of attempts. */
export async function replayDelivery(deps: WebhooksDeps, userId: string, deliveryId: string): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const replay = await webhooksQueries.markReplayed(tx.db, userId, deliveryId, MAX_REPLAYS);
    if (replay === undefined) {
      const found = await webhooksQueries.deliveryStatus(tx.db, userId, deliveryId);
      if (!found) throw new WebhookDeliveryNotFoundError();
      throw new WebhookNotReplayableError(
        found.replays >= MAX_REPLAYS
          ? `A delivery is replayed at most ${MAX_REPLAYS} times`
          : 'Only a failed delivery can be replayed',
      );
    }
    await jobsService.enqueueJob(tx, {
      kind: DELIVER_JOB_KIND,
      userId,
      key: `${deliveryId}.replay-${replay}`,
      payload: { deliveryId },
      maxAttempts: DELIVERY_ATTEMPTS,
    });
  });
}

/** What an event says of its object: ids, dates, counts and states; never a person's own words. */
export interface WebhookEventData {
  id: string;
  /** The object's type: `task`, `capture`, `workout`, `journal_entry`, `event`. */
  object: string;
  changed?: Record<string, string | number | boolean | null | readonly string[]>;
}

/**
 * Emits `type` for the user's endpoints that want it: one delivery and one delivery job each, in the caller's
 * transaction (the write that caused it), so they exist exactly when the write commits. A user without endpoints
 * costs one indexed read.
 */
export function emit(
  deps: WebhooksDeps,
  userId: string,
  type: TWebhookEventType,
  data: WebhookEventData,
): Promise<void> {
  return emitMany(deps, userId, [{ type, data }]);
}

/** Deliveries (and their jobs) written per statement: 6 columns a row stays far under PostgreSQL's 65,535 parameters. */
const EMIT_CHUNK = 1_000;

/**
 * Emits several events of one write (an .ics import, a phone's PUT) as `emit` does, but with one read of the
 * endpoints per event type and the deliveries and jobs written in multi-row inserts of EMIT_CHUNK: an import of
 * thousands of events is a few statements per thousand deliveries, not two per delivery.
 */
export async function emitMany(
  deps: WebhooksDeps,
  userId: string,
  events: readonly { type: TWebhookEventType; data: WebhookEventData }[],
): Promise<void> {
  if (events.length === 0) return;
  const wanting = new Map<TWebhookEventType, string[]>();
  for (const type of new Set(events.map((e) => e.type))) {
    wanting.set(type, await webhooksQueries.endpointsWanting(deps.db, userId, type));
  }
  if ([...wanting.values()].every((ids) => ids.length === 0)) return;
  const now = deps.clock.now();
  const timestamp = now.toISOString();
  const deliveries = events.flatMap(({ type, data }) => {
    const body = JSON.stringify({ type, timestamp, data });
    return (wanting.get(type) ?? []).map((endpointId) => ({
      id: randomUUID(),
      userId,
      endpointId,
      eventType: type,
      body,
      createdAt: now,
    }));
  });
  await inTransaction(deps, async (tx) => {
    for (let at = 0; at < deliveries.length; at += EMIT_CHUNK) {
      const chunk = deliveries.slice(at, at + EMIT_CHUNK);
      await webhooksQueries.insertDeliveries(tx.db, chunk);
      await jobsService.enqueueJobs(
        tx,
        chunk.map((d) => ({
          kind: DELIVER_JOB_KIND,
          userId,
          key: d.id,
          payload: { deliveryId: d.id },
          maxAttempts: DELIVERY_ATTEMPTS,
        })),
      );
    }
  });
}

/** The headers of one attempt: the Standard Webhooks triple, one v1 signature per live secret. */
export function signedHeaders(
  delivery: { id: string; body: string },
  secrets: readonly string[],
  at: Date,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'LifeOS-webhooks/1',
    'webhook-id': delivery.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(delivery.id, at, delivery.body)).join(' '),
  };
}

export type DeliverOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped' | 'gone';

/**
 * One attempt of a delivery (the `webhook.deliver` job). Records the outcome on the delivery; throws
 * WebhookAttemptFailedError when the attempt failed and another will follow, so the runner retries it with its
 * backoff. A delivery whose endpoint was deleted is gone; one whose endpoint is disabled is skipped.
 */
export async function deliver(
  deps: WebhookDeliverDeps,
  userId: string,
  deliveryId: string,
  attempt: { attempt: number; maxAttempts: number; signal?: AbortSignal },
): Promise<DeliverOutcome> {
  const row = await webhooksQueries.deliveryToSend(deps.db, userId, deliveryId);
  if (!row) return 'gone';
  // Already received (a job run twice, its worker killed after recording): nothing more to send.
  if (row.status === 'succeeded') return 'succeeded';
  const at = deps.clock.now();
  const record = (outcome: {
    status: 'succeeded' | 'retrying' | 'failed' | 'skipped';
    responseStatus?: number | null;
    latencyMs?: number | null;
    error?: string | null;
  }) =>
    webhooksQueries.recordAttempt(deps.db, userId, deliveryId, {
      status: outcome.status,
      responseStatus: outcome.responseStatus ?? null,
      latencyMs: outcome.latencyMs ?? null,
      error: outcome.error ?? null,
      at,
    });
  if (!row.enabled) {
    await record({ status: 'skipped', error: 'The endpoint is disabled' });
    await prune(deps, userId, row.endpointId, at, deliveryId);
    return 'skipped';
  }
  const secrets = [row.secret];
  if (row.previousSecret && row.previousExpiresAt && row.previousExpiresAt > at) secrets.push(row.previousSecret);
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  let failure: { responseStatus: number | null; latencyMs: number | null; error: string; final: boolean };
  try {
    const answer = await postWebhook(
      row.url,
      signedHeaders(row, secrets, at),
      row.body,
      deps.sendPolicy,
      attempt.signal,
    );
    if (answer.status >= 200 && answer.status <= 299) {
      await record({ status: 'succeeded', responseStatus: answer.status, latencyMs: latency() });
      await prune(deps, userId, row.endpointId, at, deliveryId);
      return 'succeeded';
    }
    failure = {
      responseStatus: answer.status,
      latencyMs: latency(),
      error: `HTTP ${answer.status}${answer.bodyStart ? `: ${answer.bodyStart.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`,
      final: false,
    };
  } catch (error) {
    if (error instanceof UrlNotAllowedError) {
      // Policy, not weather: no later attempt would pass.
      failure = { responseStatus: null, latencyMs: null, error: error.message, final: true };
    } else if (error instanceof OutboundRequestError) {
      failure = { responseStatus: null, latencyMs: latency(), error: error.message, final: false };
    } else throw error;
  }
  const last = failure.final || attempt.attempt >= attempt.maxAttempts;
  await record({ status: last ? 'failed' : 'retrying', ...failure });
  if (last) {
    await prune(deps, userId, row.endpointId, at, deliveryId, true);
    return 'failed';
  }
  throw new WebhookAttemptFailedError(failure.error);
}

/**
 * Trims the endpoint's log after about one delivery in 16 (those whose id ends in 0), and after every failure: the
 * statement costs about a third of a delivery's database time (bench/webhooks.ts), and the log may run a few dozen
 * rows over its bound in between.
 */
function prune(deps: WebhooksDeps, userId: string, endpointId: string, now: Date, deliveryId: string, failed = false) {
  if (!failed && !deliveryId.endsWith('0')) return Promise.resolve(0);
  return webhooksQueries.pruneDeliveries(
    deps.db,
    userId,
    endpointId,
    LOG_KEEP,
    new Date(now.getTime() - LOG_DAYS * 86_400_000),
  );
}
