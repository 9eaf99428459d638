import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  browserClient,
  expectCode,
  keyClient,
  OWNER,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';
import { CallerCache } from './caller-cache.js';
import type { Caller } from './request.js';

const caller = (id: string): Caller => ({
  method: 'apiKey',
  user: { id, username: id, email: `${id}@example.com`, displayName: id },
  keyId: id,
  scope: 'read',
  grant: { scope: 'read', modules: {}, journalText: true },
});

describe('CallerCache', () => {
  it('keeps a caller for its time to live, and never past the credential’s own expiry', () => {
    const cache = new CallerCache(2000);
    cache.set('a', caller('a'), 10_000);
    cache.set('b', caller('b'), 10_000, 10_500);
    expect(cache.get('a', 11_999)?.user.id).toBe('a');
    expect(cache.get('a', 12_000)).toBeUndefined();
    expect(cache.get('b', 10_499)?.user.id).toBe('b');
    expect(cache.get('b', 10_500)).toBeUndefined();
  });

  it('holds a bounded number of callers, forgetting the oldest first', () => {
    const cache = new CallerCache(60_000, 3);
    for (const id of ['a', 'b', 'c', 'd']) cache.set(id, caller(id), 0);
    expect(cache.size).toBe(3);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('d', 1)?.user.id).toBe('d');
  });

  it('keeps nothing with a time to live of 0', () => {
    const cache = new CallerCache(0);
    cache.set('a', caller('a'), 0);
    expect(cache.get('a', 0)).toBeUndefined();
  });
});

describe('cached callers over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Longer than the refresh grace period below, so only an explicit forget can end a cached caller early.
    server = await startTestServer({ env: { CALLER_CACHE_MS: '60000' } });
    await setupOwner(server);
  });
  afterAll(() => server.close());

  const signIn = async () => {
    const browser = browserClient(server);
    await browser.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    return browser;
  };

  it('reuses a checked API key for a moment, then looks it up again', async () => {
    const owner = await signIn();
    const { key, apiKey } = await owner.client.apiKeys.create.mutate({ name: 'cached', scope: 'read' });
    const script = keyClient(server, key);
    expect((await script.auth.me.query()).authMethod).toBe('apiKey');
    // Revoked behind the API's back (another replica, a manual fix): this process still knows the key...
    await server.database.db
      .updateTable('apiKeys')
      .set({ revokedAt: new Date() })
      .where('id', '=', apiKey.id)
      .execute();
    expect((await script.auth.me.query()).authMethod).toBe('apiKey');
    // ...for at most CALLER_CACHE_MS.
    server.clock.advance(60_001);
    await expectCode(script.auth.me.query(), 'UNAUTHORIZED');
  });

  it('a key revoked through the API is refused on the very next request', async () => {
    const owner = await signIn();
    const { key, apiKey } = await owner.client.apiKeys.create.mutate({ name: 'revoked', scope: 'read' });
    const script = keyClient(server, key);
    await script.auth.me.query();
    await owner.client.apiKeys.revoke.mutate({ id: apiKey.id });
    await expectCode(script.auth.me.query(), 'UNAUTHORIZED');
  });

  it('sign-out, a revoked session and a changed password end sessions at once', async () => {
    const leaving = await signIn();
    await leaving.client.auth.me.query();
    const cookie = leaving.jar.header();
    await leaving.client.auth.logout.mutate();
    // The access cookie, replayed right after sign-out.
    const replayed = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { cookie, origin: APP_ORIGIN, 'x-lifeos-csrf': '1' },
    });
    expect(replayed.status).toBe(401);

    const owner = await signIn();
    const victim = await signIn();
    await victim.client.auth.me.query();
    const victimSession = (await victim.client.auth.sessions.list.query()).find((s) => s.current)?.id as string;
    await owner.client.auth.sessions.revoke.mutate({ id: victimSession });
    await expectCode(victim.client.auth.me.query(), 'UNAUTHORIZED');

    const elsewhere = await signIn();
    await elsewhere.client.auth.me.query();
    const changed = `${OWNER.password}!`;
    await owner.client.auth.changePassword.mutate({ currentPassword: OWNER.password, newPassword: changed });
    await expectCode(elsewhere.client.auth.me.query(), 'UNAUTHORIZED');
    expect((await owner.client.auth.me.query()).username).toBe(OWNER.username);
    await owner.client.auth.changePassword.mutate({ currentPassword: changed, newPassword: OWNER.password });
  });

  it('a replayed refresh token ends its session’s access at once', async () => {
    const browser = await signIn();
    await browser.client.auth.me.query();
    const oldRefresh = browser.jar.cookies.get('lifeos_rt') as string;
    await browser.client.auth.refresh.mutate();
    await browser.client.auth.me.query(); // the rotated access token, now cached
    // The stolen copy of the old refresh token comes back after the grace period for racing tabs: the whole session
    // is revoked.
    server.clock.advance(11_000);
    const replay = await fetch(`${server.url}/trpc/auth.refresh`, {
      method: 'POST',
      headers: {
        cookie: `lifeos_rt=${oldRefresh}`,
        origin: APP_ORIGIN,
        'x-lifeos-csrf': '1',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(replay.status).toBe(401);
    await expectCode(browser.client.auth.me.query(), 'UNAUTHORIZED');
  });

  it('a changed display name shows on the very next request', async () => {
    const owner = await signIn();
    expect((await owner.client.auth.me.query()).displayName).not.toBe('Renamed');
    await owner.client.settings.update.mutate({ displayName: 'Renamed' });
    expect((await owner.client.auth.me.query()).displayName).toBe('Renamed');
  });
});
