import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The files that measure this process itself — the event loop's longest stall while the in-process server works,
 * or how far resident memory grew — run in a fresh process each (`vitest.isolated.config.ts`, project
 * `api-isolated`): a worker that has run other files carries their heap, and one of its major collections once
 * paused calendar-caps' measurement for 1.2 s (bound 1 s).
 */
export const MEASURES_ITS_OWN_PROCESS = [
  'src/routers/calendar-caps.test.ts',
  'test/import-shape.test.ts',
  'test/abuse.test.ts',
];

export const apiTestOptions: NonNullable<ViteUserConfig['test']> = {
  // Transformed modules cached on disk between runs (see the root vitest.config.ts).
  experimental: { fsModuleCache: true },
  pool: 'forks',
  // Memory checks (abuse, hostile inputs) collect garbage before they read RSS.
  execArgv: ['--expose-gc'],
  maxWorkers: 2,
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    ...apiTestOptions,
    name: 'api',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: MEASURES_ITS_OWN_PROCESS,
    // The files of one worker share modules (nothing here mocks a module or stubs the environment): a run of the api
    // project on 2 cores took 6.8 → 3.5 min when the server stopped being imported again for every file.
    isolate: false,
  },
});
