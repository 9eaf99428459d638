/**
 * Faults that happen to real deployments, on real server processes: several replicas starting together on one
 * PostgreSQL database, and the process killed outright in the middle of a large import (on PostgreSQL, and on PGlite
 * in its data directory). (The database going away and coming
 * back is in health.test.ts; SIGTERM draining a request in flight is in start.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, createMigrator, sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalAndCaptures } from './export-documents.js';
import { admin, freePort, startServer, stop, TEST_DATABASE_URL, trpc, waitForHealth } from './server-process.js';

describe.skipIf(!TEST_DATABASE_URL)('replicas on one PostgreSQL database', () => {
  const databaseName = `lifeos_faults_${randomBytes(6).toString('hex')}`;
  let databaseUrl: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    await admin(`create database ${databaseName}`);
    const url = new URL(TEST_DATABASE_URL as string);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
  });

  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await admin(`drop database if exists ${databaseName} with (force)`);
  });

  it('three servers started at once on an empty database migrate it exactly once, and all serve', async () => {
    // One SECRET_KEY for all, as replicas behind a load balancer share it.
    const secret = randomBytes(48).toString('base64url');
    const servers = await Promise.all(
      [0, 1, 2].map(async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-replica-'));
        dirs.push(dir);
        return startServer({
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(await freePort()),
          DATA_DIR: dir,
          SECRET_KEY: secret,
          DATABASE_URL: databaseUrl,
        });
      }),
    );
    for (const server of servers) expect(await waitForHealth(server)).toEqual({ status: 'ok', db: 'ok' });

    const check = createDatabase({ databaseUrl, poolSize: 1 });
    try {
      const applied = await sql<{ name: string; count: number }>`
        select name, count(*)::int as count from kysely_migration group by name order by name`.execute(check.db);
      const known = (await createMigrator(check.db).getMigrations()).map((migration) => migration.name);
      expect(known.length).toBeGreaterThan(5);
      expect(applied.rows).toEqual(known.map((name) => ({ name, count: 1 })));
    } finally {
      await check.close();
    }
    for (const server of servers) expect((await stop(server)).code).toBe(0);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('kill -9 in the middle of a large import', () => {
  const databaseName = `lifeos_kill_${randomBytes(6).toString('hex')}`;
  let databaseUrl: string;
  let dir: string;

  beforeAll(async () => {
    await admin(`create database ${databaseName}`);
    const url = new URL(TEST_DATABASE_URL as string);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-kill-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await admin(`drop database if exists ${databaseName} with (force)`);
  });

  it('leaves nothing of the import behind, and the restarted server serves the data as it was', async () => {
    const env = async () => ({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      DATA_DIR: dir,
      DATABASE_URL: databaseUrl,
    });
    const server = startServer(await env());
    await waitForHealth(server);
    const owner = { username: 'owner', email: 'owner@example.com', password: 'correct horse battery staple' };
    const setup = await trpc(server, 'auth.setup', { input: owner, mutation: true });
    expect(setup.status).toBe(200);
    const cookie = setup.response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const before = await trpc(server, 'captures.create', { input: { text: 'kept' }, cookie, mutation: true });
    expect(before.status).toBe(200);

    const check = createDatabase({ databaseUrl, poolSize: 1 });
    try {
      const counts = async () => {
        const { rows } = await sql<{ journal: number; captures: number }>`
          select (select count(*)::int from journal_entries) as journal,
                 (select count(*)::int from captures) as captures`.execute(check.db);
        return rows[0];
      };
      // A replace import: it first deletes what is there, then writes thousands of rows, all in one transaction.
      const body = JSON.stringify(journalAndCaptures(4_000));
      const origin = server.url.replace('127.0.0.1', 'localhost');
      const answer = fetch(`${server.url}/api/data/import?mode=replace`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, 'x-lifeos-csrf': '1', cookie },
        body,
      }).then(
        (response) => response.status,
        () => 'cut' as const,
      );
      // Kill it only in the middle of the writing: once every journal entry is written and the captures are (the
      // import writes sections in order, and pg_stat_activity shows a connection's latest statement even between
      // two). An open transaction alone is not enough: it is open from the user's row lock on, before any write.
      const deadline = Date.now() + 60_000;
      let writing = false;
      while (!writing && Date.now() < deadline) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
            and state in ('active', 'idle in transaction') and query ilike 'insert into captures%'`.execute(check.db);
        writing = (rows[0]?.n ?? 0) > 0;
        if (!writing) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(writing).toBe(true);
      server.child.kill('SIGKILL');
      expect((await server.exited).signal).toBe('SIGKILL');
      expect(await answer).toBe('cut');

      // PostgreSQL rolls the dead connection's transaction back: the capture from before is there, nothing else.
      const after = Date.now() + 10_000;
      let current = await counts();
      while (current?.captures !== 1 && Date.now() < after) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        current = await counts();
      }
      expect(current).toEqual({ journal: 0, captures: 1 });

      const { restarted, newCookie } = await restartAndSignIn(await env(), owner);
      const inbox = await trpc(restarted, 'captures.list', { input: {}, cookie: newCookie });
      expect((inbox.data as { text: string }[]).map((capture) => capture.text)).toEqual(['kept']);
      expect((await stop(restarted)).code).toBe(0);
    } finally {
      await check.close();
    }
  });
});

/** The bytes of PGlite's table and index files: they grow while a large write runs, before anything commits. */
function relationBytes(dataDir: string) {
  let total = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else total += statSync(file).size;
    }
  };
  walk(path.join(dataDir, 'pglite', 'base'));
  return total;
}

