/**
 * The attack matrix (DESIGN.md §4, OWASP ASVS 5.0): each test tries one way in over real HTTP and would fail if
 * its protection broke. Every password, token and key the file uses is collected on the way; the last tests search
 * the databases and the server logs for them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { authService, createPasswordHasher, sha256 } from '@lifeos/core/server';
import { sql } from '@lifeos/db';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  type BrowserClient,
  browserClient,
  expectCode,
  keyClient,
  OWNER,
  startTestServer,
  type TestServer,
} from './harness.js';
import { type CallOptions, type CallResult, call, PAGE_HEADERS } from './raw-trpc.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const EVIL_ORIGIN = 'http://evil.example';

// ---------- every secret the file handles, for the final log and database checks ----------

const secrets = new Set<string>();
const servers: TestServer[] = [];

function remember(...values: (string | null | undefined)[]) {
  for (const value of values) {
    if (value && value.length < 10) throw new Error(`"${value}" is too short to search for as a secret`);
    if (value) secrets.add(value);
  }
}

/** name → value of the cookies a response sets (cleared cookies have an empty value). */
function setCookies(response: { headers: Headers }): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    cookies.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()));
  }
  return cookies;
}

/** The credential cookies (other cookies, such as the page-readable session flag, are no secret). */
function rememberCookies(response: Response) {
  for (const [name, value] of setCookies(response)) if (/lifeos_(at|rt|device)$/.test(name)) remember(value);
}

const capturingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  rememberCookies(response);
  return response;
};

async function start(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startTestServer({ env });
  servers.push(server);
  remember(new TextDecoder().decode(server.config.auth.secretKey));
  return server;
}

/** The harness's browser, whose every cookie is remembered. */
function browser(server: TestServer, options?: Parameters<typeof browserClient>[1]): BrowserClient {
  const b = browserClient(server, options);
  const store = b.jar.store.bind(b.jar);
  b.jar.store = (response) => {
    rememberCookies(response);
    store(response);
  };
  return b;
}

async function newUser(server: TestServer, name: string) {
  const user = { username: name, email: `${name}@example.com`, password: `${name}'s long and private passphrase` };
  remember(user.password);
  const hasher = createPasswordHasher(server.config.argon2);
  const created = await authService.createUser({ db: server.database.db, hasher }, user);
  return { ...user, id: created.id };
}

async function signIn(
  server: TestServer,
  user: { username: string; password: string },
  options?: Parameters<typeof browserClient>[1],
) {
  const b = browser(server, options);
  await b.client.auth.login.mutate({ identifier: user.username, password: user.password });
  return b;
}

function cookie(b: BrowserClient, name: string): string {
  const value = b.jar.cookies.get(name);
  if (!value) throw new Error(`the browser holds no ${name} cookie`);
  return value;
}

const rawCall = (server: TestServer, path: string, options: CallOptions) =>
  call(server.url, path, { fetch: capturingFetch, ...options });

function pageHeadersWith(cookies: Record<string, string>, extra: Record<string, string> = {}) {
  const cookieHeader = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
  return { ...PAGE_HEADERS, cookie: cookieHeader, ...extra };
}

/** auth.me with nothing but this access token, sent as our own page would send it. */
const meWithAccessToken = (server: TestServer, token: string, name = 'lifeos_at') =>
  rawCall(server, 'auth.me', { type: 'query', headers: pageHeadersWith({ [name]: token }) });

/** auth.refresh with nothing but this refresh token. */
const refreshWith = (server: TestServer, refreshToken: string) =>
  rawCall(server, 'auth.refresh', { type: 'mutation', headers: pageHeadersWith({ lifeos_rt: refreshToken }) });

