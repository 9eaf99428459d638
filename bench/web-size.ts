/**
 * What a browser downloads for the web app. Two parts:
 *  1. Statically: the scripts, module preloads and stylesheets that apps/web/dist/index.html names, raw and gzip
 *     (level 9), plus every other chunk for scale.
 *  2. Per route, in Chromium: the built app served by the real server (bench/lib/web-app.ts), each route opened in
 *     a fresh browser context (empty cache) and every /assets/ script and stylesheet it fetched until the network
 *     went quiet recorded, with the file's gzip size and the bytes that actually crossed the wire. The Vite manifest
 *     sorts them into what index.html loads, what the route's lazy modules need before the page can render, and
 *     what the page itself loads later (the dashboard's charts). Target: under 150 KiB gzip of JS before the first
 *     route renders.
 *
 *   pnpm --filter @lifeos/web build && pnpm --filter @lifeos/bench web-size
 *   pnpm --filter @lifeos/bench web-size -- --database-url postgres://postgres@127.0.0.1:5432/lifeos_bench
 * Options: --years 1 (PGlite's generated history), --username bench, --password '…', --static (skip the browser),
 * --dist DIR (another build of apps/web, to compare).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { DEFAULT_PASSWORD } from './lib/seed-user.js';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  requireBuiltWebApp,
  signInThroughForm,
  startWebApp,
  WEB_DIST,
} from './lib/web-app.js';
import { machine, table } from './stats.js';

const TARGET_JS_GZIP_KIB = 150;

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'database-url': { type: 'string' },
    username: { type: 'string', default: 'bench' },
    password: { type: 'string', default: DEFAULT_PASSWORD },
    years: { type: 'string', default: '1' },
    static: { type: 'boolean', default: false },
    dist: { type: 'string' },
  },
  strict: true,
});

const dist = values.dist ? path.resolve(values.dist) : WEB_DIST;
const indexFile = path.join(dist, 'index.html');
if (!existsSync(indexFile)) {
  console.error(
    `No ${path.relative(process.cwd(), indexFile)}: build the web app first (pnpm --filter @lifeos/web build).`,
  );
  process.exit(1);
}
const html = readFileSync(indexFile, 'utf8');

type Kind = 'js' | 'css';

/** Local asset URLs the page loads up front, in document order. */
function initialAssets(page: string): { url: string; kind: Kind }[] {
  const assets: { url: string; kind: Kind }[] = [];
  const attribute = (tag: string, name: string) =>
    new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(1).find(Boolean);
  for (const [tag] of page.matchAll(/<script\b[^>]*>/gi)) {
    const src = attribute(tag, 'src');
    if (src) assets.push({ url: src, kind: 'js' });
  }
  for (const [tag] of page.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attribute(tag, 'rel')?.toLowerCase() ?? '';
    const href = attribute(tag, 'href');
    if (!href) continue;
    if (rel === 'stylesheet') assets.push({ url: href, kind: 'css' });
    if (rel === 'modulepreload') assets.push({ url: href, kind: 'js' });
  }
  return assets.filter((asset) => !/^([a-z]+:)?\/\//i.test(asset.url));
}

const fileOf = (url: string) => path.join(dist, url.split(/[?#]/)[0]?.replace(/^\//, '') ?? '');
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const gzipCache = new Map<string, { raw: number; gz: number }>();
/** Raw and gzip (level 9) size of a file in dist, computed once. */
function sizes(file: string): { raw: number; gz: number } {
  let known = gzipCache.get(file);
  if (!known) {
    const bytes = readFileSync(file);
    known = { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
    gzipCache.set(file, known);
  }
  return known;
}

// ---------- part 1: what index.html names ----------

const assets = initialAssets(html);
const seen = new Set<string>();
const rows: (string | number)[][] = [];
const totals = { js: { raw: 0, gz: 0 }, css: { raw: 0, gz: 0 } };
for (const asset of assets) {
  const file = fileOf(asset.url);
  if (seen.has(file)) continue;
  seen.add(file);
  if (!existsSync(file)) {
    rows.push([asset.url, asset.kind, 'missing', '']);
    continue;
  }
  const { raw, gz } = sizes(file);
  totals[asset.kind].raw += raw;
  totals[asset.kind].gz += gz;
  rows.push([asset.url, asset.kind, kib(raw), kib(gz)]);
}

// Everything else in dist/assets: chunks loaded later (code splitting). The dev panel's page is counted apart: it
// is a second entry of the same build, never loaded by the app.
const panelFiles = new Set<string>();
const manifest = readManifest();
if (manifest?.['panel.html']) {
  for (const file of closure(manifest, ['panel.html'])) if (!seen.has(path.join(dist, file))) panelFiles.add(file);
}
const lazy = { count: 0, raw: 0, gz: 0 };
const panel = { count: 0, raw: 0, gz: 0 };
const assetsDir = path.join(dist, 'assets');
if (existsSync(assetsDir)) {
  for (const name of readdirSync(assetsDir)) {
    const file = path.join(assetsDir, name);
    if (seen.has(file) || !/\.(js|css)$/.test(name)) continue;
    const { raw, gz } = sizes(file);
    const bucket = panelFiles.has(`assets/${name}`) ? panel : lazy;
    bucket.count++;
    bucket.raw += raw;
    bucket.gz += gz;
  }
}

console.log(`Web app size — ${machine()}`);
console.log(`${path.relative(process.cwd(), indexFile)}: what the first page load fetches (gzip level 9)\n`);
console.log(table(['asset', 'kind', 'KiB', 'KiB gzip'], rows, 2));
console.log(
  `\ninitial JS:  ${kib(totals.js.raw)} KiB, ${kib(totals.js.gz)} KiB gzip` +
    `\ninitial CSS: ${kib(totals.css.raw)} KiB, ${kib(totals.css.gz)} KiB gzip` +
    `\nlazy chunks: ${lazy.count} files, ${kib(lazy.raw)} KiB, ${kib(lazy.gz)} KiB gzip (loaded on demand)` +
    (panel.count
      ? `\ndev panel:   ${panel.count} files, ${kib(panel.raw)} KiB, ${kib(panel.gz)} KiB gzip (panel.html only)`
      : ''),
);

// ---------- part 2: per route, in Chromium ----------

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

function readManifest(): Manifest | undefined {
  const file = path.join(dist, '.vite', 'manifest.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : undefined;
}

/** The files (dist-relative) that loading these manifest entries pulls in through static imports, CSS included. */
function closure(chunks: Manifest, keys: string[]): Set<string> {
  const files = new Set<string>();
  const visited = new Set<string>();
  const visit = (key: string) => {
    const chunk = chunks[key];
    if (!chunk || visited.has(key)) return;
    visited.add(key);
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const key of keys) visit(key);
  return files;
}

type Stage = 'index.html' | 'route' | 'in page';

interface Loaded {
  file: string;
  kind: Kind;
  /** Body bytes as transferred (compressed when the server compressed). */
  wire: number;
  encoding: string;
}

interface RouteSpec {
  path: string;
  label: string;
  signedIn: boolean;
  /** Resolves once the page shows what it is for. */
  ready: (page: Page) => Promise<unknown>;
}

const ROUTES: RouteSpec[] = [
  {
    path: '/login',
    label: '/login (signed out)',
    signedIn: false,
    ready: (page) => page.getByLabel('Username or email').waitFor(),
  },
  {
    path: '/',
    label: '/ dashboard (signed in)',
    signedIn: true,
    ready: (page) => page.locator('[data-testid^="card-"]').first().waitFor(),
  },
  {
    path: '/calendar',
    label: '/calendar (signed in)',
    signedIn: true,
    ready: (page) => page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor(),
  },
];

/** Opens one route in a fresh context and records the /assets/ scripts and stylesheets it fetched. */
async function loadRoute(context: BrowserContext, base: string, route: RouteSpec): Promise<Loaded[]> {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pending: Promise<Loaded>[] = [];
  const isAsset = (url: URL) => url.origin === base && /^\/assets\/.+\.(js|css)$/.test(url.pathname);
  let inFlight = 0;
  page.on('request', (request) => {
    if (isAsset(new URL(request.url()))) inFlight++;
  });
  page.on('requestfailed', (request) => {
    if (isAsset(new URL(request.url()))) inFlight--;
  });
  page.on('requestfinished', (request) => {
    const url = new URL(request.url());
    if (!isAsset(url)) return;
    inFlight--;
    pending.push(
      (async () => {
        const response = await request.response();
        const { responseBodySize } = await request.sizes();
        return {
          file: url.pathname.slice(1),
          kind: url.pathname.endsWith('.css') ? 'css' : 'js',
          wire: responseBodySize,
          encoding: (await response?.headerValue('content-encoding')) ?? 'identity',
        } satisfies Loaded;
      })(),
    );
  });
  await page.goto(`${base}${route.path}`);
  await route.ready(page);
  // Whatever the page loads after it first shows (charts, the command palette) still counts, in its own stage.
  await page.waitForLoadState('networkidle');
  // A big chunk can still be arriving when the idle signal fires: wait for every asset request to settle.
  for (let waited = 0; inFlight > 0 && waited < 30_000; waited += 50) await page.waitForTimeout(50);
  const loaded = await Promise.all(pending);
  await page.close();
  const unique = new Map(loaded.map((entry) => [entry.file, entry]));
  return [...unique.values()];
}

/** Sorts what a route loaded: index.html's closure, the router's lazy modules it matched (and theirs), the rest. */
function stagesOf(chunks: Manifest | undefined, loaded: Loaded[]): Map<string, Stage> | undefined {
  const entry = chunks?.['index.html'];
  if (!chunks || !entry) return undefined;
  const loadedFiles = new Set(loaded.map((l) => l.file));
  const initial = closure(chunks, ['index.html']);
  // The router's `lazy` imports are the entry's dynamic imports; the ones this route fetched are its page modules.
  // But for the service worker's prompt (src/pwa/), which the app imports only once the window has loaded and the
  // browser is idle (DeferredUpdatePrompt): it never holds the first render.
  const matched = (entry.dynamicImports ?? []).filter((key) => {
    const file = chunks[key]?.file;
    return file !== undefined && loadedFiles.has(file) && !key.startsWith('src/pwa/');
  });
  const route = closure(chunks, matched);
  return new Map(
    loaded.map((l) => [l.file, initial.has(l.file) ? 'index.html' : route.has(l.file) ? 'route' : 'in page']),
  );
}

if (values.static) process.exit(0);
requireBuiltWebApp(dist);
if (!manifest) {
  console.log(
    '\nNo dist/.vite/manifest.json (an older build?): rebuild the web app to see which stage loads each file.',
  );
}

const app = await startWebApp({
  databaseUrl: values['database-url'] ?? (process.env.DATABASE_URL || undefined),
  username: values.username,
  password: values.password,
  years: Number(values.years),
  webDist: dist,
  log: (line) => process.stderr.write(`${line}\n`),
});
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const summary: (string | number)[][] = [];
const verdicts: string[] = [];
try {
  console.log(`\nPer route, in Chromium (fresh context, empty cache), ${app.description}`);
  console.log(
    'stage: index.html = what the document loads; route = the page modules the router fetches before it renders; ' +
      'in page = loaded by the page after it renders. "wire" is the body as transferred.\n',
  );
  const signInContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const signInPage = await signInContext.newPage();
  await signInThroughForm(signInPage, app.base, values.username, values.password);
  const session = await signInContext.storageState();
  await signInContext.close();

  for (const route of ROUTES) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      ...(route.signedIn ? { storageState: session } : {}),
    });
    const loaded = await loadRoute(context, app.base, route);
    await context.close();
    const stages = stagesOf(manifest, loaded);
    const stageOf = (file: string): Stage | '?' => stages?.get(file) ?? '?';
    const order: Record<string, number> = { 'index.html': 0, route: 1, 'in page': 2, '?': 3 };
    loaded.sort(
      (a, b) => (order[stageOf(a.file)] ?? 3) - (order[stageOf(b.file)] ?? 3) || a.kind.localeCompare(b.kind),
    );

    const sum = { firstJs: 0, allJs: 0, firstCss: 0, allCss: 0, wire: 0, raw: 0 };
    const routeRows = loaded.map((l) => {
      const { raw, gz } = sizes(path.join(dist, l.file));
      const first = stageOf(l.file) !== 'in page';
      if (l.kind === 'js') {
        sum.allJs += gz;
        if (first) sum.firstJs += gz;
      } else {
        sum.allCss += gz;
        if (first) sum.firstCss += gz;
      }
      sum.wire += l.wire;
      sum.raw += raw;
      return [`/${l.file}`, l.kind, stageOf(l.file), kib(raw), kib(gz), kib(l.wire), l.encoding];
    });
    console.log(`${route.label}: ${loaded.length} files`);
    console.log(table(['asset', 'kind', 'stage', 'KiB', 'KiB gzip', 'KiB wire', 'encoding'], routeRows, 3));
    const lazyJs = sum.allJs - sum.firstJs;
    console.log(
      `JS before render ${kib(sum.firstJs)} KiB gzip` +
        (lazyJs > 0 ? `, +${kib(lazyJs)} KiB gzip loaded in page (total ${kib(sum.allJs)})` : '') +
        `; CSS ${kib(sum.allCss)} KiB gzip; on the wire ${kib(sum.wire)} KiB of ${kib(sum.raw)} KiB\n`,
    );
    const meets = sum.firstJs / 1024 < TARGET_JS_GZIP_KIB;
    summary.push([route.label, kib(sum.firstJs), kib(sum.allJs), kib(sum.allCss), kib(sum.wire), meets ? 'yes' : 'NO']);
    verdicts.push(
      `${route.label}: ${kib(sum.firstJs)} KiB gzip of JS before it renders — ` +
        `${meets ? 'meets' : 'MISSES'} the < ${TARGET_JS_GZIP_KIB} KiB target`,
    );
  }
} finally {
  await browser.close();
  await app.close();
}

console.log(
  table(
    ['route', 'JS gzip before render', 'JS gzip all', 'CSS gzip', 'KiB on the wire', `< ${TARGET_JS_GZIP_KIB} KiB`],
    summary,
  ),
);
console.log(`\n${verdicts.join('\n')}`);
