import { type Kysely, sql } from 'kysely';
import type { ApiKeyModules, ApiKeyScope, DB } from '../database.js';

const keyColumns = [
  'id',
  'name',
  'prefix',
  'scope',
  'modules',
  'journalText',
  'createdAt',
  'lastUsedAt',
  'expiresAt',
  'revokedAt',
] as const;

export async function insertApiKey(
  db: Kysely<DB>,
  key: {
    userId: string;
    name: string;
    prefix: string;
    keyHash: string;
    scope: ApiKeyScope;
    modules: ApiKeyModules;
    journalText: boolean;
    expiresAt: Date | null;
  },
) {
  return db
    .insertInto('apiKeys')
    .values({ ...key, modules: sql<string>`cast(${JSON.stringify(key.modules)} as jsonb)` })
    .returning(keyColumns)
    .executeTakeFirstOrThrow();
}

export async function listApiKeys(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('apiKeys')
    .select(keyColumns)
    .where('userId', '=', userId)
    .orderBy('createdAt', 'desc')
    .execute();
}

export async function revokeApiKey(db: Kysely<DB>, userId: string, keyId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('apiKeys')
    .set({ revokedAt: now })
    .where('userId', '=', userId)
    .where('id', '=', keyId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function apiKeyExists(db: Kysely<DB>, userId: string, keyId: string): Promise<boolean> {
  const row = await db
    .selectFrom('apiKeys')
    .select('id')
    .where('userId', '=', userId)
    .where('id', '=', keyId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The user behind a live API key, and the key's scope and permissions. Touches last_used_at at most once a minute. */
export async function findUserForApiKey(db: Kysely<DB>, keyHash: string, now: Date) {
  const row = await db
    .selectFrom('apiKeys')
    .innerJoin('users', 'users.id', 'apiKeys.userId')
    .select([
      'apiKeys.id as keyId',
      'apiKeys.scope',
      'apiKeys.modules',
      'apiKeys.journalText',
      'apiKeys.lastUsedAt',
      'apiKeys.expiresAt',
      'users.id',
      'users.username',
      'users.email',
      'users.displayName',
    ])
    .where('apiKeys.keyHash', '=', keyHash)
    .where('apiKeys.revokedAt', 'is', null)
    .where((eb) => eb.or([eb('apiKeys.expiresAt', 'is', null), eb('apiKeys.expiresAt', '>', now)]))
    .executeTakeFirst();
  if (row && (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000)) {
    await db.updateTable('apiKeys').set({ lastUsedAt: now }).where('id', '=', row.keyId).execute();
  }
  return row;
}
