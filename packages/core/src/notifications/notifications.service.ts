/**
 * Notifications (issue 22): the channels a user is reached on, what was sent, and the delivery of one notification
 * on one channel as a job (`notify.deliver`, keyed by notification and channel). A delivery reads its record first
 * and writes it as soon as the channel took the message, so a retried job does not send again; the channel's own
 * key (Web Push Topic, email Message-ID) covers the moment between the two. A channel that keeps failing is marked
 * failing with its last error once its retries are used up, and ok again on its next success.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { type DB, type Kysely, notificationsQueries } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { inTransaction } from '../common/transaction.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import * as jobsService from '../jobs/jobs.service.js';
import * as webhooksService from '../webhooks/webhooks.service.js';
import {
  assertPushEndpoint,
  ChannelGoneError,
  type ChannelMessage,
  type EmailSender,
  type WebPushSender,
} from './notifications.channels.js';
import {
  CHANNELS_MAX,
  NOTIFICATION_LIST_DAYS,
  NOTIFICATION_LIST_MAX,
  type TChannel,
  type TChannels,
  type TNotification,
  type TNotificationKind,
  type TPushSubscriptionInput,
  type TSetEmailInput,
} from './notifications.schemas.js';

export {
  ChannelGoneError,
  type ChannelMessage,
  createEmailSender,
  createWebPushSender,
  type EmailConfig,
  type EmailSender,
  pushTopic,
  type WebPushConfig,
  type WebPushSender,
} from './notifications.channels.js';

/** What the server sends with: built once in the composition root. */
export interface Notifier {
  webPush: WebPushSender;
  /** Null when SMTP is not set up. */
  email: EmailSender | null;
  /** The web app's origin, for links in emails. */
  appOrigin: string;
  /** Signs the unsubscribe links. */
  secret: Uint8Array;
}

export interface NotificationsDeps {
  db: Kysely<DB>;
  clock: Clock;
  notifier: Notifier;
}

export const DELIVER_JOB = 'notify.deliver';
/** Attempts of one delivery before its channel is marked failing (backoff between them: the runner's). */
export const DELIVER_MAX_ATTEMPTS = 6;

type ChannelRow = Awaited<ReturnType<typeof notificationsQueries.listChannels>>[number];
const toChannel = ({ endpoint: _, ...row }: ChannelRow, accountEmail: string | null): TChannel => ({
  ...row,
  address: row.kind === 'email' ? (row.address ?? accountEmail) : null,
});

export async function listChannels(deps: NotificationsDeps, userId: string): Promise<TChannels> {
  const rows = await notificationsQueries.listChannels(deps.db, userId);
  const email = await notificationsQueries.accountEmail(deps.db, userId);
  const offKinds = await notificationsQueries.emailOffKinds(deps.db, userId);
  return {
    channels: rows.map((row) => toChannel(row, email)),
    push: { publicKey: deps.notifier.webPush.publicKey },
    email: { available: deps.notifier.email !== null, unsubscribedKinds: offKinds },
  };
}

/** Stores this device's push subscription (the same endpoint again: its keys are renewed). */
export async function subscribePush(
  deps: NotificationsDeps,
  userId: string,
  input: TPushSubscriptionInput,
): Promise<TChannel> {
  await assertPushEndpoint(input.endpoint, deps.notifier.webPush.allowPrivateAddresses);
  return inTransaction(deps, async ({ db }) => {
    const id = await notificationsQueries.upsertPushSubscription(db, userId, {
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      label: input.label || 'This device',
    });
    if ((await notificationsQueries.countChannels(db, userId)) > CHANNELS_MAX) {
      throw new ConflictError(`At most ${CHANNELS_MAX} devices and addresses`);
    }
    const row = await notificationsQueries.findChannel(db, userId, id);
    if (!row) throw new NotFoundError('Channel');
    return toChannel(row, null);
  });
}

/** Email on (to the account's address, or another) or off. */
export async function setEmail(deps: NotificationsDeps, userId: string, input: TSetEmailInput): Promise<TChannels> {
  if (!input.enabled) {
    await notificationsQueries.deleteEmailChannel(deps.db, userId);
  } else {
    if (!deps.notifier.email) throw new ValidationError('Email is not set up on this server (SMTP_URL)', 'enabled');
    const address = input.address ?? null;
    if (!address && !(await notificationsQueries.accountEmail(deps.db, userId))) {
      throw new ValidationError('Your account has no email address: give one', 'address');
    }
    // Turning email on in settings takes back the unsubscribe links clicked before.
    await inTransaction(deps, async ({ db }) => {
      await notificationsQueries.upsertEmailChannel(db, userId, address);
      await notificationsQueries.clearEmailOffKinds(db, userId, deps.clock.now());
    });
  }
  return listChannels(deps, userId);
}

