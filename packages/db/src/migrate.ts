import type { Kysely } from 'kysely';
import { type MigrationResultSet, Migrator } from 'kysely/migration';
import { migrations } from './migrations.js';

export function createMigrator(db: Kysely<any>): Migrator {
  // Kysely's Migrator takes a PostgreSQL advisory lock around every run, so replicas starting together do not race.
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function unwrap(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, { cause: result.error });
  }
  return result;
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  return unwrap(await createMigrator(db).migrateToLatest());
}

/** Runs every migration's `down`, newest first, until none is applied. */
export async function migrateAllDown(db: Kysely<any>): Promise<void> {
  const migrator = createMigrator(db);
  for (;;) {
    const applied = (await migrator.getMigrations()).filter((m) => m.executedAt);
    if (applied.length === 0) return;
    unwrap(await migrator.migrateDown());
  }
}
