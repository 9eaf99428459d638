import { z } from 'zod';
import { ZId } from '../common/common.schemas.js';

export const NOTIFICATION_KINDS = ['task', 'agenda', 'test'] as const;
export const ZNotificationKind = z.enum(NOTIFICATION_KINDS);
export type TNotificationKind = z.infer<typeof ZNotificationKind>;
export const ZChannelKind = z.enum(['webpush', 'email']);

/** The most channels (devices and email) one user may have. */
export const CHANNELS_MAX = 20;
/** How far back the notification list goes. */
export const NOTIFICATION_LIST_DAYS = 30;
export const NOTIFICATION_LIST_MAX = 200;

const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, { error: 'Expected URL-safe base64' });

/** A browser's PushSubscription as `toJSON()` gives it, and a name for the device. */
export const ZPushSubscriptionInput = z
  .object({
    endpoint: z.url({ protocol: /^https$/, error: 'Expected the push service’s https URL' }).max(2000),
    keys: z.object({ p256dh: base64url(200), auth: base64url(100) }).strict(),
    label: z.string().trim().max(200).optional(),
  })
  .strict();
export type TPushSubscriptionInput = z.infer<typeof ZPushSubscriptionInput>;

export const ZSetEmailInput = z
  .object({
    enabled: z.boolean(),
    /** Another address than the account's; null or absent: the account's. */
    address: z.email().max(320).nullable().optional(),
  })
  .strict();
export type TSetEmailInput = z.infer<typeof ZSetEmailInput>;

export const ZChannel = z.object({
  id: ZId,
  kind: ZChannelKind,
  label: z.string(),
  /** Email: the address mail goes to (the account's when none of its own). */
  address: z.string().nullable(),
  status: z.enum(['ok', 'failing']),
  lastError: z.string().nullable(),
  lastSuccessAt: z.date().nullable(),
  createdAt: z.date(),
});
export type TChannel = z.infer<typeof ZChannel>;

export const ZChannels = z.object({
  channels: z.array(ZChannel),
  /** Web Push: the server's VAPID public key (the browser subscribes with it). */
  push: z.object({ publicKey: z.string() }),
  /** Email: whether the server has SMTP set up. */
  email: z.object({
    available: z.boolean(),
    /** Kinds unsubscribed from by an email's link (turning email on again clears them). */
    unsubscribedKinds: z.array(z.string()),
  }),
});
export type TChannels = z.infer<typeof ZChannels>;

export const ZDelivery = z.object({
  id: z.number().int(),
  channelId: ZId.nullable(),
  channelKind: ZChannelKind,
  channelLabel: z.string(),
  status: z.enum(['pending', 'sent', 'failed', 'gone', 'skipped']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  sentAt: z.date().nullable(),
});

export const ZNotification = z.object({
  id: z.number().int(),
  kind: ZNotificationKind,
  title: z.string(),
  body: z.string(),
  url: z.string().nullable(),
  dueAt: z.date(),
  sentAt: z.date().nullable(),
  late: z.boolean(),
  /** Dropped: missed by more than the late window while the server was down. */
  status: z.enum(['sent', 'dropped']),
  createdAt: z.date(),
  deliveries: z.array(ZDelivery),
});
export type TNotification = z.infer<typeof ZNotification>;
export const ZNotificationList = z.array(ZNotification);

export const ZChannelIdInput = z.object({ channelId: ZId }).strict();
