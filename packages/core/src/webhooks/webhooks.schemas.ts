import { z } from 'zod';
import { ZId } from '../common/common.schemas.js';

/** The events a webhook endpoint may subscribe to (`reminder.sent`: a reminder or the daily agenda was sent). */
export const WEBHOOK_EVENT_TYPES = [
  'task.created',
  'task.completed',
  'capture.created',
  'workout.finished',
  'journal.saved',
  'event.created',
  'event.updated',
  'event.deleted',
  'reminder.sent',
] as const;
export const ZWebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type TWebhookEventType = z.infer<typeof ZWebhookEventType>;

/** Bounds: endpoints per user, a URL's length. */
export const WEBHOOK_ENDPOINTS_MAX = 10;
export const WEBHOOK_URL_MAX = 2000;

const ZWebhookUrl = z
  .string()
  .trim()
  .min(1, { error: 'Give the URL the events are sent to' })
  .max(WEBHOOK_URL_MAX)
  .refine((raw) => /^https?:\/\//i.test(raw), { error: 'An http:// or https:// URL' });
const ZEventTypes = z
  .array(ZWebhookEventType)
  .min(1, { error: 'Choose at least one event' })
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)]);

export const ZCreateWebhookEndpointInput = z
  .object({
    url: ZWebhookUrl,
    description: z.string().trim().max(200).optional(),
    eventTypes: ZEventTypes,
  })
  .strict();
export type TCreateWebhookEndpointInput = z.infer<typeof ZCreateWebhookEndpointInput>;

export const ZUpdateWebhookEndpointInput = z
  .object({
    id: ZId,
    url: ZWebhookUrl.optional(),
    description: z.string().trim().max(200).optional(),
    eventTypes: ZEventTypes.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type TUpdateWebhookEndpointInput = z.infer<typeof ZUpdateWebhookEndpointInput>;

export const ZWebhookEndpoint = z.object({
  id: ZId,
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(ZWebhookEventType),
  enabled: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** After a rotation: until when the previous secret still signs beside the new one. */
  previousSecretExpiresAt: z.date().nullable(),
});
export type TWebhookEndpoint = z.infer<typeof ZWebhookEndpoint>;

/** An endpoint with its signing secret: only in the answer that made the secret (create, rotate). */
export const ZWebhookEndpointWithSecret = z.object({ endpoint: ZWebhookEndpoint, secret: z.string() });
export type TWebhookEndpointWithSecret = z.infer<typeof ZWebhookEndpointWithSecret>;

export const ZWebhookDeliveryStatus = z.enum(['pending', 'retrying', 'succeeded', 'failed', 'skipped']);

export const ZWebhookDelivery = z.object({
  /** The `webhook-id` header: the same on every attempt and replay. */
  id: ZId,
  endpointId: ZId,
  eventType: z.string(),
  status: ZWebhookDeliveryStatus,
  attempts: z.number().int(),
  replays: z.number().int(),
  responseStatus: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: z.date(),
  lastAttemptAt: z.date().nullable(),
});
export type TWebhookDelivery = z.infer<typeof ZWebhookDelivery>;

export const WEBHOOK_LOG_PAGE_MAX = 100;
export const ZWebhookDeliveriesInput = z
  .object({ endpointId: ZId, limit: z.number().int().min(1).max(WEBHOOK_LOG_PAGE_MAX).optional() })
  .strict();

export const ZWebhookDeliveryIdInput = z.object({ id: ZId }).strict();

/**
 * What every event carries: its type, when it happened, and the object's id, its type and what changed — ids,
 * dates, counts and states, never free text a person wrote (no journal text, no titles).
 */
export const ZWebhookPayload = z.object({
  type: ZWebhookEventType,
  timestamp: z.string(),
  data: z.object({ id: z.string(), object: z.string(), changed: z.record(z.string(), z.unknown()).optional() }),
});
export type TWebhookPayload = z.infer<typeof ZWebhookPayload>;
