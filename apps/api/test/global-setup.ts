import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setupTestTemplate, type TestTemplate } from '@lifeos/db/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplate: TestTemplate;
  }
}

/**
 * Migrates one template database per run; every test file copies it (see createTestDatabase). Also bundles the
 * server and CLI (dist/, as `pnpm start` and the Docker image run them), so the tests that spawn real processes run
 * what ships, freshly built from the sources under test — and start in a second rather than tsx's several.
 */
export default async function setup(project: TestProject) {
  execFileSync(process.execPath, ['build.mjs'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
  const { template, teardown } = await setupTestTemplate();
  project.provide('dbTemplate', template);
  return teardown;
}