async function rawLogin(
  server: TestServer,
  identifier: string,
  password: string,
  headers: Record<string, string> = {},
) {
  remember(password);
  return rawCall(server, 'auth.login', {
    type: 'mutation',
    input: { identifier, password },
    headers: { ...PAGE_HEADERS, ...headers },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function countCodes(results: CallResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.code ?? `HTTP ${r.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

// ---------- JWT tools ----------

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodePart = (token: string, index: number) =>
  JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString()) as Record<string, unknown>;

/** Signs an access token; every field defaults to what the server itself would issue. */
async function forge(
  server: TestServer,
  claims: Record<string, unknown>,
  options: {
    key?: Uint8Array;
    alg?: string;
    typ?: string | null;
    iss?: string | null;
    aud?: string | null;
    exp?: number;
  } = {},
): Promise<string> {
  const iat = Math.floor(server.clock.now().getTime() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({
      alg: options.alg ?? 'HS256',
      ...(options.typ === null ? {} : { typ: options.typ ?? 'at+jwt' }),
    })
    .setIssuedAt(iat)
    .setExpirationTime(options.exp ?? iat + 15 * 60);
  if (options.iss !== null) jwt.setIssuer(options.iss ?? 'lifeos');
  if (options.aud !== null) jwt.setAudience(options.aud ?? 'lifeos-api');
  const token = await jwt.sign(options.key ?? server.config.auth.secretKey);
  remember(token);
  return token;
}

// ---------- the main server ----------

/** Default per-account login limit (5); the per-address limit is raised so this file's own failures never trip it. */
let server: TestServer;

beforeAll(async () => {
  server = await start({ LOGIN_MAX_PER_IP: '10000' });
  remember(OWNER.password);
  await browser(server).client.auth.setup.mutate(OWNER);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('sign-in', () => {
  it('answers a wrong password and an unknown user alike, in about the same time', async () => {
    const s = await start({ LOGIN_MAX_PER_PAIR: '10000', LOGIN_BACKOFF_AFTER: '10000', LOGIN_MAX_PER_IP: '10000' });
    const alice = await newUser(s, 'alice');
    const attempt = async (identifier: string, password: string) => {
      remember(password);
      const started = performance.now();
      const response = await fetch(`${s.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...PAGE_HEADERS },
        body: JSON.stringify({ json: { identifier, password } }),
      });
      const body: unknown = await response.json();
      const ms = performance.now() - started;
      return { ms, status: response.status, body, headerNames: [...response.headers.keys()].sort() };
    };
    // Warm both paths up (the first unknown user also derives the dummy hash).
    for (let i = 0; i < 2; i++) {
      await attempt(alice.username, `warm-up wrong password ${i}`);
      await attempt(`warm-up-nobody-${i}`, `warm-up wrong password ${i}`);
    }
    const wrongPassword = [];
    const unknownUser = [];
    for (let i = 0; i < 8; i++) {
      const password = `certainly not the password #${i}`;
      wrongPassword.push(await attempt(i % 2 ? alice.email : alice.username, password));
      unknownUser.push(await attempt(i % 2 ? `ghost${i}@example.com` : `ghost${i}`, password));
    }
    const reference = wrongPassword[0];
    expect(reference?.body).toMatchObject({ error: { json: { data: { code: 'UNAUTHORIZED', path: 'auth.login' } } } });
    for (const r of [...wrongPassword, ...unknownUser]) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual(reference?.body);
      expect(r.headerNames).toEqual(reference?.headerNames);
      expect(r.headerNames).not.toContain('set-cookie');
    }
    // Skipping argon2 for unknown users would make them >10× faster.
    const ratio = median(unknownUser.map((r) => r.ms)) / median(wrongPassword.map((r) => r.ms));
    expect(ratio, `unknown-user / wrong-password median latency ratio ${ratio.toFixed(2)}`).toBeGreaterThan(0.5);
    expect(ratio, `unknown-user / wrong-password median latency ratio ${ratio.toFixed(2)}`).toBeLessThan(2);
  });

  it('refuses the 11th rapid attempt of one address at one account with 429 and Retry-After, right password too', async () => {
    const tina = await newUser(server, 'tina');
    for (let i = 1; i <= 10; i++) {
      expect((await rawLogin(server, tina.username, `tina wrong guess number ${i}`)).code).toBe('UNAUTHORIZED');
    }
    const limited = await rawLogin(server, tina.username, 'tina wrong guess number 11');
    expect(limited.status).toBe(429);
    expect(limited.code).toBe('TOO_MANY_REQUESTS');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // What the sign-in page shows.
    expect(limited.message).toBe(`Too many attempts — try again in ${Math.ceil(retryAfter / 60)} min.`);
    // The limit holds for the right password too (no oracle), by email as well, until the window ends.
    expect((await rawLogin(server, tina.username, tina.password)).code).toBe('TOO_MANY_REQUESTS');
    expect((await rawLogin(server, tina.email.toUpperCase(), tina.password)).code).toBe('TOO_MANY_REQUESTS');
    server.clock.advance(15 * MINUTE + 1000);
    expect((await rawLogin(server, tina.username, tina.password)).status).toBe(200);
  });

  it('counts username and email of one account against one budget', async () => {
    const uma = await newUser(server, 'uma');
    const spellings = [uma.username, uma.email, uma.username.toUpperCase(), ` ${uma.email.toUpperCase()} `, uma.email];
    for (const [i, identifier] of [...spellings, ...spellings].entries()) {
      expect((await rawLogin(server, identifier, `uma wrong guess number ${i}`)).code).toBe('UNAUTHORIZED');
    }
    expect((await rawLogin(server, uma.email, 'uma wrong guess number 11')).code).toBe('TOO_MANY_REQUESTS');
    expect((await rawLogin(server, uma.username, 'uma wrong guess number 12')).code).toBe('TOO_MANY_REQUESTS');
  });

  it('lets exactly 10 of 16 concurrent attempts at the limit reach the password check', async () => {
    const vera = await newUser(server, 'vera');
    for (const identifier of ['fresh-username-burst', vera.username]) {
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => rawLogin(server, identifier, `concurrent wrong password ${i}`)),
      );
      expect(countCodes(results), identifier).toEqual({ UNAUTHORIZED: 10, TOO_MANY_REQUESTS: 6 });
    }
  });

  it('does not let a spoofed X-Forwarded-For escape the limits or reach the stored address', async () => {
    const spoof = (i: number) => ({
      'x-forwarded-for': `203.0.113.${i}`,
      'x-real-ip': `203.0.113.${i}`,
      forwarded: `for=203.0.113.${i}`,
    });
    // Per account: a new address each time does not reset the count.
    const xena = await newUser(server, 'xena');
    for (let i = 1; i <= 10; i++) {
      expect((await rawLogin(server, xena.username, `xena wrong guess ${i}`, spoof(i))).code).toBe('UNAUTHORIZED');
    }
    expect((await rawLogin(server, xena.username, 'xena wrong guess 11', spoof(11))).code).toBe('TOO_MANY_REQUESTS');

    // Per address: a server with a low per-address limit; a new username and a new spoofed address each time.
    const strict = await start({ LOGIN_MAX_PER_IP: '8', LOGIN_BACKOFF_AFTER: '1000' });
    for (let i = 1; i <= 8; i++) {
      expect((await rawLogin(strict, `sprayed-user-${i}`, 'password spraying attempt', spoof(i))).code).toBe(
        'UNAUTHORIZED',
      );
    }
    const sprayed = await rawLogin(strict, 'sprayed-user-9', 'password spraying attempt', spoof(9));
    expect(sprayed.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(sprayed.headers.get('retry-after'))).toBeGreaterThan(0);

    // The session records the socket address, not the spoofed one.
    const yuri = await newUser(server, 'yuri');
    const b = await signIn(server, yuri, { userAgent: 'spoofing-agent' });
    const login = await rawLogin(server, yuri.username, yuri.password, spoof(77));
    expect(login.status).toBe(200);
    const sessions = await b.client.auth.sessions.list.query();
    expect(sessions).toHaveLength(2);
    for (const session of sessions) {
      expect(session.ip).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    }
    for (const s of [server, strict]) {
      const { rows } = await sql<{ ip: string | null; key: string | null }>`
        select ip, null as key from refresh_tokens union all select null, key from auth_attempts`.execute(
        s.database.db,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(JSON.stringify(row)).not.toContain('203.0.113');
    }
  });
});

