import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from './migrate.js';
import { adminQuery, withDatabase } from './testing.js';

/** Tables with a user_id that hold credentials, not data: they change on every call and must not move the version. */
const CREDENTIAL_TABLES = ['api_keys', 'refresh_tokens', 'webhook_endpoints', 'notification_channels'];
/**
 * Bookkeeping: the data version and CalDAV's record of changes (written by triggers of their own, dav_sync migration),
 * the answers kept for Idempotency-Keys (a repeat's answer, not data; idempotency_keys migration) and the background
 * jobs (the runner's queue, jobs migration), the webhooks' delivery log (webhooks migration), and the record of
 * notifications sent and their deliveries (notifications migration). Push subscriptions are a device's credentials.
 */
const NOT_DATA = [
  ...CREDENTIAL_TABLES,
  'user_data_versions',
  'dav_sync',
  'dav_changes',
  'idempotency_keys',
  'jobs',
  'webhook_deliveries',
  'notifications',
  'notification_deliveries',
];

function suite(name: string, open: () => Promise<{ db: Kysely<any>; close: () => Promise<void> }>) {
  describe(`user data versions (${name})`, () => {
    let db: Kysely<any>;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await open());
      await migrateToLatest(db);
    });
    afterAll(() => close());

    const newUser = async (username: string) => {
      const { id } = await db
        .insertInto('users')
        .values({ username, email: `${username}@example.com`, display_name: username, password_hash: 'x' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('user_settings').values({ user_id: id }).execute();
      return id as string;
    };
    const versionOf = async (userId: string) =>
      Number(
        (await sql<{ version: string }>`select version from user_data_versions where user_id = ${userId}`.execute(db))
          .rows[0]?.version,
      );
    const captures = (userId: string, texts: string[]) =>
      sql`insert into captures (user_id, text) select ${userId}, t from unnest(${texts}::text[]) t`.execute(db);

    it('every table with a user_id, other than credentials, moves the version on insert, update and delete', async () => {
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.columns
        where table_schema = 'public' and column_name = 'user_id' order by 1`.execute(db);
      const dataTables = tables.rows.map((r) => r.table_name).filter((t) => !NOT_DATA.includes(t));
      expect(dataTables).toContain('journal_entries');
      const triggers = await sql<{ table_name: string; event: string }>`
        select c.relname as table_name,
          case when t.tgtype & 4 <> 0 then 'insert' when t.tgtype & 8 <> 0 then 'delete' else 'update' end as event
        from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_proc p on p.oid = t.tgfoid
        where not t.tgisinternal and p.proname = 'bump_user_data_version'`.execute(db);
      const have = new Set(triggers.rows.map((r) => `${r.table_name} ${r.event}`));
      const missing = dataTables.flatMap((t) =>
        ['insert', 'update', 'delete'].filter((e) => !have.has(`${t} ${e}`)).map((e) => `${t} ${e}`),
      );
      expect(missing).toEqual([]);
    });

    it('counts changes, not rows, and only for the users whose rows changed', async () => {
      const alice = await newUser(`alice_${name}`);
      const bob = await newUser(`bob_${name}`);
      const start = await versionOf(alice);
      const bobStart = await versionOf(bob);
      expect(start).toBeGreaterThanOrEqual(0);

      await captures(alice, ['a', 'b', 'c']);
      expect(await versionOf(alice)).toBe(start + 1);
      await sql`update captures set text = text || '!' where user_id = ${alice}`.execute(db);
      expect(await versionOf(alice)).toBe(start + 2);
      await sql`delete from captures where user_id = ${alice} and text = 'a!'`.execute(db);
      expect(await versionOf(alice)).toBe(start + 3);
      // A statement that changes nothing moves nothing.
      await sql`update captures set text = 'x' where user_id = ${alice} and false`.execute(db);
      expect(await versionOf(alice)).toBe(start + 3);
      expect(await versionOf(bob)).toBe(bobStart);

      // The display name is shown on the dashboard; credentials are not data.
      await sql`update users set display_name = 'Alice' where id = ${alice}`.execute(db);
      expect(await versionOf(alice)).toBe(start + 4);
      await sql`insert into api_keys (user_id, name, scope, prefix, key_hash) values
        (${alice}, 'k', 'read', ${randomBytes(4).toString('hex')}, ${randomBytes(16).toString('hex')})`.execute(db);
      await sql`update api_keys set last_used_at = now() where user_id = ${alice}`.execute(db);
      expect(await versionOf(alice)).toBe(start + 4);
    });

    it('moves once per transaction, however many statements and cascaded deletes it runs', async () => {
      const erin = await newUser(`erin_${name}`);
      await sql`insert into workout_sessions (user_id, name, started_at)
        select ${erin}, 'Session ' || i, now() - i * interval '1 day' from generate_series(1, 500) i`.execute(db);
      await sql`insert into workout_sets (user_id, session_id, exercise_id, position, reps, weight_kg)
        select ${erin}, ws.id, (select id from exercises order by id limit 1), k, 5, 50
        from workout_sessions ws cross join generate_series(0, 1) k where ws.user_id = ${erin}`.execute(db);
      const start = await versionOf(erin);
      await db.transaction().execute(async (trx) => {
        await sql`insert into captures (user_id, text) values (${erin}, 'one')`.execute(trx);
        await sql`update captures set text = 'two' where user_id = ${erin}`.execute(trx);
        // One cascaded delete of the sets per session: 500 statements on workout_sets.
        await sql`delete from workout_sessions where user_id = ${erin}`.execute(trx);
      });
      expect(await versionOf(erin)).toBe(start + 1);
      await captures(erin, ['next transaction']);
      expect(await versionOf(erin)).toBe(start + 2);
    });

    it('rolls back with the change it counted', async () => {
      const carol = await newUser(`carol_${name}`);
      const start = await versionOf(carol);
      await db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into captures (user_id, text) values (${carol}, 'kept?')`.execute(trx);
          throw new Error('roll back');
        })
        .catch(() => {});
      expect(await versionOf(carol)).toBe(start);
    });

    it('goes with the user: deleting a user with data in every module succeeds', async () => {
      const dave = await newUser(`dave_${name}`);
      await captures(dave, ['x']);
      await sql`insert into journal_entries (user_id, type, entry_date, content, word_count)
        values (${dave}, 'morning_pages', '2026-01-01', '{"text":"hi"}', 1)`.execute(db);
      await sql`insert into projects (user_id, name) values (${dave}, 'p')`.execute(db);
      await sql`delete from users where id = ${dave}`.execute(db);
      const left = await sql`select 1 from user_data_versions where user_id = ${dave}`.execute(db);
      expect(left.rows).toEqual([]);
    });
  });
}

const serverUrl = process.env.TEST_DATABASE_URL;

// PGlite in the PGlite run; the PostgreSQL run (TEST_DATABASE_URL) checks PostgreSQL only.
if (!serverUrl) {
  suite('pglite', async () => {
    const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite: new PGlite() }) });
    return { db, close: () => db.destroy() };
  });
}
if (serverUrl) {
  suite('postgres', async () => {
    const name = `lifeos_versions_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${name}`);
    const pool = new pg.Pool({ connectionString: withDatabase(serverUrl, name), max: 2 });
    pool.on('error', () => {});
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      close: async () => {
        await db.destroy();
        await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
      },
    };
  });
}
