/**
 * Outgoing webhooks (webhooks migration): a user's endpoints and the delivery log. Every statement names the user.
 * The signing secrets are read only by `endpointForDelivery` and returned only by `insertEndpoint` and
 * `rotateSecret` (shown once); every other read leaves them out.
 */
import { type Kysely, sql } from 'kysely';
import type { DB, WebhookDeliveryStatus } from '../database.js';

const endpointColumns = [
  'id',
  'url',
  'description',
  'eventTypes',
  'enabled',
  'createdAt',
  'updatedAt',
  'previousExpiresAt',
] as const;

export type EndpointRow = {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  previousExpiresAt: Date | null;
};

export async function countEndpoints(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('webhookEndpoints')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('userId', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertEndpoint(
  db: Kysely<DB>,
  endpoint: { userId: string; url: string; description: string; secret: string; eventTypes: string[]; now: Date },
): Promise<EndpointRow> {
  const { now, eventTypes, ...rest } = endpoint;
  return db
    .insertInto('webhookEndpoints')
    .values({ ...rest, eventTypes: sql<string[]>`cast(${eventTypes} as text[])`, createdAt: now, updatedAt: now })
    .returning(endpointColumns)
    .executeTakeFirstOrThrow();
}

export function listEndpoints(db: Kysely<DB>, userId: string): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhookEndpoints')
    .select(endpointColumns)
    .where('userId', '=', userId)
    .orderBy('createdAt', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function updateEndpoint(
  db: Kysely<DB>,
  userId: string,
  id: string,
  patch: { url?: string; description?: string; eventTypes?: string[]; enabled?: boolean; now: Date },
): Promise<EndpointRow | undefined> {
  const { now, eventTypes, ...rest } = patch;
  return db
    .updateTable('webhookEndpoints')
    .set({
      ...rest,
      ...(eventTypes ? { eventTypes: sql<string[]>`cast(${eventTypes} as text[])` } : {}),
      updatedAt: now,
    })
    .where('userId', '=', userId)
    .where('id', '=', id)
    .returning(endpointColumns)
    .executeTakeFirst();
}

export async function deleteEndpoint(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhookEndpoints')
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The new secret signs from now on; the current one keeps signing beside it until `previousExpiresAt`. */
export async function rotateSecret(
  db: Kysely<DB>,
  userId: string,
  id: string,
  rotation: { secret: string; previousExpiresAt: Date; now: Date },
): Promise<EndpointRow | undefined> {
  return db
    .updateTable('webhookEndpoints')
    .set((eb) => ({
      previousSecret: eb.ref('secret'),
      secret: rotation.secret,
      previousExpiresAt: rotation.previousExpiresAt,
      updatedAt: rotation.now,
    }))
    .where('userId', '=', userId)
    .where('id', '=', id)
    .returning(endpointColumns)
    .executeTakeFirst();
}

/** The user's enabled endpoints that want `eventType`: where an event goes. */
export async function endpointsWanting(db: Kysely<DB>, userId: string, eventType: string): Promise<string[]> {
  const rows = await db
    .selectFrom('webhookEndpoints')
    .select('id')
    .where('userId', '=', userId)
    .where('enabled', '=', true)
    .where(sql<boolean>`${eventType} = any(event_types)`)
    .execute();
  return rows.map((r) => r.id);
}

/** What a delivery needs to go out: its body and its endpoint's URL and secrets (undefined: gone). */
export function deliveryToSend(db: Kysely<DB>, userId: string, deliveryId: string) {
  return db
    .selectFrom('webhookDeliveries as d')
    .innerJoin('webhookEndpoints as e', (j) => j.onRef('e.id', '=', 'd.endpointId').onRef('e.userId', '=', 'd.userId'))
    .select([
      'd.id',
      'd.endpointId',
      'd.body',
      'd.status',
      'd.attempts',
      'e.url',
      'e.enabled',
      'e.secret',
      'e.previousSecret',
      'e.previousExpiresAt',
    ])
    .where('d.userId', '=', userId)
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

export interface NewDelivery {
  id: string;
  userId: string;
  endpointId: string;
  eventType: string;
  body: string;
  createdAt: Date;
}

export async function insertDeliveries(db: Kysely<DB>, rows: readonly NewDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('webhookDeliveries')
    .values([...rows])
    .execute();
}

export async function recordAttempt(
  db: Kysely<DB>,
  userId: string,
  deliveryId: string,
  attempt: {
    status: WebhookDeliveryStatus;
    responseStatus: number | null;
    latencyMs: number | null;
    error: string | null;
    at: Date;
  },
): Promise<void> {
  await db
    .updateTable('webhookDeliveries')
    .set((eb) => ({
      status: attempt.status,
      attempts: eb('attempts', '+', 1),
      responseStatus: attempt.responseStatus,
      latencyMs: attempt.latencyMs,
      error: attempt.error === null ? null : attempt.error.slice(0, 500),
      lastAttemptAt: attempt.at,
    }))
    .where('userId', '=', userId)
    .where('id', '=', deliveryId)
    .execute();
}

const deliveryColumns = [
  'id',
  'endpointId',
  'eventType',
  'status',
  'attempts',
  'replays',
  'responseStatus',
  'latencyMs',
  'error',
  'createdAt',
  'lastAttemptAt',
] as const;

/** An endpoint's log, newest first, `limit` rows. */
export function listDeliveries(db: Kysely<DB>, userId: string, endpointId: string, limit: number) {
  return db
    .selectFrom('webhookDeliveries')
    .select(deliveryColumns)
    .where('userId', '=', userId)
    .where('endpointId', '=', endpointId)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** A failed delivery back to pending for one more round of attempts; its replay number, or undefined (not failed). */
export async function markReplayed(
  db: Kysely<DB>,
  userId: string,
  deliveryId: string,
  maxReplays: number,
): Promise<number | undefined> {
  const row = await db
    .updateTable('webhookDeliveries')
    .set((eb) => ({ status: 'pending', replays: eb('replays', '+', 1) }))
    .where('userId', '=', userId)
    .where('id', '=', deliveryId)
    .where('status', '=', 'failed')
    .where('replays', '<', maxReplays)
    .returning('replays')
    .executeTakeFirst();
  return row?.replays;
}

export async function deliveryStatus(db: Kysely<DB>, userId: string, deliveryId: string) {
  return db
    .selectFrom('webhookDeliveries')
    .select(['status', 'replays'])
    .where('userId', '=', userId)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
}

/** Keeps an endpoint's newest `keep` deliveries and none older than `before`; how many went. */
export async function pruneDeliveries(
  db: Kysely<DB>,
  userId: string,
  endpointId: string,
  keep: number,
  before: Date,
): Promise<number> {
  const result = await db
    .deleteFrom('webhookDeliveries')
    .where('userId', '=', userId)
    .where('endpointId', '=', endpointId)
    // Never a delivery still waiting for its attempts: its job would find nothing to send.
    .where('status', 'in', ['succeeded', 'failed', 'skipped'])
    .where((eb) =>
      eb.or([
        eb('createdAt', '<', before),
        eb(
          'id',
          'not in',
          eb
            .selectFrom('webhookDeliveries')
            .select('id')
            .where('userId', '=', userId)
            .where('endpointId', '=', endpointId)
            .orderBy('createdAt', 'desc')
            .orderBy('id', 'desc')
            .limit(keep),
        ),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