describe('the login throttle, from several addresses (behind a trusted proxy)', () => {
  let proxied: TestServer;
  const from = (ip: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...extra });
  const deviceCookie = (result: CallResult) => setCookies(result).get('lifeos_device') ?? '';
  beforeAll(async () => {
    proxied = await start({ TRUST_PROXY: 'true' });
  });

  it('an attacker at one address cannot lock the owner out at another', async () => {
    const olga = await newUser(proxied, 'olga');
    for (let i = 1; i <= 10; i++) {
      expect((await rawLogin(proxied, olga.username, `attacker guess ${i}`, from('198.51.100.7'))).code).toBe(
        'UNAUTHORIZED',
      );
    }
    expect((await rawLogin(proxied, olga.username, 'attacker guess 11', from('198.51.100.7'))).status).toBe(429);
    // The owner, from her own address, on a browser the server has never seen: straight in.
    expect((await rawLogin(proxied, olga.username, olga.password, from('203.0.113.5'))).status).toBe(200);
  });

  it('a household behind one address is not locked by one member’s typos', async () => {
    const [hugo, hanna] = [await newUser(proxied, 'hugo'), await newUser(proxied, 'hanna')];
    for (let i = 1; i <= 10; i++) {
      expect((await rawLogin(proxied, hugo.username, `hugo typo ${i}`, from('192.0.2.80'))).code).toBe('UNAUTHORIZED');
    }
    expect((await rawLogin(proxied, hugo.username, hugo.password, from('192.0.2.80'))).status).toBe(429);
    expect((await rawLogin(proxied, hanna.username, hanna.password, from('192.0.2.80'))).status).toBe(200);
    // Nor by the whole household's: the address allows 100 attempts per window.
    for (let i = 0; i < 8; i++) {
      const member = await newUser(proxied, `member${i}`);
      for (let j = 0; j < 9; j++)
        await rawLogin(proxied, member.username, `typo ${j} of member ${i}`, from('192.0.2.80'));
      expect((await rawLogin(proxied, member.username, member.password, from('192.0.2.80'))).status).toBe(200);
    }
  });

  it('backs a distributed attack off per username, doubling, while the owner’s known device gets in', async () => {
    const otto = await newUser(proxied, 'otto');
    // Otto signed in on his laptop last week: it holds a device cookie.
    const laptop = deviceCookie(await rawLogin(proxied, otto.username, otto.password, from('203.0.113.20')));
    expect(laptop).not.toBe('');
    proxied.clock.advance(7 * DAY);
    // A botnet: one guess per address. Twenty go through, then each next one waits 1, 2, 4 … seconds.
    let bot = 0;
    const guess = () =>
      rawLogin(proxied, otto.username, `botnet guess ${bot}`, from(`100.100.${bot >> 8}.${bot++ & 255}`));
    for (let i = 0; i < 20; i++) expect((await guess()).code).toBe('UNAUTHORIZED');
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const limited = await guess();
      expect(limited.status).toBe(429);
      const wait = Number(limited.headers.get('retry-after'));
      waits.push(wait);
      proxied.clock.advance(wait * 1000);
      expect((await guess()).code).toBe('UNAUTHORIZED');
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32]);
    // Under attack: an unknown browser, even with the right password, waits its turn (429, never a hint) …
    expect((await rawLogin(proxied, otto.username, otto.password, from('203.0.113.21'))).status).toBe(429);
    // … while the laptop, from a café's address, is in at once; a forged or another user's device cookie is not.
    const withDevice = (cookie: string) => ({ ...from('203.0.113.22'), cookie: `lifeos_device=${cookie}` });
    const olga = await newUser(proxied, 'olgas-sister');
    const foreign = deviceCookie(await rawLogin(proxied, olga.username, olga.password, from('203.0.113.23')));
    expect((await rawLogin(proxied, otto.username, otto.password, withDevice(foreign))).status).toBe(429);
    expect((await rawLogin(proxied, otto.username, otto.password, withDevice(`${laptop}x`))).status).toBe(429);
    const signedIn = await rawLogin(proxied, otto.username, otto.password, withDevice(laptop));
    expect(signedIn.status).toBe(200);
    // The device cookie: httpOnly, SameSite=Strict, a year, kept across sign-outs.
    const line = signedIn.headers.getSetCookie().find((c) => c.startsWith('lifeos_device=')) ?? '';
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Strict/i);
    expect(line).toMatch(/Max-Age=31536000/i);
  });
});

