import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import { cleanUpAuthTables, pruneIdempotencyKeys } from './cleanup.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('removes expired refresh tokens and stale throttle counters, and keeps live ones', async () => {
  await setupOwner(server);
  const db = server.database.db;
  await db
    .insertInto('authAttempts')
    .values([
      { key: 'login:user:old', windowStart: new Date(Date.now() - 3 * 86_400_000), count: 3 },
      { key: 'login:user:recent', windowStart: new Date(), count: 1 },
    ])
    .execute();
  const user = await db.selectFrom('users').select('id').executeTakeFirstOrThrow();
  await db
    .insertInto('refreshTokens')
    .values({
      userId: user.id,
      tokenHash: 'expired-token-hash',
      familyId: '00000000-0000-4000-8000-000000000001',
      userAgent: null,
      ip: null,
      expiresAt: new Date(Date.now() - 1000),
    })
    .execute();

  await cleanUpAuthTables({ db, clock: server.clock });

  const keys = (await db.selectFrom('authAttempts').select('key').execute()).map((r) => r.key);
  expect(keys).toContain('login:user:recent');
  expect(keys).not.toContain('login:user:old');
  const hashes = (await db.selectFrom('refreshTokens').select('tokenHash').execute()).map((r) => r.tokenHash);
  expect(hashes).not.toContain('expired-token-hash');
  expect(hashes.length).toBeGreaterThan(0);
});

it('prunes Idempotency-Keys claimed more than 24 hours ago, and keeps newer ones', async () => {
  const db = server.database.db;
  const users = await db.selectFrom('users').select('id').execute();
  if (users.length === 0) await setupOwner(server);
  const user = await db.selectFrom('users').select('id').executeTakeFirstOrThrow();
  const now = server.clock.now().getTime();
  const claimed = (key: string, ageMs: number) => ({
    userId: user.id,
    key,
    path: 'captures.create',
    inputHash: '0'.repeat(64),
    answer: '{"json":{"ok":true}}',
    createdAt: new Date(now - ageMs),
  });
  await db
    .insertInto('idempotencyKeys')
    .values([
      claimed('two-days-old', 48 * 3_600_000),
      claimed('just-over-a-day', 24 * 3_600_000 + 60_000),
      claimed('just-under-a-day', 24 * 3_600_000 - 60_000),
      claimed('fresh', 0),
    ])
    .execute();

  expect(await pruneIdempotencyKeys({ db, clock: server.clock })).toBe(2);

  const keys = (await db.selectFrom('idempotencyKeys').select('key').where('userId', '=', user.id).execute()).map(
    (r) => r.key,
  );
  expect(keys.sort()).toEqual(['fresh', 'just-under-a-day']);
});
