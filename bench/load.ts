// One file although over 400 lines: a benchmark that stands alone (setup, virtual users, sampling, report).
/**
 * Issue 8.6: many people using one server at once. Spawns the built server (`node apps/api/dist/main.js`, what
 * `pnpm start` runs) on PostgreSQL, creates `--users` accounts with a few weeks of history each (through core's
 * authService like `pnpm user:create`, then the seed's generator, so no login throttle is involved), signs each in
 * once over HTTP like the web app (session cookies), and runs one virtual user per account: `--warm-up` seconds,
 * then `--duration` seconds measured, each looping dashboard, journal autosaves, sets logged into an open workout,
 * captures, the calendar's month or week, now and then the journal history and the week's tasks, with a think time
 * (uniform in 0.5–1.5 × `--think-ms`) before every request. The server's RSS and everyone's CPU time are read from
 * /proc every 500 ms. Prints per procedure count, p50/p95/p99/max and errors, the request rate, where the CPU went
 * (the server, its PostgreSQL backends, this load generator, everything else on the machine), the same over time,
 * and PASS/FAIL against the issue's targets (zero errors, warm-up included; p99 < 100 ms; RSS < 300 MiB).
 *
 * `--cost-runs N` first times each action alone (N calls in a row by one user) with its server and PostgreSQL CPU
 * per call; `--cpu-prof` profiles the server and prints where its time went during the measured part; `--trace-gc`
 * prints its garbage collections.
 *
 * The database is a scratch one created on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
 * postgres; the role needs CREATEDB) and dropped at the end, or the database given with `--database-url`, where the
 * `load-NNN` users are created (replacing leftovers of an earlier run) and deleted afterwards.
 *
 *   pnpm --filter @lifeos/api build && pnpm --filter @lifeos/bench load
 *     [-- --users 100 --duration 60 --warm-up 5 --think-ms 1000 --history-days 28 --database-url postgres://…
 *         --cost-runs 100 --cpu-prof --trace-gc]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { en, Faker } from '@faker-js/faker';
import type {
  TCreateCaptureInput,
  TListJournalEntriesInput,
  TListTasksInput,
  TLogSetInput,
  TStartSessionInput,
  TUpsertJournalEntryInput,
} from '@lifeos/core/schemas';
import { authService, createPasswordHasher, settingsService, systemClock } from '@lifeos/core/server';
import { type Database, migrateToLatest, sql } from '@lifeos/db';
import { loadConfig } from '../apps/api/src/env.js';
import { generateDataset } from './lib/generate.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { BENCH_TIMEZONE, findUserId, openBenchDatabase } from './lib/seed-user.js';
import { createTextGenerator } from './lib/text.js';
import { freePort } from './lib/web-app.js';
import { writeDataset } from './lib/write.js';
import { machine, ms, percentile, table } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    users: { type: 'string', default: '100' },
    duration: { type: 'string', default: '60' },
    /** Mean pause between two requests of one user; each pause is uniform in [0.5, 1.5] × this. */
    'think-ms': { type: 'string', default: '1000' },
    'history-days': { type: 'string', default: '28' },
    /** Seconds of the same load before the measured `--duration`: JIT, pools and caches warm up. */
    'warm-up': { type: 'string', default: '5' },
    'database-url': { type: 'string' },
    /** Write a V8 CPU profile of the server and print where its time went. */
    'cpu-prof': { type: 'boolean', default: false },
    /** Run the server with --trace-gc and print its collections' pauses during the measured part. */
    'trace-gc': { type: 'boolean', default: false },
    /** Before the load: time each action alone, this many calls in a row, with its CPU cost. */
    'cost-runs': { type: 'string', default: '0' },
  },
});
const USERS = Number(values.users);
const DURATION_S = Number(values.duration);
const WARM_UP_S = Number(values['warm-up']);
const THINK_MS = Number(values['think-ms']);
const HISTORY_DAYS = Number(values['history-days']);
const COST_RUNS = Number(values['cost-runs']);
const MAIN = fileURLToPath(new URL('../apps/api/dist/main.js', import.meta.url));
const PASSWORD = 'load test password 1234';
const REQUEST_TIMEOUT_MS = 10_000;
const TARGETS = { p99Ms: 100, rssMiB: 300 };
/** Sets per workout before the virtual user finishes it and starts the next (a real session has 15–30). */
const SETS_PER_WORKOUT = 24;

const log = (line: string) => console.log(line);
const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

// ---------- database and users ----------

function localToday(timezone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date());
}

const username = (i: number) => `load-${String(i + 1).padStart(3, '0')}`;