describe('access tokens', () => {
  it('refuses forged, tampered and expired tokens', async () => {
    const jo = await newUser(server, 'jo');
    const other = await newUser(server, 'joanna');
    const otherBrowser = await signIn(server, other);
    const b = await signIn(server, jo);
    const token = cookie(b, 'lifeos_at');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = decodePart(token, 1);
    expect(decodePart(token, 0)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(claims).toMatchObject({ sub: jo.id, iss: 'lifeos', aud: 'lifeos-api' });
    const sid = claims.sid as string;
    const otherSid = decodePart(cookie(otherBrowser, 'lifeos_at'), 1).sid as string;

    // Controls: the real token, and one forged with the server's key and the same claims, are accepted, so each
    // refusal below comes from the one thing that was changed.
    expect((await meWithAccessToken(server, token)).status).toBe(200);
    expect((await meWithAccessToken(server, await forge(server, { sub: jo.id, sid }))).status).toBe(200);

    const now = Math.floor(server.clock.now().getTime() / 1000);
    const noneHeader = b64url({ alg: 'none', typ: 'at+jwt' });
    const refused: Record<string, string> = {
      'alg none, empty signature': `${noneHeader}.${payload}.`,
      'alg none, no signature part': `${noneHeader}.${payload}`,
      'alg none, original signature': `${noneHeader}.${payload}.${signature}`,
      'empty signature': `${header}.${payload}.`,
      'signature of another token': `${header}.${payload}.${cookie(otherBrowser, 'lifeos_at').split('.')[2]}`,
      'signed with a wrong key': await forge(server, { sub: jo.id, sid }, { key: randomBytes(64) }),
      'HS512 with the right key': await forge(server, { sub: jo.id, sid }, { alg: 'HS512' }),
      'HS384 with the right key': await forge(server, { sub: jo.id, sid }, { alg: 'HS384' }),
      'tampered sub (not re-signed)': `${header}.${b64url({ ...claims, sub: other.id })}.${signature}`,
      'tampered sid (not re-signed)': `${header}.${b64url({ ...claims, sid: otherSid })}.${signature}`,
      'tampered exp (not re-signed)': `${header}.${b64url({ ...claims, exp: now + DAY / 1000 })}.${signature}`,
      'wrong aud': await forge(server, { sub: jo.id, sid }, { aud: 'someone-else' }),
      'no aud': await forge(server, { sub: jo.id, sid }, { aud: null }),
      'wrong iss': await forge(server, { sub: jo.id, sid }, { iss: 'https://evil.example' }),
      'no iss': await forge(server, { sub: jo.id, sid }, { iss: null }),
      'typ JWT': await forge(server, { sub: jo.id, sid }, { typ: 'JWT' }),
      'no typ': await forge(server, { sub: jo.id, sid }, { typ: null }),
      expired: await forge(server, { sub: jo.id, sid }, { exp: now - 1 }),
      'no sid': await forge(server, { sub: jo.id }),
      "another user's sub with my session": await forge(server, { sub: other.id, sid }),
      "my sub with another user's session": await forge(server, { sub: jo.id, sid: otherSid }),
      'a session that never existed': await forge(server, { sub: jo.id, sid: randomUUID() }),
      'not a JWT': 'this-is.not-a.json-web-token',
    };
    for (const [name, forged] of Object.entries(refused)) {
      remember(forged);
      const result = await meWithAccessToken(server, forged);
      expect({ name, status: result.status, code: result.code }).toEqual({ name, status: 401, code: 'UNAUTHORIZED' });
    }

    // Real expiry on the server's clock; the refresh token then gets a new access token.
    server.clock.advance(16 * MINUTE);
    expect((await meWithAccessToken(server, token)).code).toBe('UNAUTHORIZED');
    await b.client.auth.refresh.mutate();
    expect(cookie(b, 'lifeos_at')).not.toBe(token);
    expect((await b.client.auth.me.query()).id).toBe(jo.id);
  });

  it('stops working at once after logout, logout-everywhere and a password change elsewhere', async () => {
    const lou = await newUser(server, 'lou');

    const a = await signIn(server, lou);
    const aAccess = cookie(a, 'lifeos_at');
    const aRefresh = cookie(a, 'lifeos_rt');
    await a.client.auth.logout.mutate();
    expect((await meWithAccessToken(server, aAccess)).code).toBe('UNAUTHORIZED');
    expect((await refreshWith(server, aRefresh)).code).toBe('UNAUTHORIZED');

    // Logout ends the session with either cookie alone.
    for (const keep of ['lifeos_at', 'lifeos_rt']) {
      const x = await signIn(server, lou);
      const access = cookie(x, 'lifeos_at');
      const refresh = cookie(x, 'lifeos_rt');
      const only: Record<string, string> = keep === 'lifeos_at' ? { lifeos_at: access } : { lifeos_rt: refresh };
      expect((await rawCall(server, 'auth.logout', { type: 'mutation', headers: pageHeadersWith(only) })).status).toBe(
        200,
      );
      expect((await meWithAccessToken(server, access)).code, keep).toBe('UNAUTHORIZED');
      expect((await refreshWith(server, refresh)).code, keep).toBe('UNAUTHORIZED');
    }

    const b = await signIn(server, lou);
    const c = await signIn(server, lou);
    const tokens = [b, c].map((x) => ({ access: cookie(x, 'lifeos_at'), refresh: cookie(x, 'lifeos_rt') }));
    await b.client.auth.logoutAll.mutate();
    for (const { access, refresh } of tokens) {
      expect((await meWithAccessToken(server, access)).code).toBe('UNAUTHORIZED');
      expect((await refreshWith(server, refresh)).code).toBe('UNAUTHORIZED');
    }

    const here = await signIn(server, lou);
    const elsewhere = await signIn(server, lou);
    const elsewhereAccess = cookie(elsewhere, 'lifeos_at');
    const elsewhereRefresh = cookie(elsewhere, 'lifeos_rt');
    const newPassword = "lou's brand-new passphrase";
    remember(newPassword);
    await here.client.auth.changePassword.mutate({ currentPassword: lou.password, newPassword });
    expect((await meWithAccessToken(server, elsewhereAccess)).code).toBe('UNAUTHORIZED');
    expect((await refreshWith(server, elsewhereRefresh)).code).toBe('UNAUTHORIZED');
    expect((await here.client.auth.me.query()).id).toBe(lou.id);
    await here.client.auth.refresh.mutate();
    expect((await here.client.auth.me.query()).id).toBe(lou.id);
  });
});

describe('refresh tokens', () => {
  it('a token used again after rotation revokes its whole family', async () => {
    const rita = await newUser(server, 'rita');
    const bystander = await signIn(server, rita);
    const b = await signIn(server, rita);
    const first = cookie(b, 'lifeos_rt');
    await b.client.auth.refresh.mutate();
    const newest = cookie(b, 'lifeos_rt');
    const newestAccess = cookie(b, 'lifeos_at');
    expect(newest).not.toBe(first);
    expect((await meWithAccessToken(server, newestAccess)).status).toBe(200);

    server.clock.advance(11_000); // past the 10 s grace for parallel refreshes
    expect((await refreshWith(server, first)).code).toBe('UNAUTHORIZED');
    // The thief's replay took the legitimate holder's newest tokens down with it.
    expect((await refreshWith(server, newest)).code).toBe('UNAUTHORIZED');
    expect((await meWithAccessToken(server, newestAccess)).code).toBe('UNAUTHORIZED');
    // Other sessions (families) of the user are untouched.
    const sessions = await bystander.client.auth.sessions.list.query();
    expect(sessions.map((s) => s.current)).toEqual([true]);
    await bystander.client.auth.refresh.mutate();
    expect((await bystander.client.auth.me.query()).id).toBe(rita.id);
  });

  it('parallel refreshes of one token all succeed, with one successor between them, and leave the user signed in', async () => {
    const paula = await newUser(server, 'paula');
    for (let round = 0; round < 3; round++) {
      const token = cookie(await signIn(server, paula), 'lifeos_rt');
      const results = await Promise.all(Array.from({ length: 4 }, () => refreshWith(server, token)));
      // Later uses inside the grace: an access token, no refresh token (the browser keeps the one successor).
      server.clock.advance(3000);
      results.push(await refreshWith(server, token), await refreshWith(server, token));
      const successors: string[] = [];
      for (const result of results) {
        expect(result.status).toBe(200);
        const cookies = setCookies(result);
        expect((await meWithAccessToken(server, cookies.get('lifeos_at') ?? '')).status).toBe(200);
        const successor = cookies.get('lifeos_rt');
        if (successor !== undefined) successors.push(successor);
      }
      expect(successors).toHaveLength(1);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from refresh_tokens
        where family_id = (select family_id from refresh_tokens where token_hash = ${sha256(token)})`.execute(
        server.database.db,
      );
      expect(rows[0]?.n).toBe(2);
      // The successor was not taken for a replay.
      expect((await refreshWith(server, successors[0] ?? '')).status).toBe(200);
      // The web app refreshing twice at once (one batched request).
      const b = await signIn(server, paula);
      await Promise.all([b.client.auth.refresh.mutate(), b.client.auth.refresh.mutate()]);
      expect((await b.client.auth.me.query()).id).toBe(paula.id);
      await b.client.auth.refresh.mutate();
      expect((await b.client.auth.me.query()).id).toBe(paula.id);
    }
  });

  it('a login lasts seven days at most, however often it is refreshed', async () => {
    const sam = await newUser(server, 'sam');
    const b = await signIn(server, sam);
    for (let i = 1; i <= 3; i++) {
      server.clock.advance(2 * DAY);
      const result = await rawCall(server, 'auth.refresh', { type: 'mutation', fetch: b.fetch });
      expect(result.status).toBe(200);
      // The refresh cookie's lifetime counts down from the login; rotating does not extend it.
      const line = result.headers.getSetCookie().find((c) => c.startsWith('lifeos_rt='));
      const maxAge = Number(/max-age=(\d+)/i.exec(line ?? '')?.[1]);
      const left = 7 * 86_400 - i * 2 * 86_400;
      expect(maxAge).toBeLessThanOrEqual(left);
      expect(maxAge).toBeGreaterThan(left - 60);
    }
    server.clock.advance(DAY - 5 * MINUTE); // 5 minutes before the absolute end
    await b.client.auth.refresh.mutate();
    const lastAccess = cookie(b, 'lifeos_at');
    const lastRefresh = cookie(b, 'lifeos_rt');
    expect((await b.client.auth.me.query()).id).toBe(sam.id);
    server.clock.advance(6 * MINUTE); // a minute past it; the access token itself has 9 minutes left
    expect((await meWithAccessToken(server, lastAccess)).code).toBe('UNAUTHORIZED');
    expect((await refreshWith(server, lastRefresh)).code).toBe('UNAUTHORIZED');
  });
});

describe('CSRF', () => {
  const form = () => {
    const body = new FormData();
    body.set('0', '{"json":null}');
    return body;
  };
  /** Requests a cross-site page (or a sloppy client) could send with the victim's cookies. */
  const attacks: { name: string; init: RequestInit; transportMayRefuse?: boolean }[] = [
    {
      name: 'cross-site multipart form',
      init: { body: form(), headers: { 'sec-fetch-site': 'cross-site', origin: EVIL_ORIGIN } },
      transportMayRefuse: true,
    },
    {
      name: 'multipart form, foreign Origin, no Sec-Fetch-Site',
      init: { body: form(), headers: { origin: EVIL_ORIGIN } },
      transportMayRefuse: true,
    },
    {
      name: 'cross-site text/plain form',
      init: {
        body: '{}',
        headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site', origin: EVIL_ORIGIN },
      },
      transportMayRefuse: true,
    },
    {
      name: 'cross-site urlencoded form',
      init: {
        body: 'a=1',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'cross-site',
          origin: EVIL_ORIGIN,
        },
      },
      transportMayRefuse: true,
    },
    {
      name: 'octet-stream',
      init: {
        body: new Uint8Array([1, 2, 3]),
        headers: { 'content-type': 'application/octet-stream', origin: EVIL_ORIGIN },
      },
      transportMayRefuse: true,
    },
    {
      name: 'no body, foreign Origin',
      init: { headers: { origin: EVIL_ORIGIN } },
      transportMayRefuse: true,
    },
    {
      name: 'JSON, Sec-Fetch-Site cross-site (even with an allowed Origin and the header)',
      init: {
        body: '{}',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', ...PAGE_HEADERS },
      },
    },
    {
      name: 'JSON, Sec-Fetch-Site same-site',
      init: {
        body: '{}',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-site', ...PAGE_HEADERS },
      },
    },
    {
      name: 'JSON, Sec-Fetch-Site none',
      init: { body: '{}', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'none', ...PAGE_HEADERS } },
    },
    {
      name: 'JSON, foreign Origin without Sec-Fetch-Site',
      init: { body: '{}', headers: { 'content-type': 'application/json', origin: EVIL_ORIGIN, 'x-lifeos-csrf': '1' } },
    },
    {
      name: 'JSON, Origin null',
      init: { body: '{}', headers: { 'content-type': 'application/json', origin: 'null', 'x-lifeos-csrf': '1' } },
    },
    {
      name: 'JSON, look-alike Origin',
      init: {
        body: '{}',
        headers: { 'content-type': 'application/json', origin: `${APP_ORIGIN}.evil.example`, 'x-lifeos-csrf': '1' },
      },
    },
    {
      name: 'JSON, neither Origin nor Sec-Fetch-Site',
      init: { body: '{}', headers: { 'content-type': 'application/json', 'x-lifeos-csrf': '1' } },
    },
    {
      name: 'JSON from our own page but without the CSRF header',
      init: {
        body: '{}',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', origin: APP_ORIGIN },
      },
    },
    {
      name: 'JSON from our own page with a wrong CSRF header',
      init: {
        body: '{}',
        headers: {
          'content-type': 'application/json',
          'sec-fetch-site': 'same-origin',
          origin: APP_ORIGIN,
          'x-lifeos-csrf': 'yes',
        },
      },
    },
  ];

  for (const path of ['auth.logoutAll', 'auth.logout']) {
    it(`refuses ${path} unless it comes from our own page, and the session survives`, async () => {
      const carl = await newUser(server, `carl-${path.replace('.', '-').toLowerCase()}`);
      const victim = await signIn(server, carl);
      const cookieHeader = victim.jar.header();
      for (const attack of attacks) {
        const response = await capturingFetch(`${server.url}/trpc/${path}`, {
          ...attack.init,
          method: 'POST',
          headers: { ...(attack.init.headers as Record<string, string>), cookie: cookieHeader },
        });
        const body = await response.text();
        const allowed = attack.transportMayRefuse ? [403, 415] : [403];
        expect(allowed, `${attack.name}: HTTP ${response.status}`).toContain(response.status);
        if (response.status === 403) expect(body).toContain('FORBIDDEN');
        expect(response.headers.getSetCookie(), attack.name).toEqual([]);
        // Still signed in, with a live refresh token.
        expect((await victim.client.auth.me.query()).id, attack.name).toBe(carl.id);
      }
      await victim.client.auth.refresh.mutate();
      expect((await victim.client.auth.me.query()).id).toBe(carl.id);

      // Control: the same call from our own page works, so the refusals above were the guard's doing.
      const control = await rawCall(server, path, {
        type: 'mutation',
        fetch: victim.fetch,
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      expect(control.status).toBe(200);
      await expectCode(victim.client.auth.me.query(), 'UNAUTHORIZED');
    });
  }

  it('refuses cookie-authenticated queries from other sites, accepts Sec-Fetch-Site same-origin without Origin', async () => {
    const b = await signIn(server, await newUser(server, 'quentin'));
    const cookieHeader = b.jar.header();
    const me = (headers: Record<string, string>) =>
      rawCall(server, 'auth.me', { type: 'query', headers: { cookie: cookieHeader, ...headers } });
    expect((await me({ 'sec-fetch-site': 'cross-site', origin: EVIL_ORIGIN })).code).toBe('FORBIDDEN');
    expect((await me({ 'sec-fetch-site': 'cross-site', ...PAGE_HEADERS })).code).toBe('FORBIDDEN');
    expect((await me({ origin: APP_ORIGIN })).code).toBe('FORBIDDEN');
    expect((await me({})).code).toBe('FORBIDDEN');
    expect((await me({ 'sec-fetch-site': 'same-origin', 'x-lifeos-csrf': '1' })).status).toBe(200);
    expect((await me(PAGE_HEADERS)).status).toBe(200);
  });
});

describe('API keys', () => {
  it('revoked and expired keys are refused; a read key cannot mutate; keys never fall back to cookies', async () => {
    const kim = await newUser(server, 'kim');
    const b = await signIn(server, kim);
    const create = async (name: string, scope: 'read' | 'write', expiresAt?: Date) => {
      const created = await b.client.apiKeys.create.mutate({ name, scope, ...(expiresAt ? { expiresAt } : {}) });
      remember(created.key);
      return created;
    };
    const write = await create('write', 'write');
    const read = await create('read', 'read');
    const revoked = await create('to revoke', 'write');
    const expiring = await create('expiring', 'write', new Date(server.clock.now().getTime() + MINUTE));

    // A key needs neither Origin nor the CSRF header (no ambient credential).
    await keyClient(server, write.key).settings.update.mutate({ theme: 'dark' });

    const reader = keyClient(server, read.key);
    expect(await reader.auth.me.query()).toMatchObject({ id: kim.id, authMethod: 'apiKey', scope: 'read' });
    expect((await reader.settings.get.query()).theme).toBe('dark');
    await expectCode(reader.settings.update.mutate({ theme: 'light' }), 'FORBIDDEN');
    expect((await reader.settings.get.query()).theme).toBe('dark');

    const revokedClient = keyClient(server, revoked.key);
    expect((await revokedClient.auth.me.query()).id).toBe(kim.id);
    await b.client.apiKeys.revoke.mutate({ id: revoked.apiKey.id });
    await expectCode(revokedClient.auth.me.query(), 'UNAUTHORIZED');
    await expectCode(revokedClient.settings.update.mutate({ theme: 'light' }), 'UNAUTHORIZED');

    const expiringClient = keyClient(server, expiring.key);
    expect((await expiringClient.auth.me.query()).id).toBe(kim.id);
    server.clock.advance(2 * MINUTE);
    await expectCode(expiringClient.auth.me.query(), 'UNAUTHORIZED');
    await expectCode(expiringClient.settings.update.mutate({ theme: 'light' }), 'UNAUTHORIZED');

    // Keys cannot manage credentials.
    const writer = keyClient(server, write.key);
    await expectCode(writer.apiKeys.create.mutate({ name: 'escalate', scope: 'write' }), 'FORBIDDEN');
    await expectCode(writer.auth.logoutAll.mutate(), 'FORBIDDEN');
    await expectCode(
      writer.auth.changePassword.mutate({ currentPassword: kim.password, newPassword: 'taken over by a script' }),
      'FORBIDDEN',
    );

    // Nor the calendar feed, whose secret URL would outlive the key: not read, not created, not rotated.
    for (const key of [read.key, write.key]) {
      const client = keyClient(server, key);
      await expectCode(client.calendar.feed.get.query(), 'FORBIDDEN');
      await expectCode(client.calendar.feed.rotate.mutate(), 'FORBIDDEN');
      await expectCode(client.calendar.feed.update.mutate({ includeTasks: true }), 'FORBIDDEN');
    }
    const feed = await b.client.calendar.feed.get.query();
    remember(feed.path.slice('/api/calendar/feed/'.length, -4));
    expect((await fetch(`${server.url}${feed.path}`)).status).toBe(200);

    // A bad Bearer header is refused outright, even beside a valid session cookie.
    const tampered = `${write.key.slice(0, -1)}${write.key.endsWith('A') ? 'B' : 'A'}`;
    for (const authorization of [`Bearer ${tampered}`, 'Bearer lifeos_', 'Bearer', `Basic ${write.key}`]) {
      const result = await rawCall(server, 'auth.me', {
        type: 'query',
        headers: { ...PAGE_HEADERS, cookie: b.jar.header(), authorization },
      });
      expect({ authorization, code: result.code }).toEqual({ authorization, code: 'UNAUTHORIZED' });
    }
    expect((await b.client.settings.get.query()).theme).toBe('dark');
  });
});

describe('first run', () => {
  it('refuses setup once a user exists, without spending a password hash on it', async () => {
    const attempt = (i: number) => {
      const password = `a would-be owner's passphrase ${i}`;
      remember(password);
      return rawCall(server, 'auth.setup', {
        type: 'mutation',
        headers: PAGE_HEADERS,
        input: { username: `usurper${i}`, email: `usurper${i}@example.com`, password },
      });
    };
    const setupMs: number[] = [];
    const loginMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      let started = performance.now();
      expect((await attempt(i)).code).toBe('FORBIDDEN');
      setupMs.push(performance.now() - started);
      started = performance.now();
      expect((await rawLogin(server, `nobody-${i}`, `a login for timing ${i}`)).code).toBe('UNAUTHORIZED');
      loginMs.push(performance.now() - started);
    }
    // A refused setup must not cost an argon2 hash (an unthrottled way to burn CPU and starve logins).
    expect(median(setupMs)).toBeLessThan(median(loginMs) / 2);
  });

  it('two concurrent first-run setups create exactly one owner', async () => {
    const s = await start();
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => {
        const password = `first owner candidate ${i} passphrase`;
        remember(password);
        return rawCall(s, 'auth.setup', {
          type: 'mutation',
          headers: PAGE_HEADERS,
          input: { username: `first${i}`, email: `first${i}@example.com`, password },
        });
      }),
    );
    expect(countCodes(results)).toEqual({ 'HTTP 200': 1, FORBIDDEN: 3 });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from users`.execute(s.database.db);
    expect(rows[0]?.n).toBe(1);
    expect((await rawCall(s, 'auth.setupStatus', { type: 'query' })).data).toEqual({
      needsSetup: false,
      signupOpen: false,
    });

    // The same race without argon2 spacing the requests out (an instant hasher), straight at the service, so the
    // transactions really overlap: the lock must still let exactly one through.
    await sql`delete from users`.execute(s.database.db);
    const instant = { hash: async () => '$argon2id$v=19$instant', verify: async () => false };
    const deps = { db: s.database.db, clock: s.clock, config: s.config.auth, hasher: instant };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        authService.setup(
          deps,
          { username: `racer${i}`, email: `racer${i}@example.com`, password: 'irrelevant here' },
          { ip: null, userAgent: null },
          false,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const { rows: after } = await sql<{ n: number }>`select count(*)::int as n from users`.execute(s.database.db);
    expect(after[0]?.n).toBe(1);
  });
});

describe('transport limits', () => {
  it('refuses a body over 1 MiB with 413, whatever its type', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const json = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...PAGE_HEADERS },
      body: JSON.stringify({ json: { identifier: big, password: 'irrelevant password' } }),
    });
    expect(json.status).toBe(413);
    // tRPC reads multipart bodies itself, past Fastify's bodyLimit: they must be refused before they are read.
    const body = new FormData();
    body.set('identifier', big);
    const multipart = await fetch(`${server.url}/trpc/auth.login`, { method: 'POST', headers: PAGE_HEADERS, body });
    expect([413, 415]).toContain(multipart.status);
  });

  it('refuses a batch over 20 calls with a 4xx, and takes one of 20', async () => {
    const paths = (n: number) => Array.from({ length: n }, () => 'auth.setupStatus').join(',');
    const over = await fetch(`${server.url}/trpc/${paths(21)}?batch=1&input=${encodeURIComponent('{}')}`);
    expect(over.status).toBeGreaterThanOrEqual(400);
    expect(over.status).toBeLessThan(500);
    const overPost = await fetch(`${server.url}/trpc/${paths(21).replaceAll('setupStatus', 'login')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...PAGE_HEADERS },
      body: '{}',
    });
    expect(overPost.status).toBeGreaterThanOrEqual(400);
    expect(overPost.status).toBeLessThan(500);
    const atLimit = await fetch(`${server.url}/trpc/${paths(20)}?batch=1&input=${encodeURIComponent('{}')}`);
    expect(atLimit.status).toBe(200);
    expect(await atLimit.json()).toHaveLength(20);
  });

  it('answers odd procedure paths with 404, never 500', async () => {
    for (const path of ['__proto__', 'constructor', 'auth.__proto__', 'auth.toString', 'auth', '', 'auth..me']) {
      const response = await fetch(`${server.url}/trpc/${path}`, { headers: PAGE_HEADERS });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });
});

