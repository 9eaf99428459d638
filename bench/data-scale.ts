/**
 * Export and import of ten years of one person's data (issue 7.6: each within 10 s on PostgreSQL, memory bounded),
 * on embedded PGlite and — with a PostgreSQL URL — on PostgreSQL. Per database:
 *   1. the ten-year user of seed.ts (seeded here, or reused with --reuse when it exists);
 *   2. export with core's exportJsonChunks, written to a file;
 *   3. export over HTTP: GET /api/data/export with a read API key, streamed to a file;
 *      (untimed: a dry run of the whole document through core, so the JIT has compiled the import's code)
 *   4. import of that file over HTTP: POST /api/data/import?mode=replace into an empty user (write API key);
 *   5. import with core's importDocument (mode replace) into another empty user;
 *   6. the core import again over the user it just filled (a restore over existing data: replace deletes first);
 *   7. both imported users exported again and compared with the original: rows per section, and the rows
 *      themselves with their ids blanked out (ids are remapped on import; everything else must survive).
 * Time, size, and the process's peak RSS and heap growth over the step (sampled every 50 ms) for each step. The
 * server runs in this process (buildServer), so the HTTP rows measure server and client together.
 *
 *   pnpm --filter @lifeos/bench data-scale [-- --reuse --skip-reimport --skip-pglite --until 2026-11-25 --years 10]
 *   pnpm --filter @lifeos/bench data-scale -- --database-url postgres://postgres@127.0.0.1:5432/lifeos_bench
 * The PostgreSQL database is created when missing (use a dedicated one: users "bench*" are replaced in it).
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, openAsBlob, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { localDate } from '@lifeos/core/schemas';
import {
  apiKeysService,
  authService,
  createPasswordHasher,
  dataExport,
  dataImport,
  systemClock,
} from '@lifeos/core/server';
import type { Database } from '@lifeos/db';
import { loadConfig } from '../apps/api/src/env.js';
import { startServer } from './lib/api.js';
import { BENCH_TIMEZONE, DEFAULT_PASSWORD, findUserId, openBenchDatabase, seedUser } from './lib/seed-user.js';
import { machine, table } from './stats.js';

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    'skip-pglite': { type: 'boolean', default: false },
    'skip-reimport': { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    years: { type: 'string', default: '10' },
    until: { type: 'string' },
    seed: { type: 'string', default: '42' },
    username: { type: 'string', default: 'bench' },
  },
  strict: true,
});
const databaseUrl = values['database-url'] ?? (process.env.DATABASE_URL || undefined);
const dataDir = path.resolve(values['data-dir'] ?? process.env.DATA_DIR ?? 'data');
const until = values.until ?? localDate(new Date(), BENCH_TIMEZONE);
const workDir = path.join(os.tmpdir(), `lifeos-data-scale-${process.pid}`);
const MiB = 1024 * 1024;
const deps = (database: Database) => ({ db: database.db, clock: systemClock });

// ---------- memory sampling ----------

const gc = (globalThis as { gc?: () => void }).gc;

interface Measured<T> {
  value: T;
  ms: number;
  peakRss: number;
  heapDelta: number;
}

/** Runs `fn` while sampling RSS and heap every 50 ms: peak RSS, and the heap's peak growth over its start. */
async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  gc?.();
  const startHeap = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage.rss();
  let peakHeap = startHeap;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const timer = setInterval(sample, 50);
  const started = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - started;
    sample();
    return { value, ms, peakRss, heapDelta: peakHeap - startHeap };
  } finally {
    clearInterval(timer);
  }
}

// ---------- comparing documents ----------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Doc = Record<string, unknown>;

/** A row as text with every uuid value blanked (ids are remapped on import) and object keys sorted. */
function normalise(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string' && UUID.test(v)) return '<id>';
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}

/** Sections whose row counts differ, and sections whose rows (ids blanked, as a multiset) differ. */
function compare(original: Doc, copy: Doc) {
  const sections = Object.keys(original).filter((k) => Array.isArray(original[k]));
  const counts: string[] = [];
  const contents: string[] = [];
  for (const section of sections) {
    const a = original[section] as unknown[];
    const b = (copy[section] ?? []) as unknown[];
    if (a.length !== b.length) counts.push(`${section} ${a.length}→${b.length}`);
    const left = a.map(normalise).sort();
    const right = b.map(normalise).sort();
    if (left.some((row, i) => row !== right[i])) contents.push(section);
  }
  if (normalise(original.settings) !== normalise(copy.settings)) contents.push('settings');
  return { sections: sections.length, counts, contents };
}

function rowsIn(doc: Doc): number {
  return Object.values(doc).reduce<number>((sum, v) => sum + (Array.isArray(v) ? v.length : 0), 0);
}

// ---------- one database ----------