export async function removeChannel(deps: NotificationsDeps, userId: string, channelId: string): Promise<void> {
  if (!(await notificationsQueries.deleteChannel(deps.db, userId, channelId))) throw new NotFoundError('Channel');
}

export interface NewNotification {
  kind: TNotificationKind;
  /** Unique per user: the reminder job's key. A second notify with it does nothing. */
  sourceKey: string;
  title: string;
  body: string;
  url: string | null;
  dueAt: Date;
  late: boolean;
  /** Dropped ones are recorded (and listed) but not sent. */
  status: 'sent' | 'dropped';
  /** Only these channels (a test); every channel of the user's by default. */
  channelIds?: readonly string[];
}

/**
 * Records a notification and enqueues its delivery on each channel, in one transaction (the caller's when it is in
 * one). Returns its id, or null when one with this source key was recorded before.
 */
export async function notify(deps: Omit<NotificationsDeps, 'notifier'>, userId: string, n: NewNotification) {
  return inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    const id = await notificationsQueries.insertNotification(tx.db, {
      userId,
      kind: n.kind,
      sourceKey: n.sourceKey.slice(0, 200),
      title: n.title.slice(0, 300),
      body: n.body.slice(0, 4000),
      url: n.url,
      dueAt: n.dueAt,
      sentAt: n.status === 'sent' ? now : null,
      late: n.late,
      status: n.status,
    });
    if (id === null || n.status === 'dropped') return id;
    // A reminder (not a channel's test) tells the user's webhooks too: its kind and times, never its text.
    if (n.kind !== 'test') {
      await webhooksService.emit(tx, userId, 'reminder.sent', {
        id: String(id),
        object: 'notification',
        changed: { kind: n.kind, dueAt: n.dueAt.toISOString(), late: n.late },
      });
    }
    const channels = await notificationsQueries.insertDeliveries(tx.db, userId, id, n.channelIds ?? 'all');
    await jobsService.enqueueJobs(
      tx,
      channels.map((channelId) => ({
        kind: DELIVER_JOB,
        userId,
        key: `deliver:${id}:${channelId}`,
        payload: { notificationId: id, channelId },
        maxAttempts: DELIVER_MAX_ATTEMPTS,
      })),
    );
    return id;
  });
}

/** Sends a test notification to one channel (through the same delivery job as every other). */
export async function sendTest(deps: NotificationsDeps, userId: string, channelId: string) {
  if (!(await notificationsQueries.findChannel(deps.db, userId, channelId))) throw new NotFoundError('Channel');
  const id = await notify(deps, userId, {
    kind: 'test',
    sourceKey: `test:${randomUUID()}`,
    title: 'Life OS test notification',
    body: 'Notifications reach you here.',
    url: '/settings',
    dueAt: deps.clock.now(),
    late: false,
    status: 'sent',
    channelIds: [channelId],
  });
  return { notificationId: id ?? 0 };
}

/** The last 30 days of what was sent (and dropped), newest first, with each channel's delivery. */
export async function listNotifications(deps: Omit<NotificationsDeps, 'notifier'>, userId: string) {
  const since = new Date(deps.clock.now().getTime() - NOTIFICATION_LIST_DAYS * 86_400_000);
  const rows = await notificationsQueries.listNotifications(deps.db, userId, since, NOTIFICATION_LIST_MAX);
  return rows as TNotification[];
}

// ---------- the delivery job ----------

export interface DeliverPayload {
  notificationId: number;
  channelId: string;
}

export function readDeliverPayload(payload: unknown): DeliverPayload {
  const p = payload as Partial<DeliverPayload> | null;
  if (!p || typeof p.notificationId !== 'number' || typeof p.channelId !== 'string') {
    throw new ValidationError('Not a delivery payload');
  }
  return { notificationId: p.notificationId, channelId: p.channelId };
}

export type DeliveryOutcome = 'sent' | 'already' | 'gone' | 'skipped';

/**
 * Delivers one notification on one channel (the `notify.deliver` job). Throws when the channel failed, so the
 * runner retries with backoff; on the last attempt the channel is marked failing first.
 */
