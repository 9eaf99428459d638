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

describe.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL reads are prepared once per connection', () => {
  const url = process.env.TEST_DATABASE_URL as string;
  const preparedOn = async (database: ReturnType<typeof createDatabase>) =>
    (
      await sql<{ statement: string }>`select statement from pg_prepared_statements order by prepare_time`.execute(
        database.db,
      )
    ).rows.map((row) => row.statement);

  it('prepares a read on first use and reuses it; leaves writes unnamed', async () => {
    const database = createDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      const read = (n: number) => sql<{ n: number }>`select ${n}::int + 1 as n`.execute(database.db);
      expect((await read(1)).rows[0]?.n).toBe(2);
      expect((await read(41)).rows[0]?.n).toBe(42); // the same statement, other parameters
      await sql`create temporary table scratch (n int)`.execute(database.db);
      await sql`insert into scratch values (${1})`.execute(database.db);
      await sql`with moved as (delete from scratch returning n) select count(*) from moved`.execute(database.db);
      const statements = await preparedOn(database);
      expect(statements.filter((s) => s.includes('::int + 1 as n'))).toHaveLength(1);
      expect(statements.some((s) => /insert|delete|create/i.test(s))).toBe(false);
      // Planned for each call's parameters: a generic plan takes a single user's id for every row.
      const mode = await sql<{ planCacheMode: string }>`show plan_cache_mode`.execute(database.db);
      expect(mode.rows[0]?.planCacheMode).toBe('force_custom_plan');
    } finally {
      await database.close();
    }
  });

  it('can be turned off, and a failed read leaves the connection usable', async () => {
    const unprepared = createDatabase({ databaseUrl: url, poolSize: 1, prepareReads: false });
    try {
      await sql`select 1 as one`.execute(unprepared.db);
      expect(await preparedOn(unprepared)).toEqual([]);
    } finally {
      await unprepared.close();
    }
    const database = createDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      const bad = (value: string) => sql`select ${value}::uuid as id`.execute(database.db);
      await expect(bad('not a uuid')).rejects.toThrow(/invalid input syntax/);
      await expect(bad('not a uuid either')).rejects.toThrow(/invalid input syntax/);
      const id = '00000000-0000-4000-8000-000000000001';
      expect((await bad(id)).rows).toEqual([{ id }]);
      await expect(sql`select from nowhere_at_all`.execute(database.db)).rejects.toThrow(/does not exist/);
      await expect(sql`select from nowhere_at_all`.execute(database.db)).rejects.toThrow(/does not exist/);
      expect((await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });
});
