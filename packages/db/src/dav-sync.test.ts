import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from './database.js';
import { migrateToLatest } from './migrate.js';
import * as caldavQueries from './queries/caldav.js';
import { adminQuery, withDatabase } from './testing.js';

/** The triggers of the dav_sync migration: every write to events and tasks, whoever makes it, is a CalDAV change. */
function suite(name: string, open: () => Promise<{ db: Kysely<DB>; close: () => Promise<void> }>) {
  describe(`CalDAV change records (${name})`, () => {
    let db: Kysely<DB>;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await open());
      await migrateToLatest(db);
    });
    afterAll(() => close());

    const newUser = async (username: string) => {
      const { id } = await db
        .insertInto('users')
        .values({ username, email: `${username}@example.com`, displayName: username, passwordHash: 'x' })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    };
    const event = (userId: string, uid: string, extra: Record<string, unknown> = {}) =>
      db
        .insertInto('events')
        .values({
          userId,
          title: uid,
          startsAt: new Date('2026-12-01T10:00:00Z'),
          endsAt: new Date('2026-12-01T11:00:00Z'),
          timezone: 'UTC',
          icsUid: uid,
          ...extra,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const resources = async (userId: string, collection: string) =>
      (await caldavQueries.listResources(db, userId, collection)).map((r) => r.uid).sort();

    it('records inserts, updates and deletes of own events, one revision per transaction', async () => {
      const alice = await newUser(`alice_${name}`);
      const bob = await newUser(`bob_${name}`);
      const series = await event(alice, 'series');
      await event(alice, 'series', {
        recurrenceId: new Date('2026-12-02T10:00:00Z'),
        seriesId: series.id,
        startsAt: new Date('2026-12-02T12:00:00Z'),
        endsAt: new Date('2026-12-02T13:00:00Z'),
      });
      await event(alice, 'single');
      await event(bob, 'bobs');
      expect(await resources(alice, 'events')).toEqual(['series', 'single']);
      expect(await resources(bob, 'events')).toEqual(['bobs']);
      const before = await caldavQueries.collectionRevision(db, alice, 'events');

      await db.transaction().execute(async (trx) => {
        await trx.updateTable('events').set({ title: 'moved' }).where('icsUid', '=', 'single').execute();
        await trx.deleteFrom('events').where('icsUid', '=', 'series').where('recurrenceId', 'is not', null).execute();
      });
      const changes = await caldavQueries.listChangesSince(db, alice, 'events', before);
      // Deleting a changed occurrence changes its series' resource; the transaction's changes share one revision.
      expect(changes.map((c) => [c.uid, c.deleted])).toEqual([
        ['series', false],
        ['single', false],
      ]);
      expect(new Set(changes.map((c) => c.revision)).size).toBe(1);
      expect(changes[0]?.revision).toBeGreaterThan(before);

      await db.deleteFrom('events').where('icsUid', '=', 'series').execute();
      const [gone] = await caldavQueries.listChangesSince(db, alice, 'events', changes[0]?.revision ?? 0);
      expect(gone).toMatchObject({ uid: 'series', deleted: true });
      expect(await resources(alice, 'events')).toEqual(['single']);
      // Bob's collection did not move.
      expect(await caldavQueries.listChangesSince(db, bob, 'events', 1)).toEqual([]);
    });

    it('keeps the name a client gave, and leaves subscribed calendars out', async () => {
      const carol = await newUser(`carol_${name}`);
      await event(carol, 'named', { davName: 'from-phone.ics' });
      const { id: subscriptionId } = await db
        .insertInto('calendarSubscriptions')
        .values({ userId: carol, name: 'Holidays', url: 'https://example.com/h.ics' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await event(carol, 'holiday', { subscriptionId });
      expect(await resources(carol, 'events')).toEqual(['named']);
      expect(await caldavQueries.findResourceByName(db, carol, 'events', 'from-phone.ics')).toMatchObject({
        uid: 'named',
      });
      await db.deleteFrom('events').where('userId', '=', carol).execute();
      // A deleted resource keeps its name, so a sync can report its href as gone.
      const [deleted] = await caldavQueries.listChangesSince(db, carol, 'events', 0);
      expect(deleted).toMatchObject({ uid: 'named', name: 'from-phone.ics', deleted: true });
    });

    it('moves a task between collections when its project changes', async () => {
      const dave = await newUser(`dave_${name}`);
      const { id: projectId } = await db
        .insertInto('projects')
        .values({ userId: dave, name: 'House' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const { id: taskId } = await db
        .insertInto('tasks')
        .values({ userId: dave, title: 'Paint' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('tasks').values({ userId: dave, title: 'Call', icsUid: 'phone-uid' }).execute();
      expect(await resources(dave, 'inbox')).toEqual([taskId, 'phone-uid'].sort());
      const before = (await caldavQueries.collectionRevisions(db, dave)).get('inbox') ?? 0;

      await db.updateTable('tasks').set({ projectId }).where('id', '=', taskId).execute();
      expect(await resources(dave, 'inbox')).toEqual(['phone-uid']);
      expect(await resources(dave, projectId)).toEqual([taskId]);
      const [left] = await caldavQueries.listChangesSince(db, dave, 'inbox', before);
      expect(left).toMatchObject({ uid: taskId, deleted: true });
      const revisions = await caldavQueries.collectionRevisions(db, dave);
      expect(revisions.get(projectId)).toBe(revisions.get('inbox'));
    });

    it('deleting a user with events and tasks succeeds and leaves no records', async () => {
      const erin = await newUser(`erin_${name}`);
      await event(erin, 'e1');
      await db.insertInto('tasks').values({ userId: erin, title: 't' }).execute();
      await db.deleteFrom('users').where('id', '=', erin).execute();
      const left = await sql`select 1 from dav_changes where user_id = ${erin}
        union all select 1 from dav_sync where user_id = ${erin}`.execute(db);
      expect(left.rows).toEqual([]);
    });

    it('a rolled-back write records nothing', async () => {
      const fay = await newUser(`fay_${name}`);
      await db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('tasks').values({ userId: fay, title: 'never' }).execute();
          throw new Error('roll back');
        })
        .catch(() => {});
      expect(await caldavQueries.collectionRevisions(db, fay)).toEqual(new Map());
    });
  });
}

const plugins = [new CamelCasePlugin()];

const serverUrl = process.env.TEST_DATABASE_URL;

// PGlite in the PGlite run; the PostgreSQL run (TEST_DATABASE_URL) checks PostgreSQL only.
if (!serverUrl) {
  suite('pglite', async () => {
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: new PGlite() }), plugins });
    return { db, close: () => db.destroy() };
  });
}
if (serverUrl) {
  suite('postgres', async () => {
    const name = `lifeos_dav_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${name}`);
    const pool = new pg.Pool({ connectionString: withDatabase(serverUrl, name), max: 2 });
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins });
    return {
      db,
      close: async () => {
        await db.destroy();
        await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
      },
    };
  });
}
