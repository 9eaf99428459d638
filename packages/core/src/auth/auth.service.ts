import { randomUUID } from 'node:crypto';
import { authQueries, type DB, type Kysely, usersQueries } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { inTransaction } from '../common/transaction.js';
import { NotFoundError, RateLimitedError } from '../errors.js';
import {
  InvalidCredentialsError,
  SessionExpiredError,
  SetupClosedError,
  UserExistsError,
  WrongPasswordError,
} from './auth.errors.js';
import type { PasswordHasher } from './auth.password.js';
import type { TChangePasswordInput, TLoginInput, TSession, TSetupInput, TUser } from './auth.schemas.js';
import {
  randomSecret,
  sha256,
  signAccessToken,
  signDeviceToken,
  type TokenConfig,
  verifyAccessToken,
  verifyDeviceToken,
} from './auth.tokens.js';

/**
 * The login throttle (see `login`). Password changes use the per-pair and per-address limits alone.
 */
export interface ThrottleConfig {
  /** The window of the per-pair and per-address counters. */
  windowSeconds: number;
  /** Attempts per (username, address) pair — and per known device — in a window: a hard limit. */
  maxPerPair: number;
  /** Attempts per address in a window, every username together: generous, for a household behind one NAT. */
  maxPerIp: number;
  /** Attempts per username, from anywhere but a known device, before the backoff starts. */
  backoffAfter: number;
  /** The longest wait the per-username backoff imposes between two attempts, in seconds. */
  backoffMaxSeconds: number;
}

/** The per-username backoff forgets a username after a day without attempts. */
export const LOGIN_BACKOFF_MEMORY_SECONDS = 24 * 60 * 60;

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
  /** The device token the browser holds from an earlier sign-in (login only). */
  deviceToken?: string | null | undefined;
}

export interface IssuedSession {
  user: TUser;
  accessToken: string;
  refreshToken: string;
  refreshExpiresAt: Date;
  sessionId: string;
  /** After a sign-in with the password: a new device token for this browser, which makes it a known device. */
  deviceToken?: string;
}

/**
 * What a refresh gives: a session with a new refresh token, or — for a second use of a token inside the grace
 * period — a new access token only (`refreshToken: null`): a token has at most one successor.
 */
export type RefreshedSession = IssuedSession | (Omit<IssuedSession, 'refreshToken'> & { refreshToken: null });

// ---------- throttling ----------

/** A counter in a fixed window; over `max` the attempt is taken back and refused, so refusals never count. */
async function takeSlot(deps: Pick<AuthDeps, 'db' | 'config'>, key: string, max: number, now: Date) {
  const windowMs = deps.config.throttle.windowSeconds * 1000;
  const { count, windowStart } = await authQueries.recordAttempt(deps.db, key, now, windowMs);
  if (count <= max) return null;
  await authQueries.forgiveAttempt(deps.db, key);
  return Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
}

/**
 * Takes one slot of every limit in order, or none: when one refuses, the slots already taken are given back and
 * the attempt fails with RateLimitedError (429 with Retry-After). Returns the keys taken, to forgive on success.
 */
async function throttle(
  deps: Pick<AuthDeps, 'db' | 'config'>,
  now: Date,
  limits: ({ key: string; max: number } | { backoff: string })[],
): Promise<string[]> {
  const taken: string[] = [];
  for (const limit of limits) {
    const { backoffAfter: after, backoffMaxSeconds: maxSeconds } = deps.config.throttle;
    const retryAfter =
      'backoff' in limit
        ? await authQueries.takeBackoffSlot(deps.db, limit.backoff, now, {
            after,
            maxSeconds,
            memoryMs: LOGIN_BACKOFF_MEMORY_SECONDS * 1000,
          })
        : await takeSlot(deps, limit.key, limit.max, now);
    if (retryAfter !== null) {
      for (const key of taken) await authQueries.forgiveAttempt(deps.db, key);
      throw new RateLimitedError(retryAfter);
    }
    taken.push('backoff' in limit ? limit.backoff : limit.key);
  }
  return taken;
}

const normalizedName = (username: string) => username.trim().toLowerCase();

// ---------- setup and users ----------

