/**
 * Notifications (notifications migration): a user's preferences, channels (Web Push subscriptions, email), what was
 * sent and its delivery on each channel. Every statement is scoped by the user id.
 */
import { type Kysely, sql } from 'kysely';
import type { DB, DeliveryStatus, NotificationChannelKind, NotificationKind } from '../database.js';

export const ERROR_MAX_CHARS = 1_000;
const clip = (text: string | null) => (text === null ? null : text.slice(0, ERROR_MAX_CHARS));

// ---------- email preferences ----------

/** Adds a kind to those the user gets no email for (the unsubscribe link). */
export async function addEmailOffKind(db: Kysely<DB>, userId: string, kind: string, now: Date) {
  await db
    .insertInto('notificationPreferences')
    .values({ userId, emailOffKinds: [kind], updatedAt: now })
    .onConflict((oc) =>
      oc.column('userId').doUpdateSet({
        emailOffKinds: sql<string[]>`case when ${kind} = any(notification_preferences.email_off_kinds)
          then notification_preferences.email_off_kinds
          else array_append(notification_preferences.email_off_kinds, ${kind}) end`,
        updatedAt: now,
      }),
    )
    .execute();
}

/** The account's email address, for an email channel without one of its own. */
export async function accountEmail(db: Kysely<DB>, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
  return row?.email ?? null;
}

// ---------- channels ----------

const channelColumns = ['id', 'kind', 'label', 'address', 'status', 'lastError', 'lastSuccessAt', 'createdAt'] as const;

