/**
 * What a password costs at the configured argon2id parameters (ARGON2_MEMORY_KIB, ARGON2_TIME_COST,
 * ARGON2_PARALLELISM, read the same way the server reads them): hash (sign-up, password change) and verify
 * (login, including an unknown user checked against the dummy hash), p50/p99, and how many logins a second the
 * server's bounded hashing pool sustains.
 *
 * Then over HTTP (issue 8.3), the real server in this process on a fresh in-memory PGlite, or on a scratch
 * PostgreSQL database when DATABASE_URL is set (created on that server and dropped afterwards): `auth.login`
 * p50/p99 (`--runs` logins one after the other); the p99 of a cheap authenticated read (`settings.get` with the
 * session cookie, `--read-rate` a second at a fixed pace) for `--seconds` idle; the same read for `--seconds` while
 * `--login-rate` real logins a second run (the two in alternating blocks of `--block` seconds); and the ratio of the
 * two p99s against the target (< 2×).
 *
 *   pnpm --filter @lifeos/bench login-cost [-- --runs 50 --seconds 10 --block 2 --login-rate 10 --read-rate 100
 *     --hash-concurrency 2]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @lifeos/bench login-cost
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { authService, createPasswordHasher, OWASP_ARGON2_MINIMUM } from '@lifeos/core/server';
import { createDatabase, type Database, migrateToLatest } from '@lifeos/db';
import { loadConfig } from '../apps/api/src/env.js';
import { buildServer } from '../apps/api/src/http/server.js';
import { createLifeOsClient, errorCode, type LifeOsClient } from '../packages/client/src/index.js';
import { signIn } from './lib/api.js';
import { createScratchDatabase } from './lib/scratch-database.js';
import { machine, ms, percentile, summarize, table } from './stats.js';

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    runs: { type: 'string', default: '50' },
    /** Length of each HTTP phase (idle reads, reads during logins), run in alternating blocks of `--block`. */
    seconds: { type: 'string', default: '10' },
    block: { type: 'string', default: '2' },
    /** Overrides the server's hashing concurrency (config.argon2.concurrency), to see what it does. */
    'hash-concurrency': { type: 'string' },
    'login-rate': { type: 'string', default: '10' },
    'read-rate': { type: 'string', default: '100' },
  },
});
const runs = Number(values.runs);
const phaseSeconds = Number(values.seconds);
const blockSeconds = Number(values.block);
const loginRate = Number(values['login-rate']);
const readRate = Number(values['read-rate']);
const databaseUrl = process.env.DATABASE_URL || undefined;

// The server's own parsing of the ARGON2_* variables (a SECRET_KEY is only there to satisfy loadConfig).
const config = loadConfig({ ...process.env, SECRET_KEY: 'x'.repeat(32) });
const hasher = createPasswordHasher(config.argon2);
const password = 'correct horse battery staple';

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples;
}

const stored = await hasher.hash(password);
const rows = [
  ['hash (sign-up, password change)', await time(() => hasher.hash(password))],
  ['verify, right password (login)', await time(() => hasher.verify(stored, password))],
  ['verify, wrong password', await time(() => hasher.verify(stored, 'wrong password!!'))],
  ['verify, unknown user (dummy hash)', await time(() => hasher.verify(null, password))],
] as const;

// Throughput: many logins at once go through the hasher's concurrency limit (config.argon2.concurrency).
const burst = runs * 2;
const burstStarted = performance.now();
await Promise.all(Array.from({ length: burst }, () => hasher.verify(stored, password)));
const burstSeconds = (performance.now() - burstStarted) / 1000;

console.log(`Login cost — ${machine()}`);
console.log(
  `argon2id m=${config.argon2.memoryCost} KiB, t=${config.argon2.timeCost}, p=${config.argon2.parallelism}, ` +
    `hashing concurrency ${config.argon2.concurrency}, ${runs} runs each`,
);
const atLeastOwasp =
  config.argon2.memoryCost >= OWASP_ARGON2_MINIMUM.memoryCost &&
  config.argon2.timeCost >= OWASP_ARGON2_MINIMUM.timeCost &&
  config.argon2.parallelism >= OWASP_ARGON2_MINIMUM.parallelism;