describe('response headers', () => {
  it('sends CSP, nosniff, Referrer-Policy and no-store, and no HSTS without COOKIE_SECURE', async () => {
    const answers = [
      await fetch(`${server.url}/trpc/auth.setupStatus`),
      await fetch(`${server.url}/trpc/auth.me`, { headers: PAGE_HEADERS }), // an error answer
      await fetch(`${server.url}/%74rpc/auth.setupStatus`), // the same route, spelt differently
    ];
    for (const response of answers) {
      const csp = response.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values.join(' ')] as const;
        }),
      );
      expect(directives.get('object-src')).toBe("'none'");
      expect(directives.get('base-uri')).toBe("'none'");
      expect(directives.get('frame-ancestors')).toBe("'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toMatch(
        /^(no-referrer|same-origin|strict-origin(-when-cross-origin)?)$/,
      );
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
    expect(answers.map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it('allows CORS only for APP_ORIGIN', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/trpc/auth.login`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-lifeos-csrf',
        },
      });
    const foreign = await preflight(EVIL_ORIGIN);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const own = await preflight(APP_ORIGIN);
    expect(own.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(own.headers.get('access-control-allow-credentials')).toBe('true');
    const foreignGet = await fetch(`${server.url}/trpc/auth.setupStatus`, { headers: { origin: EVIL_ORIGIN } });
    expect(foreignGet.headers.get('access-control-allow-origin')).toBeNull();
    const nullOrigin = await preflight('null');
    expect(nullOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with COOKIE_SECURE: __Host- cookies (Secure, Path=/, no Domain) and HSTS', async () => {
    const s = await start({ COOKIE_SECURE: 'true' });
    const owner = {
      username: 'secure-owner',
      email: 'secure-owner@example.com',
      password: 'a secure owner passphrase',
    };
    remember(owner.password);
    const setup = await fetch(`${s.url}/trpc/auth.setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...PAGE_HEADERS },
      body: JSON.stringify({ json: owner }),
    });
    rememberCookies(setup);
    expect(setup.status).toBe(200);
    const lines = setup.headers.getSetCookie();
    const names = lines.map((l) => l.split('=', 1)[0] ?? '');
    expect(names).toEqual(expect.arrayContaining(['__Host-lifeos_at', '__Host-lifeos_rt']));
    for (const [i, line] of lines.entries()) {
      const name = names[i] ?? '';
      const attributes = line
        .split(';')
        .slice(1)
        .map((a) => a.trim().toLowerCase());
      // Every cookie this host sets is pinned to it; the credentials are out of scripts' reach too.
      expect(name, line).toMatch(/^__Host-/);
      expect(attributes, line).toContain('secure');
      expect(attributes, line).toContain('path=/');
      expect(
        attributes.some((a) => a.startsWith('domain')),
        line,
      ).toBe(false);
      if (/lifeos_(at|rt)$/.test(name)) expect(attributes, line).toContain('httponly');
    }
    const hsts = setup.headers.get('strict-transport-security') ?? '';
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(15_552_000);

    const cookies = setCookies(setup);
    const access = cookies.get('__Host-lifeos_at') ?? '';
    expect((await meWithAccessToken(s, access, '__Host-lifeos_at')).status).toBe(200);
    // The unprefixed name (which a sibling subdomain could plant) is not read.
    expect((await meWithAccessToken(s, access, 'lifeos_at')).code).toBe('UNAUTHORIZED');
  });
});

