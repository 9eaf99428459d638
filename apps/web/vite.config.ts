import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type HtmlTagDescriptor, type Plugin, type Rollup } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

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

/**
 * The files only the dev panel (panel.html) loads: the panel's page, its chunks and their stylesheets, less
 * anything the app itself imports (statically or lazily). Filled while the bundle is generated, read when the
 * service worker's precache list is written after it, so the panel (never served in production) is never
 * precached however its chunks are named.
 */
function panelOnlyFiles(): { plugin: Plugin; files: Set<string> } {
  const files = new Set<string>();
  const plugin: Plugin = {
    name: 'lifeos-panel-only-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      const reachable = (entry: string) => {
        const seen = new Set<string>();
        const visit = (fileName: string) => {
          if (seen.has(fileName)) return;
          seen.add(fileName);
          const output = bundle[fileName];
          if (output?.type !== 'chunk') return;
          for (const next of [...output.imports, ...output.dynamicImports]) visit(next);
          for (const css of output.viteMetadata?.importedCss ?? []) seen.add(css);
          for (const asset of output.viteMetadata?.importedAssets ?? []) seen.add(asset);
        };
        const entryChunk = Object.values(bundle).find(
          (output) => output.type === 'chunk' && output.isEntry && output.facadeModuleId === page(entry),
        );
        // A renamed page must not silently let the panel into the precache.
        if (!entryChunk) throw new Error(`panelOnlyFiles: no entry chunk for ${entry}`);
        visit(entryChunk.fileName);
        return seen;
      };
      const app = reachable('./index.html');
      files.clear();
      files.add('panel.html');
      for (const fileName of reachable('./panel.html')) if (!app.has(fileName)) files.add(fileName);
    },
  };
  return { plugin, files };
}

const panelOnly = panelOnlyFiles();

/**
 * The installable app (issue 21): the web app manifest and a Workbox service worker that precaches the app shell
 * and every route's chunks, so the app starts without a network. It caches no API answer (what data the app keeps
 * offline is the app's business), and a new version waits until the user chooses to reload (src/pwa/), so a page
 * never runs half old, half new chunks.
 */
const pwa = VitePWA({
  strategies: 'generateSW',
  registerType: 'prompt',
  // src/pwa/ registers it (virtual:pwa-register/react), after the first render.
  injectRegister: false,
  // The icons and the manifest are precached through globPatterns, once each.
  includeAssets: [],
  includeManifestIcons: false,
  manifest: {
    id: '/',
    name: 'Life OS',
    short_name: 'Life OS',
    description: 'Journal, training, projects, tasks and calendar in one private app.',
    lang: 'en',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    // The light theme's page colour (index.html's theme-color metas switch to the dark one where the OS is dark).
    theme_color: '#f7f7f5',
    background_color: '#f7f7f5',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
    // Routes the app has. No URL opens the capture dialog yet (the shell would have to read one, say `?capture=1`):
    // Capture opens the inbox, where captures land, with the shell's Capture button at hand.
    shortcuts: [
      {
        name: 'Capture',
        short_name: 'Capture',
        url: '/inbox',
        icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }],
      },
      {
        name: 'Start workout',
        short_name: 'Workout',
        url: '/fitness',
        icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }],
      },
      {
        name: "Today's pages",
        short_name: 'Pages',
        url: '/journal/morning-pages',
        icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }],
      },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png}'],
    globIgnores: ['panel.html', '.vite/**'],
    manifestTransforms: [
      async (entries) => ({ manifest: entries.filter((entry) => !panelOnly.files.has(entry.url)), warnings: [] }),
    ],
    navigateFallback: 'index.html',
    // Server paths a navigation may open (a feed, an export download, CalDAV's discovery, the dev panel): always
    // the network, never the app's page.
    navigateFallbackDenylist: [/^\/trpc(\/|$)/, /^\/api(\/|$)/, /^\/dav(\/|$)/, /^\/\.well-known\//, /^\/panel(\/|$)/],
    // No runtimeCaching: API answers go to the network as if there were no service worker.
    cleanupOutdatedCaches: true,
    // Web Push: the `push` and `notificationclick` handlers (public/push-sw.js), beside Workbox's precaching.
    importScripts: ['/push-sw.js'],
    // Left false on purpose: a new worker waits until the user clicks Reload (src/pwa/).
    skipWaiting: false,
    clientsClaim: false,
    sourcemap: false,
  },
});

export default defineConfig({
  plugins: [
    react(),
    preloadFirstRouteChunks(['./src/routes/login-page.tsx', './src/routes/setup-page.tsx', './src/routes/shell.tsx']),
    precompress(),
    panelOnly.plugin,
    pwa,
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