// PGlite's own data directory, whatever the run's database: the PostgreSQL run (TEST_DATABASE_URL) would only repeat it.
describe.skipIf(TEST_DATABASE_URL)('kill -9 in the middle of a large import on PGlite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-kill-pglite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the data directory as it was before the import, and the restarted server serves it', async () => {
    const env = async () => ({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      DATA_DIR: dir,
    });
    const server = startServer(await env());
    await waitForHealth(server);
    const owner = { username: 'owner', email: 'owner@example.com', password: 'correct horse battery staple' };
    const setup = await trpc(server, 'auth.setup', { input: owner, mutation: true });
    const cookie = setup.response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    expect((await trpc(server, 'captures.create', { input: { text: 'kept' }, cookie, mutation: true })).status).toBe(
      200,
    );
    const entry = { type: 'morning_pages', date: '2026-01-05', content: { text: 'my own' } };
    expect((await trpc(server, 'journal.upsert', { input: entry, cookie, mutation: true })).status).toBe(200);

    const body = JSON.stringify(journalAndCaptures(4_000));
    const origin = server.url.replace('127.0.0.1', 'localhost');
    const before = relationBytes(dir);
    const answer = fetch(`${server.url}/api/data/import?mode=replace`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, 'x-lifeos-csrf': '1', cookie },
      body,
    }).then(
      (response) => response.status,
      () => 'cut' as const,
    );
    // Kill it once the import has written rows of its own to the table files (PGlite writes pages out as its
    // buffers fill, long before the commit): a replace that has already deleted the account's data, uncommitted.
    const deadline = Date.now() + 60_000;
    let grownBy = 0;
    while (grownBy < 1024 * 1024 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      grownBy = relationBytes(dir) - before;
    }
    expect(grownBy).toBeGreaterThanOrEqual(1024 * 1024);
    server.child.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    expect(await answer).toBe('cut');

    const { restarted, newCookie } = await restartAndSignIn(await env(), owner);
    const inbox = await trpc(restarted, 'captures.list', { input: {}, cookie: newCookie });
    expect((inbox.data as { text: string }[]).map((capture) => capture.text)).toEqual(['kept']);
    const journal = await trpc(restarted, 'journal.list', { input: {}, cookie: newCookie });
    expect(journal.status).toBe(200);
    expect(JSON.stringify(journal.data)).toContain('my own');
    expect(JSON.stringify(journal.data)).not.toContain('the quick brown fox');
    const settings = await trpc(restarted, 'auth.me', { cookie: newCookie });
    expect(JSON.stringify(settings.data)).not.toContain('Restored');
    expect((await stop(restarted)).code).toBe(0);
  });
});

/** Starts the server again on the same data and signs the owner in: the session cookie of the restarted server. */
async function restartAndSignIn(env: Record<string, string>, owner: { username: string; password: string }) {
  const restarted = startServer(env);
  expect(await waitForHealth(restarted)).toEqual({ status: 'ok', db: 'ok' });
  const login = await trpc(restarted, 'auth.login', {
    input: { identifier: owner.username, password: owner.password },
    mutation: true,
  });
  const newCookie = login.response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return { restarted, newCookie };
}
