import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Transformed modules cached on disk between runs (see the root vitest.config.ts).
    experimental: { fsModuleCache: true },
    name: 'api',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Test files share their worker's modules (no test mocks a module or stubs the environment): importing the server
    // again for every file was 160 s of a 400 s run; the api and db projects run in 3.5 min instead of 6–7.
    isolate: false,
    // Memory checks (abuse, hostile inputs) collect garbage before they read RSS.
    execArgv: ['--expose-gc'],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
