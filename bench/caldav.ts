/**
 * CalDAV speed, Life OS side by side with Radicale (issue 20): the same calendar — `--events` events over a year
 * (a tenth of them recurring, each series with two changed occurrences as RECURRENCE-ID overrides in its object,
 * Europe/Berlin with its VTIMEZONE) and `--tasks` VTODOs in one task list, generated once from a seed
 * (lib/caldav-data.ts) — PUT to Debian's Radicale (its own process, filesystem storage in a temp folder, no auth)
 * and to Life OS (the real server, buildServer, in this process, on PGlite in a temp folder; and on a scratch
 * PostgreSQL database too when DATABASE_URL is set). Life OS's collections are its calendar `events` and its
 * `inbox`; Radicale gets a calendar and a task collection of the same names (MKCALENDAR), so one vdirsyncer pair
 * definition serves both. Rows, each on every server in turn (repetitions alternate between the servers, so a drift
 * of the shared machine falls on all alike), the median where repeated:
 *
 *   upload               PUT of every object, 4 at a time (`--concurrency`), wall time from the first to the last
 *                        answer; once
 *   initial sync         `vdirsyncer sync` (Debian's /usr/bin/vdirsyncer, after an untimed `discover`) of both
 *                        collections into empty `filesystem` storages: wall time of the process, `--rounds` times
 *                        from empty folders and no status. Then the one correctness check: every server's local
 *                        folders hold every object, per collection
 *   no-change re-sync    `vdirsyncer sync` again with nothing changed anywhere (`--runs`)
 *   re-sync, 10 changes  10 objects changed on the server side first (PUT directly, untimed: 2 series, 5 single
 *                        events, 3 tasks), then `vdirsyncer sync`, which must fetch exactly those 10 (`--rounds`)
 *   calendar-query       REPORT on the calendar with a one-month time-range (June), getetag + calendar-data; a
 *                        warm-up, then `--runs`
 *   multiget             calendar-multiget of 100 events by href, getetag + calendar-data; a warm-up, then `--runs`
 *
 * Goal: Life OS at least as fast as Radicale on every row (ratio Life OS / Radicale ≤ 1, lower is better), and the
 * no-change re-sync under 0.5 s. vdirsyncer's rows include its own start (Python, printed as a floor below the
 * table); for the no-change re-sync, Life OS's share is printed too (an onResponse hook: each request's answer time,
 * and the span from the first request's arrival to the last answer), and vdirsyncer's is the run less that span. Life OS answers in the process that also sends the uploads and the reports (the client's share is small
 * beside a server's), and PGlite shares that thread; Radicale is single-writer (a PUT of a new object scans the
 * collection for a UID conflict), which is its design, not the benchmark's.
 *
 *   pnpm --filter @lifeos/bench caldav [-- --events 3000 --tasks 500 --runs 5 --rounds 3 --skip-pglite]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench caldav
 *
 * Radicale comes from Debian (`apt-get install radicale`; installed here when missing and running as root),
 * vdirsyncer from `node scripts/ensure-test-packages.mjs`. Temp folders, the Radicale process and the scratch
 * database are removed on exit, failures and Ctrl-C included.
 */
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { apiKeysService, authService, createPasswordHasher, settingsService, systemClock } from '@lifeos/core/server';
import { createDatabase, type Database, migrateToLatest } from '@lifeos/db';
import { loadConfig } from '../apps/api/src/env.js';
import { startServer } from './lib/api.js';
import { type CalendarData, changedObject, type DavObject, generateCalendarData } from './lib/caldav-data.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { machine, table } from './stats.js';

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    events: { type: 'string', default: '3000' },
    tasks: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string', default: '20' },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const TASKS = Number(values.tasks);
const RUNS = Number(values.runs);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const SEED = Number(values.seed);
const YEAR = 2026;
const databaseUrl = process.env.DATABASE_URL || undefined;
const RADICALE = '/usr/bin/radicale';
const VDIRSYNCER = '/usr/bin/vdirsyncer';
const USERNAME = 'bench';
const COLLECTIONS = ['events', 'inbox'] as const;
type CollectionName = (typeof COLLECTIONS)[number];
const exec = promisify(execFile);

