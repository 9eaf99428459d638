import { randomBytes } from 'node:crypto';
import { createDatabase, sql } from '@lifeos/db';
import { adminQuery, withDatabase } from '@lifeos/db/testing';
import { describe, expect, it } from 'vitest';
import { toTRPCError } from './errors.js';

const serverUrl = process.env.TEST_DATABASE_URL;

describe.runIf(serverUrl)('a deadlock between two writers', () => {
  it('reaches the caller as CONFLICT (try again), not as a server error', async () => {
    const name = `lifeos_deadlock_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl as string, `create database ${name}`);
    // One connection each, so that each one's statements form one transaction.
    const [a, b] = [0, 1].map(() =>
      createDatabase({ databaseUrl: withDatabase(serverUrl as string, name), poolSize: 1 }),
    );
    const run = (database: typeof a, statement: string) =>
      sql.raw(statement).execute((database as NonNullable<typeof a>).db);
    try {
      await run(a, 'create table t (id int primary key, v int)');
      await run(a, 'insert into t values (1, 0), (2, 0)');
      await run(a, 'begin');
      await run(b, 'begin');
      await run(a, 'update t set v = 1 where id = 1');
      await run(b, 'update t set v = 1 where id = 2');
      // Each now waits for the other: PostgreSQL undoes one of them after deadlock_timeout.
      const results = await Promise.allSettled([
        run(a, 'update t set v = 2 where id = 2'),
        run(b, 'update t set v = 2 where id = 1'),
      ]);
      const failure = results.find((r) => r.status === 'rejected');
      expect(failure).toBeDefined();
      const error = toTRPCError((failure as PromiseRejectedResult).reason);
      expect(error?.code).toBe('CONFLICT');
      expect(error?.message).toMatch(/try again/i);
      await run(a, 'rollback');
      await run(b, 'rollback');
    } finally {
      await a?.close();
      await b?.close();
      await adminQuery(serverUrl as string, `drop database if exists ${name} with (force)`);
    }
  });
});
