/**
 * The real server in this process (buildServer, as api-latency does) and a typed client that signs in with a
 * password the way the web app does: session cookies, kept between calls, plus the CSRF header.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Database } from '@lifeos/db';
import { loadConfig } from '../../apps/api/src/env.js';
import { buildServer, type LifeOsServer } from '../../apps/api/src/http/server.js';
import { createLifeOsClient, type LifeOsClient } from '../../packages/client/src/index.js';

export interface RunningServer {
  server: LifeOsServer;
  base: string;
}

/**
 * `routes`: extra routes for a benchmark (a baseline), added before the server listens; `env`: settings beside the
 * defaults (DASHBOARD_CACHE_USERS=0, say).
 */
export async function startServer(
  database: Database,
  routes?: (server: LifeOsServer) => void | Promise<void>,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const config = loadConfig({
    NODE_ENV: 'production',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: os.tmpdir(),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await buildServer({ config, database, webDistDir: null });
  await routes?.(server);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { server, base: `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}` };
}

/** Signs in with username and password over HTTP and returns a client carrying the session cookies. */
export async function signIn(base: string, identifier: string, password: string): Promise<LifeOsClient> {
  const jar = new Map<string, string>();
  const cookieFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  };
  const client = createLifeOsClient({
    baseUrl: base,
    // What a same-origin browser page sends: the CSRF rule accepts cookie-authenticated calls only with these.
    headers: { 'x-lifeos-csrf': '1', 'sec-fetch-site': 'same-origin' },
    fetch: cookieFetch,
  });
  await client.auth.login.mutate({ identifier, password });
  return client;
}
