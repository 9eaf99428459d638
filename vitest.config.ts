import { defineConfig } from 'vitest/config';

/**
 * Every package's tests as vitest projects of one run: `npx vitest run <file>` works from anywhere in the checkout,
 * `--project api` picks one package, and `pnpm test` shares one pool of workers across packages instead of running
 * them one after the other. Each package keeps its own vitest config (the project), so `npx vitest` inside a package
 * still runs just that package.
 */
export default defineConfig({
  test: {
    projects: [
      'packages/core/vitest.config.ts',
      'packages/db/vitest.config.ts',
      'apps/api/vitest.config.ts',
      'apps/api/vitest.isolated.config.ts',
      'apps/web/vitest.config.ts',
      'apps/web/vitest.e2e.config.ts',
    ],
    // 2 cores here and in CI; the database and process tests wait on I/O often enough that 2 keeps both busy.
    maxWorkers: 2,
    // Transformed modules are cached on disk (node_modules/.experimental-vitest-cache), keyed by their content:
    // a warm rerun of one file skips most of its ~3 s of transforming.
    experimental: { fsModuleCache: true },
    // Outside a terminal (CI, logs) the default reporter says nothing until a file ends; list every test as it ends,
    // and name the tests still running every 30 s.
    reporters: process.stdout.isTTY ? ['default'] : ['verbose', './scripts/slow-test-reporter.ts'],
  },
});
