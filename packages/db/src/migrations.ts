import type { Migration } from 'kysely/migration';
import * as m20261125000000 from '../migrations/20261125000000_auth.js';

/**
 * Every migration, by name. A static map rather than FileMigrationProvider because a native import() of .ts
 * files fails under vitest and in the bundled server. `pnpm --filter @lifeos/db kysely migrate:make <name>` creates the file; add it here.
 */
export const migrations: Record<string, Migration> = {
  '20261125000000_auth': m20261125000000,
};