type Row = (string | number)[];
const mib = (bytes: number) => (bytes / MiB).toFixed(1);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function createEmptyUser(database: Database, username: string) {
  const existing = await findUserId(database, username);
  if (existing) await database.db.deleteFrom('users').where('id', '=', existing).execute();
  const config = loadConfig({ ...process.env, SECRET_KEY: 'x'.repeat(32) });
  return authService.createUser(
    { db: database.db, hasher: createPasswordHasher(config.argon2) },
    { username, email: `${username}@example.com`, password: DEFAULT_PASSWORD },
  );
}

async function totalWords(database: Database, userId: string): Promise<number> {
  const row = await database.db
    .selectFrom('journalEntries')
    .select((eb) => eb.fn.sum<number>('wordCount').as('words'))
    .where('userId', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.words);
}

async function writeChunks(chunks: AsyncIterable<string>, file: string): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

async function benchDatabase(name: string, url: string | undefined): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const row = (step: string, m: Measured<unknown>, bytes: number | null, detail: string) =>
    rows.push([name, step, seconds(m.ms), bytes === null ? '' : mib(bytes), mib(m.peakRss), mib(m.heapDelta), detail]);
  /** A step that may fail (a timeout, a refusal): its row says so, and the steps that do not need it still run. */
  const attempt = async <T>(database: string, step: string, fn: () => Promise<T>) => {
    const started = performance.now();
    try {
      return await measure(fn);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rows.push([database, step, seconds(performance.now() - started), '', '', '', `FAILED: ${message.slice(0, 160)}`]);
      return undefined;
    }
  };

  process.stderr.write(`\n${name}: opening…\n`);
  const database = await openBenchDatabase({ databaseUrl: url, dataDir });
  let userId = values.reuse ? await findUserId(database, values.username) : undefined;
  if (userId) {
    notes.push(`${name}: reused the seeded user "${values.username}"`);
  } else {
    const seeded = await measure(() =>
      seedUser(database, {
        username: values.username,
        password: DEFAULT_PASSWORD,
        until,
        years: Number(values.years),
        seed: Number(values.seed),
        reset: true,
        log: (line) => process.stderr.write(`${line}\n`),
      }),
    );
    userId = seeded.value.userId;
    const total = seeded.value.timings.reduce((sum, t) => sum + t.rows, 0);
    row('seed (generate + insert)', seeded, null, `${total} rows`);
  }
  const httpUser = await createEmptyUser(database, `${values.username}-import-http`);
  const coreUser = await createEmptyUser(database, `${values.username}-import-core`);
  const keyDeps = { db: database.db, clock: systemClock };
  const readKey = (await apiKeysService.createApiKey(keyDeps, userId, { name: 'data-scale', scope: 'read' })).key;
  const writeKey = (await apiKeysService.createApiKey(keyDeps, httpUser.id, { name: 'data-scale', scope: 'write' }))
    .key;

  // The app's own limits on PostgreSQL (statement_timeout 15 s, as the server sets it); the setup above may take
  // longer (deleting a previous run's users).
  const config = loadConfig({ ...process.env, SECRET_KEY: 'x'.repeat(32) });
  const app = url
    ? await openBenchDatabase({ databaseUrl: url, dataDir, statementTimeoutMs: config.limits.statementTimeoutMs })
    : database;
  const { server, base } = await startServer(app);
  try {
    const coreFile = path.join(workDir, `${name}-core.json`);
    process.stderr.write(`${name}: export (core)…\n`);
    const coreExport = await measure(() => writeChunks(dataExport.exportJsonChunks(deps(app), userId), coreFile));
    const original = JSON.parse(readFileSync(coreFile, 'utf8')) as Doc;
    const total = rowsIn(original);
    row('export: exportJsonChunks → file', coreExport, coreExport.value, `${total} rows`);

    process.stderr.write(`${name}: export (HTTP)…\n`);
    const httpFile = path.join(workDir, `${name}-http.json`);
    const httpExport = await measure(async () => {
      const response = await fetch(`${base}/api/data/export`, { headers: { authorization: `Bearer ${readKey}` } });
      if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(httpFile));
      return statSync(httpFile).size;
    });
    row('export: GET /api/data/export', httpExport, httpExport.value, '');
    const sameAsCore = compare(original, JSON.parse(readFileSync(httpFile, 'utf8')) as Doc);
    if (sameAsCore.counts.length || sameAsCore.contents.length) {
      notes.push(`${name}: the HTTP export differs from the core export: ${JSON.stringify(sameAsCore)}`);
    }

    // Untimed: a dry run of the whole document (the same work, rolled back) first, so neither timed import below
    // pays for compiling the import's code — a running server has done that long before anyone restores a backup.
    process.stderr.write(`${name}: warm-up (core dry run, not timed)…\n`);
    // A copy of its own: validation rewrites the document's rows in place.
    const warmUp: unknown = JSON.parse(readFileSync(coreFile, 'utf8'));
    await dataImport.importDocument(deps(app), coreUser.id, warmUp, { mode: 'replace', dryRun: true });

    process.stderr.write(`${name}: import (HTTP)…\n`);
    const httpImport = await attempt(name, 'import: POST /api/data/import (replace)', async () => {
      const response = await fetch(`${base}/api/data/import?mode=replace&dryRun=false`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
        // A file-backed Blob: the client streams the file rather than holding the document as a string.
        body: await openAsBlob(coreFile),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`import answered ${response.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as { counts: Record<string, { created: number }> };
    });
    if (httpImport) {
      const httpCreated = Object.values(httpImport.value.counts).reduce((sum, c) => sum + c.created, 0);
      row('import: POST /api/data/import (replace)', httpImport, coreExport.value, `${httpCreated} created`);
    }

    process.stderr.write(`${name}: import (core)…\n`);
    const coreImport = await attempt(name, 'import: JSON.parse + importDocument', async () => {
      const parsing = performance.now();
      const doc: unknown = JSON.parse(readFileSync(coreFile, 'utf8'));
      const parseMs = performance.now() - parsing;
      const report = await dataImport.importDocument(deps(app), coreUser.id, doc, {
        mode: 'replace',
        dryRun: false,
      });
      return { report, parseMs };
    });
    if (coreImport) {
      const coreCreated = Object.values(coreImport.value.report.counts).reduce((sum, c) => sum + c.created, 0);
      row(
        'import: JSON.parse + importDocument',
        coreImport,
        coreExport.value,
        `${coreCreated} created (parse ${seconds(coreImport.value.parseMs)} s)`,
      );
    }

    if (coreImport && !values['skip-reimport']) {
      // A restore over an account that has data: replace deletes the user's rows first, then inserts.
      process.stderr.write(`${name}: import again over the imported data (core)…\n`);
      const again = await attempt(name, 'import: again, replacing existing data', async () =>
        dataImport.importDocument(deps(app), coreUser.id, JSON.parse(readFileSync(coreFile, 'utf8')), {
          mode: 'replace',
          dryRun: false,
        }),
      );
      if (again) {
        const created = Object.values(again.value.counts).reduce((sum, c) => sum + c.created, 0);
        row('import: again, replacing existing data', again, coreExport.value, `${created} created`);
      }
    }

    for (const [label, user, imported] of [
      ['HTTP', httpUser, httpImport],
      ['core', coreUser, coreImport],
    ] as const) {
      if (!imported) continue;
      const file = path.join(workDir, `${name}-reexport-${label}.json`);
      await writeChunks(dataExport.exportJsonChunks(deps(app), user.id), file);
      const result = compare(original, JSON.parse(readFileSync(file, 'utf8')) as Doc);
      const verdict =
        result.counts.length === 0 && result.contents.length === 0
          ? `equal to the original (${result.sections} sections, rows compared with ids blanked)`
          : `DIFFERS — counts: ${result.counts.join(', ') || 'same'}; contents: ${result.contents.join(', ') || 'same'}`;
      notes.push(`${name}: re-export of the ${label} import: ${verdict}`);
      // Word counts are not in the document: the import recomputes them, and they must match what was stored.
      const [words, originalWords] = [await totalWords(database, user.id), await totalWords(database, userId)];
      notes.push(
        `${name}: journal words after the ${label} import ${words} (original ${originalWords}): ` +
          (words === originalWords ? 'same' : 'DIFFERENT'),
      );
    }
  } finally {
    await server.shutdown(); // also closes its database
    if (app !== database) await database.close();
  }
  return { rows, notes };
}

// ---------- main ----------

const targets: [string, string | undefined][] = [];
if (!values['skip-pglite']) targets.push(['PGlite', undefined]);
if (databaseUrl) targets.push(['PostgreSQL', databaseUrl]);
mkdirSync(workDir, { recursive: true });
const rows: Row[] = [];
const notes: string[] = [];
try {
  for (const [name, url] of targets) {
    const result = await benchDatabase(name, url);
    rows.push(...result.rows);
    notes.push(...result.notes);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

console.log(`Data scale — ${machine()}`);
console.log(
  `${values.years} years until ${until}, seed ${values.seed}; memory sampled every 50 ms${gc ? ' after a GC' : ''}\n`,
);
console.log(table(['database', 'step', 's', 'MiB', 'peak RSS MiB', 'heap Δ MiB', ''], rows, 2));
console.log('');
for (const note of notes) console.log(note);
if (!databaseUrl) console.log('\n(pass --database-url or DATABASE_URL to add PostgreSQL)');
