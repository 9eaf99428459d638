/**
 * Issue 21: how fast the installed app opens, against how it opened before it was installable. A signed-in phone
 * (390×844) opens `/` again and again, each time in a new tab of the same browser profile, and the time from the
 * navigation's start to the dashboard's first card (its first meaningful paint) is taken in the page itself:
 *
 * - installed: the service worker serves the app's files and the query cache comes back from IndexedDB, so the
 *   card is drawn from the device's copy while the day's data is asked for;
 * - installed, offline: the same with the network off (the card must still come);
 * - network (before issue 21): no service worker (blocked) and no device copy (its marker removed before each
 *   load), the browser's HTTP cache warm as for any repeat visitor: files revalidated, the day fetched first.
 *
 * Each tab gets a phone's network (`--network slow4g`, Chromium's throttling: 150 ms RTT, 1.6 Mbit/s), which what the
 * worker answers from its cache does not pay. Prints the median and p90 of `--runs` each and the ratio installed /
 * network. Runs on PGlite seeded with a year of
 * data (or `--database-url`'s seeded user), on Debian's Chromium; needs `pnpm --filter @lifeos/web build` first.
 */
import { parseArgs } from 'node:util';
import { type BrowserContext, chromium } from 'playwright-core';
import { DEFAULT_PASSWORD } from './lib/seed-user.js';
import { CHROMIUM, CHROMIUM_ARGS, requireBuiltWebApp, signInThroughForm, startWebApp } from './lib/web-app.js';
import { machine, percentile, table } from './stats.js';

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'database-url': { type: 'string' },
    username: { type: 'string', default: 'bench' },
    password: { type: 'string', default: DEFAULT_PASSWORD },
    years: { type: 'string', default: '1' },
    runs: { type: 'string', default: '7' },
    /** A phone's network (Lighthouse's slow 4G: 150 ms RTT, 1.6 Mbit/s down); `none` for loopback as it is. */
    network: { type: 'string', default: 'slow4g' },
  },
  strict: true,
});

const RUNS = Number(values.runs);
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const FIRST_CARD = '[data-testid^="card-"]';
/** The app's marker of a device copy (apps/web/src/lib/offline/last-user.ts). */
const OFFLINE_COPY_MARKER = 'lifeos-offline-user';

requireBuiltWebApp();
const app = await startWebApp({
  databaseUrl: values['database-url'] ?? (process.env.DATABASE_URL || undefined),
  username: values.username,
  password: values.password,
  years: Number(values.years),
  log: (line) => process.stderr.write(`${line}\n`),
});
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

/**
 * The page's globals, typed as much as this script uses (the package is type-checked without the DOM's types).
 * Functions, not strings, go to the page (the app's CSP forbids the eval a string predicate needs), and travel as
 * their text: each casts `globalThis` itself.
 */
interface PageGlobals {
  document: { querySelector(selector: string): unknown };
  navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } };
  localStorage: { removeItem(key: string): void };
}

/** Opens `/` in a new tab and returns the page's own time (ms since the navigation started) of the first card. */
async function firstCardMs(context: BrowserContext, offline = false): Promise<number> {
  await context.setOffline(offline);
  const page = await context.newPage();
  try {
    if (values.network === 'slow4g') {
      // Chromium's own throttling, per page: what the service worker answers from its cache does not pay it.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.emulateNetworkConditions', {
        offline,
        latency: 150,
        downloadThroughput: (1.6 * 1024 * 1024) / 8,
        uploadThroughput: (750 * 1024) / 8,
      });
    }
    await page.goto(`${app.base}/`, { waitUntil: 'commit' });
    const at = await page.waitForFunction(
      (selector) =>
        (globalThis as unknown as PageGlobals).document.querySelector(selector) ? performance.now() : null,
      FIRST_CARD,
      { polling: 'raf', timeout: 30_000 },
    );
    return (await at.jsonValue()) as number;
  } finally {
    await page.close();
    await context.setOffline(false);
  }
}

async function signedIn(options: { serviceWorkers: 'allow' | 'block' }) {
  const context = await browser.newContext({ ...PHONE, serviceWorkers: options.serviceWorkers });
  const page = await context.newPage();
  await signInThroughForm(page, app.base, values.username, values.password);
  if (options.serviceWorkers === 'allow') {
    // Installed: the worker active and controlling, its precache filled, and the query cache written to IndexedDB.
    await page.evaluate(async () => {
      await (globalThis as unknown as PageGlobals).navigator.serviceWorker.ready;
    });
    await page.reload();
    await page.locator(FIRST_CARD).first().waitFor();
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).navigator.serviceWorker.controller !== null,
    );
    await page.waitForTimeout(2_000);
  }
  await page.close();
  return context;
}

try {
  const installed = await signedIn({ serviceWorkers: 'allow' });
  const network = await signedIn({ serviceWorkers: 'block' });
  await network.addInitScript(
    (marker) => (globalThis as unknown as PageGlobals).localStorage.removeItem(marker),
    OFFLINE_COPY_MARKER,
  );
  const samples = { installed: [] as number[], offline: [] as number[], network: [] as number[] };
  // Alternated, so a busy moment of the machine falls on every kind alike.
  for (let run = 0; run < RUNS; run++) {
    samples.network.push(await firstCardMs(network));
    samples.installed.push(await firstCardMs(installed));
    samples.offline.push(await firstCardMs(installed, true));
    process.stderr.write(`run ${run + 1}/${RUNS}\n`);
  }
  const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
  const row = (label: string, list: number[]) => {
    const s = sorted(list);
    return [label, percentile(s, 50).toFixed(0), percentile(s, 90).toFixed(0)];
  };
  console.log(`\nInstalled start (issue 21), ${app.description}; ${machine()}`);
  const networkName = values.network === 'slow4g' ? 'slow 4G (150 ms RTT, 1.6 Mbit/s)' : 'loopback, unthrottled';
  console.log(
    `${RUNS} runs each on ${networkName}, a new tab of a signed-in phone profile, ms from navigation to the first card:\n`,
  );
  console.log(
    table(
      ['start', 'median ms', 'p90 ms'],
      [
        row('installed (service worker + IndexedDB)', samples.installed),
        row('installed, offline', samples.offline),
        row('network (no worker, no device copy)', samples.network),
      ],
    ),
  );
  const ratio = percentile(sorted(samples.installed), 50) / percentile(sorted(samples.network), 50);
  console.log(`\ninstalled / network (medians): ${ratio.toFixed(2)}×`);
} finally {
  await browser.close();
  await app.close();
}
