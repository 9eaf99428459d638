import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: a real API server in this process serving the built app (run `vite build` first),
// driven through Debian's Chromium with playwright-core.
export default defineConfig({
  test: {
    // Transformed modules cached on disk between runs (see the root vitest.config.ts).
    experimental: { fsModuleCache: true },
    name: 'e2e',
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
