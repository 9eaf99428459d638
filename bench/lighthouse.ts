/**
 * Lighthouse (performance category) on the built web app, served by the real server in this process
 * (bench/lib/web-app.ts): `/login` signed out, then `/` (the dashboard) signed in. Chromium is Debian's, started
 * here with a remote-debugging port; Lighthouse's node API drives it. Signing in goes through the login form in that
 * same browser, so the session is the app's real cookies (including the readable flag the SPA checks), not
 * injected headers. Lighthouse keeps cookies between runs but clears the HTTP cache and the origin's caches before
 * each one, so every figure is a cold load of a signed-in user.
 *
 *   pnpm --filter @lifeos/web build && pnpm --filter @lifeos/bench lighthouse
 *   pnpm --filter @lifeos/bench lighthouse -- --database-url postgres://postgres@127.0.0.1:5432/lifeos_bench --runs 3
 * Options: --preset mobile|desktop|both (default both; mobile is Lighthouse's default: Moto G Power emulation,
 * simulated slow 4G at 150 ms RTT / 1.6 Mbit/s and a 4× CPU slowdown), --runs 1 (the median score is printed),
 * --years 1 (PGlite's generated history), --username bench, --password '…', --save DIR (the JSON reports),
 * --dist DIR (another build of apps/web, to compare).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import lighthouse, { desktopConfig, type Flags, type Result } from 'lighthouse';
import { chromium } from 'playwright-core';
import { DEFAULT_PASSWORD } from './lib/seed-user.js';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  freePort,
  requireBuiltWebApp,
  signInThroughForm,
  startWebApp,
} from './lib/web-app.js';
import { machine, table } from './stats.js';

const TARGET_SCORE = 90;

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'database-url': { type: 'string' },
    username: { type: 'string', default: 'bench' },
    password: { type: 'string', default: DEFAULT_PASSWORD },
    years: { type: 'string', default: '1' },
    preset: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '1' },
    save: { type: 'string' },
    dist: { type: 'string' },
  },
  strict: true,
});

type Preset = 'mobile' | 'desktop';
const presets: Preset[] =
  values.preset === 'both' ? ['mobile', 'desktop'] : values.preset === 'desktop' ? ['desktop'] : ['mobile'];
if (!['mobile', 'desktop', 'both'].includes(values.preset)) throw new Error('--preset: mobile, desktop or both');
const runs = Number(values.runs);
if (!(Number.isInteger(runs) && runs >= 1 && runs <= 20)) throw new Error('--runs: a whole number from 1 to 20');

const webDist = values.dist ? path.resolve(values.dist) : undefined;
requireBuiltWebApp(webDist);

/** Debian's Chromium with a DevTools port, a throw-away profile and nothing running in the background. */
async function launchChromium(): Promise<{ port: number; process: ChildProcess; close(): Promise<void> }> {
  const port = await freePort();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'lifeos-lighthouse-'));
  const child = spawn(
    CHROMIUM,
    [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/json/version`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null) throw new Error(`Chromium exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('Chromium did not open its DevTools port within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    process: child,
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

interface Outcome {
  preset: Preset;
  route: string;
  score: number;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  si: number;
  finalUrl: string;
  lcpElement: string | undefined;
  lhr: Result;
}

async function audit(url: string, port: number, preset: Preset, route: string): Promise<Outcome> {
  const flags: Flags = { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] };
  const result = await lighthouse(url, flags, preset === 'desktop' ? desktopConfig : undefined);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const numeric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  const lcpDetails = lhr.audits['largest-contentful-paint-element']?.details as
    | { items?: { items?: { node?: { snippet?: string; nodeLabel?: string } }[] }[] }
    | undefined;
  const node = lcpDetails?.items?.[0]?.items?.[0]?.node;
  return {
    preset,
    route,
    score: Math.round((lhr.categories.performance?.score ?? Number.NaN) * 100),
    fcp: numeric('first-contentful-paint'),
    lcp: numeric('largest-contentful-paint'),
    tbt: numeric('total-blocking-time'),
    cls: numeric('cumulative-layout-shift'),
    si: numeric('speed-index'),
    finalUrl: lhr.finalDisplayedUrl,
    lcpElement: (node?.nodeLabel ?? node?.snippet)?.replace(/\s+/g, ' ').slice(0, 60),
    lhr,
  };
}

const app = await startWebApp({
  databaseUrl: values['database-url'] ?? (process.env.DATABASE_URL || undefined),
  username: values.username,
  password: values.password,
  years: Number(values.years),
  webDist,
  log: (line) => process.stderr.write(`${line}\n`),
});
const browser = await launchChromium();
const outcomes: Outcome[] = [];
try {
  const run = async (route: string, expectedPath: string) => {
    for (const preset of presets) {
      for (let i = 0; i < runs; i++) {
        process.stderr.write(`lighthouse ${preset} ${route} run ${i + 1}/${runs}\n`);
        let outcome: Outcome;
        try {
          outcome = await audit(`${app.base}${expectedPath}`, browser.port, preset, route);
        } catch (error) {
          // Lighthouse's own advice for a broken trace (NO_NAVSTART, NO_FCP…) is to run it again; once is enough.
          process.stderr.write(`  ${(error as Error).message}; running it again\n`);
          outcome = await audit(`${app.base}${expectedPath}`, browser.port, preset, route);
        }
        const landed = new URL(outcome.finalUrl).pathname;
        // A dashboard audit that ended on the login page would measure the wrong page.
        if (landed !== expectedPath) throw new Error(`${route}: Lighthouse ended on ${outcome.finalUrl}`);
        outcomes.push(outcome);
        if (values.save) {
          mkdirSync(values.save, { recursive: true });
          const name = `${preset}-${route.replace(/\W+/g, '_').replace(/^_|_$/g, '') || 'root'}-${i + 1}.json`;
          writeFileSync(path.join(values.save, name), JSON.stringify(outcome.lhr));
        }
      }
    }
  };

  await run('/login (signed out)', '/login');

  // Sign in through the form in the same browser profile, then let go of it: Lighthouse opens its own tab.
  const connected = await chromium.connectOverCDP(`http://127.0.0.1:${browser.port}`);
  const context = connected.contexts()[0];
  if (!context) throw new Error('Chromium has no default context');
  const page = await context.newPage();
  await signInThroughForm(page, app.base, values.username, values.password);
  await page.close();
  await connected.close();

  await run('/ dashboard (signed in)', '/');
} finally {
  await browser.close();
  await app.close();
}

const fmtMs = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : '?');
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

console.log(`Lighthouse ${outcomes[0]?.lhr.lighthouseVersion ?? '?'} — ${machine()}`);
console.log(`${app.description}; ${outcomes[0]?.lhr.environment.hostUserAgent.match(/Chrome\/[\d.]+/)?.[0] ?? ''}`);
for (const preset of presets) {
  const settings = outcomes.find((o) => o.preset === preset)?.lhr.configSettings;
  if (!settings) continue;
  const t = settings.throttling;
  const screen = settings.screenEmulation;
  console.log(
    `${preset}: formFactor ${settings.formFactor}, ${screen.width}×${screen.height} @${screen.deviceScaleFactor}x, ` +
      `throttling ${settings.throttlingMethod} (RTT ${t.rttMs} ms, ${Math.round(t.throughputKbps / 100) / 10} Mbit/s, ` +
      `CPU ×${t.cpuSlowdownMultiplier})`,
  );
}
const benchmarkIndex = outcomes.map((o) => o.lhr.environment.benchmarkIndex);
console.log(
  `host benchmarkIndex ${Math.round(median(benchmarkIndex))} (Lighthouse's measure of this machine's CPU; its CPU ` +
    'slowdown is meant for a fast desktop, so on a slower or busy host TBT comes out higher)\n',
);

const rows = outcomes.map((o) => [
  o.preset,
  o.route,
  o.score,
  fmtMs(o.fcp),
  fmtMs(o.lcp),
  fmtMs(o.tbt),
  o.cls.toFixed(3),
  fmtMs(o.si),
]);
console.log(table(['preset', 'route', 'score', 'FCP ms', 'LCP ms', 'TBT ms', 'CLS', 'SI ms'], rows, 2));
if (outcomes.some((o) => o.lcpElement)) {
  console.log('\nLCP element per run:');
  for (const o of outcomes) console.log(`  ${o.preset} ${o.route}: ${o.lcpElement ?? '?'}`);
} else {
  const why = outcomes[0]?.lhr.audits['largest-contentful-paint-element']?.errorMessage ?? '';
  console.log(`\nLCP element: not reported by this Lighthouse on this Chromium (${why.slice(0, 120)})`);
}
const warnings = new Set(outcomes.flatMap((o) => o.lhr.runWarnings.map((w) => String(w))));
for (const warning of warnings) console.log(`Lighthouse warning: ${warning.replace(/\s+/g, ' ')}`);

console.log('');
for (const preset of presets) {
  for (const route of new Set(outcomes.map((o) => o.route))) {
    const scores = outcomes.filter((o) => o.preset === preset && o.route === route).map((o) => o.score);
    if (!scores.length) continue;
    const score = median(scores);
    console.log(
      `${preset} ${route}: median score ${score} of ${scores.length} run(s) — ` +
        `${score >= TARGET_SCORE ? 'meets' : 'MISSES'} the ≥ ${TARGET_SCORE} target`,
    );
  }
}