export async function deliver(
  deps: NotificationsDeps,
  userId: string,
  payload: DeliverPayload,
  attempt: { key: string; attempt: number; maxAttempts: number },
): Promise<DeliveryOutcome> {
  const { db } = deps;
  const delivery = await notificationsQueries.findDelivery(db, userId, payload.notificationId, payload.channelId);
  if (!delivery || delivery.status === 'sent' || delivery.status === 'gone' || delivery.status === 'skipped') {
    return 'already';
  }
  const channel = await notificationsQueries.findChannel(db, userId, payload.channelId);
  if (!channel) {
    await notificationsQueries.updateDelivery(db, userId, delivery.id, { status: 'gone' });
    return 'gone';
  }
  const message: ChannelMessage = {
    kind: delivery.kind,
    title: delivery.title,
    body: delivery.body,
    url: delivery.url,
    late: delivery.late,
    key: attempt.key,
  };
  try {
    if (channel.kind === 'webpush') {
      if (!channel.endpoint || !channel.p256dh || !channel.auth) throw new Error('The subscription is incomplete');
      await deps.notifier.webPush.send(
        { endpoint: channel.endpoint, p256dh: channel.p256dh, auth: channel.auth },
        message,
      );
    } else {
      const skipped = await emailSkipped(deps, userId, delivery.kind);
      if (skipped) {
        await notificationsQueries.updateDelivery(db, userId, delivery.id, { status: 'skipped', error: skipped });
        return 'skipped';
      }
      const to = channel.address ?? (await notificationsQueries.accountEmail(db, userId));
      if (!to) throw new Error('No email address');
      await deps.notifier.email?.send(to, message, {
        open: delivery.url ? new URL(delivery.url, deps.notifier.appOrigin).href : null,
        unsubscribe: unsubscribeUrl(deps.notifier, userId, delivery.kind),
      });
    }
  } catch (err) {
    if (err instanceof ChannelGoneError) {
      // The device unsubscribed: the subscription goes (its deliveries keep their record, channel set null).
      await inTransaction(deps, async (tx) => {
        await notificationsQueries.updateDelivery(tx.db, userId, delivery.id, { status: 'gone', error: err.message });
        await notificationsQueries.deleteChannel(tx.db, userId, payload.channelId);
      });
      return 'gone';
    }
    const error = err instanceof Error ? err.message : String(err);
    await notificationsQueries.updateDelivery(db, userId, delivery.id, { status: 'failed', error, attempt: true });
    if (attempt.attempt >= attempt.maxAttempts) {
      await notificationsQueries.markChannel(db, userId, payload.channelId, { ok: false, error });
    }
    throw err;
  }
  const now = deps.clock.now();
  await inTransaction(deps, async (tx) => {
    await notificationsQueries.updateDelivery(tx.db, userId, delivery.id, {
      status: 'sent',
      sentAt: now,
      error: null,
      attempt: true,
    });
    await notificationsQueries.markChannel(tx.db, userId, payload.channelId, { ok: true, at: now });
  });
  return 'sent';
}

/** Why an email is not sent: email is off on this server, or the user unsubscribed from this kind. */
async function emailSkipped(deps: NotificationsDeps, userId: string, kind: string): Promise<string | null> {
  if (!deps.notifier.email) return 'Email is not set up on this server';
  const off = await notificationsQueries.emailOffKinds(deps.db, userId);
  return off.includes(kind) ? `Unsubscribed from ${kind} emails` : null;
}

// ---------- one-click unsubscribe ----------

const mac = (secret: Uint8Array, userId: string, kind: string) =>
  createHmac('sha256', secret).update(`unsubscribe:${userId}:${kind}`).digest('base64url');

/** The link in each email that unsubscribes from that kind (RFC 8058 one-click, and a page for people). */
export function unsubscribeUrl(notifier: Pick<Notifier, 'appOrigin' | 'secret'>, userId: string, kind: string) {
  const url = new URL('/unsubscribe', notifier.appOrigin);
  url.searchParams.set('u', userId);
  url.searchParams.set('k', kind);
  url.searchParams.set('t', mac(notifier.secret, userId, kind));
  return url.href;
}

/** Unsubscribes from a kind of email by the link's fields; false when the link was not ours. */
export async function unsubscribe(
  deps: NotificationsDeps,
  link: { u: string; k: string; t: string },
): Promise<boolean> {
  const kinds: readonly string[] = ['task', 'agenda', 'test'];
  if (!kinds.includes(link.k) || !/^[0-9a-f-]{36}$/.test(link.u)) return false;
  const expected = Buffer.from(mac(deps.notifier.secret, link.u, link.k));
  const given = Buffer.from(link.t);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
  await notificationsQueries.addEmailOffKind(deps.db, link.u, link.k, deps.clock.now());
  return true;
}
