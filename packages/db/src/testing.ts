/**
 * Test databases. A vitest globalSetup migrates one template per run (`setupTestTemplate`); every test file then
 * gets its own fresh copy (`createTestDatabase`): a PGlite restored from the template's tarball, or, when
 * TEST_DATABASE_URL is set, a PostgreSQL database created from the template database.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createDatabase, type Database } from './client.js';
import { migrateToLatest } from './migrate.js';

export interface TestTemplate {
  kind: 'pglite' | 'postgres';
  /** The tarball path (PGlite) or the template database name (PostgreSQL). */
  location: string;
  serverUrl?: string;
}

/** The URL of `database` on the server of `url`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** One statement on its own connection (create/drop database cannot run in a pool's transaction). */
export async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function setupTestTemplate(testDatabaseUrl = process.env.TEST_DATABASE_URL): Promise<{
  template: TestTemplate;
  teardown: () => Promise<void>;
}> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  if (testDatabaseUrl) {
    const name = `lifeos_tpl_${suffix}`;
    await adminQuery(testDatabaseUrl, `create database ${name}`);
    const db = new Kysely<any>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: withDatabase(testDatabaseUrl, name), max: 1 }),
      }),
    });
    await migrateToLatest(db);
    await db.destroy();
    return {
      template: { kind: 'postgres', location: name, serverUrl: testDatabaseUrl },
      teardown: () => adminQuery(testDatabaseUrl, `drop database if exists ${name} with (force)`),
    };
  }
  const pglite = new PGlite();
  const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) });
  await migrateToLatest(db);
  const dump = await pglite.dumpDataDir('none');
  await db.destroy();
  const file = path.join(os.tmpdir(), `lifeos-template-${suffix}.tar`);
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  return { template: { kind: 'pglite', location: file }, teardown: () => rm(file, { force: true }) };
}

export interface TestDatabase extends Database {
  /** The URL of this file's own PostgreSQL database (absent on PGlite). */
  url?: string;
}

/** A fresh, migrated database for one test file. `close()` also drops it. */
export async function createTestDatabase(
  template: TestTemplate,
  options: { onQuery?: (sql: string) => void } = {},
): Promise<TestDatabase> {
  if (template.kind === 'postgres' && template.serverUrl) {
    const name = `lifeos_t_${randomBytes(6).toString('hex')}`;
    await adminQuery(template.serverUrl, `create database ${name} template ${template.location}`);
    const url = withDatabase(template.serverUrl, name);
    const database = createDatabase({ databaseUrl: url, poolSize: 5, onQuery: options.onQuery });
    return {
      ...database,
      url,
      close: async () => {
        await database.close();
        await adminQuery(template.serverUrl as string, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const tarball = await readFile(template.location);
  const database = createDatabase({ dataDir: null, loadDataDir: new Blob([tarball]), onQuery: options.onQuery });
  await sql`select 1`.execute(database.db);
  return database;
}
