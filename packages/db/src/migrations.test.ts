import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createMigrator, migrateAllDown, migrateToLatest } from './migrate.js';
import { migrations } from './migrations.js';

async function userTables(db: Kysely<any>): Promise<string[]> {
  const result = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%' order by 1`.execute(
    db,
  );
  return result.rows.map((r) => r.tablename);
}

async function upDownUp(db: Kysely<any>) {
  await migrateToLatest(db);
  const tablesAfterUp = await userTables(db);
  expect(tablesAfterUp).toEqual(
    expect.arrayContaining(['users', 'refresh_tokens', 'api_keys', 'auth_attempts', 'user_settings']),
  );
  const applied = (await createMigrator(db).getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
  expect(applied).toEqual(Object.keys(migrations));

  await migrateAllDown(db);
  expect(await userTables(db)).toEqual([]);

  await migrateToLatest(db);
  expect(await userTables(db)).toEqual(tablesAfterUp);
}

describe('migrations up → all the way down → up again', () => {
  // The PostgreSQL run (TEST_DATABASE_URL) checks PostgreSQL; PGlite's check is the PGlite run's.
  it.skipIf(process.env.TEST_DATABASE_URL)('on PGlite', async () => {
    const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite: new PGlite() }) });
    try {
      await upDownUp(db);
    } finally {
      await db.destroy();
    }
  });

  const serverUrl = process.env.TEST_DATABASE_URL;
  it.runIf(serverUrl)('on PostgreSQL', async () => {
    const url = new URL(serverUrl as string);
    const name = `lifeos_mig_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    url.pathname = `/${name}`;
    const db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: quietPool(url.toString()) }),
    });
    try {
      await upDownUp(db);
      // Two servers starting together: the migrator's lock lets one run the migrations and the other find them done.
      await migrateAllDown(db);
      await Promise.all([migrateToLatest(db), migrateToLatest(db)]);
      expect(await userTables(db)).toContain('users');
    } finally {
      await db.destroy();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

/** A pool whose idle clients may be cut off by `drop database … with (force)` without crashing the run. */
function quietPool(connectionString: string) {
  const pool = new pg.Pool({ connectionString });
  pool.on('error', () => {});
  return pool;
}