export async function getSetupStatus(db: Kysely<DB>, allowSignup: boolean) {
  const users = await usersQueries.countUsers(db);
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
  return inTransaction(deps, async ({ db: trx }) => {
    await usersQueries.lockUserCreation(trx);
    if (options.onlyIfNoUsers && (await usersQueries.countUsers(trx)) > 0) throw new SetupClosedError();
    const conflicts = await usersQueries.findUserConflicts(trx, input.username, input.email);
    if (conflicts.some((c) => c.username.toLowerCase() === input.username.toLowerCase())) {
      throw new UserExistsError('username');
    }
    if (conflicts.length > 0) throw new UserExistsError('email');
    const user = await usersQueries.insertUser(
      trx,
      {
        username: input.username,
        email: input.email,
        displayName: input.displayName ?? input.username,
        passwordHash,
      },
      input.timezone,
    );
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
  const session = await startSession(deps, user, client);
  return { ...session, deviceToken: await signDeviceToken(deps.config, user.id, deps.clock.now()) };
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

/**
 * Signs in with the password, throttled as OWASP and the large sites do, so that an attacker can neither guess
 * fast nor lock the owner out:
 * - per (username, address) pair, a hard limit of `maxPerPair` attempts per window: one address guessing at one
 *   account is stopped, and nobody else is;
 * - per address, a generous `maxPerIp` per window (a household or an office behind one NAT shares it);
 * - per username, from every address together, an exponential backoff instead of a lock: after `backoffAfter`
 *   attempts each next one must wait 1, 2, 4 … seconds (at most `backoffMaxSeconds`) after the previous one, which
 *   caps a distributed attack on one account at a few guesses an hour and never locks the account;
 * - a known device — a browser holding the signed device token that an earlier sign-in as this user gave it — is
 *   exempt from the per-username backoff and the per-address limit: only its own limits (the pair's and the
 *   device token's, `maxPerPair` each) apply, so the owner signs in from their own browser during an attack.
 * Attempts are counted before the password check (concurrent attempts cannot overshoot a limit) and a success
 * takes its counts back. Throttled attempts fail with RateLimitedError (429, Retry-After) before any password
 * check; every other failure is the same InvalidCredentialsError.
 */
export async function login(deps: AuthDeps, input: TLoginInput, client: ClientInfo): Promise<IssuedSession> {
  const now = deps.clock.now();
  const found = await usersQueries.findUserByIdentifier(deps.db, input.identifier);
  // Counted per account, not per spelling: username and email of one user share one budget.
  const name = normalizedName(found?.username ?? input.identifier);
  const device = client.deviceToken ? await verifyDeviceToken(deps.config, client.deviceToken, now) : null;
  const known = device !== null && found !== undefined && device.userId === found.id;
  const { maxPerPair, maxPerIp } = deps.config.throttle;
  const limits: ({ key: string; max: number } | { backoff: string })[] = [
    { key: `login:pair:${name}:${client.ip ?? '-'}`, max: maxPerPair },
  ];
  if (known) limits.push({ key: `login:device:${device.deviceId}`, max: maxPerPair });
  else {
    if (client.ip) limits.push({ key: `login:ip:${client.ip}`, max: maxPerIp });
    limits.push({ backoff: `login:user:${name}` });
  }
  const taken = await throttle(deps, now, limits);
  const ok = await deps.hasher.verify(found?.passwordHash, input.password);
  if (!found || !ok) throw new InvalidCredentialsError();
  for (const key of taken) await authQueries.forgiveAttempt(deps.db, key);
  const user = { id: found.id, username: found.username, email: found.email, displayName: found.displayName };
  const session = await startSession(deps, user, client);
  return { ...session, deviceToken: await signDeviceToken(deps.config, user.id, now) };
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
    const user = await usersQueries.findUserById(deps.db, token.userId);
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
    const issued = await inTransaction(deps, async ({ db: trx }) => {
      if (!(await authQueries.markRefreshTokenRotated(trx, token.id, newId, now))) return false;
      await authQueries.insertRefreshToken(trx, {
        id: newId,
        userId: token.userId,
        familyId: token.familyId,
        tokenHash: sha256(newToken),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        ip: client.ip,
        createdAt: now,
        expiresAt: token.expiresAt,
      });
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
  const user = await usersQueries.findUserById(deps.db, userId);
  if (!user) throw new SessionExpiredError();
  const limits = [{ key: `password:user:${normalizedName(user.username)}`, max: deps.config.throttle.maxPerPair }];
  if (client.ip) limits.push({ key: `password:ip:${client.ip}`, max: deps.config.throttle.maxPerIp });
  await throttle(deps, deps.clock.now(), limits);
  if (!(await deps.hasher.verify(user.passwordHash, input.currentPassword))) throw new WrongPasswordError();
  const passwordHash = await deps.hasher.hash(input.newPassword);
  await inTransaction(deps, async ({ db: trx }) => {
    const now = deps.clock.now();
    await usersQueries.updateUserPasswordHash(trx, userId, passwordHash, now);
    await authQueries.revokeAllFamilies(trx, userId, now, currentSessionId ?? undefined);
  });
}