/** A user's channels, without a subscription's keys. */
export function listChannels(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('notificationChannels')
    .select([...channelColumns, 'endpoint'])
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

/** One channel with what sending needs (a subscription's keys). */
export function findChannel(db: Kysely<DB>, userId: string, id: string) {
  return db
    .selectFrom('notificationChannels')
    .select([...channelColumns, 'endpoint', 'p256dh', 'auth'])
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function countChannels(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notificationChannels')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('userId', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Stores a device's push subscription; the same endpoint again updates its keys and label. Its id. */
export async function upsertPushSubscription(
  db: Kysely<DB>,
  userId: string,
  sub: { endpoint: string; p256dh: string; auth: string; label: string },
): Promise<string> {
  const row = await db
    .insertInto('notificationChannels')
    .values({ userId, kind: 'webpush', ...sub })
    .onConflict((oc) =>
      oc
        .columns(['userId', 'endpoint'])
        .where('kind', '=', 'webpush')
        .doUpdateSet({ p256dh: sub.p256dh, auth: sub.auth, label: sub.label, status: 'ok', lastError: null }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Turns the user's email channel on (to `address`, or the account's when null). Its id. */
export async function upsertEmailChannel(db: Kysely<DB>, userId: string, address: string | null): Promise<string> {
  const row = await db
    .insertInto('notificationChannels')
    .values({ userId, kind: 'email', label: 'Email', address })
    .onConflict((oc) => oc.column('userId').where('kind', '=', 'email').doUpdateSet({ address }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteChannel(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('notificationChannels')
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteEmailChannel(db: Kysely<DB>, userId: string): Promise<void> {
  await db.deleteFrom('notificationChannels').where('userId', '=', userId).where('kind', '=', 'email').execute();
}

export async function markChannel(
  db: Kysely<DB>,
  userId: string,
  id: string,
  mark: { ok: true; at: Date } | { ok: false; error: string },
): Promise<void> {
  const channel = db.updateTable('notificationChannels').where('userId', '=', userId).where('id', '=', id);
  if (!mark.ok) {
    await channel.set({ status: 'failing', lastError: clip(mark.error) }).execute();
    return;
  }
  // A channel that is fine is written at most once a minute: a thousand deliveries to one device would otherwise
  // queue on its row, one after the other.
  const aMinuteAgo = new Date(mark.at.getTime() - 60_000);
  await channel
    .set({ status: 'ok', lastError: null, lastSuccessAt: mark.at })
    .where((eb) =>
      eb.or([eb('status', '<>', 'ok'), eb('lastSuccessAt', 'is', null), eb('lastSuccessAt', '<', aMinuteAgo)]),
    )
    .execute();
}

// ---------- notifications and deliveries ----------

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  sourceKey: string;
  title: string;
  body: string;
  url: string | null;
  dueAt: Date;
  sentAt: Date | null;
  late: boolean;
  status: 'sent' | 'dropped';
}

/** Records a notification once per (user, source key): its id, or null when it was recorded before. */
export async function insertNotification(db: Kysely<DB>, row: NewNotification): Promise<number | null> {
  const inserted = await db
    .insertInto('notifications')
    .values(row)
    .onConflict((oc) => oc.columns(['userId', 'sourceKey']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

/** One pending delivery per channel of the user (the channels as they are now); the deliveries' channel ids. */
export async function insertDeliveries(
  db: Kysely<DB>,
  userId: string,
  notificationId: number,
  channelIds: readonly string[] | 'all',
): Promise<string[]> {
  let channels = db
    .selectFrom('notificationChannels')
    .select([sql.lit(userId).as('userId'), 'id', 'kind', 'label'])
    .where('userId', '=', userId);
  if (channelIds !== 'all') {
    if (channelIds.length === 0) return [];
    channels = channels.where('id', 'in', [...channelIds]);
  }
  const rows = await db
    .insertInto('notificationDeliveries')
    .columns(['userId', 'notificationId', 'channelId', 'channelKind', 'channelLabel'])
    .expression(
      db
        .selectFrom(channels.as('c'))
        .select([
          sql<string>`${userId}::uuid`.as('userId'),
          sql<number>`${notificationId}::bigint`.as('notificationId'),
          'c.id',
          'c.kind',
          'c.label',
        ]),
    )
    .onConflict((oc) => oc.columns(['notificationId', 'channelId']).doNothing())
    .returning('channelId')
    .execute();
  return rows.flatMap((r) => (r.channelId ? [r.channelId] : []));
}

/** A delivery with its notification, for the delivery job (which holds the job's lease: one runs at a time). */
export function findDelivery(db: Kysely<DB>, userId: string, notificationId: number, channelId: string) {
  return db
    .selectFrom('notificationDeliveries as d')
    .innerJoin('notifications as n', 'n.id', 'd.notificationId')
    .select([
      'd.id',
      'd.status',
      'd.attempts',
      'n.kind',
      'n.title',
      'n.body',
      'n.url',
      'n.dueAt',
      'n.late',
      'n.sourceKey',
    ])
    .where('d.userId', '=', userId)
    .where('d.notificationId', '=', notificationId)
    .where('d.channelId', '=', channelId)
    .executeTakeFirst();
}

export async function updateDelivery(
  db: Kysely<DB>,
  userId: string,
  id: number,
  patch: { status: DeliveryStatus; error?: string | null; sentAt?: Date | null; attempt?: boolean },
): Promise<void> {
  await db
    .updateTable('notificationDeliveries')
    .set((eb) => ({
      status: patch.status,
      ...(patch.error !== undefined ? { lastError: clip(patch.error) } : {}),
      ...(patch.sentAt !== undefined ? { sentAt: patch.sentAt } : {}),
      ...(patch.attempt ? { attempts: eb('attempts', '+', 1) } : {}),
    }))
    .where('userId', '=', userId)
    .where('id', '=', id)
    .execute();
}

/** The user's notifications since `since`, newest first, each with its deliveries. */
export async function listNotifications(db: Kysely<DB>, userId: string, since: Date, limit: number) {
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'kind', 'title', 'body', 'url', 'dueAt', 'sentAt', 'late', 'status', 'createdAt'])
    .where('userId', '=', userId)
    .where('createdAt', '>=', since)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const deliveries = await db
    .selectFrom('notificationDeliveries')
    .select([
      'id',
      'notificationId',
      'channelId',
      'channelKind',
      'channelLabel',
      'status',
      'attempts',
      'lastError',
      'sentAt',
    ])
    .where('userId', '=', userId)
    .where(
      'notificationId',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    ...row,
    deliveries: deliveries.filter((d) => d.notificationId === row.id).map(({ notificationId: _, ...d }) => d),
  }));
}

export type { DeliveryStatus, NotificationChannelKind, NotificationKind };

/** The kinds the user unsubscribed from by email. */
export async function emailOffKinds(db: Kysely<DB>, userId: string): Promise<string[]> {
  const row = await db
    .selectFrom('notificationPreferences')
    .select('emailOffKinds')
    .where('userId', '=', userId)
    .executeTakeFirst();
  return row?.emailOffKinds ?? [];
}

/** Email for every kind again (turning email on in settings). */
export async function clearEmailOffKinds(db: Kysely<DB>, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('notificationPreferences')
    .set({ emailOffKinds: [], updatedAt: now })
    .where('userId', '=', userId)
    .execute();
}
