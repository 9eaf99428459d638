import type { Kysely } from 'kysely';
import type { CaptureStatus, CaptureTargetKind, DB } from '../database.js';

export interface CaptureSelection {
  id: string;
  text: string;
  url: string | null;
  status: CaptureStatus;
  processedIntoKind: CaptureTargetKind | null;
  processedIntoId: string | null;
  processedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const captureColumns = [
  'id',
  'text',
  'url',
  'status',
  'processedIntoKind',
  'processedIntoId',
  'processedAt',
  'createdAt',
  'updatedAt',
] as const;

/** One insert, nothing else: capturing must be fast. */
export async function insertCapture(
  db: Kysely<DB>,
  capture: { userId: string; text: string; url: string | null; now: Date },
): Promise<CaptureSelection> {
  return db
    .insertInto('captures')
    .values({
      userId: capture.userId,
      text: capture.text,
      url: capture.url,
      createdAt: capture.now,
      updatedAt: capture.now,
    })
    .returning(captureColumns)
    .executeTakeFirstOrThrow();
}

/** By status, oldest first (captures_user_status_idx). */
export async function listCaptures(
  db: Kysely<DB>,
  userId: string,
  status: CaptureStatus,
  limit: number,
): Promise<CaptureSelection[]> {
  return db
    .selectFrom('captures')
    .select(captureColumns)
    .where('userId', '=', userId)
    .where('status', '=', status)
    .orderBy('createdAt')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function findCapture(
  db: Kysely<DB>,
  userId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<CaptureSelection | undefined> {
  let query = db.selectFrom('captures').select(captureColumns).where('userId', '=', userId).where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function markProcessed(
  db: Kysely<DB>,
  userId: string,
  id: string,
  into: { kind: CaptureTargetKind; id: string; now: Date },
): Promise<CaptureSelection> {
  return db
    .updateTable('captures')
    .set({
      status: 'processed',
      processedIntoKind: into.kind,
      processedIntoId: into.id,
      processedAt: into.now,
      updatedAt: into.now,
    })
    .where('userId', '=', userId)
    .where('id', '=', id)
    .returning(captureColumns)
    .executeTakeFirstOrThrow();
}

export async function setStatus(
  db: Kysely<DB>,
  userId: string,
  id: string,
  status: CaptureStatus,
  now: Date,
): Promise<CaptureSelection | undefined> {
  return db
    .updateTable('captures')
    .set({ status, updatedAt: now })
    .where('userId', '=', userId)
    .where('id', '=', id)
    .returning(captureColumns)
    .executeTakeFirst();
}

export async function deleteCapture(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('captures').where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** How many captures wait in the inbox, as a one-column query (the dashboard embeds it). */
export function inboxCountQuery(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('captures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('userId', '=', userId)
    .where('status', '=', 'inbox');
}

export async function countInbox(db: Kysely<DB>, userId: string): Promise<number> {
  const rows = await inboxCountQuery(db, userId).executeTakeFirstOrThrow();
  return Number(rows.count);
}
