// Bundles the server, its workspace packages and its pure-JS dependencies into dist/, so `pnpm start` pays neither
// TypeScript nor Node's module resolution at start-up (resolving and reading ~1,500 files of node_modules took most
// of the cold start). Packages that load files beside themselves stay external: native addons (argon2) and PGlite's
// WebAssembly and data files; pg-native is an optional require of pg that we never install.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const loadsFilesBesideItself = ['@node-rs/argon2', '@electric-sql/pglite'];
for (const name of loadsFilesBesideItself) {
  if (!(name in pkg.dependencies)) throw new Error(`${name} is gone: update build.mjs`);
}
const external = [...loadsFilesBesideItself, 'pg-native'];

await build({
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
});
