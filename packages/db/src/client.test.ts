import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from './client.js';

const TYPES_QUERY = sql<{
  d: unknown;
  n: unknown;
  c: unknown;
  t: unknown;
}>`select date '2024-02-29' as d, 102.0583::numeric(9,4) as n, count(*) as c, timestamptz '2024-03-31 01:30:00+00' as t from (values (1), (2)) v(x)`;

async function shapes(databaseUrl?: string) {
  const database = createDatabase({ databaseUrl, dataDir: null });
  try {
    return (await TYPES_QUERY.execute(database.db)).rows[0];
  } finally {
    await database.close();
  }
}

describe('both drivers return the same value shapes', () => {
  const expected = { d: '2024-02-29', n: '102.0583', c: 2, t: new Date('2024-03-31T01:30:00Z') };
  it('PGlite', async () => {
    expect(await shapes()).toEqual(expected);
  });
  it.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL', async () => {
    expect(await shapes(process.env.TEST_DATABASE_URL)).toEqual(expected);
  });
});
