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
    // After every other project has finished (group 0), two files at a time: side by side with the api's tests,
    // Chromium starved their timing assertions on 2 cores; alone, two browsers keep both cores busy (one waits on the
    // other's server often enough), and the suite took ~half the time of one file after the other.
    sequence: { groupOrder: 1 },
    maxWorkers: 2,
    // A worker keeps the server's and playwright's modules between files (each file still builds its own server,
    // database and browser).
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