async function deleteLoadUsers(database: Database) {
  for (let i = 0; i < USERS; i++) {
    const id = await findUserId(database, username(i));
    if (id) await database.db.deleteFrom('users').where('id', '=', id).execute();
  }
}

/** Creates the users with a few weeks of history each; answers the built-in exercise a workout logs sets of. */
async function createUsers(database: Database): Promise<string> {
  await migrateToLatest(database.db);
  await deleteLoadUsers(database);
  // The server's own argon2 parameters (the SECRET_KEY only satisfies loadConfig).
  const config = loadConfig({ ...process.env, SECRET_KEY: 'x'.repeat(32) });
  const hasher = createPasswordHasher(config.argon2);
  const builtins = await database.db
    .selectFrom('exercises')
    .select(['id', 'name'])
    .where('userId', 'is', null)
    .execute();
  const builtinExercises = new Map(builtins.map((b) => [b.name.toLowerCase(), b.id]));
  const benchPress = builtinExercises.get('bench press (barbell)');
  if (!benchPress) throw new Error('the built-in exercise "Bench Press (Barbell)" is missing');
  const until = localToday(BENCH_TIMEZONE);
  const started = performance.now();
  let rows = 0;
  // Generating is synchronous CPU work and writing is mostly waiting on PostgreSQL: write one user while the
  // next one is generated.
  let writing: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < USERS; i++) {
    const user = await authService.createUser(
      { db: database.db, hasher },
      { username: username(i), email: `${username(i)}@example.com`, password: PASSWORD, displayName: username(i) },
    );
    await settingsService.updateSettings({ db: database.db, clock: systemClock }, user.id, {
      timezone: BENCH_TIMEZONE,
      weekStart: 'monday',
      units: 'metric',
      journalWordGoal: 750,
    });
    const dataset = generateDataset({
      userId: user.id,
      until,
      years: HISTORY_DAYS / 365.25,
      seed: i + 1,
      timezone: BENCH_TIMEZONE,
      builtinExercises,
    });
    await writing;
    writing = writeDataset(database.db, dataset).then((timings) => {
      for (const t of timings) rows += t.rows;
    });
  }
  await writing;
  log(
    `created ${USERS} users with ${HISTORY_DAYS} days of history each (${rows.toLocaleString('en')} rows) in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return benchPress;
}

// ---------- the server process ----------

interface ServerProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exited: Promise<unknown>;
}

interface GcEvent {
  at: number;
  kind: string;
  pauseMs: number;
}

/** The server's garbage collections as --trace-gc prints them, timed by when the line arrives here. */
function watchGc(child: ChildProcess, events: GcEvent[]) {
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // [pid:0x…]   1234 ms: Scavenge 40.1 (52.3) -> 38.2 (53.1) MB, 1.23 / 0.00 ms  (average mu = …) …
      const match = / ms: ([A-Za-z-]+(?: \([a-z ]+\))?) .*?MB, ([\d.]+) \/ /.exec(line);
      if (match) events.push({ at: performance.now(), kind: match[1] ?? '?', pauseMs: Number(match[2]) });
    }
  });
}

async function startApi(
  databaseUrl: string,
  scratchDir: string,
  profileDir: string | null,
  gcEvents: GcEvent[] | null,
): Promise<ServerProcess> {
  const port = await freePort();
  const flags = [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    ...(gcEvents ? ['--trace-gc'] : []),
  ];
  const child = spawn(process.execPath, [...flags, MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: scratchDir,
      SECRET_KEY: randomBytes(48).toString('base64url'),
    },
    stdio: ['ignore', gcEvents ? 'pipe' : 'ignore', 'pipe'],
  });
  if (gcEvents) watchGc(child, gcEvents);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) return { child, port, stderr: () => stderr, exited };
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`no healthy server within 60 s: ${stderr}`);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** CPU seconds a process has used in user and kernel mode, from /proc/<pid>/stat (ticks of 1/100 s on Linux). */
function processCpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: the fields after it start behind the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

function processCpuSeconds(pid: number): number {
  const { user, system } = processCpuTimes(pid);
  return user + system;
}

/** Busy and total CPU seconds of the whole machine, all cores (from /proc/stat). */
function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/**
 * CPU seconds used so far by each PostgreSQL backend serving this database (the server's pool), by pid: the
 * backends run on this machine, so /proc has them. Empty when PostgreSQL is elsewhere.
 */
async function postgresCpuSeconds(database: Database): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
  `.execute(database.db);
  const cpu = new Map<number, number>();
  for (const { pid } of rows.rows) {
    try {
      cpu.set(pid, processCpuSeconds(pid));
    } catch {
      // not on this machine, or gone
    }
  }
  return cpu;
}

