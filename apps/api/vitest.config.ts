import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Transformed modules cached on disk between runs (see the root vitest.config.ts).
    experimental: { fsModuleCache: true },
    name: 'api',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Memory checks (abuse, hostile inputs) collect garbage before they read RSS.
    execArgv: ['--expose-gc'],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
