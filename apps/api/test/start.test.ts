/**
 * The real server process, as `pnpm start` and the Docker image run it: start-up on a fresh data directory (PGlite,
 * or a fresh PostgreSQL database when TEST_DATABASE_URL is set), configuration errors, graceful shutdown, and a
 * restart that keeps both the data and the signing key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, freePort, startServer, stop, TEST_DATABASE_URL, trpc, waitForHealth } from './server-process.js';

const OWNER = { username: 'owner', email: 'owner@example.com', password: 'correct horse battery staple' };

describe('the server process', () => {
  let dataDir: string;
  let databaseName: string | undefined;
  let databaseUrl: string | undefined;
  let port: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-start-'));
    port = await freePort();
    if (TEST_DATABASE_URL) {
      databaseName = `lifeos_start_${randomBytes(6).toString('hex')}`;
      await admin(`create database ${databaseName}`);
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/${databaseName}`;
      databaseUrl = url.toString();
    }
  });

  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (databaseName) await admin(`drop database if exists ${databaseName} with (force)`);
  });

  /** The environment of a real start: a data directory, a port, PostgreSQL when testing on it; no SECRET_KEY. */
  const serverEnv = (): Record<string, string> => ({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });

  let accessCookie: string;

  it('starts on a fresh data directory, migrates, and answers /api/health with the database up', async () => {
    const server = startServer(serverEnv());
    expect(await waitForHealth(server)).toEqual({ status: 'ok', db: 'ok' });
    const live = await fetch(`${server.url}/api/health/live`);
    expect(live.status).toBe(200);
    // No SECRET_KEY: one was generated and kept beside the data, readable by its owner only.
    expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);

    expect((await trpc(server, 'auth.setupStatus')).data).toEqual({ needsSetup: true, signupOpen: true });
    const setup = await trpc(server, 'auth.setup', { input: OWNER, mutation: true });
    expect(setup.status).toBe(200);
    const access = setup.response.headers.getSetCookie().find((line) => line.startsWith('lifeos_at='));
    expect(access).toBeDefined();
    accessCookie = (access as string).split(';')[0] as string;
    expect((await trpc(server, 'auth.me', { cookie: accessCookie })).data).toMatchObject({ username: 'owner' });

    const { code, signal, ms } = await stop(server, 'SIGTERM');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(10_000);
  });

  it('restarts on the same data directory with its data and signing key: the old session still works', async () => {
    const server = startServer(serverEnv());
    expect(await waitForHealth(server)).toEqual({ status: 'ok', db: 'ok' });
    expect((await trpc(server, 'auth.setupStatus')).data).toEqual({ needsSetup: false, signupOpen: false });
    const me = await trpc(server, 'auth.me', { cookie: accessCookie });
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ username: 'owner', email: 'owner@example.com', authMethod: 'session' });
    // First-run setup is closed now.
    const again = await trpc(server, 'auth.setup', {
      input: { ...OWNER, username: 'intruder', email: 'intruder@example.com' },
      mutation: true,
    });
    expect(again.status).toBe(403);

    const { code, ms } = await stop(server, 'SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const server = startServer(serverEnv());
    await waitForHealth(server);
    const body = JSON.stringify({ json: { identifier: 'owner', password: OWNER.password } });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        `${server.url}/trpc/auth.login`,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            origin: server.url,
            'x-lifeos-csrf': '1',
          },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on('error', reject);
      request.flushHeaders();
      // The body follows only after the server was told to stop: the request is in flight during the shutdown.
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => request.end(body), 300);
      }, 300);
    });
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(text).toContain('"username":"owner"');
    const { code } = await server.exited;
    expect(code).toBe(0);
  });

  it.skipIf(TEST_DATABASE_URL)(
    'on embedded PGlite, a second server on the same data directory is refused while the first runs',
    async () => {
      const server = startServer(serverEnv());
      await waitForHealth(server);
      const pid = server.child.pid;

      const second = startServer({ ...serverEnv(), PORT: String(await freePort()) });
      expect((await second.exited).code).toBe(1);
      expect(second.stderr().trim()).toBe(
        `The embedded database in ${dataDir} is in use by the Life OS server (pid ${pid}). Stop it first` +
          ` (or, if no such process runs, delete ${path.join(dataDir, 'pglite.lock')}).`,
      );

      // The first one is untouched, and lets go of the directory when it stops.
      expect(await waitForHealth(server)).toEqual({ status: 'ok', db: 'ok' });
      expect((await stop(server)).code).toBe(0);
      expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    },
  );

  it('a bad variable stops it with one line naming the variable, before anything is touched', async () => {
    const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-start-bad-'));
    try {
      const server = startServer({ ...serverEnv(), DATA_DIR: emptyDir, PORT: 'eighty' });
      const { code } = await server.exited;
      expect(code).not.toBe(0);
      const lines = server.stderr().trim().split('\n');
      expect(lines).toEqual([expect.stringMatching(/^Invalid environment variable PORT: /)]);
      expect(server.stdout()).toBe('');
      expect(readdirSync(emptyDir)).toEqual([]);

      const short = startServer({ ...serverEnv(), DATA_DIR: emptyDir, SECRET_KEY: 'too-short' });
      expect((await short.exited).code).not.toBe(0);
      expect(short.stderr().trim()).toBe('Invalid environment variable SECRET_KEY: must be at least 32 bytes long');
      expect(short.stderr()).not.toContain('too-short');
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('an unreachable database stops it with one clear line and a non-zero exit', async () => {
    const closedPort = await freePort();
    const server = startServer({ ...serverEnv(), DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/lifeos` });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.stderr().trim()).toMatch(/^Life OS failed to start: .*ECONNREFUSED/);
  });
});