interface Reading {
  at: number;
  rssMiB: number;
  /** Cumulative CPU seconds: the server (and its kernel part), its PostgreSQL backends, this process, the machine. */
  api: number;
  apiSystem: number;
  postgres: number;
  self: number;
  busy: number;
  total: number;
}

/** Reads the server's RSS and everyone's CPU time every 500 ms, so both can be shown over time. */
class Meter {
  readonly readings: Reading[] = [];
  private postgresTotal = 0;
  private readonly postgresSeen = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly database: Database,
  ) {}

  async read(): Promise<Reading> {
    const first = this.readings.length === 0;
    for (const [id, cpu] of await postgresCpuSeconds(this.database)) {
      // A backend opened after the first reading counts whole.
      const previous = this.postgresSeen.get(id) ?? (first ? cpu : 0);
      this.postgresTotal += cpu - previous;
      this.postgresSeen.set(id, cpu);
    }
    const { user, system } = processCpuTimes(this.pid);
    const self = process.cpuUsage();
    const machine = machineCpuSeconds();
    const reading = {
      at: performance.now(),
      rssMiB: rssMiB(this.pid),
      api: user + system,
      apiSystem: system,
      postgres: this.postgresTotal,
      self: (self.user + self.system) / 1e6,
      busy: machine.busy,
      total: machine.total,
    };
    this.readings.push(reading);
    return reading;
  }

  start() {
    this.timer = setInterval(() => {
      this.read().catch(() => {
        // the server has gone: the requests' errors tell
      });
    }, 500);
  }

  stop() {
    clearInterval(this.timer);
  }
}

/** CPU between two readings in % of one core: the server, its PostgreSQL, this process, everything else. */
function cpuShares(from: Reading, to: Reading, cores: number) {
  const seconds = (to.at - from.at) / 1000;
  const pct = (cpu: number) => (cpu / seconds) * 100;
  const machine = ((to.busy - from.busy) / (to.total - from.total)) * cores * 100;
  const api = pct(to.api - from.api);
  const postgres = pct(to.postgres - from.postgres);
  const self = pct(to.self - from.self);
  return {
    seconds,
    machine,
    api,
    apiSystem: pct(to.apiSystem - from.apiSystem),
    postgres,
    self,
    others: machine - api - postgres - self,
  };
}

// ---------- HTTP: tRPC calls as the web app makes them, on plain node:http ----------

// node:http costs the load generator less CPU per request than fetch (undici) on Node 20, and it shares the
// cores with the server and PostgreSQL. One keep-alive pool: a user waits for each answer before the next
// request, so there are never more sockets than users.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1_000 });

interface Answer {
  status: number;
  body: string;
  setCookie: string[];
}

function request(port: number, method: 'GET' | 'POST', url: string, headers: http.OutgoingHttpHeaders, body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers['set-cookie'] ?? [] }),
      );
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** superjson's wire form: the JSON, plus which paths hold Dates. */
function envelope(input: unknown, dates: string[] = []): string {
  if (dates.length === 0) return JSON.stringify({ json: input });
  return JSON.stringify({ json: input, meta: { values: Object.fromEntries(dates.map((d) => [d, ['Date']])) } });
}

const errorMessage = (answer: Answer) => {
  try {
    const parsed = JSON.parse(answer.body) as { error?: { json?: { message?: string } } };
    return parsed.error?.json?.message ?? answer.body.slice(0, 200);
  } catch {
    return answer.body.slice(0, 200);
  }
};

class Stats {
  readonly samples = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  readonly messages: string[] = [];
  /** Every request as [when it finished (performance.now()), its latency], for the figures over time. */
  readonly timeline: [number, number][] = [];
  /** Requests that finish before this are the warm-up's: kept apart from the figures, except for errors. */
  measuringFrom = 0;
  readonly warmUp: number[] = [];
  warmUpErrors = 0;

  record(op: string, elapsed: number, error?: string) {
    const now = performance.now();
    if (now < this.measuringFrom) {
      this.warmUp.push(elapsed);
      if (error !== undefined) {
        this.warmUpErrors += 1;
        if (this.messages.length < 5) this.messages.push(`${op} (warm-up): ${error}`);
      }
      return;
    }
    this.timeline.push([now, elapsed]);
    let list = this.samples.get(op);
    if (!list) {
      list = [];
      this.samples.set(op, list);
    }
    list.push(elapsed);
    if (error !== undefined) {
      this.errors.set(op, (this.errors.get(op) ?? 0) + 1);
      if (this.messages.length < 5) this.messages.push(`${op}: ${error}`);
    }
  }
}