console.log(
  `${atLeastOwasp ? 'PASS' : 'FAIL'}  at least OWASP's minimum (m=${OWASP_ARGON2_MINIMUM.memoryCost} KiB, ` +
    `t=${OWASP_ARGON2_MINIMUM.timeCost}, p=${OWASP_ARGON2_MINIMUM.parallelism})\n`,
);
console.log(
  table(
    ['operation', 'p50 ms', 'p99 ms', 'mean ms', 'max ms'],
    rows.map(([name, samples]) => {
      const s = summarize([...samples]);
      return [name, ms(s.p50), ms(s.p99), ms(s.mean), ms(s.max)];
    }),
  ),
);
console.log(`\n${burst} concurrent verifies: ${(burst / burstSeconds).toFixed(1)} logins/s at most`);

// ---------- over HTTP: login latency, and a cheap read while logins run ----------

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));
const LOGIN_USERS = 5;

async function openDatabase(): Promise<{ database: Database; name: string; cleanup: () => Promise<void> }> {
  if (!databaseUrl) {
    return { database: createDatabase({ dataDir: null }), name: 'PGlite (in memory)', cleanup: async () => {} };
  }
  const scratch = await createScratchDatabase(databaseUrl, 'lifeos_login');
  return {
    database: createDatabase({ databaseUrl: scratch.url, statementTimeoutMs: 15_000 }),
    name: `PostgreSQL (scratch database ${scratch.name})`,
    cleanup: scratch.drop,
  };
}

/**
 * Fires `call` at a fixed pace for `seconds` and times each from the moment it was due, not from when the timer
 * got round to it: a blocked event loop (the server runs in this process) then shows up in the figures instead of
 * quietly lowering the request rate.
 */
interface Paced {
  samples: number[];
  failures: unknown[];
}

function merge(into: Paced, from: Paced) {
  into.samples.push(...from.samples);
  into.failures.push(...from.failures);
}

async function paced(ratePerSecond: number, seconds: number, call: () => Promise<unknown>): Promise<Paced> {
  const samples: number[] = [];
  const failures: unknown[] = [];
  const pending: Promise<void>[] = [];
  const interval = 1000 / ratePerSecond;
  const end = performance.now() + seconds * 1000;
  for (let due = performance.now(); due < end; due += interval) {
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      call().then(
        () => {
          samples.push(performance.now() - due);
        },
        (error: unknown) => {
          failures.push(error);
        },
      ),
    );
  }
  await Promise.all(pending);
  return { samples, failures };
}

