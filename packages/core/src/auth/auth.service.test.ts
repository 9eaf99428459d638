import { createDatabase, type Database, migrateToLatest } from '@lifeos/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { RateLimitedError } from '../errors.js';
import { InvalidCredentialsError, SessionExpiredError, SetupClosedError, UserExistsError } from './auth.errors.js';
import { createPasswordHasher, OWASP_ARGON2_MINIMUM } from './auth.password.js';
import * as auth from './auth.service.js';

class FakeClock implements Clock {
  constructor(public current = new Date('2026-01-10T08:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(seconds: number) {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

const client = { ip: '10.0.0.1', userAgent: 'test' };
const owner = { username: 'ada', email: 'ada@example.com', password: 'analytical engine 1843' };

let database: Database;
let deps: auth.AuthDeps & { clock: FakeClock };

beforeAll(async () => {
  database = createDatabase({ dataDir: null });
  await migrateToLatest(database.db);
  deps = {
    db: database.db,
    clock: new FakeClock(),
    hasher: createPasswordHasher(OWASP_ARGON2_MINIMUM),
    config: {
      secretKey: new TextEncoder().encode('k'.repeat(48)),
      issuer: 'lifeos',
      audience: 'lifeos-api',
      accessTtlSeconds: 900,
      refreshTtlSeconds: 7 * 86_400,
      refreshGraceSeconds: 10,
      throttle: { windowSeconds: 900, maxPerPair: 5, maxPerIp: 50, backoffAfter: 8, backoffMaxSeconds: 60 },
    },
  };
  await auth.setup(deps, owner, client, false);
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.db.deleteFrom('authAttempts').execute();
});

describe('setup and users', () => {
  it('refuses a second owner and duplicate usernames or emails', async () => {
    await expect(
      auth.setup(deps, { ...owner, username: 'eve', email: 'eve@example.com' }, client, false),
    ).rejects.toBeInstanceOf(SetupClosedError);
    await expect(auth.createUser(deps, { ...owner, email: 'other@example.com', username: 'ADA' })).rejects.toEqual(
      new UserExistsError('username'),
    );
    await expect(auth.createUser(deps, { ...owner, username: 'ada2' })).rejects.toEqual(new UserExistsError('email'));
  });
});

describe('refresh-token rotation', () => {
  it('rotates, and a rotated token reused after the grace revokes the family', async () => {
    const first = await auth.login(deps, { identifier: 'ada', password: owner.password }, client);
    const second = await auth.refresh(deps, first.refreshToken, client);
    expect(second.sessionId).toBe(first.sessionId);
    deps.clock.advance(11);
    await expect(auth.refresh(deps, first.refreshToken, client)).rejects.toBeInstanceOf(SessionExpiredError);
    // The thief's reuse killed the legitimate holder's newer token too.
    await expect(auth.refresh(deps, second.refreshToken ?? undefined, client)).rejects.toBeInstanceOf(
      SessionExpiredError,
    );
    expect(await auth.authenticateAccessToken(deps, second.accessToken)).toBeNull();
  });

  it('a second use within the grace (two tabs) keeps the session', async () => {
    const first = await auth.login(deps, { identifier: 'ada', password: owner.password }, client);
    const a = await auth.refresh(deps, first.refreshToken, client);
    deps.clock.advance(2);
    const b = await auth.refresh(deps, first.refreshToken, client);
    expect(b.sessionId).toBe(a.sessionId);
    expect(await auth.authenticateAccessToken(deps, a.accessToken)).not.toBeNull();
    expect(await auth.authenticateAccessToken(deps, b.accessToken)).not.toBeNull();
    // The second use gets no refresh token of its own: the first one's successor carries the session on.
    expect(b.refreshToken).toBeNull();
    expect(a.refreshToken).not.toBeNull();
    expect((await auth.refresh(deps, a.refreshToken ?? '', client)).refreshToken).not.toBeNull();
  });

  it('gives a token at most one successor, however many uses inside the grace, concurrent or not', async () => {
    const first = await auth.login(deps, { identifier: 'ada', password: owner.password }, client);
    const concurrent = await Promise.all(
      Array.from({ length: 6 }, () => auth.refresh(deps, first.refreshToken, client)),
    );
    deps.clock.advance(5);
    const later = await auth.refresh(deps, first.refreshToken, client);
    expect([...concurrent, later].filter((r) => r.refreshToken !== null)).toHaveLength(1);
    const family = await database.db
      .selectFrom('refreshTokens')
      .select('id')
      .where('familyId', '=', first.sessionId)
      .execute();
    expect(family).toHaveLength(2);
    for (const r of [...concurrent, later])
      expect(await auth.authenticateAccessToken(deps, r.accessToken)).not.toBeNull();
  });

  it('never extends a login beyond its absolute lifetime', async () => {
    let token: string | null = (await auth.login(deps, { identifier: 'ada', password: owner.password }, client))
      .refreshToken;
    for (let day = 0; day < 6; day++) {
      deps.clock.advance(86_400);
      token = (await auth.refresh(deps, token ?? '', client)).refreshToken;
    }
    deps.clock.advance(86_400);
    await expect(auth.refresh(deps, token ?? '', client)).rejects.toBeInstanceOf(SessionExpiredError);
  });
});

describe('login throttling', () => {
  const wrong = (ip: string, extra: Partial<auth.ClientInfo> = {}) =>
    auth.login(deps, { identifier: 'ada', password: 'wrong password' }, { ...client, ip, ...extra });
  const right = (ip: string, extra: Partial<auth.ClientInfo> = {}) =>
    auth.login(deps, { identifier: 'ada', password: owner.password }, { ...client, ip, ...extra });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (e: unknown) => e,
    );
  beforeEach(() => deps.clock.advance(2 * 86_400)); // every test starts with a forgotten backoff

  it('refuses the sixth attempt of one (username, address) pair, right password too, and nobody else', async () => {
    for (let i = 0; i < 5; i++) await expect(wrong('10.1.0.1')).rejects.toBeInstanceOf(InvalidCredentialsError);
    const limited = await refusal(right('10.1.0.1'));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    expect((limited as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(900);
    // The same account from another address: not locked.
    await expect(right('10.1.0.2')).resolves.toBeDefined();
    deps.clock.advance(901);
    await expect(right('10.1.0.1')).resolves.toBeDefined();
  });

  it('backs off per username across addresses, doubling to the cap, instead of locking', async () => {
    // Eight free attempts from eight addresses (no pair limit reached), then 1, 2, 4 … s between attempts.
    for (let i = 0; i < 8; i++) await expect(wrong(`10.2.0.${i}`)).rejects.toBeInstanceOf(InvalidCredentialsError);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const limited = await refusal(wrong(`10.2.1.${i}`));
      expect(limited).toBeInstanceOf(RateLimitedError);
      const wait = (limited as RateLimitedError).retryAfterSeconds;
      waits.push(wait);
      // Hammering during the wait neither counts nor pushes the slot further.
      expect(((await refusal(wrong(`10.2.2.${i}`))) as RateLimitedError).retryAfterSeconds).toBe(wait);
      deps.clock.advance(wait);
      await expect(wrong(`10.2.3.${i}`)).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    // Not a lock: once the wait is over the owner gets in, from anywhere.
    deps.clock.advance(60);
    await expect(right('10.2.4.1')).resolves.toBeDefined();
  });

  it('a known device skips the backoff (its own limit still applies); a forged token does not', async () => {
    const { deviceToken } = await right('10.3.0.1');
    expect(deviceToken).toBeTruthy();
    for (let i = 0; i < 8; i++) await expect(wrong(`10.3.1.${i}`)).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(await refusal(right('10.3.2.1'))).toBeInstanceOf(RateLimitedError);
    await expect(right('10.3.2.1', { deviceToken })).resolves.toBeDefined();
    // One character changed in the middle (the last ones may only carry padding bits, and "AA" was once the real end).
    const token = deviceToken ?? '';
    const middle = Math.floor(token.length / 2);
    const forged = `${token.slice(0, middle)}${token[middle] === 'A' ? 'B' : 'A'}${token.slice(middle + 1)}`;
    expect(await refusal(right('10.3.2.2', { deviceToken: forged }))).toBeInstanceOf(RateLimitedError);
    // The device's own budget: five failures, wherever they come from.
    for (let i = 0; i < 5; i++) {
      await expect(wrong(`10.3.3.${i}`, { deviceToken })).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    expect(await refusal(right('10.3.3.9', { deviceToken }))).toBeInstanceOf(RateLimitedError);
  });

  it('successful logins do not count against the address or the username', async () => {
    for (let i = 0; i < 60; i++) await right('10.4.0.1');
  });
});