class Session {
  constructor(
    private readonly port: number,
    readonly cookie: string,
    private readonly stats: Stats,
  ) {}

  private headers(): http.OutgoingHttpHeaders {
    // What a same-origin page sends: the CSRF rule accepts cookie-authenticated calls only with these.
    return { cookie: this.cookie, 'x-lifeos-csrf': '1', 'sec-fetch-site': 'same-origin' };
  }

  /** Runs one procedure, records its latency (and an error: any non-2xx answer or transport failure). */
  async call(
    procedure: string,
    kind: 'query' | 'mutation',
    input?: unknown,
    dates?: string[],
  ): Promise<string | undefined> {
    const started = performance.now();
    try {
      const answer =
        kind === 'query'
          ? await request(
              this.port,
              'GET',
              `/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(envelope(input, dates))}`}`,
              this.headers(),
            )
          : await request(
              this.port,
              'POST',
              `/trpc/${procedure}`,
              { ...this.headers(), 'content-type': 'application/json' },
              envelope(input, dates),
            );
      const elapsed = performance.now() - started;
      const ok = answer.status >= 200 && answer.status < 300;
      this.stats.record(procedure, elapsed, ok ? undefined : `${answer.status} ${errorMessage(answer)}`);
      return ok ? answer.body : undefined;
    } catch (error) {
      this.stats.record(procedure, performance.now() - started, (error as Error).message);
      return undefined;
    }
  }
}

async function signIn(port: number, identifier: string, stats: Stats): Promise<Session> {
  const answer = await request(
    port,
    'POST',
    '/trpc/auth.login',
    { 'content-type': 'application/json', 'x-lifeos-csrf': '1', 'sec-fetch-site': 'same-origin' },
    envelope({ identifier, password: PASSWORD }),
  );
  if (answer.status !== 200) throw new Error(`signing in ${identifier} failed: ${answer.status} ${answer.body}`);
  // A browser sends back every cookie the login set (all have Path=/).
  const cookie = answer.setCookie.map((line) => line.split(';')[0]).join('; ');
  return new Session(port, cookie, stats);
}

// ---------- the virtual users ----------

/** Journal-like text the autosaves type out, and titles for captures (the seed's own prose generator). */
interface Material {
  prose: string;
  titles: string[];
}

function writingMaterial(): Material {
  const faker = new Faker({ locale: [en], seed: 8 });
  const text = createTextGenerator(faker);
  return { prose: text.prose(800).text, titles: Array.from({ length: 200 }, () => text.title(2, 6)) };
}

const DAY_MS = 86_400_000;

/** The calendar page's ranges (close enough: from the Monday on or before the 1st, six weeks; or this week). */
function calendarRange(view: 'month' | 'week'): { from: Date; to: Date } {
  const now = new Date();
  const anchor = view === 'month' ? new Date(now.getFullYear(), now.getMonth(), 1) : now;
  const monday = new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate() - ((anchor.getDay() + 6) % 7));
  return { from: monday, to: new Date(monday.getTime() + (view === 'month' ? 42 : 7) * DAY_MS) };
}

/** A pause before the next request; never past the deadline, so the run ends on time. */
const think = (deadline: number) =>
  sleep(Math.min(THINK_MS * (0.5 + Math.random()), Math.max(0, deadline - performance.now())));

/** What one person does, as the web app sends it; each action makes one request (logSet now and then three). */
function userActions(session: Session, index: number, exerciseId: string, material: Material) {
  const today = localToday(BENCH_TIMEZONE);
  let typed = 600 + ((index * 37) % 400);
  let workoutId: string | undefined;
  let setsInWorkout = 0;
  let captures = 0;

  const startWorkout = async () => {
    const input: TStartSessionInput = { name: 'Push day' };
    const body = await session.call('fitness.sessions.start', 'mutation', input);
    workoutId = body
      ? (JSON.parse(body) as { result: { data: { json: { id: string } } } }).result.data.json.id
      : undefined;
    setsInWorkout = 0;
  };
  return {
    startWorkout,
    /** Not in the mix: the cheapest authenticated read, to scale the others by in --cost-runs. */
    settingsGet: () => session.call('settings.get', 'query'),
    dashboard: () => session.call('dashboard.today', 'query'),
    /** Typing on: about a sentence more per save, up to the whole page (~800 words). */
    autosave: () => {
      typed = Math.min(material.prose.length, typed + 60 + Math.floor(Math.random() * 60));
      const input: TUpsertJournalEntryInput = {
        type: 'morning_pages',
        date: today,
        content: { text: material.prose.slice(0, typed) },
      };
      return session.call('journal.upsert', 'mutation', input);
    },
    /** A set into the open workout; every SETS_PER_WORKOUT sets the workout is finished and a new one started. */
    logSet: async () => {
      if (!workoutId) return startWorkout();
      const input: TLogSetInput = {
        sessionId: workoutId,
        exerciseId,
        reps: 5 + (setsInWorkout % 6),
        weightKg: 60 + 2.5 * (setsInWorkout % 8),
      };
      await session.call('fitness.sessions.logSet', 'mutation', input);
      setsInWorkout += 1;
      if (setsInWorkout >= SETS_PER_WORKOUT) {
        await session.call('fitness.sessions.finish', 'mutation', { id: workoutId });
        await startWorkout();
      }
    },
    capture: () => {
      captures += 1;
      const input: TCreateCaptureInput = {
        text: material.titles[(index * 7 + captures) % material.titles.length] ?? 'x',
      };
      return session.call('captures.create', 'mutation', input);
    },
    calendarMonth: () => session.call('calendar.events.list', 'query', calendarRange('month'), ['from', 'to']),
    calendarWeek: () => session.call('calendar.events.list', 'query', calendarRange('week'), ['from', 'to']),
    journalList: () => {
      const input: TListJournalEntriesInput = { limit: 20 };
      return session.call('journal.list', 'query', input);
    },
    tasksList: () => {
      const input: TListTasksInput = { due: 'week' };
      return session.call('tasks.list', 'query', input);
    },
  };
}

/**
 * One person's loop, roughly what the web app sends: the dashboard; three autosaves of today's morning pages as
 * the text grows; two sets logged into the open workout; a capture; the calendar's month or week; every third
 * round the journal history and the week's tasks. A think time before every request; the user stops at the
 * deadline.
 */
async function virtualUser(actions: ReturnType<typeof userActions>, deadline: number) {
  const live = () => performance.now() < deadline;
  // Arrive spread over the first two think times rather than all in the same millisecond.
  await sleep(Math.random() * 2 * THINK_MS);
  if (!live()) return;
  await actions.startWorkout();
  for (let round = 1; live(); round += 1) {
    const steps = [
      actions.dashboard,
      actions.autosave,
      actions.autosave,
      actions.autosave,
      actions.logSet,
      actions.logSet,
      actions.capture,
      round % 2 === 0 ? actions.calendarWeek : actions.calendarMonth,
    ];
    if (round % 3 === 0) steps.push(actions.journalList, actions.tasksList);
    for (const step of steps) {
      await think(deadline);
      if (!live()) return;
      await step();
    }
  }
}

/**
 * What each action costs on its own: `runs` calls one after the other by one user on the otherwise idle server,
 * with the server's and its PostgreSQL backends' CPU time per call (from /proc) beside the latency.
 */
async function costPerAction(
  actions: ReturnType<typeof userActions>,
  runs: number,
  pid: number,
  database: Database,
): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  await actions.startWorkout();
  for (const [name, action] of Object.entries(actions)) {
    if (name === 'startWorkout') continue;
    for (let i = 0; i < 5; i++) await action(); // warm-up
    const api = processCpuSeconds(pid);
    const postgres = await postgresCpuSeconds(database);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await action();
      samples.push(performance.now() - started);
    }
    const apiMs = ((processCpuSeconds(pid) - api) * 1000) / runs;
    const postgresAfter = await postgresCpuSeconds(database);
    const postgresMs =
      ([...postgresAfter].reduce((sum, [id, cpu]) => sum + cpu - (postgres.get(id) ?? 0), 0) * 1000) / runs;
    const sorted = samples.sort((a, b) => a - b);
    rows.push([name, runs, ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), ms(apiMs), ms(postgresMs)]);
  }
  return rows;
}

// ---------- where the server's CPU went (--cpu-prof) ----------

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time by package or source file (through the bundle's source map) and by function, and the time spent in or
 * under each Life OS source file, from a .cpuprofile — counting only the samples taken between `fromEndMs` and
 * `toEndMs` before the profile's end (the process's exit), i.e. during the load.
 */
function summarizeProfile(file: string, window: { fromEndMs: number; toEndMs: number }) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const total = profile.timeDeltas.reduce((sum, d) => sum + d, 0);
  const startUs = profile.endTime - total;
  const windowFrom = profile.endTime - window.fromEndMs * 1000;
  const windowTo = profile.endTime - window.toEndMs * 1000;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const mapFile = `${MAIN}.map`;
  const sourceMap = existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined;
  const located = new Map<number, { where: string; line: number; own: boolean }>();
  const locate = (id: number) => {
    let found = located.get(id);
    if (found) return found;
    const { functionName, url, lineNumber, columnNumber } = nodes.get(id)?.callFrame ?? {
      functionName: '',
      url: '',
      lineNumber: 0,
      columnNumber: 0,
    };
    let where: string;
    let line = lineNumber + 1;
    let own = false;
    if (!url) where = functionName.startsWith('(') ? functionName : '(native)';
    else if (url.startsWith('node:')) where = 'node: internals';
    else if (url.includes('/node_modules/')) {
      const rest = url.slice(url.lastIndexOf('/node_modules/') + '/node_modules/'.length).split('/');
      where = `node_modules/${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
    } else if (sourceMap && url.endsWith('/dist/main.js')) {
      const entry = sourceMap.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number };
      // Sources are relative to dist/: `../src/…` is the API's own, `../../../packages/…` the workspace packages.
      const source = entry.originalSource?.replace(/^(?:.*\/)?\.\.\/src\//, 'apps/api/src/');
      where = source ? source.replace(/^.*?\/(apps|packages)\//, '$1/') : 'dist/main.js';
      line = (entry.originalLine ?? lineNumber) + 1;
      own = where.startsWith('apps/') || where.startsWith('packages/');
    } else where = url;
    found = { where, line, own };
    located.set(id, found);
    return found;
  };

  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const underOwnFile = new Map<string, number>();
  let busyUs = 0;
  let windowUs = 0;
  let at = startUs;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (at < windowFrom || at > windowTo) return;
    windowUs += us;
    const node = nodes.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    busyUs += us;
    const { where, line } = locate(id);
    byFile.set(where, (byFile.get(where) ?? 0) + us);
    const fn = `${node.callFrame.functionName || '(anonymous)'}  ${where}${node.callFrame.url ? `:${line}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const seen = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
      const frame = locate(up);
      if (frame.own && !seen.has(frame.where)) {
        seen.add(frame.where);
        underOwnFile.set(frame.where, (underOwnFile.get(frame.where) ?? 0) + us);
      }
    }
  });
  const top = (entries: Map<string, number>, n: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => [name, ms(us / 1000), `${((us / busyUs) * 100).toFixed(1)}%`]);
  log(
    `\nServer CPU profile during the load (${file}): ${(busyUs / 1e6).toFixed(1)} s on the main thread of ` +
      `${(windowUs / 1e6).toFixed(1)} s (wall time: on a shared machine it includes time the thread was preempted).`,
  );
  log(table(['self time by package / file', 'ms', 'of busy'], top(byFile, 20)));
  log('');
  log(table(['self time by function', 'ms', 'of busy'], top(byFunction, 25)));
  log('');
  log(table(['in or under a Life OS source file', 'ms', 'of busy'], top(underOwnFile, 25)));
}

