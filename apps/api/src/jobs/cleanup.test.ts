import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import { cleanUpAuthTables } from './cleanup.js';

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
