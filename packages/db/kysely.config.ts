import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'kysely-ctl';
import { createDatabase } from './src/client.js';

// `pnpm --filter @lifeos/db kysely migrate:latest` (or :down, :list, :make) against the same database the server
// uses: PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under DATA_DIR (default ./data, taken
// from the repository root like the server does). Stop the server first when it runs on PGlite.
const rootDir = fileURLToPath(new URL('../../', import.meta.url));
const { db } = createDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: path.resolve(rootDir, process.env.DATA_DIR || 'data'),
});

export default defineConfig({
  kysely: db,
  // The same files the server runs from its static map in src/migrations.ts.
  migrations: { migrationFolder: 'migrations' },
});
