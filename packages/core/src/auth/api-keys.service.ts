import { apiKeysQueries, type DB, type Kysely } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { type ApiKeyGrant, modulesOf } from './api-keys.policy.js';
import type { TApiKey, TCreateApiKeyInput } from './api-keys.schemas.js';
import type { TUser } from './auth.schemas.js';
import { randomSecret, sha256 } from './auth.tokens.js';

export const API_KEY_PREFIX = 'lifeos_';
/** How much of a key is kept in clear to tell keys apart in a list. */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

interface Deps {
  db: Kysely<DB>;
  clock: Clock;
}

export async function createApiKey(
  deps: Deps,
  userId: string,
  input: TCreateApiKeyInput,
): Promise<{ key: string; apiKey: TApiKey }> {
  const now = deps.clock.now();
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
    throw new ValidationError('The expiry date must be in the future', 'expiresAt');
  }
  const key = `${API_KEY_PREFIX}${randomSecret()}`;
  const apiKey = await apiKeysQueries.insertApiKey(deps.db, {
    userId,
    name: input.name,
    scope: input.scope,
    modules: modulesOf(input.modules),
    journalText: input.journalText ?? true,
    prefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
    keyHash: apiKeyHash(key),
    expiresAt: input.expiresAt ?? null,
  });
  return { key, apiKey: toApiKey(apiKey) };
}

type ApiKeyRow = Awaited<ReturnType<typeof apiKeysQueries.listApiKeys>>[number];
const toApiKey = (row: ApiKeyRow): TApiKey => ({ ...row, modules: modulesOf(row.modules) });

export async function listApiKeys(deps: Deps, userId: string): Promise<TApiKey[]> {
  return (await apiKeysQueries.listApiKeys(deps.db, userId)).map(toApiKey);
}

export async function revokeApiKey(deps: Deps, userId: string, keyId: string): Promise<void> {
  if (await apiKeysQueries.revokeApiKey(deps.db, userId, keyId, deps.clock.now())) return;
  // Revoking an already revoked key of one's own is a no-op; anyone else's key does not exist.
  if (!(await apiKeysQueries.apiKeyExists(deps.db, userId, keyId))) throw new NotFoundError('API key');
}

/** A key as the database keeps it, and as a cache may name it: its SHA-256, never the key itself. */
export function apiKeyHash(key: string): string {
  return sha256(key);
}

export interface VerifiedApiKey {
  user: TUser;
  keyId: string;
  /** What the key may do (api-keys.policy.ts); `grant.scope` is its scope. */
  grant: ApiKeyGrant;
  expiresAt: Date | null;
}

/**
 * Verifies a presented key (the credential of `Authorization: Bearer`): the user behind it, with the key's grant, or
 * null for an unknown, revoked or expired key. Every transport that takes API keys asks this, and only this.
 */
export async function authenticateApiKey(deps: Deps, presented: string): Promise<VerifiedApiKey | null> {
  if (!presented.startsWith(API_KEY_PREFIX) || presented.length > 200) return null;
  const row = await apiKeysQueries.findUserForApiKey(deps.db, apiKeyHash(presented), deps.clock.now());
  if (!row) return null;
  return {
    user: { id: row.id, username: row.username, email: row.email, displayName: row.displayName },
    keyId: row.keyId,
    grant: { scope: row.scope, modules: modulesOf(row.modules), journalText: row.journalText },
    expiresAt: row.expiresAt,
  };
}