async function overHttp() {
  const { database, name, cleanup } = await openDatabase();
  try {
    await migrateToLatest(database.db);
    // Built like bench/lib/api.ts startServer, but with this script's ARGON2_* so both parts use one cost.
    const serverConfig = loadConfig({
      ...process.env,
      DATABASE_URL: undefined,
      NODE_ENV: 'production',
      SECRET_KEY: randomBytes(48).toString('base64url'),
      LOG_LEVEL: 'silent',
    });
    if (values['hash-concurrency']) serverConfig.argon2.concurrency = Number(values['hash-concurrency']);
    const hasher = createPasswordHasher(serverConfig.argon2);
    const password = 'login cost password 1234';
    const usernames = ['reader', ...Array.from({ length: LOGIN_USERS }, (_, i) => `login-${i + 1}`)];
    for (const username of usernames) {
      await authService.createUser(
        { db: database.db, hasher },
        { username, email: `${username}@example.com`, password },
      );
    }
    const server = await buildServer({ config: serverConfig, database, webDistDir: null });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    try {
      // Logins as the web app's sign-in form sends them (no cookie jar: each login is a new session).
      const loginClient: LifeOsClient = createLifeOsClient({
        baseUrl: base,
        headers: { 'x-lifeos-csrf': '1', 'sec-fetch-site': 'same-origin' },
      });
      // One after the other: a successful login clears its account's count and takes back its address's
      // (packages/core/src/auth/auth.service.ts), so however many of them run, none is refused.
      const login = (username: string) => loginClient.auth.login.mutate({ identifier: username, password });
      await login('login-1');
      const loginSamples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await login(`login-${(i % LOGIN_USERS) + 1}`);
        loginSamples.push(performance.now() - started);
      }

      const reader = await signIn(base, 'reader', password);
      const read = () => reader.settings.get.query();
      await paced(readRate, 2, read); // warm-up: JIT, pool connections

      // Idle and loaded in alternating blocks, so that other work on a shared machine falls on both alike; each
      // block waits for its last call, so no login runs into an idle block.
      const idle: Paced = { samples: [], failures: [] };
      const loaded: Paced = { samples: [], failures: [] };
      const logins: Paced = { samples: [], failures: [] };
      const idleLoop = monitorEventLoopDelay({ resolution: 10 });
      const loadedLoop = monitorEventLoopDelay({ resolution: 10 });
      // The logins rotate over LOGIN_USERS accounts, so even overlapping ones stay under LOGIN_MAX_PER_USERNAME.
      let next = 0;
      const refused: unknown[] = [];
      const blocks = Math.max(1, Math.round(phaseSeconds / blockSeconds));
      for (let block = 0; block < blocks; block++) {
        idleLoop.enable();
        merge(idle, await paced(readRate, blockSeconds, read));
        idleLoop.disable();
        loadedLoop.enable();
        const [reads, signIns] = await Promise.all([
          paced(readRate, blockSeconds, read),
          paced(loginRate, blockSeconds, () =>
            login(`login-${(next++ % LOGIN_USERS) + 1}`).catch((error: unknown) => {
              if (errorCode(error) === 'TOO_MANY_REQUESTS') refused.push(error);
              throw error;
            }),
          ),
        ]);
        loadedLoop.disable();
        merge(loaded, reads);
        merge(logins, signIns);
      }
      const idleLoopP99 = idleLoop.percentile(99) / 1e6;
      const loadedLoopP99 = loadedLoop.percentile(99) / 1e6;

      const sorted = (samples: number[]) => [...samples].sort((a, b) => a - b);
      const idleP99 = percentile(sorted(idle.samples), 99);
      const loadedP99 = percentile(sorted(loaded.samples), 99);
      const row = (label: string, samples: number[], failures: number) => {
        const s = summarize(samples);
        return [label, s.n, ms(s.p50), ms(s.p99), ms(s.max), failures];
      };
      console.log(`\nOver HTTP — the server in this process on ${name}`);
      console.log(
        `settings.get with the session cookie at ${readRate}/s after a 2 s warm-up, ${blocks * blockSeconds} s idle ` +
          `and ${blocks * blockSeconds} s beside logins at ${loginRate}/s (over ${LOGIN_USERS} accounts), in ` +
          `alternating blocks of ${blockSeconds} s; hashing concurrency ${serverConfig.argon2.concurrency}\n`,
      );
      console.log(
        table(
          ['measure', 'n', 'p50 ms', 'p99 ms', 'max ms', 'failed'],
          [
            row('auth.login, one after the other', loginSamples, 0),
            row('settings.get, idle', idle.samples, idle.failures.length),
            row(`settings.get, during ${loginRate} logins/s`, loaded.samples, loaded.failures.length),
            row(`auth.login, ${loginRate}/s beside the reads`, logins.samples, logins.failures.length),
          ],
        ),
      );
      const loginRateSeen = logins.samples.length / (blocks * blockSeconds);
      console.log(
        `\nlogins: ${logins.samples.length} succeeded (${loginRateSeen.toFixed(1)}/s), ` +
          `${refused.length} refused as TOO_MANY_REQUESTS, ${logins.failures.length - refused.length} failed otherwise`,
      );
      for (const failure of [...logins.failures, ...idle.failures, ...loaded.failures].slice(0, 3)) {
        console.log(`  first failures: ${failure instanceof Error ? failure.message : String(failure)}`);
      }
      console.log(
        `event-loop delay p99 (this process = the server and the client): idle ${ms(idleLoopP99)} ms, ` +
          `during logins ${ms(loadedLoopP99)} ms`,
      );
      const ratio = loadedP99 / idleP99;
      const allRan = logins.failures.length === 0 && idle.failures.length === 0 && loaded.failures.length === 0;
      console.log(
        `${ratio < 2 && allRan ? 'PASS' : 'FAIL'}  settings.get p99 during logins < 2× idle: ` +
          `${ms(loadedP99)} ms / ${ms(idleP99)} ms = ${ratio.toFixed(2)}×` +
          (allRan ? '' : ' (some calls failed: see above)'),
      );
    } finally {
      await server.shutdown();
    }
  } finally {
    await database.close().catch(() => {});
    await cleanup();
  }
}

await overHttp();
