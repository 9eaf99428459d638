import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'db',
    pool: 'forks',
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    experimental: { fsModuleCache: true },
  },
});
