/**
 * What a browser downloads before the first page renders: the scripts, module preloads and stylesheets that
 * apps/web/dist/index.html names, raw and gzip-compressed (level 9), plus the lazily loaded chunks for scale.
 *   pnpm --filter @lifeos/web build && pnpm --filter @lifeos/bench web-size
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { machine, table } from './stats.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../apps/web/dist');
const indexFile = path.join(dist, 'index.html');
if (!existsSync(indexFile)) {
  console.error(
    `No ${path.relative(process.cwd(), indexFile)}: build the web app first (pnpm --filter @lifeos/web build).`,
  );
  process.exit(1);
}
const html = readFileSync(indexFile, 'utf8');

/** Local asset URLs the page loads up front, in document order. */
function initialAssets(page: string): { url: string; kind: 'js' | 'css' }[] {
  const assets: { url: string; kind: 'js' | 'css' }[] = [];
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
const gzipped = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

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
  const bytes = readFileSync(file);
  const gz = gzipped(bytes);
  totals[asset.kind].raw += bytes.length;
  totals[asset.kind].gz += gz;
  rows.push([asset.url, asset.kind, kib(bytes.length), kib(gz)]);
}

// Everything else in dist/assets: route chunks loaded later (code splitting).
let lazyRaw = 0;
let lazyGz = 0;
let lazyCount = 0;
const assetsDir = path.join(dist, 'assets');
if (existsSync(assetsDir)) {
  for (const name of readdirSync(assetsDir)) {
    const file = path.join(assetsDir, name);
    if (seen.has(file) || !/\.(js|css)$/.test(name)) continue;
    const bytes = readFileSync(file);
    lazyRaw += bytes.length;
    lazyGz += gzipped(bytes);
    lazyCount++;
  }
}

console.log(`Web app size — ${machine()}`);
console.log(`${path.relative(process.cwd(), indexFile)}: what the first page load fetches (gzip level 9)\n`);
console.log(table(['asset', 'kind', 'KiB', 'KiB gzip'], rows, 2));
console.log(
  `\ninitial JS:  ${kib(totals.js.raw)} KiB, ${kib(totals.js.gz)} KiB gzip` +
    `\ninitial CSS: ${kib(totals.css.raw)} KiB, ${kib(totals.css.gz)} KiB gzip` +
    `\nlazy chunks: ${lazyCount} files, ${kib(lazyRaw)} KiB, ${kib(lazyGz)} KiB gzip (loaded on demand)`,
);
