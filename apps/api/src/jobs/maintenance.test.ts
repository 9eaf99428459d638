import { sql } from '@lifeos/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import { hasUnanalyzedTables, maintainEmbeddedDatabase } from './maintenance.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** What VACUUM and ANALYZE leave in the catalog: the planner's row count (-1 before either ran, PostgreSQL 14+)
 * and the pages VACUUM has marked all-visible (0 before it ran). */
async function catalog(table: string) {
  const result = await sql<{ rows: number; allVisible: number }>`
    select reltuples::float8 as rows, relallvisible as all_visible from pg_class where relname = ${table}`.execute(
    server.database.db,
  );
  const row = result.rows[0];
  return { rows: Number(row?.rows), allVisible: Number(row?.allVisible) };
}

it('gives the planner statistics and reclaims dead rows (PGlite has no autovacuum)', async () => {
  const owner = await setupOwner(server);
  for (let day = 1; day <= 9; day++) {
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: `2026-03-0${day}`,
      content: { text: `day ${day}` },
    });
  }
  // Autosave rewrites the same row: each save leaves a dead version behind.
  for (let save = 0; save < 20; save++) {
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-01',
      content: { text: `draft ${save}` },
    });
  }
  expect(await catalog('journal_entries')).toMatchObject({ allVisible: 0 });
  expect(await hasUnanalyzedTables(server.database)).toBe(true);
  await maintainEmbeddedDatabase(server.database);
  expect(await hasUnanalyzedTables(server.database)).toBe(false);
  const after = await catalog('journal_entries');
  expect(after.rows).toBe(9);
  expect(after.allVisible).toBeGreaterThan(0);
});
