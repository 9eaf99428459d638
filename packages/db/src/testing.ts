/**
 * Test databases. Every test file gets its own fresh copy of a migrated template (`createTestDatabase`): a PGlite
 * restored from the template's tarball, or, when TEST_DATABASE_URL is set, a PostgreSQL database created from the
 * template database. The template is made lazily, by the first test that asks for a database, and kept between runs
 * under a key hashed from the migrations and the code and engines that apply them: a run whose migrations have not
 * changed migrates nothing (migrating took 5–10 s of every run, even of one file). Several runs at once (worktrees,
 * vitest's workers) share a template safely: PGlite's is written under a lock file and renamed into place, and
 * PostgreSQL's is migrated under a scratch name and renamed to its key, the loser of a race dropping its copy.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Templates unused (PGlite) or made (PostgreSQL) this long ago are removed when a new one is made. */
const TEMPLATE_KEEP_MS = 7 * 24 * 3_600_000;
/** A lock file not refreshed for this long belongs to a process that died. */
const LOCK_STALE_MS = 30_000;
const TEMPLATE_MARK = 'lifeos test template';

/** The URL of `database` on the server of `url`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** One statement on its own connection (create/drop database cannot run in a pool's transaction). */
export async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  await adminRows(serverUrl, statement);
}

async function adminRows<R extends pg.QueryResultRow>(serverUrl: string, statement: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query<R>(statement, values)).rows;
  } finally {
    await client.end();
  }
}

const DB_PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/**
 * What a template's contents depend on: every migration, the code that lists and applies them, and the versions of
 * Kysely (its migration tables) and PGlite (its tarball format).
 */
export async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  const migrationsDir = path.join(DB_PACKAGE, 'migrations');
  const files = [
    ...(await readdir(migrationsDir)).sort().map((name) => path.join('migrations', name)),
    'src/migrations.ts',
    'src/migrate.ts',
    'node_modules/kysely/package.json',
    'node_modules/@electric-sql/pglite/package.json',
  ];
  for (const file of files) hash.update(`${file}\0`).update(await readFile(path.join(DB_PACKAGE, file)));
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` holding an exclusive lock file, unless `done()` turns true while waiting for another holder. The
 * holder refreshes the file's time, so a lock left by a killed process is taken over after LOCK_STALE_MS.
 */
async function underLock(lockPath: string, done: () => Promise<boolean>, work: () => Promise<void>): Promise<void> {
  for (;;) {
    if (await done()) return;
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rm(lockPath, { force: true });
      else await sleep(250);
      continue;
    }
    const heartbeat = setInterval(() => {
      const now = new Date();
      utimes(lockPath, now, now).catch(() => {});
    }, LOCK_STALE_MS / 3);
    try {
      if (!(await done())) await work();
      return;
    } finally {
      clearInterval(heartbeat);
      await handle.close();
      await rm(lockPath, { force: true });
    }
  }
}

async function pgliteTemplate(key: string): Promise<TestTemplate> {
  const dir = os.tmpdir();
  const file = path.join(dir, `lifeos-test-template-${key}.tar`);
  const exists = () =>
    stat(file).then(
      () => true,
      () => false,
    );
  await underLock(`${file}.lock`, exists, async () => {
    const pglite = new PGlite();
    const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) });
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('none');
    await db.destroy();
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    // Old templates: a template's time is refreshed at every use below, so these are unused for a week.
    for (const name of await readdir(dir)) {
      if (!/^lifeos-test-template-[0-9a-f]+\.tar$/.test(name) || path.join(dir, name) === file) continue;
      const old = path.join(dir, name);
      const unused = await stat(old).then(
        (s) => Date.now() - s.mtimeMs > TEMPLATE_KEEP_MS,
        () => false,
      );
      if (unused) await rm(old, { force: true });
    }
  });
  const now = new Date();
  await utimes(file, now, now).catch(() => {});
  return { kind: 'pglite', location: file };
}

async function postgresTemplate(serverUrl: string, key: string): Promise<TestTemplate> {
  const name = `lifeos_tpl_${key}`;
  const template: TestTemplate = { kind: 'postgres', location: name, serverUrl };
  const found = await adminRows(serverUrl, 'select 1 from pg_database where datname = $1', [name]);
  if (found.length > 0) return template;

  const scratch = `${name}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${scratch}`);
  try {
    const db = new Kysely<any>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: withDatabase(serverUrl, scratch), max: 1 }),
      }),
    });
    await migrateToLatest(db);
    await db.destroy();
    await adminQuery(serverUrl, `comment on database ${scratch} is '${TEMPLATE_MARK} ${Date.now()}'`);
    await adminQuery(serverUrl, `alter database ${scratch} rename to ${name}`);
  } catch (error) {
    await adminQuery(serverUrl, `drop database if exists ${scratch} with (force)`);
    // duplicate_database: another run made the same template first, and ours is not needed.
    if ((error as { code?: string }).code !== '42P04') throw error;
    return template;
  }
  // Templates of other migrations made over a week ago (their branches are likely gone); one still in use is kept.
  const others = await adminRows<{ datname: string; note: string | null }>(
    serverUrl,
    `select datname, shobj_description(oid, 'pg_database') as note from pg_database
     where datname like 'lifeos\\_tpl\\_%' and datname <> $1`,
    [name],
  );
  for (const { datname, note } of others) {
    const made = Number(note?.startsWith(TEMPLATE_MARK) ? note.slice(TEMPLATE_MARK.length + 1) : Number.NaN);
    if (Date.now() - made > TEMPLATE_KEEP_MS) {
      await adminQuery(serverUrl, `drop database if exists ${datname}`).catch(() => {});
    }
  }
  return template;
}

let templateOfThisProcess: Promise<TestTemplate> | undefined;

/** The migrated template for this process's database (TEST_DATABASE_URL, else PGlite), made on first use. */
export function testTemplate(testDatabaseUrl = process.env.TEST_DATABASE_URL): Promise<TestTemplate> {
  templateOfThisProcess ??= templateKey().then((key) =>
    testDatabaseUrl ? postgresTemplate(testDatabaseUrl, key) : pgliteTemplate(key),
  );
  templateOfThisProcess.catch(() => {
    templateOfThisProcess = undefined;
  });
  return templateOfThisProcess;
}

export interface TestDatabase extends Database {
  /** The URL of this file's own PostgreSQL database (absent on PGlite). */
  url?: string;
}

/** A fresh, migrated database for one test file. `close()` also drops it. */
export async function createTestDatabase(options: { onQuery?: (sql: string) => void } = {}): Promise<TestDatabase> {
  const template = await testTemplate();
  if (template.kind === 'postgres' && template.serverUrl) {
    const serverUrl = template.serverUrl;
    const name = `lifeos_t_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${name} template ${template.location}`);
    const url = withDatabase(serverUrl, name);
    const database = createDatabase({ databaseUrl: url, poolSize: 5, onQuery: options.onQuery });
    return {
      ...database,
      url,
      close: async () => {
        await database.close();
        await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const tarball = await readFile(template.location);
  const database = createDatabase({ dataDir: null, loadDataDir: new Blob([tarball]), onQuery: options.onQuery });
  await sql`select 1`.execute(database.db);
  return database;
}
