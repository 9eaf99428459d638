import { defineConfig } from 'vitest/config';
import { apiTestOptions, MEASURES_ITS_OWN_PROCESS } from './vitest.config.js';

/** The api's tests that measure their own process, each file in a fresh one (see vitest.config.ts). */
export default defineConfig({
  test: {
    ...apiTestOptions,
    name: 'api-isolated',
    include: MEASURES_ITS_OWN_PROCESS,
    isolate: true,
  },
});
