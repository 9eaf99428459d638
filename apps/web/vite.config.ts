import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type HtmlTagDescriptor, type Plugin, type Rollup } from 'vite';

// The only place the web app reads the environment: where the API runs during `pnpm dev`.
const apiUrl = process.env.LIFEOS_API_URL ?? 'http://localhost:3000';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * Every first visit renders one of three route modules: the login page, first-run setup, or the signed-in shell
 * (every other page sits inside it). The chunks all three import are named in index.html as module preloads, so
 * the browser fetches them beside the entry instead of after the entry has run and the router asked for its route:
 * one round trip less before the first render, and nothing fetched that the first render does not use.
 */
function preloadFirstRouteChunks(routeModules: string[]): Plugin {
  let base = '/';
  return {
    name: 'lifeos-preload-first-route',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const { bundle, chunk } = ctx;
        if (!bundle || !chunk || path.basename(ctx.filename) !== 'index.html') return;
        const closure = (fileName: string, into = new Set<string>()) => {
          const output = bundle[fileName];
          if (into.has(fileName) || output?.type !== 'chunk') return into;
          into.add(fileName);
          for (const imported of output.imports) closure(imported, into);
          return into;
        };
        const chunks = Object.values(bundle).filter((output): output is Rollup.OutputChunk => output.type === 'chunk');
        const routeClosures = routeModules.map((module) => {
          const routeChunk = chunks.find((c) => c.facadeModuleId === page(module));
          // A renamed route must not silently turn the preloads off.
          if (!routeChunk) throw new Error(`preloadFirstRouteChunks: no chunk for ${module}`);
          return closure(routeChunk.fileName);
        });
        const loadedByEntry = closure(chunk.fileName);
        const [first = new Set<string>(), ...rest] = routeClosures;
        return [...first]
          .filter((fileName) => !loadedByEntry.has(fileName) && rest.every((set) => set.has(fileName)))
          .map(
            (fileName): HtmlTagDescriptor => ({
              tag: 'link',
              attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${fileName}` },
              injectTo: 'head',
            }),
          );
      },
    },
  };
}

/**
 * Writes `.br` and `.gz` beside every text file of the build, at the highest levels, once. The server sends them
 * to browsers that accept them (@fastify/static's preCompressed), so no request pays for compressing: over a slow
 * mobile link the app's JavaScript arrives in a quarter of the bytes.
 */
function precompress(): Plugin {
  const compressible = /\.(js|mjs|css|html|svg|json)$/;
  const brotli = (bytes: Buffer) =>
    new Promise<Buffer>((resolve, reject) =>
      brotliCompress(
        bytes,
        {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      ),
    );
  const gzip9 = (bytes: Buffer) =>
    new Promise<Buffer>((resolve, reject) =>
      gzip(bytes, { level: 9 }, (error, result) => (error ? reject(error) : resolve(result))),
    );
  return {
    name: 'lifeos-precompress',
    apply: 'build',
    // After the files are written, so what is compressed is exactly what is served.
    async writeBundle(options, bundle) {
      const outDir = options.dir ?? path.dirname(options.file ?? '');
      await Promise.all(
        Object.keys(bundle)
          .filter((fileName) => compressible.test(fileName) && !fileName.startsWith('.vite/'))
          .map(async (fileName) => {
            const file = path.join(outDir, fileName);
            const bytes = await readFile(file);
            // Below ~1 KiB the saving is smaller than a round trip's headers.
            if (bytes.length < 1024) return;
            const [br, gz] = await Promise.all([brotli(bytes), gzip9(bytes)]);
            if (br.length < bytes.length) await writeFile(`${file}.br`, br);
            if (gz.length < bytes.length) await writeFile(`${file}.gz`, gz);
          }),
      );
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    preloadFirstRouteChunks(['./src/routes/login-page.tsx', './src/routes/setup-page.tsx', './src/routes/shell.tsx']),
    precompress(),
  ],
  resolve: {
    alias: { '@rjsf/validator-ajv8': page('./src/panel/ajv-validator-stand-in.ts') },
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/trpc': { target: apiUrl, changeOrigin: false },
      '/api': { target: apiUrl, changeOrigin: false },
      // The dev panel's page is built here (panel.html); anything under /panel/ is the API's.
      '/panel': {
        target: apiUrl,
        changeOrigin: false,
        bypass: (req) => {
          const pathname = (req.url ?? '').split('?')[0];
          return pathname === '/panel' || pathname === '/panel/' ? '/panel.html' : undefined;
        },
      },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // dist/.vite/manifest.json: which chunks each page and lazy import pull in (bench/web-size reads it).
    manifest: true,
    rolldownOptions: {
      // Core's browser entry re-exports every module (`export *`); its modules only declare schemas and pure
      // functions, so a page that uses one of them needs no other. Saying so lets each page's chunks hold only the
      // core modules it uses (the login page no longer builds every module's schemas, nor loads date-fns).
      // A web feature's public entry (features/<feature>/index.ts) only re-exports, too: quick capture takes
      // `priorityLabel` through the tasks entry without pulling the task form into the shell's first load.
      treeshake: {
        moduleSideEffects: (id: string) =>
          !/[\\/]packages[\\/]core[\\/]src[\\/]/.test(id) && !/[\\/]features[\\/][a-z-]+[\\/]index\.ts$/.test(id),
      },
      // Multi-page build: the app and the (development-only) tRPC panel.
      input: { main: page('./index.html'), panel: page('./panel.html') },
    },
  },
});
