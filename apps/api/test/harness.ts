/**
 * Integration-test harness: a real Life OS server on an ephemeral port, over real HTTP, on this file's own fresh
 * database (PGlite, or PostgreSQL when TEST_DATABASE_URL is set), and clients that talk to it the way the web app
 * (cookies + CSRF header) and personal scripts (API key) do.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '@lifeos/core/server';
import { createTestDatabase, type TestDatabase } from '@lifeos/db/testing';
// The typed client by path: it depends on this package's types, so a package dependency back would be a cycle.
import { createLifeOsClient, type LifeOsClient } from '../../../packages/client/src/index.js';
import { type AppConfig, loadConfig } from '../src/env.js';
import { buildServer } from '../src/http/server.js';
import type { AppServices } from '../src/services.js';

/** The origin the test "browser" pages are served from; allowed by the server under test. */
export const APP_ORIGIN = 'http://lifeos.test';

/** A clock tests can move forward. */
export class TestClock implements Clock {
  offsetMs = 0;
  now() {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export interface TestServer {
  url: string;
  database: TestDatabase;
  config: AppConfig;
  clock: TestClock;
  /** The server's composition root (what its routes and jobs call services with). */
  services: AppServices;
  /** Every log line the server wrote. */
  logs: string[];
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'lifeos-test-')),
    APP_ORIGIN,
    LOG_LEVEL: 'info',
    ...env,
  });
}

export async function startTestServer(
  options: { env?: Record<string, string>; webDistDir?: string | null } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = testConfig(options.env);
  const clock = new TestClock();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const server = await buildServer({ config, database, clock, logStream, webDistDir: options.webDistDir ?? null });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    database,
    config,
    clock,
    services: server.services,
    logs,
    close: () => server.shutdown(),
  };
}

/** A minimal cookie jar: what a browser would keep for this one origin. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) =>
          /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface BrowserClient {
  client: LifeOsClient;
  jar: CookieJar;
  /** A raw fetch with this browser's cookies and headers (for requests the typed client cannot make). */
  fetch: typeof fetch;
}

/** A client that behaves like the web app: cookies, the page's Origin and the CSRF header. */
export function browserClient(
  server: Pick<TestServer, 'url'>,
  options: { origin?: string | null; csrfHeader?: boolean; userAgent?: string } = {},
): BrowserClient {
  const jar = new CookieJar();
  const origin = options.origin === undefined ? APP_ORIGIN : options.origin;
  const cookieFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.cookies.size > 0) headers.set('cookie', jar.header());
    if (origin) headers.set('origin', origin);
    if (options.csrfHeader !== false) headers.set('x-lifeos-csrf', '1');
    if (options.userAgent) headers.set('user-agent', options.userAgent);
    const response = await fetch(input, { ...init, headers });
    jar.store(response);
    return response;
  };
  return { client: createLifeOsClient({ baseUrl: server.url, fetch: cookieFetch }), jar, fetch: cookieFetch };
}

export function keyClient(server: Pick<TestServer, 'url'>, apiKey: string): LifeOsClient {
  return createLifeOsClient({ baseUrl: server.url, apiKey });
}

export const OWNER = { username: 'owner', email: 'owner@example.com', password: 'correct horse battery staple' };

/** Creates the owner through first-run setup and returns their signed-in browser. */
export async function setupOwner(server: TestServer, owner = OWNER): Promise<BrowserClient> {
  const browser = browserClient(server);
  await browser.client.auth.setup.mutate(owner);
  return browser;
}

/** Creates another user directly through the service layer (sign-up is closed after setup). */
export async function createUser(server: TestServer, user: { username: string; email: string; password: string }) {
  const { authService } = await import('@lifeos/core/server');
  await authService.createUser(server.services, user);
  const browser = browserClient(server);
  await browser.client.auth.login.mutate({ identifier: user.username, password: user.password });
  return browser;
}

/** Asserts that a promise fails with the given tRPC code. */
export async function expectCode(promise: Promise<unknown>, code: string) {
  const { errorCode } = await import('../../../packages/client/src/index.js');
  try {
    await promise;
  } catch (error) {
    if (errorCode(error) !== code) throw new Error(`expected ${code}, got ${errorCode(error) ?? String(error)}`);
    return error;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}
