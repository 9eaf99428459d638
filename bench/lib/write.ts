/**
 * Writes a generated dataset: multi-row INSERTs of at most 1,000 rows (the widest table has 17 columns, so a
 * statement stays far below PostgreSQL's 65,535 bind parameters), one transaction per table, parents first.
 */
import type { DB, Kysely } from '@lifeos/db';
import { DATASET_TABLES, type Dataset, type DatasetTable } from './generate.js';

export const INSERT_BATCH_ROWS = 1_000;

export interface TableTiming {
  table: DatasetTable;
  rows: number;
  ms: number;
}

export async function writeDataset(
  db: Kysely<DB>,
  dataset: Dataset,
  onTable?: (timing: TableTiming) => void,
): Promise<TableTiming[]> {
  const timings: TableTiming[] = [];
  for (const table of DATASET_TABLES) {
    const rows = dataset[table] as object[];
    const started = performance.now();
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += INSERT_BATCH_ROWS) {
        let batch = rows.slice(i, i + INSERT_BATCH_ROWS);
        // jsonb goes over the wire as its JSON text (what journal queries send too), not as a driver-serialised object.
        if (table === 'journalEntries') {
          batch = batch.map((row) => ({ ...row, content: JSON.stringify((row as { content: unknown }).content) }));
        }
        // The rows were typed per table by the generator; a union of tables does not narrow here.
        await trx
          .insertInto(table)
          .values(batch as never)
          .execute();
      }
    });
    const timing = { table, rows: rows.length, ms: performance.now() - started };
    timings.push(timing);
    onTable?.(timing);
  }
  return timings;
}