// ---------- the run ----------

async function main() {
  if (!existsSync(MAIN)) throw new Error('Build the API first: pnpm --filter @lifeos/api build');
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  let databaseUrl = values['database-url'];
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  if (!databaseUrl) {
    scratch = await createScratchDatabase(adminUrl, 'lifeos_load');
    databaseUrl = scratch.url;
  }
  const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-load-'));
  const profileDir = values['cpu-prof'] ? mkdtempSync(path.join(os.tmpdir(), 'lifeos-load-prof-')) : null;
  const database = await openBenchDatabase({ databaseUrl, dataDir: scratchDir });
  let api: ServerProcess | undefined;
  const loadWindow = { started: 0, ended: 0 };
  try {
    log(`Load test — ${machine()}`);
    log(`database: ${scratch ? `scratch database ${scratch.name} (dropped at the end)` : databaseUrl}`);
    const exerciseId = await createUsers(database);
    const gcEvents: GcEvent[] | null = values['trace-gc'] ? [] : null;
    api = await startApi(databaseUrl, scratchDir, profileDir, gcEvents);
    const pid = api.child.pid as number;
    const stats = new Stats();

    // Real logins, two at a time (the width of the server's hashing pool): a successful login clears its
    // account's count and takes back its address's, so this stays far below the throttle (LOGIN_MAX_PER_IP).
    const signingIn = performance.now();
    const sessions: Session[] = [];
    for (let i = 0; i < USERS; i += 2) {
      const batch = [i, i + 1].filter((n) => n < USERS);
      sessions.push(...(await Promise.all(batch.map((n) => signIn(api?.port ?? 0, username(n), stats)))));
    }
    log(`signed ${USERS} users in over HTTP in ${((performance.now() - signingIn) / 1000).toFixed(1)} s`);
    const material = writingMaterial();
    if (COST_RUNS > 0 && sessions[0]) {
      // On a throwaway Stats: these calls are not part of the load.
      const probe = new Session(api.port, sessions[0].cookie, new Stats());
      const rows = await costPerAction(userActions(probe, 0, exerciseId, material), COST_RUNS, pid, database);
      log(
        `\neach action alone, ${COST_RUNS} calls one after the other by one user (CPU time from /proc, 10 ms ticks):`,
      );
      log(`${table(['action', 'calls', 'p50 ms', 'p99 ms', 'server CPU ms/call', 'PostgreSQL CPU ms/call'], rows)}\n`);
    }

    const meter = new Meter(pid, database);
    const idle = await meter.read();
    meter.start();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const loadBefore = os.loadavg()[0] ?? 0;
    log(
      `running ${USERS} virtual users for ${WARM_UP_S} s of warm-up, then ${DURATION_S} s measured (think time ` +
        `${THINK_MS * 0.5}–${THINK_MS * 1.5} ms), load average ${loadBefore.toFixed(2)}…`,
    );

    const started = performance.now() + WARM_UP_S * 1000;
    stats.measuringFrom = started;
    const deadline = started + DURATION_S * 1000;
    const warmUpDone = sleep(WARM_UP_S * 1000).then(() => {
      loadWindow.started = Date.now();
      loopDelay.reset();
    });
    await Promise.all(
      sessions.map((session, i) => virtualUser(userActions(session, i, exerciseId, material), deadline)),
    );
    await warmUpDone;
    const elapsedS = (performance.now() - started) / 1000;
    loadWindow.ended = Date.now();
    meter.stop();
    loopDelay.disable();
    const after = await meter.read();
    const before = meter.readings.find((r) => r.at >= started) ?? idle;

    // ---------- report ----------
    const all: number[] = [];
    const rows: (string | number)[][] = [];
    const slow: string[] = [];
    for (const [op, samples] of [...stats.samples].sort((a, b) => b[1].length - a[1].length)) {
      all.push(...samples);
      const sorted = [...samples].sort((a, b) => a - b);
      const p99 = percentile(sorted, 99);
      if (p99 >= TARGETS.p99Ms) slow.push(op);
      rows.push([
        op,
        sorted.length,
        ms(percentile(sorted, 50)),
        ms(percentile(sorted, 95)),
        ms(p99),
        ms(sorted.at(-1) ?? 0),
        stats.errors.get(op) ?? 0,
      ]);
    }
    const sortedAll = all.sort((a, b) => a - b);
    const measuredErrors = [...stats.errors.values()].reduce((sum, n) => sum + n, 0);
    const errors = measuredErrors + stats.warmUpErrors;
    const p99All = percentile(sortedAll, 99);
    rows.push([
      'all',
      sortedAll.length,
      ms(percentile(sortedAll, 50)),
      ms(percentile(sortedAll, 95)),
      ms(p99All),
      ms(sortedAll.at(-1) ?? 0),
      measuredErrors,
    ]);
    // Peak over the warm-up too: memory counts from the first request.
    const rss = meter.readings.map((r) => r.rssMiB);
    const peakRss = Math.max(...rss);

    log(`\n${table(['procedure', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'], rows)}\n`);
    log(
      `${sortedAll.length} requests in ${elapsedS.toFixed(1)} s: ${(sortedAll.length / elapsedS).toFixed(1)} req/s; ` +
        `${errors} errors (${stats.warmUpErrors} of them in the warm-up)`,
    );
    for (const message of stats.messages) log(`  first errors: ${message}`);
    const warmUp = [...stats.warmUp].sort((a, b) => a - b);
    log(
      `warm-up (not in the figures above): ${warmUp.length} requests, p50 ${ms(percentile(warmUp, 50))} ms, ` +
        `p99 ${ms(percentile(warmUp, 99))} ms, max ${ms(warmUp.at(-1) ?? 0)} ms, ${stats.warmUpErrors} errors`,
    );
    log(
      `server RSS: ${idle.rssMiB.toFixed(0)} MiB before the load, peak ${peakRss.toFixed(0)} MiB, ` +
        `${after.rssMiB.toFixed(0)} MiB at the end (${rss.length} readings, every 500 ms)`,
    );
    const cores = os.cpus().length;
    const pct = (value: number) => `${value.toFixed(0)}%`;
    const run = cpuShares(before, after, cores);
    log(
      `CPU over the run, in % of one core (${cores} cores = ${cores * 100}%): machine ${pct(run.machine)} busy — ` +
        `server ${pct(run.api)} (${pct(run.apiSystem)} of it in the kernel), its PostgreSQL backends ` +
        `${pct(run.postgres)}, this load generator ${pct(run.self)}, everything else ${pct(run.others)}; ` +
        `load average ${loadBefore.toFixed(2)} → ${(os.loadavg()[0] ?? 0).toFixed(2)}`,
    );
    const perRequest = (share: number) => ms((share * 10 * run.seconds) / sortedAll.length);
    log(
      `CPU per request: server ${perRequest(run.api)} ms, PostgreSQL ${perRequest(run.postgres)} ms, ` +
        `load generator ${perRequest(run.self)} ms`,
    );
    log(
      `load generator event-loop delay: p99 ${ms(loopDelay.percentile(99) / 1e6)} ms, max ${ms(loopDelay.max / 1e6)} ms ` +
        '(time a finished answer may have waited before being timed)',
    );

    // Over time: on a shared machine, whether the slow stretches line up with other people's work.
    const windowMs = DURATION_S >= 30 ? 10_000 : 5_000;
    const windows: (string | number)[][] = [];
    for (let from = started; from < started + elapsedS * 1000 - 1; from += windowMs) {
      const to = from + windowMs;
      const latencies = stats.timeline
        .filter(([at]) => at >= from && at < to)
        .map(([, latency]) => latency)
        .sort((a, b) => a - b);
      const inside = meter.readings.filter((r) => r.at >= from - 250 && r.at <= to + 250);
      const first = inside[0];
      const last = inside.at(-1);
      const shares = first && last && last.at > first.at ? cpuShares(first, last, cores) : undefined;
      if (latencies.length === 0) continue;
      const gcMs = (gcEvents ?? []).filter((e) => e.at >= from && e.at < to).reduce((sum, e) => sum + e.pauseMs, 0);
      windows.push([
        `${((from - started) / 1000).toFixed(0)}–${((Math.min(to, started + elapsedS * 1000) - started) / 1000).toFixed(0)} s`,
        latencies.length,
        ms(percentile(latencies, 50)),
        ms(percentile(latencies, 99)),
        Math.max(...inside.map((r) => r.rssMiB)).toFixed(0),
        shares ? pct(shares.api) : '',
        shares ? pct(shares.postgres) : '',
        shares ? pct(shares.self) : '',
        shares ? pct(shares.others) : '',
        ...(gcEvents ? [ms(gcMs)] : []),
      ]);
    }
    log(
      `\n${table(
        [
          'window',
          'requests',
          'p50 ms',
          'p99 ms',
          'RSS MiB',
          'server',
          'PostgreSQL',
          'load gen',
          'everything else',
          ...(gcEvents ? ['GC pause ms'] : []),
        ],
        windows,
      )}`,
    );
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    if (gcEvents) {
      const measured = gcEvents.filter((e) => e.at >= started);
      const kinds = [...new Set(measured.map((e) => e.kind))].map((kind) => {
        const pauses = measured.filter((e) => e.kind === kind).map((e) => e.pauseMs);
        const total = pauses.reduce((sum, p) => sum + p, 0);
        return [
          kind,
          pauses.length,
          ms(total),
          ms(Math.max(...pauses)),
          `${((total / (elapsedS * 1000)) * 100).toFixed(1)}%`,
        ];
      });
      log(`\nserver garbage collection during the measured part (--trace-gc):`);
      log(table(['kind', 'count', 'total pause ms', 'max pause ms', 'of the run'], kinds));
    }
    log('');
    log(`${verdict(errors === 0)}  zero errors (${errors})`);
    log(
      `${verdict(p99All < TARGETS.p99Ms)}  p99 < ${TARGETS.p99Ms} ms over all requests (${ms(p99All)} ms)` +
        (slow.length ? `; procedures at or over it: ${slow.join(', ')}` : ''),
    );
    log(`${verdict(peakRss < TARGETS.rssMiB)}  server RSS < ${TARGETS.rssMiB} MiB (peak ${peakRss.toFixed(0)} MiB)`);
  } finally {
    let exitedAt = Date.now();
    if (api) {
      api.child.kill('SIGTERM');
      await api.exited;
      exitedAt = Date.now();
    }
    if (profileDir && loadWindow.ended > 0) {
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      if (file) {
        summarizeProfile(path.join(profileDir, file), {
          fromEndMs: exitedAt - loadWindow.started,
          toEndMs: exitedAt - loadWindow.ended,
        });
      } else log(`no CPU profile was written in ${profileDir}`);
    }
    if (!scratch) await deleteLoadUsers(database);
    await database.close();
    await scratch?.drop();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
