import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: a real API server in this process serving the built app (run `vite build` first),
// driven through Debian's Chromium with playwright-core. Each file has its own server, port, database and browser, so
// files run side by side in the root run's pool (9 files: 91 s one at a time, 71 s two at a time on 2 cores).
export default defineConfig({
  test: {
    // Transformed modules cached on disk between runs (see the root vitest.config.ts).
    experimental: { fsModuleCache: true },
    name: 'e2e',
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
