import { setupTestTemplate, type TestTemplate } from '@lifeos/db/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplate: TestTemplate;
  }
}

/** Migrates one template database per run; every test file copies it (see createTestDatabase). */
export default async function setup(project: TestProject) {
  const { template, teardown } = await setupTestTemplate();
  project.provide('dbTemplate', template);
  return teardown;
}
