/**
 * GET /api/health and /api/health/live, and what they say while the database goes away and comes back: the
 * server runs against PostgreSQL through a TCP proxy this test controls (only when TEST_DATABASE_URL is set).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createDatabase, type Database, migrateToLatest, sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type LifeOsServer } from '../src/http/server.js';
import { startTestServer, type TestServer, testConfig } from './harness.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** Lets the event loop deliver the 'close' of cut connections to their owners. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

async function health(url: string) {
  const started = Date.now();
  const response = await fetch(`${url}/api/health`);
  return { status: response.status, body: (await response.json()) as unknown, ms: Date.now() - started };
}

describe('health', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('GET /api/health answers 200 {status: ok, db: ok}, never cached', async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', db: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('GET /api/health/live answers 200 without asking the database', async () => {
    const response = await fetch(`${server.url}/api/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('needs no credentials and sets no cookie', async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

/**
 * A TCP proxy in front of PostgreSQL that can be stopped (connections refused, open ones cut) or made to swallow
 * traffic (connections accepted, nothing forwarded: a hung network), and started again on the same port.
 */
class PgProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** forward: a working network; blackhole: connections accepted, nothing forwarded; stall: requests reach the
   * database but its answers are held back (a query in flight that never returns). */
  mode: 'forward' | 'blackhole' | 'stall' = 'forward';
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start() {
    const server = net.createServer((client) => {
      this.track(client);
      if (this.mode === 'blackhole') return;
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.track(upstream);
      client.pipe(upstream);
      upstream.on('data', (chunk) => {
        if (this.mode !== 'stall') client.write(chunk);
      });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Refuses new connections and cuts every open one. */
  async stop() {
    const server = this.server;
    this.server = undefined;
    const closed = [...this.sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
    await Promise.all(closed);
  }

  private track(socket: net.Socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
  }
}

describe.skipIf(!TEST_DATABASE_URL)('health while PostgreSQL goes away and comes back', () => {
  const databaseName = `lifeos_health_${randomBytes(6).toString('hex')}`;
  let proxy: PgProxy;
  let database: Database;
  let lifeos: LifeOsServer;
  let url: string;

  async function admin(statement: string) {
    const server = createDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
    try {
      await sql.raw(statement).execute(server.db);
    } finally {
      await server.close();
    }
  }

  beforeAll(async () => {
    await admin(`create database ${databaseName}`);
    const direct = new URL(TEST_DATABASE_URL as string);
    direct.pathname = `/${databaseName}`;
    const migrator = createDatabase({ databaseUrl: direct.toString(), poolSize: 1 });
    await migrateToLatest(migrator.db);
    await migrator.close();

    proxy = new PgProxy(direct.hostname, Number(direct.port || 5432));
    await proxy.start();
    const proxied = new URL(direct);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    // A short statement timeout, so a query whose answer never comes gives up (client side) within the test.
    database = createDatabase({ databaseUrl: proxied.toString(), poolSize: 4, statementTimeoutMs: 2_000 });
    lifeos = await buildServer({ config: testConfig({ LOG_LEVEL: 'silent' }), database, webDistDir: null });
    await lifeos.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(lifeos.app.server.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    await lifeos?.shutdown();
    await proxy?.stop();
    await admin(`drop database if exists ${databaseName} with (force)`);
  });

  it('is healthy through the proxy', async () => {
    expect(await health(url)).toMatchObject({ status: 200, body: { status: 'ok', db: 'ok' } });
  });

  it('answers 503 {db: down} at once when the database refuses connections, and keeps serving', async () => {
    await proxy.stop();
    await settle();
    const down = await health(url);
    expect(down).toMatchObject({ status: 503, body: { status: 'error', db: 'down' } });
    expect(down.ms).toBeLessThan(2_500);
    // The process is up: liveness and routes that need no database still answer.
    expect((await fetch(`${url}/api/health/live`)).status).toBe(200);
    const anonymousMe = await fetch(`${url}/trpc/auth.me`);
    expect(anonymousMe.status).toBe(401);
    // Procedures that need the database fail at once with 503 and a message a person can act on, without leaking
    // what happened underneath.
    const started = Date.now();
    const status = await fetch(`${url}/trpc/auth.setupStatus`);
    expect(status.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_500);
    const text = await status.text();
    expect(text).toContain('The database is not reachable right now');
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
  });

  it('is healthy again once the database is back on the same address', async () => {
    await proxy.start();
    expect(await health(url)).toMatchObject({ status: 200, body: { status: 'ok', db: 'ok' } });
    const status = await fetch(`${url}/trpc/auth.setupStatus`);
    expect(status.status).toBe(200);
  });

  it('answers 503 within the 2 s health timeout when the database hangs, then recovers', async () => {
    // Connections are accepted and never answered: without the timeout, the check would wait for the pool.
    proxy.mode = 'blackhole';
    await proxy.stop();
    await settle();
    await proxy.start();
    const hung = await health(url);
    expect(hung).toMatchObject({ status: 503, body: { status: 'error', db: 'down' } });
    expect(hung.ms).toBeGreaterThanOrEqual(1_900);
    expect(hung.ms).toBeLessThan(3_500);
    expect((await fetch(`${url}/api/health/live`)).status).toBe(200);
    // A procedure waits no longer than the pool's connect timeout (5 s), then fails clearly.
    const started = Date.now();
    const procedure = await fetch(`${url}/trpc/auth.setupStatus`);
    expect(procedure.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(8_000);

    proxy.mode = 'forward';
    await proxy.stop();
    await proxy.start();
    // The pool may still hold clients whose connection attempts hung; within its connect timeout it recovers.
    const deadline = Date.now() + 15_000;
    let last = await health(url);
    while (last.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      last = await health(url);
    }
    expect(last).toMatchObject({ status: 200, body: { status: 'ok', db: 'ok' } });
  });

  it('survives the connection being cut while a query is in flight', async () => {
    // The health query reaches PostgreSQL but its answer is held back: after 2 s the check gives up (503) while
    // the pooled connection is still checked out, waiting. Then the network is cut under it, as when PostgreSQL
    // restarts or a NAT drops the flow. The process must stay up and recover.
    // A pg client that loses its connection while checked out emits 'error'; the pool listens only on idle
    // clients, so without a listener of our own (createDatabase: `pool.on('connect', c => c.on('error', …))`) that
    // is an uncaught exception — here reported by vitest as "Connection terminated unexpectedly", in production
    // the end of the process.
    expect((await health(url)).status).toBe(200);
    proxy.mode = 'stall';
    const stalled = await health(url);
    expect(stalled).toMatchObject({ status: 503, body: { db: 'down' } });
    // A procedure whose query never gets an answer ends at the client-side query timeout (statement timeout
    // + 5 s), not never.
    const started = Date.now();
    const procedure = await fetch(`${url}/trpc/auth.setupStatus`);
    expect(procedure.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(10_000);
    proxy.mode = 'forward';
    await proxy.stop();
    await settle();
    await proxy.start();
    expect((await fetch(`${url}/api/health/live`)).status).toBe(200);
    expect(await health(url)).toMatchObject({ status: 200, body: { status: 'ok', db: 'ok' } });
  });
});
