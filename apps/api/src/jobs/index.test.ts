/**
 * The server's own job kinds run on the runner: the calendar refresh, the clean-up and (PGlite) the maintenance are
 * enqueued as their schedules' slots and do their work when the runner runs them.
 */
import { jobsService } from '@lifeos/core/server';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
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