describe('what stays behind', () => {
  it('no database holds a raw refresh token, API key or password', async () => {
    expect(secrets.size).toBeGreaterThan(50);
    for (const s of servers) {
      const db = s.database.db;
      const { rows: columns } = await sql<{ t: string; c: string }>`
        select table_name as t, column_name as c from information_schema.columns
        where table_schema = current_schema() and data_type in ('text', 'character varying', 'json', 'jsonb')`.execute(
        db,
      );
      expect(columns.length).toBeGreaterThan(0);
      const stored: string[] = [];
      for (const { t, c } of columns) {
        const { rows } = await sql<{ v: string | null }>`select ${sql.ref(c)}::text as v from ${sql.table(t)}`.execute(
          db,
        );
        for (const row of rows) if (row.v) stored.push(row.v);
      }
      const everything = stored.join('\n');
      for (const secret of secrets) {
        if (everything.includes(secret))
          throw new Error(`the database of ${s.url} holds a secret: ${secret.slice(0, 12)}…`);
      }
      // What is stored instead: SHA-256 of tokens and keys, argon2id of passwords.
      const { rows: tokens } = await sql<{ h: string }>`select token_hash as h from refresh_tokens`.execute(db);
      const { rows: keys } = await sql<{ h: string }>`select key_hash as h from api_keys`.execute(db);
      for (const { h } of [...tokens, ...keys]) expect(h).toMatch(/^[0-9a-f]{64}$/);
      const { rows: users } = await sql<{ h: string }>`select password_hash as h from users`.execute(db);
      for (const { h } of users) expect(h).toMatch(/^\$argon2id\$/);
    }
    // And the hashes are of the values handed out (so the search above looked for the right things).
    const { rows } = await sql<{ h: string }>`select token_hash as h from refresh_tokens`.execute(server.database.db);
    const hashes = new Set(rows.map((r) => r.h));
    expect([...secrets].filter((s) => hashes.has(sha256(s))).length).toBeGreaterThan(10);
    const { rows: keyRows } = await sql<{ h: string }>`select key_hash as h from api_keys`.execute(server.database.db);
    const keyHashes = new Set(keyRows.map((r) => r.h));
    expect([...secrets].filter((s) => keyHashes.has(sha256(s)))).toHaveLength(4);
  });

  it('no log line holds a password, token or key, and no request failed internally', async () => {
    // Inputs in a query string (a password sent as a GET) must not reach the log either.
    const leaky = 'a password someone put in a URL';
    remember(leaky);
    await fetch(
      `${server.url}/trpc/auth.login?input=${encodeURIComponent(JSON.stringify({ json: { identifier: 'owner', password: leaky } }))}`,
    );
    for (const s of servers) {
      const lines = s.logs.join('').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      const log = lines.join('\n');
      for (const secret of secrets) {
        // As sent, URL-encoded (query strings) and JSON-escaped (inside a log line).
        const spellings = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
        if (spellings.some((spelling) => log.includes(spelling))) {
          throw new Error(`the log of ${s.url} holds a secret: ${secret.slice(0, 12)}…`);
        }
      }
      for (const line of lines) {
        const entry = JSON.parse(line) as { level: number; msg?: string };
        expect(entry.level, line).toBeLessThan(50);
      }
    }
    expect(servers[0]?.logs.join('')).toContain('/trpc/auth.login');
  });
});
