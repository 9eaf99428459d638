// Bundles the server, its workspace packages and its pure-JS dependencies into dist/, so `pnpm start` pays neither
// TypeScript nor Node's module resolution at start-up (resolving and reading ~1,500 files of node_modules took most
// of the cold start). Packages that load files beside themselves stay external: native addons (argon2) and PGlite's
// WebAssembly and data files; pg-native is an optional require of pg that we never install.
//
// `node build.mjs --if-stale` (the tests that spawn the real server or CLI) builds only when an input of the last
// build changed: esbuild's metafile names every file the bundle was made of, and dist/.inputs records a hash of them.
// Concurrent callers (vitest's workers) take turns through a lock file, and the second finds the bundle fresh.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const loadsFilesBesideItself = ['@node-rs/argon2', '@electric-sql/pglite'];
for (const name of loadsFilesBesideItself) {
  if (!(name in pkg.dependencies)) throw new Error(`${name} is gone: update build.mjs`);
}
const external = [...loadsFilesBesideItself, 'pg-native'];
process.chdir(new URL('.', import.meta.url).pathname);
const STAMP = 'dist/.inputs';
const OUTPUTS = ['dist/main.js', 'dist/cli.js'];

/** A hash of the bundle's inputs: the contents of our files; node_modules paths name their versions already. */
function inputsHash(inputs) {
  const hash = createHash('sha256');
  for (const file of [...inputs, 'build.mjs', 'package.json'].sort()) {
    hash.update(`${file}\0`);
    if (!file.includes('/node_modules/')) hash.update(existsSync(file) ? readFileSync(file) : '(missing)');
  }
  return hash.digest('hex');
}

function isFresh() {
  if (!existsSync(STAMP) || !OUTPUTS.every((file) => existsSync(file))) return false;
  const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  return stamp.hash === inputsHash(stamp.inputs);
}

async function bundle() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { main: 'src/main.ts', cli: 'src/cli.ts' },
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    external,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
    metafile: true,
  });
  const inputs = Object.keys(result.metafile.inputs);
  writeFileSync(STAMP, JSON.stringify({ hash: inputsHash(inputs), inputs }));
}

if (!process.argv.includes('--if-stale')) {
  await bundle();
} else {
  mkdirSync('dist', { recursive: true });
  const lock = 'dist/.build-lock';
  for (;;) {
    if (isFresh()) break;
    let fd;
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock older than any build belongs to a process that was killed.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000) {
        rmSync(lock, { force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (!isFresh()) await bundle();
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
    break;
  }
}
