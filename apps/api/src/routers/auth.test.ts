import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserClient,
  createUser,
  expectCode,
  keyClient,
  OWNER,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('auth', () => {
  it('first run: needs setup, creates the owner, then closes setup', async () => {
    const anonymous = browserClient(server);
    expect(await anonymous.client.auth.setupStatus.query()).toEqual({ needsSetup: true, signupOpen: true });

    const owner = await setupOwner(server);
    const me = await owner.client.auth.me.query();
    expect(me).toMatchObject({
      username: OWNER.username,
      email: OWNER.email,
      displayName: OWNER.username,
      authMethod: 'session',
    });

    expect(await anonymous.client.auth.setupStatus.query()).toEqual({ needsSetup: false, signupOpen: false });
    await expectCode(
      anonymous.client.auth.setup.mutate({
        username: 'intruder',
        email: 'x@example.com',
        password: 'another long password',
      }),
      'FORBIDDEN',
    );
  });

  it('starts a new account in the time zone its browser names, and refuses a zone that does not exist', async () => {
    const open = await startTestServer({ env: { ALLOW_SIGNUP: 'true' } });
    try {
      const berlin = browserClient(open);
      await berlin.client.auth.setup.mutate({
        username: 'berliner',
        email: 'b@example.com',
        password: 'a long enough password',
        timezone: 'Europe/Berlin',
      });
      expect((await berlin.client.settings.get.query()).timezone).toBe('Europe/Berlin');
      const utc = browserClient(open);
      await utc.client.auth.setup.mutate({
        username: 'nozone',
        email: 'n@example.com',
        password: 'a long enough password',
      });
      expect((await utc.client.settings.get.query()).timezone).toBe('UTC');
      await expectCode(
        browserClient(open).client.auth.setup.mutate({
          username: 'mars',
          email: 'm@example.com',
          password: 'a long enough password',
          timezone: 'Mars/Olympus_Mons',
        }),
        'BAD_REQUEST',
      );
    } finally {
      await open.close();
    }
  });

  it('logs in by username (any case) or email, and refuses a wrong password', async () => {
    const browser = browserClient(server);
    const result = await browser.client.auth.login.mutate({ identifier: 'OWNER', password: OWNER.password });
    expect(result.user.username).toBe(OWNER.username);
    const byEmail = browserClient(server);
    await byEmail.client.auth.login.mutate({ identifier: OWNER.email.toUpperCase(), password: OWNER.password });
    expect((await byEmail.client.auth.me.query()).username).toBe(OWNER.username);
    await expectCode(
      browserClient(server).client.auth.login.mutate({ identifier: 'owner', password: 'wrong password!' }),
      'UNAUTHORIZED',
    );
  });

  it('sets httpOnly cookies with the right SameSite', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://lifeos.test', 'x-lifeos-csrf': '1' },
      body: JSON.stringify({ json: { identifier: OWNER.username, password: OWNER.password } }),
    });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    const access = cookies.find((c) => c.startsWith('lifeos_at='));
    const refresh = cookies.find((c) => c.startsWith('lifeos_rt='));
    expect(access).toMatch(/HttpOnly/i);
    expect(access).toMatch(/SameSite=Lax/i);
    expect(refresh).toMatch(/HttpOnly/i);
    expect(refresh).toMatch(/SameSite=Strict/i);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refresh rotates the refresh token and keeps the session', async () => {
    const browser = await browserClient(server);
    await browser.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    const before = browser.jar.cookies.get('lifeos_rt');
    await browser.client.auth.refresh.mutate();
    const after = browser.jar.cookies.get('lifeos_rt');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect((await browser.client.auth.me.query()).username).toBe(OWNER.username);
  });

  it('logout ends the session; sessions list and revoke', async () => {
    const a = browserClient(server, { userAgent: 'device-a' });
    await a.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    const b = browserClient(server, { userAgent: 'device-b' });
    await b.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });

    const sessions = await a.client.auth.sessions.list.query();
    const current = sessions.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]?.userAgent).toBe('device-a');
    expect(current[0]?.createdAt).toBeInstanceOf(Date);
    const other = sessions.find((s) => s.userAgent === 'device-b');
    expect(other).toBeDefined();

    await a.client.auth.sessions.revoke.mutate({ id: other?.id as string });
    await expectCode(b.client.auth.me.query(), 'UNAUTHORIZED');

    await a.client.auth.logout.mutate();
    await expectCode(a.client.auth.me.query(), 'UNAUTHORIZED');
  });

  it('the sessions list shows neither expired nor signed-out sessions', async () => {
    const user = { username: 'sessionlister', email: 'lister@example.com', password: 'lister long password' };
    await createUser(server, user);
    const signIn = async (userAgent: string) => {
      const b = browserClient(server, { userAgent });
      await b.client.auth.login.mutate({ identifier: user.username, password: user.password });
      return b;
    };
    await signIn('expires-first');
    const refreshed = await signIn('refreshed-then-expires');
    server.clock.advance(6 * DAY);
    await refreshed.client.auth.refresh.mutate();
    const signedOut = await signIn('signed-out');
    await signedOut.client.auth.logout.mutate();
    server.clock.advance(DAY + MINUTE);
    const current = await signIn('current');
    const agents = (await current.client.auth.sessions.list.query()).map((s) => s.userAgent);
    expect(agents).toEqual(['current']);
  });

  it('API keys: created once, listed by prefix, scoped, revocable', async () => {
    const owner = browserClient(server);
    await owner.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    const { key, apiKey } = await owner.client.apiKeys.create.mutate({ name: 'script', scope: 'write' });
    expect(key).toMatch(/^lifeos_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const listed = await owner.client.apiKeys.list.query();
    expect(listed.find((k) => k.id === apiKey.id)).toMatchObject({ name: 'script', scope: 'write', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key);

    const script = keyClient(server, key);
    expect(await script.auth.me.query()).toMatchObject({
      username: OWNER.username,
      authMethod: 'apiKey',
      scope: 'write',
    });
    await script.settings.update.mutate({ theme: 'dark' });
    // Keys cannot manage credentials.
    await expectCode(script.apiKeys.create.mutate({ name: 'escalate', scope: 'write' }), 'FORBIDDEN');

    await owner.client.apiKeys.revoke.mutate({ id: apiKey.id });
    await expectCode(script.auth.me.query(), 'UNAUTHORIZED');
  });

  it('keeps the dashboard cards chosen, in order, each once; null goes back to all', async () => {
    const owner = browserClient(server);
    await owner.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    expect((await owner.client.settings.get.query()).dashboardCards).toContain('journal');
    const chosen = await owner.client.settings.update.mutate({ dashboardCards: ['fitness', 'agenda'] });
    expect(chosen.dashboardCards).toEqual(['fitness', 'agenda']);
    await expectCode(owner.client.settings.update.mutate({ dashboardCards: ['agenda', 'agenda'] }), 'BAD_REQUEST');
    await expectCode(
      owner.client.settings.update.mutate({ dashboardCards: ['agenda', 'weather'] as unknown as ['agenda'] }),
      'BAD_REQUEST',
    );
    expect((await owner.client.settings.get.query()).dashboardCards).toEqual(['fitness', 'agenda']);
    const reset = await owner.client.settings.update.mutate({ dashboardCards: null });
    expect(reset.dashboardCards.length).toBeGreaterThan(5);
    expect(reset.dashboardCards[0]).toBe('journal');
  });

  it('dates cross the wire as Date, through the typed client', async () => {
    const owner = browserClient(server);
    await owner.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    const expiresAt = new Date(Date.now() + 30 * 86_400_000);
    const { key, apiKey } = await owner.client.apiKeys.create.mutate({ name: 'expiring', scope: 'read', expiresAt });
    expect(apiKey.expiresAt).toBeInstanceOf(Date);
    expect(apiKey.expiresAt?.getTime()).toBe(expiresAt.getTime());
    expect(apiKey.createdAt).toBeInstanceOf(Date);
    await expectCode(
      owner.client.apiKeys.create.mutate({ name: 'past', scope: 'read', expiresAt: new Date(Date.now() - 1000) }),
      'BAD_REQUEST',
    );
    expect((await keyClient(server, key).auth.me.query()).scope).toBe('read');
  });

  it('another user cannot see or revoke my keys or sessions', async () => {
    const owner = browserClient(server);
    await owner.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    const { apiKey } = await owner.client.apiKeys.create.mutate({ name: 'mine', scope: 'read' });
    const [mySession] = await owner.client.auth.sessions.list.query();

    const mallory = await createUser(server, {
      username: 'mallory',
      email: 'mallory@example.com',
      password: 'mallory password 123',
    });
    expect(await mallory.client.apiKeys.list.query()).toEqual([]);
    const taken = (await expectCode(mallory.client.settings.update.mutate({ email: OWNER.email }), 'CONFLICT')) as {
      data?: { fieldErrors?: Record<string, string[]> };
    };
    expect(taken.data?.fieldErrors?.email).toEqual(['That email is already registered']);
    await expectCode(mallory.client.apiKeys.revoke.mutate({ id: apiKey.id }), 'NOT_FOUND');
    await expectCode(mallory.client.auth.sessions.revoke.mutate({ id: mySession?.id as string }), 'NOT_FOUND');
    expect((await owner.client.apiKeys.list.query()).find((k) => k.id === apiKey.id)?.revokedAt).toBeNull();
  });

  it('change password: needs the current one, signs out every other session, keeps this one', async () => {
    const here = browserClient(server);
    await here.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    const elsewhere = browserClient(server);
    await elsewhere.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });

    const wrong = (await expectCode(
      here.client.auth.changePassword.mutate({
        currentPassword: 'not my password',
        newPassword: 'a brand new passphrase',
      }),
      'FORBIDDEN',
    )) as { data?: { fieldErrors?: Record<string, string[]> } };
    expect(wrong.data?.fieldErrors?.currentPassword).toEqual(['Current password is incorrect']);
    await expectCode(
      here.client.auth.changePassword.mutate({ currentPassword: OWNER.password, newPassword: 'short' }),
      'BAD_REQUEST',
    );
    await here.client.auth.changePassword.mutate({
      currentPassword: OWNER.password,
      newPassword: 'a brand new passphrase',
    });
    expect((await here.client.auth.me.query()).username).toBe(OWNER.username);
    await expectCode(elsewhere.client.auth.me.query(), 'UNAUTHORIZED');
    await expectCode(
      browserClient(server).client.auth.login.mutate({ identifier: 'owner', password: OWNER.password }),
      'UNAUTHORIZED',
    );
    await browserClient(server).client.auth.login.mutate({ identifier: 'owner', password: 'a brand new passphrase' });
  });
});

describe('sign-up with ALLOW_SIGNUP', () => {
  it('stays open after the owner exists, and each new account is its own user', async () => {
    const open = await startTestServer({ env: { ALLOW_SIGNUP: 'true' } });
    try {
      await setupOwner(open);
      const visitor = browserClient(open);
      expect(await visitor.client.auth.setupStatus.query()).toEqual({ needsSetup: false, signupOpen: true });
      await visitor.client.auth.setup.mutate({
        username: 'grace',
        email: 'grace@example.com',
        password: 'compiler pioneer 1952',
      });
      expect((await visitor.client.auth.me.query()).username).toBe('grace');
      const dup = (await expectCode(
        browserClient(open).client.auth.setup.mutate({
          username: 'Grace',
          email: 'g2@example.com',
          password: 'another long passphrase',
        }),
        'CONFLICT',
      )) as { data?: { fieldErrors?: Record<string, string[]> } };
      expect(dup.data?.fieldErrors?.username).toEqual(['That username is taken']);
    } finally {
      await open.close();
    }
  });
});
