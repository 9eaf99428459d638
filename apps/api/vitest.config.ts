import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Transformed modules cached on disk between runs (see the root vitest.config.ts).
    experimental: { fsModuleCache: true },
    name: 'api',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Each test file in a fresh process (the default): with modules shared between files (isolate: false) the run was
    // 6.8 → 3.5 min, but the long-lived workers' heaps once paused an in-process event-loop measurement for 1.2 s
    // (calendar-caps' feed test, bound 1 s). Isolation stays until those measurements run out of process.
    // Memory checks (abuse, hostile inputs) collect garbage before they read RSS.
    execArgv: ['--expose-gc'],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
