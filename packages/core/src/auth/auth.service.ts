import { randomUUID } from 'node:crypto';
import { authQueries, type DB, type Kysely, sql, userQueries } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { NotFoundError, RateLimitedError } from '../errors.js';
import {
  InvalidCredentialsError,
  SessionExpiredError,
  SetupClosedError,
  UserExistsError,
  WrongPasswordError,
} from './auth.errors.js';
import type { TChangePasswordInput, TLoginInput, TSession, TSetupInput, TUser } from './auth.schemas.js';
import type { PasswordHasher } from './password.js';
import { randomSecret, sha256, signAccessToken, type TokenConfig, verifyAccessToken } from './tokens.js';

export interface ThrottleConfig {
  windowSeconds: number;
  maxPerUsername: number;
  maxPerIp: number;
}

export interface AuthConfig extends TokenConfig {
  /** Absolute lifetime of a login; refreshing does not extend it. */
  refreshTtlSeconds: number;
  /** Two refreshes of the same token within this many seconds are a race, not a theft. */
  refreshGraceSeconds: number;
  throttle: ThrottleConfig;
}

export interface AuthDeps {
  db: Kysely<DB>;
  clock: Clock;
  config: AuthConfig;
  hasher: PasswordHasher;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedSession {
  user: TUser;
  accessToken: string;
  refreshToken: string;
  refreshExpiresAt: Date;
  sessionId: string;
}

/**
 * What a refresh gives: a session with a new refresh token, or — for a second use of a token inside the grace
 * period — a new access token only (`refreshToken: null`): a token has at most one successor.
 */
export type RefreshedSession = IssuedSession | (Omit<IssuedSession, 'refreshToken'> & { refreshToken: null });

// ---------- throttling ----------

async function throttle(deps: AuthDeps, keys: { key: string; max: number }[]): Promise<void> {
  const now = deps.clock.now();
  const windowMs = deps.config.throttle.windowSeconds * 1000;
  for (const { key, max } of keys) {
    const { count, windowStart } = await authQueries.recordAttempt(deps.db, key, now, windowMs);
    if (count > max) {
      const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
      throw new RateLimitedError(retryAfter);
    }
  }
}

function throttleKeys(deps: AuthDeps, action: string, username: string, ip: string | null) {
  const keys = [{ key: `${action}:user:${username.trim().toLowerCase()}`, max: deps.config.throttle.maxPerUsername }];
  if (ip) keys.push({ key: `${action}:ip:${ip}`, max: deps.config.throttle.maxPerIp });
  return keys;
}

// ---------- setup and users ----------

export async function getSetupStatus(db: Kysely<DB>, allowSignup: boolean) {
  const users = await userQueries.countUsers(db);
  return { needsSetup: users === 0, signupOpen: users === 0 || allowSignup };
}

/**
 * Creates a user after checking username and email are free. Shared by first-run setup, sign-up and the CLI.
 * With `onlyIfNoUsers`, it refuses once any user exists; a transaction-scoped advisory lock makes two racing
 * first-run requests create exactly one owner.
 */
export async function createUser(
  deps: Pick<AuthDeps, 'db' | 'hasher'>,
  input: TSetupInput,
  options: { onlyIfNoUsers?: boolean } = {},
): Promise<TUser> {
  const passwordHash = await deps.hasher.hash(input.password);
  return deps.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('lifeos.create_user'))`.execute(trx);
    if (options.onlyIfNoUsers && (await userQueries.countUsers(trx)) > 0) throw new SetupClosedError();
    const conflicts = await userQueries.findUserConflicts(trx, input.username, input.email);
    if (conflicts.some((c) => c.username.toLowerCase() === input.username.toLowerCase())) {
      throw new UserExistsError('username');
    }
    if (conflicts.length > 0) throw new UserExistsError('email');
    const user = await userQueries.insertUser(trx, {
      username: input.username,
      email: input.email,
      displayName: input.displayName ?? input.username,
      passwordHash,
    });
    return { id: user.id, username: user.username, email: user.email, displayName: user.displayName };
  });
}

/** First-run: creates the owner account and signs them in. Refused once a user exists, unless sign-up is open. */
export async function setup(
  deps: AuthDeps,
  input: TSetupInput,
  client: ClientInfo,
  allowSignup: boolean,
): Promise<IssuedSession> {
  // Checked before hashing too (the locked check in createUser settles races): otherwise every refused call would
  // still cost an argon2 hash, an unthrottled way to starve logins.
  if (!allowSignup && !(await getSetupStatus(deps.db, allowSignup)).needsSetup) throw new SetupClosedError();
  const user = await createUser(deps, input, { onlyIfNoUsers: !allowSignup });
  return startSession(deps, user, client);
}

// ---------- sessions ----------

async function startSession(deps: AuthDeps, user: TUser, client: ClientInfo): Promise<IssuedSession> {
  const now = deps.clock.now();
  const familyId = randomUUID();
  const refreshToken = randomSecret();
  const refreshExpiresAt = new Date(now.getTime() + deps.config.refreshTtlSeconds * 1000);
  await authQueries.insertRefreshToken(deps.db, {
    userId: user.id,
    familyId,
    tokenHash: sha256(refreshToken),
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    ip: client.ip,
    createdAt: now,
    expiresAt: refreshExpiresAt,
  });
  const accessToken = await signAccessToken(deps.config, { userId: user.id, sessionId: familyId }, now);
  return { user, accessToken, refreshToken, refreshExpiresAt, sessionId: familyId };
}

export async function login(deps: AuthDeps, input: TLoginInput, client: ClientInfo): Promise<IssuedSession> {
  const found = await userQueries.findUserByIdentifier(deps.db, input.identifier);
  // Counted per account, not per spelling: username and email of one user share one budget.
  const keys = throttleKeys(deps, 'login', found?.username ?? input.identifier, client.ip);
  await throttle(deps, keys);
  const ok = await deps.hasher.verify(found?.passwordHash, input.password);
  if (!found || !ok) throw new InvalidCredentialsError();
  // A successful login clears the username's failures; the address keeps counting only failures.
  await authQueries.clearAttempts(deps.db, keys[0]?.key ?? '');
  if (keys[1]) await authQueries.forgiveAttempt(deps.db, keys[1].key);
  const user = { id: found.id, username: found.username, email: found.email, displayName: found.displayName };
  return startSession(deps, user, client);
}

/**
 * Rotates a refresh token. A token presented again after it was rotated means it leaked: the whole family is
 * revoked — unless the second use comes within the grace period, which is two tabs refreshing at once.
 *
 * A token has at most one successor, whatever the number of uses inside the grace: only the use that rotates it
 * (one conditional update decides, also between concurrent requests) gets a new refresh token; a use inside the
 * grace gets a new access token of the same session and no refresh token. A browser's tabs share one cookie jar,
 * so the tab that lost the race keeps the successor the winning tab stored and stays signed in; a replayed token
 * inside the grace yields only access tokens of 15 minutes that end with the session, never a session of its own.
 */
export async function refresh(
  deps: AuthDeps,
  rawToken: string | undefined,
  client: ClientInfo,
): Promise<RefreshedSession> {
  if (!rawToken) throw new SessionExpiredError();
  const now = deps.clock.now();
  const token = await authQueries.findRefreshTokenByHash(deps.db, sha256(rawToken));
  if (!token || token.revokedAt || token.expiresAt.getTime() <= now.getTime()) throw new SessionExpiredError();

  const accessFor = async () => {
    const user = await userQueries.findUserById(deps.db, token.userId);
    if (!user) throw new SessionExpiredError();
    const accessToken = await signAccessToken(deps.config, { userId: user.id, sessionId: token.familyId }, now);
    return {
      user: { id: user.id, username: user.username, email: user.email, displayName: user.displayName },
      accessToken,
      refreshExpiresAt: token.expiresAt,
      sessionId: token.familyId,
    };
  };

  const rotate = async (): Promise<IssuedSession | 'raced'> => {
    const newId = randomUUID();
    const newToken = randomSecret();
    const issued = await deps.db.transaction().execute(async (trx) => {
      if (!(await authQueries.markRefreshTokenRotated(trx, token.id, newId, now))) return false;
      await trx
        .insertInto('refreshTokens')
        .values({
          id: newId,
          userId: token.userId,
          familyId: token.familyId,
          tokenHash: sha256(newToken),
          userAgent: client.userAgent?.slice(0, 512) ?? null,
          ip: client.ip,
          createdAt: now,
          expiresAt: token.expiresAt,
        })
        .execute();
      return true;
    });
    if (!issued) return 'raced';
    return { ...(await accessFor()), refreshToken: newToken };
  };

  if (!token.replacedBy) {
    const result = await rotate();
    if (result !== 'raced') return result;
  }
  // Already rotated (now or a moment ago by a parallel request).
  const current = await authQueries.findRefreshTokenByHash(deps.db, sha256(rawToken));
  const rotatedAt = current?.lastUsedAt?.getTime() ?? 0;
  if (current && !current.revokedAt && now.getTime() - rotatedAt <= deps.config.refreshGraceSeconds * 1000) {
    return { ...(await accessFor()), refreshToken: null };
  }
  await authQueries.revokeFamily(deps.db, token.userId, token.familyId, now);
  throw new SessionExpiredError();
}

/** The user behind an access token, if its session is still live. */
export async function authenticateAccessToken(deps: Pick<AuthDeps, 'db' | 'clock' | 'config'>, token: string) {
  const now = deps.clock.now();
  const claims = await verifyAccessToken(deps.config, token, now);
  if (!claims) return null;
  const user = await authQueries.findUserForSession(deps.db, claims.userId, claims.sessionId, now);
  return user ? { user, sessionId: claims.sessionId, expiresAt: claims.expiresAt } : null;
}

/** Ends the session behind the access token and/or the refresh token (whichever is still readable). */
export async function logout(
  deps: AuthDeps,
  tokens: { accessToken?: string | undefined; refreshToken?: string | undefined },
) {
  const now = deps.clock.now();
  if (tokens.accessToken) {
    const claims = await verifyAccessToken(deps.config, tokens.accessToken, now);
    if (claims) await authQueries.revokeFamily(deps.db, claims.userId, claims.sessionId, now);
  }
  if (tokens.refreshToken) {
    const row = await authQueries.findRefreshTokenByHash(deps.db, sha256(tokens.refreshToken));
    if (row) await authQueries.revokeFamily(deps.db, row.userId, row.familyId, now);
  }
}

export async function logoutAll(deps: Pick<AuthDeps, 'db' | 'clock'>, userId: string) {
  await authQueries.revokeAllFamilies(deps.db, userId, deps.clock.now());
}

export async function listSessions(
  deps: Pick<AuthDeps, 'db' | 'clock'>,
  userId: string,
  currentSessionId: string | null,
): Promise<TSession[]> {
  const rows = await authQueries.listSessions(deps.db, userId, deps.clock.now());
  return rows.map((r) => ({
    id: r.familyId,
    createdAt: new Date(r.createdAt),
    lastUsedAt: new Date(r.lastUsedAt),
    expiresAt: new Date(r.expiresAt),
    userAgent: r.userAgent,
    ip: r.ip,
    current: r.familyId === currentSessionId,
  }));
}

export async function revokeSession(deps: Pick<AuthDeps, 'db' | 'clock'>, userId: string, sessionId: string) {
  const revoked = await authQueries.revokeFamily(deps.db, userId, sessionId, deps.clock.now());
  if (revoked === 0) throw new NotFoundError('Session');
}

/** Changes the password and ends every other session (ASVS 7.4.3). Throttled like login. */
export async function changePassword(
  deps: AuthDeps,
  userId: string,
  currentSessionId: string | null,
  input: TChangePasswordInput,
  client: ClientInfo,
) {
  const user = await userQueries.findUserById(deps.db, userId);
  if (!user) throw new SessionExpiredError();
  await throttle(deps, throttleKeys(deps, 'password', user.username, client.ip));
  if (!(await deps.hasher.verify(user.passwordHash, input.currentPassword))) throw new WrongPasswordError();
  const passwordHash = await deps.hasher.hash(input.newPassword);
  await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    await userQueries.updateUserPasswordHash(trx, userId, passwordHash, now);
    await authQueries.revokeAllFamilies(trx, userId, now, currentSessionId ?? undefined);
  });
}