interface DavServer {
  label: string;
  /** Scheme, host and port. */
  origin: string;
  /** What vdirsyncer is given: it discovers the collections from there. */
  davUrl: string;
  /** Each collection's path, with its trailing slash. */
  collections: Record<CollectionName, string>;
  password: string;
  /** vdirsyncer's config, status and local folders for this server. */
  dir: string;
  /** Life OS only: what the server spent answering, request by request (Fastify's elapsed time), since the reset. */
  served?: ServedLog;
}

/** The requests a Life OS server answered: method, path and depth, and the milliseconds from receipt to answer. */
interface ServedLog {
  requests: { what: string; ms: number; start: number; end: number }[];
}

/** From the first request's arrival to the last answer (vdirsyncer sends some requests at once). */
const servedSpan = (requests: ServedLog['requests']) =>
  requests.length === 0 ? 0 : Math.max(...requests.map((r) => r.end)) - Math.min(...requests.map((r) => r.start));

// ---- cleanup: whatever happens, no Radicale and no temp folder outlive the script ----

const tempRoot = mkdtempSync(path.join(os.tmpdir(), 'lifeos-caldav-bench-'));
let radicaleProcess: ChildProcess | undefined;
const closers: (() => Promise<void>)[] = [];
async function closeAll() {
  for (const close of closers.splice(0).reverse()) await close().catch((error: unknown) => console.error(error));
}
process.on('exit', () => {
  radicaleProcess?.kill('SIGKILL');
  rmSync(tempRoot, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: cleaning up…\n`);
    void closeAll().finally(() => process.exit(130));
  });
}

// ---- the tools ----

const installed = (name: string) =>
  spawnSync('dpkg', ['-s', name], { encoding: 'utf8' }).stdout?.includes('Status: install ok installed') ?? false;

/** Radicale from Debian, installed the way scripts/ensure-test-packages.mjs installs its packages. */
function ensureTools() {
  if (!existsSync(VDIRSYNCER)) {
    throw new Error(`${VDIRSYNCER} is missing: run node scripts/ensure-test-packages.mjs`);
  }
  if (existsSync(RADICALE) && installed('radicale')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error("The CalDAV benchmark compares with Debian's Radicale: sudo apt-get install -y radicale");
  }
  process.stderr.write('Installing Radicale (apt-get install -y radicale)…\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'radicale'], { stdio: 'inherit', env });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    install();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const basic = (server: DavServer) => `Basic ${Buffer.from(`${USERNAME}:${server.password}`).toString('base64')}`;

async function request(
  server: DavServer,
  method: string,
  pathname: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.origin}${pathname}`, {
    method,
    headers: { authorization: basic(server), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

// ---- the servers ----

async function startRadicale(): Promise<DavServer> {
  const dir = path.join(tempRoot, 'radicale');
  mkdirSync(path.join(dir, 'collections'), { recursive: true });
  const port = await freePort();
  const config = path.join(dir, 'config');
  // Our file replaces Debian's /etc/radicale/config (TLS, remote_user auth): -C wins over the default paths.
  writeFileSync(
    config,
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = none',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${path.join(dir, 'collections')}`,
      '[web]',
      'type = none',
      '[logging]',
      'level = warning',
      '',
    ].join('\n'),
  );
  let stderr = '';
  const child = spawn(RADICALE, ['-C', config], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  radicaleProcess = child;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  closers.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  const server: DavServer = {
    label: 'Radicale',
    origin: `http://127.0.0.1:${port}`,
    davUrl: `http://127.0.0.1:${port}/`,
    collections: { events: `/${USERNAME}/events/`, inbox: `/${USERNAME}/inbox/` },
    password: 'radicale has no auth here',
    dir: path.join(tempRoot, 'vdirsyncer-radicale'),
  };
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Radicale exited (${child.exitCode}): ${stderr}`);
    try {
      await fetch(`${server.origin}/`, { method: 'OPTIONS', signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (performance.now() > deadline) throw new Error(`Radicale did not answer within 30 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const components: Record<CollectionName, [string, string]> = {
    events: ['VEVENT', 'Calendar'],
    inbox: ['VTODO', 'Inbox'],
  };
  for (const name of COLLECTIONS) {
    const [component, displayName] = components[name];
    const made = await request(
      server,
      'MKCALENDAR',
      server.collections[name],
      `<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<D:displayname>${displayName}</D:displayname>
<C:supported-calendar-component-set><C:comp name="${component}"/></C:supported-calendar-component-set>
</D:prop></D:set></C:mkcalendar>`,
      { 'content-type': 'application/xml; charset=utf-8' },
    );
    if (made.status !== 201) throw new Error(`Radicale: MKCALENDAR ${name} answered ${made.status}: ${made.text}`);
  }
  return server;
}

/** Life OS on a new database, with the user and a write API key (the password a phone would be given). */
async function startLifeOs(kind: 'PGlite' | 'PostgreSQL'): Promise<DavServer> {
  let database: Database;
  let release: () => Promise<void>;
  if (kind === 'PGlite') {
    // On disk, as `pnpm start` runs it.
    const dataDir = path.join(tempRoot, 'pglite');
    mkdirSync(dataDir);
    database = createDatabase({ dataDir });
    release = async () => rmSync(dataDir, { recursive: true, force: true });
  } else {
    const scratch = await createScratchDatabase(databaseUrl as string, 'lifeos_caldav');
    database = createDatabase({ databaseUrl: scratch.url, statementTimeoutMs: 60_000 });
    release = scratch.drop;
  }
  let serverOwnsDatabase = false;
  closers.push(async () => {
    if (!serverOwnsDatabase) await database.close().catch(() => {});
    await release();
  });
  await migrateToLatest(database.db);
  // The server's own argon2 parameters (a SECRET_KEY only satisfies loadConfig; nothing is signed here).
  const config = loadConfig({ ...process.env, SECRET_KEY: 'x'.repeat(32) });
  const user = await authService.createUser(
    { db: database.db, hasher: createPasswordHasher(config.argon2) },
    { username: USERNAME, email: 'bench@example.com', password: 'bench password 1234', displayName: 'Bench Marker' },
  );
  await settingsService.updateSettings({ db: database.db, clock: systemClock }, user.id, {
    timezone: 'Europe/Berlin',
    weekStart: 'monday',
    units: 'metric',
    journalWordGoal: 750,
  });
  const { key } = await apiKeysService.createApiKey({ db: database.db, clock: systemClock }, user.id, {
    name: 'caldav bench',
    scope: 'write',
  });
  const served: ServedLog = { requests: [] };
  const { server, base } = await startServer(database, (lifeOs) => {
    lifeOs.app.addHook('onResponse', async (request, reply) => {
      const depth = request.headers.depth === undefined ? '' : ` depth ${request.headers.depth}`;
      const end = performance.now();
      const what = `${request.method} ${request.url}${depth}`;
      served.requests.push({ what, ms: reply.elapsedTime, start: end - reply.elapsedTime, end });
    });
  });
  serverOwnsDatabase = true;
  closers.push(() => server.shutdown());
  return {
    label: `Life OS (${kind})`,
    origin: base,
    davUrl: `${base}/dav/`,
    collections: { events: `/dav/calendars/${USERNAME}/events/`, inbox: `/dav/calendars/${USERNAME}/inbox/` },
    password: key,
    dir: path.join(tempRoot, `vdirsyncer-lifeos-${kind.toLowerCase()}`),
    served,
  };
}

// ---- what is timed ----

const collectionOf = (object: DavObject): CollectionName => (object.name.startsWith('task-') ? 'inbox' : 'events');

async function put(server: DavServer, object: DavObject) {
  const { status, text } = await request(
    server,
    'PUT',
    server.collections[collectionOf(object)] + object.name,
    object.ics,
    {
      'content-type': 'text/calendar; charset=utf-8',
    },
  );
  if (status < 200 || status > 299) {
    throw new Error(`${server.label}: PUT ${object.name} answered ${status}: ${text.slice(0, 500)}`);
  }
}

/** Every object, `CONCURRENCY` requests in flight; milliseconds from the first request to the last answer. */
async function upload(server: DavServer, objects: DavObject[]): Promise<number> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < objects.length) {
      const object = objects[next++] as DavObject;
      await put(server, object);
      if (++done % 500 === 0) process.stderr.write(`    ${server.label}: ${done} of ${objects.length}\n`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - started;
}

function writeVdirsyncerConfig(server: DavServer) {
  for (const name of COLLECTIONS) mkdirSync(path.join(server.dir, 'local', name), { recursive: true });
  writeFileSync(
    path.join(server.dir, 'config'),
    `[general]
status_path = "${server.dir}/status/"

[pair bench]
a = "local"
b = "server"
collections = ${JSON.stringify(COLLECTIONS)}

[storage local]
type = "filesystem"
path = "${server.dir}/local/"
fileext = ".ics"

[storage server]
type = "caldav"
url = "${server.davUrl}"
username = "${USERNAME}"
password = "${server.password}"
`,
  );
}

/** Runs vdirsyncer for this server; the wall time of the process and what it printed. Fails on its failure. */
async function vdirsyncer(server: DavServer, command: 'discover' | 'sync'): Promise<{ ms: number; output: string }> {
  const started = performance.now();
  try {
    const { stdout, stderr } = await exec(VDIRSYNCER, ['-c', path.join(server.dir, 'config'), command], {
      // A prompt (discover asks before creating a missing collection) would otherwise wait for ever.
      timeout: command === 'discover' ? 120_000 : 30 * 60_000,
      maxBuffer: 256 * 2 ** 20,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: server.dir, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
    });
    const ms = performance.now() - started;
    const output = stdout + stderr;
    if (/^(error|critical):/im.test(output)) throw new Error(output);
    return { ms, output };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message?: string };
    const output = `${failed.stdout ?? ''}${failed.stderr ?? ''}` || (failed.message ?? String(error));
    // The reason is in vdirsyncer's error lines, which thousands of "Copying" lines may surround.
    const reasons = output.split('\n').filter((line) => /^(error|critical|warning):/i.test(line));
    throw new Error(
      `${server.label}: vdirsyncer ${command} failed:\n${reasons.slice(0, 20).join('\n') || output.slice(-3_000)}`,
    );
  }
}

const localCount = (server: DavServer, name: CollectionName) =>
  readdirSync(path.join(server.dir, 'local', name)).filter((file) => file.endsWith('.ics')).length;

const count = (pattern: RegExp, text: string) => text.match(pattern)?.length ?? 0;
/** Answers that carry an object's text, whatever prefix the server gives the CalDAV namespace. */
const CALENDAR_DATA = /<(?:[\w-]+:)?calendar-data[\s>]/g;

const monthQuery = `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="${YEAR}0601T000000Z" end="${YEAR}0701T000000Z"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>`;

const multigetBody = (server: DavServer, objects: DavObject[]) => `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
${objects.map((o) => `  <D:href>${server.collections.events}${o.name}</D:href>`).join('\n')}
</C:calendar-multiget>`;

/** A REPORT on the calendar; its wall time until the whole answer is read, and how many objects it held. */
async function report(server: DavServer, body: string, depth: string | null) {
  const started = performance.now();
  const { status, text } = await request(server, 'REPORT', server.collections.events, body, {
    'content-type': 'application/xml; charset=utf-8',
    ...(depth === null ? {} : { depth }),
  });
  const ms = performance.now() - started;
  if (status !== 207) throw new Error(`${server.label}: REPORT answered ${status}: ${text.slice(0, 500)}`);
  return { ms, objects: count(CALENDAR_DATA, text), bytes: Buffer.byteLength(text) };
}

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

type Stage = 'upload' | 'sync' | 'report';
/**
 * Why a server dropped out: after a failed upload its data is unknown, so it leaves every later row; after a failed
 * sync it leaves the vdirsyncer rows (their state builds on the initial sync) but still answers the reports.
 */
const failures = new Map<DavServer, string[]>();
const dropped = new Map<DavServer, Stage>();

/**
 * `reps` times on every server in turn (A B C A B C …); each server's median, NaN where it failed or had dropped out
 * of rows of this stage.
 */
async function alternate(
  title: string,
  stage: Stage,
  servers: DavServer[],
  reps: number,
  once: (server: DavServer, rep: number) => Promise<number>,
): Promise<number[]> {
  const samples = servers.map(() => [] as number[]);
  const failed = new Set<DavServer>();
  for (let rep = 0; rep < reps; rep++) {
    for (const [index, server] of servers.entries()) {
      const out = dropped.get(server);
      if (failed.has(server) || out === 'upload' || (out === 'sync' && stage === 'sync')) continue;
      try {
        samples[index]?.push(await once(server, rep));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failed.add(server);
        failures.set(server, [...(failures.get(server) ?? []), `${title}: ${message}`]);
        if (stage !== 'report') dropped.set(server, stage);
        process.stderr.write(`  ${server.label} FAILED ${title}: ${message.slice(0, 2_000)}\n`);
      }
    }
  }
  return samples.map((values, index) =>
    values.length === 0 || failed.has(servers[index] as DavServer) ? Number.NaN : median(values),
  );
}

/** The 10 objects changed in a round: 2 series, 5 single events and 3 tasks, different ones every round. */
function changesFor(data: CalendarData, round: number): DavObject[] {
  const series = data.events.filter((e) => e.series);
  const singles = data.events.filter((e) => !e.series);
  // Steps coprime with the default list lengths (300, 2,700, 500), so rounds do not repeat an object.
  const take = (list: DavObject[], n: number, step: number) =>
    list.length === 0
      ? []
      : Array.from({ length: n }, (_, j) => list[((round * n + j) * step) % list.length] as DavObject);
  const chosen = [...take(series, 2, 13), ...take(singles, 5, 101), ...take(data.tasks, 3, 37)];
  const unique = [...new Map(chosen.map((o) => [o.name, o])).values()];
  return unique.map((o) => changedObject(o, round + 1));
}

// ---- the run ----

const formatMs = (value: number) =>
  Number.isNaN(value)
    ? 'failed'
    : value >= 1_000
      ? `${(value / 1_000).toFixed(2)} s`
      : `${value.toFixed(value < 10 ? 2 : 1)} ms`;

async function main() {
  ensureTools();
  const radicaleVersion = execFileSync(RADICALE, ['--version'], { encoding: 'utf8' }).trim();
  const vdirsyncerVersion = execFileSync(VDIRSYNCER, ['--version'], { encoding: 'utf8' }).trim();

  const data = generateCalendarData({
    events: EVENTS,
    recurring: Math.round(EVENTS / 10),
    tasks: TASKS,
    seed: SEED,
    year: YEAR,
  });
  const objects = [...data.events, ...data.tasks];
  const icsBytes = objects.reduce((sum, o) => sum + Buffer.byteLength(o.ics), 0);

  const lifeOsKinds: ('PGlite' | 'PostgreSQL')[] = [];
  if (!values['skip-pglite']) lifeOsKinds.push('PGlite');
  if (databaseUrl) lifeOsKinds.push('PostgreSQL');
  if (lifeOsKinds.length === 0) throw new Error('Nothing to compare: --skip-pglite without DATABASE_URL');
  process.stderr.write(`Starting Radicale and Life OS (${lifeOsKinds.join(', ')})…\n`);
  const radicale = await startRadicale();
  const lifeOs: DavServer[] = [];
  for (const kind of lifeOsKinds) lifeOs.push(await startLifeOs(kind));
  const servers = [...lifeOs, radicale];
  for (const server of servers) writeVdirsyncerConfig(server);

  // Python's start and imports, part of every vdirsyncer row: the floor under the sync rows, timed just before each
  // no-change re-sync so that it meets the same load as the row.
  const starts: number[] = [];
  const timeStart = async () => {
    const started = performance.now();
    await exec(VDIRSYNCER, ['--version']);
    starts.push(performance.now() - started);
  };

  const rows: { title: string; reps: number; ms: number[]; note: string }[] = [];
  /** Times a row on every server (see alternate) and keeps it; `note` is read after the row ran. */
  const measure = async (
    title: string,
    stage: Stage,
    reps: number,
    once: (server: DavServer, rep: number) => Promise<number>,
    note: () => string = () => '',
  ) => {
    const ms = await alternate(title, stage, servers, reps, once);
    rows.push({ title, reps, ms, note: note() });
    process.stderr.write(
      `  ${title}: ${servers.map((s, i) => `${s.label} ${formatMs(ms[i] ?? Number.NaN)}`).join(', ')}\n`,
    );
  };

  process.stderr.write(`Uploading ${objects.length} objects to each server…\n`);
  await measure('upload: PUT every object', 'upload', 1, (server) => upload(server, objects));

  process.stderr.write('vdirsyncer: discover, initial sync…\n');
  // Repeated from empty folders and no status (the server unchanged): one run on a shared machine is mostly noise.
  const initial = servers.map(() => [] as number[]);
  await measure(
    'vdirsyncer initial sync',
    'sync',
    ROUNDS,
    async (server) => {
      for (const part of ['local', 'status']) rmSync(path.join(server.dir, part), { recursive: true, force: true });
      writeVdirsyncerConfig(server);
      await vdirsyncer(server, 'discover');
      const { ms } = await vdirsyncer(server, 'sync');
      initial[servers.indexOf(server)]?.push(ms);
      return ms;
    },
    () =>
      `each run: ${servers.map((s, i) => `${s.label} ${(initial[i] ?? []).map(formatMs).join(' / ') || '—'}`).join(', ')}` +
      " (Life OS keeps events' text by revision, Radicale its item cache: the first run is the cold one)",
  );
  // The correctness check: every object arrived, per collection, on every server whose sync said it succeeded.
  const expected: Record<CollectionName, number> = { events: data.events.length, inbox: data.tasks.length };
  const counts = servers.map((s) => COLLECTIONS.map((c) => `${c} ${localCount(s, c)}`).join(', '));
  for (const [i, server] of servers.entries()) {
    if (dropped.has(server) || COLLECTIONS.every((c) => localCount(server, c) === expected[c])) continue;
    const message = `after the initial sync the local folders hold ${counts[i]}, not events ${expected.events}, inbox ${expected.inbox}`;
    failures.set(server, [...(failures.get(server) ?? []), message]);
    dropped.set(server, 'sync');
    process.stderr.write(`  ${server.label} FAILED: ${message}\n`);
  }

  const unexpected: string[] = [];
  /** Per Life OS server and run: the requests of one no-change sync and the server's time answering them. */
  const serverShare = new Map<DavServer, { requests: ServedLog['requests']; ms: number; wall: number }[]>();
  await measure(
    'no-change re-sync',
    'sync',
    RUNS,
    async (server) => {
      await timeStart();
      if (server.served) server.served.requests = [];
      const { ms, output } = await vdirsyncer(server, 'sync');
      if (server.served) {
        const requests = [...server.served.requests];
        const runs = serverShare.get(server) ?? [];
        runs.push({ requests, ms: servedSpan(requests), wall: ms });
        serverShare.set(server, runs);
      }
      if (/Copying|Deleting|Updating/i.test(output)) unexpected.push(`${server.label}: ${output.slice(0, 300)}`);
      return ms;
    },
    () => (unexpected.length ? 'a no-change sync moved items (see below)' : ''),
  );

  const floor = median(starts);

  const updated = servers.map(() => [] as number[]);
  await measure(
    `re-sync after ${changesFor(data, 0).length} server-side changes`,
    'sync',
    ROUNDS,
    async (server, round) => {
      for (const object of changesFor(data, round)) await put(server, object);
      const { ms, output } = await vdirsyncer(server, 'sync');
      updated[servers.indexOf(server)]?.push(count(/Copying \(updating\)/g, output));
      return ms;
    },
    () => `fetched per round: ${servers.map((s, i) => `${s.label} ${updated[i]?.join('/') || '—'}`).join(', ')}`,
  );

  const answers = servers.map(() => ({ objects: 0, bytes: 0 }));
  const timedReport = (body: (server: DavServer) => string, depth: string | null) => async (server: DavServer) => {
    const result = await report(server, body(server), depth);
    answers[servers.indexOf(server)] = { objects: result.objects, bytes: result.bytes };
    return result.ms;
  };
  const answerNote = () =>
    `objects: ${servers.map((s, i) => `${s.label} ${answers[i]?.objects} (${Math.round((answers[i]?.bytes ?? 0) / 1024)} KiB)`).join(', ')}`;

  const query = timedReport(() => monthQuery, '1');
  await alternate('calendar-query warm-up', 'report', servers, 1, query);
  await measure(`calendar-query, one month (June ${YEAR})`, 'report', RUNS, query, answerNote);

  const step = Math.max(1, Math.floor(data.events.length / 100));
  const hundred = data.events.filter((_, i) => i % step === 0).slice(0, 100);
  const multiget = timedReport((server) => multigetBody(server, hundred), null);
  await alternate('calendar-multiget warm-up', 'report', servers, 1, multiget);
  await measure(`calendar-multiget, ${hundred.length} hrefs`, 'report', RUNS, multiget, answerNote);

  const radicaleIndex = servers.indexOf(radicale);
  const headers = ['row', 'reps', 'Radicale'];
  for (const server of lifeOs) headers.push(server.label, 'ratio');
  headers.push('notes');
  const tableRows = rows.map(({ title, reps, ms, note }) => {
    const base = ms[radicaleIndex] ?? Number.NaN;
    const cells: (string | number)[] = [title, reps, formatMs(base)];
    for (const [i] of lifeOs.entries()) {
      const ratio = (ms[i] ?? Number.NaN) / base;
      cells.push(formatMs(ms[i] ?? Number.NaN), Number.isNaN(ratio) ? '—' : `${ratio.toFixed(2)}×`);
    }
    cells.push(note);
    return cells;
  });

  console.log(`CalDAV, Life OS beside Radicale — ${machine()}`);
  console.log(
    `${data.events.length.toLocaleString('en')} events in ${YEAR} (${data.recurring} series with 2 changed occurrences each, ` +
      `Europe/Berlin) and ${data.tasks.length} tasks, seed ${SEED}: ${(icsBytes / 2 ** 20).toFixed(2)} MiB of iCalendar. ` +
      `Radicale ${radicaleVersion} (filesystem storage, no auth), ${vdirsyncerVersion}; Life OS in this process. ` +
      'Median of the reps; ratio = Life OS / Radicale, lower is better.\n',
  );
  console.log(table(headers, tableRows, 1));
  console.log(
    `\nvdirsyncer's own start (--version, timed before each no-change re-sync, median of ${starts.length}): ` +
      `${formatMs(floor)}, part of every sync row.`,
  );
  console.log(
    `The no-change re-sync is vdirsyncer's start (${formatMs(floor)}, a floor no server can lower) plus its own ` +
      `work (reading its status, parsing the listings, comparing ETags) plus the server's answers:`,
  );
  for (const [server, runs] of serverShare) {
    const sorted = [...runs].sort((a, b) => a.ms - b.ms);
    const typical = sorted[Math.floor(sorted.length / 2)];
    if (!typical) continue;
    const answers = typical.requests.map((r) => `${r.what} ${formatMs(r.ms)}`).join(', ');
    const clientOnly = median(runs.map((run) => run.wall - run.ms));
    console.log(
      `  ${server.label}: the server ${formatMs(median(runs.map((run) => run.ms)))} (from the first request's ` +
        `arrival to the last answer; median run: ${answers}); vdirsyncer alone ${formatMs(clientOnly)} ` +
        `(the run less the server's span, median)${clientOnly >= 500 ? ': above 0.5 s whatever the server does' : ''}`,
    );
  }
  console.log(`After the initial sync: ${servers.map((s, i) => `${s.label} ${counts[i]}`).join('; ')}.`);
  for (const [i, server] of lifeOs.entries()) {
    const slower = rows
      .filter(({ ms }) => !((ms[i] ?? Number.NaN) <= (ms[radicaleIndex] ?? Number.NaN)))
      .map((r) => r.title);
    const noChange = rows.find((r) => r.title === 'no-change re-sync')?.ms[i] ?? Number.NaN;
    console.log(
      `${server.label}: at least as fast as Radicale on every row: ${slower.length === 0 ? 'met' : `MISSED (${slower.join('; ')})`}; ` +
        `no-change re-sync ${formatMs(noChange)} < 0.5 s: ${noChange < 500 ? 'met' : 'MISSED'}`,
    );
  }
  for (const line of unexpected) console.log(`\nUnexpected changes in a no-change sync — ${line}`);
  for (const [server, messages] of failures) {
    for (const message of messages) console.log(`\nFAILED on ${server.label} — ${message.slice(0, 2_000)}`);
  }
  if (failures.size > 0) process.exitCode = 1;
  if (!databaseUrl) console.log('\n(set DATABASE_URL to a PostgreSQL server to add Life OS on PostgreSQL)');
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeAll();
  // Idle keep-alive sockets must not hold the process open after the figures.
  process.exit();
}
