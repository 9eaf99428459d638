/**
 * The server's own job kinds run on the runner: the calendar refresh, the clean-up and (PGlite) the maintenance are
 * enqueued as their schedules' slots and do their work when the runner runs them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { jobsService } from '@lifeos/core/server';
import { createTestDatabase } from '@lifeos/db/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOwner, startTestServer, TestClock, type TestServer, testConfig } from '../../test/harness.js';
import { buildServer } from '../http/server.js';
import { createJobRunner } from './index.js';
import { hasUnanalyzedTables } from './maintenance.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('runs the calendar refresh, the clean-up and, on PGlite, the maintenance as scheduled jobs', async () => {
  await setupOwner(server);
  const db = server.database.db;
  const user = await db.selectFrom('users').select('id').executeTakeFirstOrThrow();
  await db
    .insertInto('idempotencyKeys')
    .values({
      userId: user.id,
      key: 'stale',
      path: 'captures.create',
      inputHash: '0'.repeat(64),
      answer: null,
      createdAt: new Date(server.clock.now().getTime() - 2 * 86_400_000),
    })
    .execute();
  const runner = createJobRunner(server.services, Fastify({ logger: false }).log);

  // Right after start only the clean-up is due: the refresh waits 30 s, the maintenance a minute.
  await runner.drain();
  const kinds = async () =>
    (await db.selectFrom('jobs').select(['kind', 'state']).orderBy('kind').execute()).map(
      (j) => `${j.kind} ${j.state}`,
    );
  const pglite = server.database.driver === 'pglite';
  expect(await kinds()).toEqual([
    'calendar.refresh queued',
    'cleanup done',
    ...(pglite ? ['database.maintenance queued'] : []),
    'reminders.agenda-sweep queued',
  ]);
  expect(await db.selectFrom('idempotencyKeys').select('key').where('key', '=', 'stale').execute()).toEqual([]);

  server.clock.advance(61_000);
  await runner.drain();
  const done = await kinds();
  expect(done).toContain('calendar.refresh done');
  if (pglite) {
    expect(done).toContain('database.maintenance done');
    expect(await hasUnanalyzedTables(server.database)).toBe(false);
  } else {
    expect(done.some((k) => k.startsWith('database.maintenance'))).toBe(false);
  }
  expect(await jobsService.reclaimExpiredLeases(server.services)).toEqual([]);
});

it('hands a job still running back to the queue when the server shuts down, and closes after it', async () => {
  // The job: a calendar refresh whose feed never answers.
  let fetched: () => void = () => {};
  const feedAsked = new Promise<void>((resolve) => {
    fetched = resolve;
  });
  const feed = http.createServer(() => fetched());
  await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  const database = await createTestDatabase();
  const clock = new TestClock();
  const built = await buildServer({
    config: testConfig({ CALENDAR_ALLOW_PRIVATE_URLS: 'true' }),
    // The test reads the jobs after the server closed: the server's close leaves this database open.
    database: { ...database, close: async () => {} },
    clock,
    logStream: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
    webDistDir: null,
  });
  try {
    const user = await database.db
      .insertInto('users')
      .values({ username: 'feedreader', email: 'feed@example.com', displayName: 'f', passwordHash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('calendarSubscriptions')
      .values({
        userId: user.id,
        name: 'Slow',
        url: `http://127.0.0.1:${(feed.address() as AddressInfo).port}/cal.ics`,
        nextRefreshAt: new Date(clock.now().getTime() - 1_000),
      })
      .execute();
    const runner = built.startJobs({ pollMs: 50, stopGraceMs: 200 });
    clock.advance(31_000);
    await feedAsked;
    const running = await database.db
      .selectFrom('jobs')
      .select('state')
      .where('kind', '=', 'calendar.refresh')
      .executeTakeFirst();
    expect(running?.state).toBe('running');
    expect(runner.active).toBeGreaterThanOrEqual(1);

    await built.shutdown();
    const refresh = await database.db
      .selectFrom('jobs')
      .select(['state', 'attempts', 'lockedBy'])
      .where('kind', '=', 'calendar.refresh')
      .execute();
    // Handed back, the attempt not counted: the next start (or another replica) runs it at once. (The refresh does
    // not listen to the abort; whatever it does after this is no longer recorded as the job's outcome.)
    expect(refresh).toEqual([{ state: 'queued', attempts: 0, lockedBy: null }]);
  } finally {
    feed.closeAllConnections();
    await new Promise((resolve) => feed.close(resolve));
    await database.close();
  }
});
