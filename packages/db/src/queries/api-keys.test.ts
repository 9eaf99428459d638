import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { kyselyPlugins } from '../client.js';
import type { DB } from '../database.js';
import { createMigrator, migrateToLatest } from '../migrate.js';
import { findUserForApiKey, insertApiKey, listApiKeys } from './api-keys.js';

describe('API key permissions (migration 20261207170000_api_key_permissions)', () => {
  it('gives keys made before it their old meaning: no module overrides, journal text readable', async () => {
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: new PGlite() }), plugins: kyselyPlugins() });
    try {
      const { error } = await createMigrator(db).migrateTo('20261207150000_idempotency_keys');
      if (error) throw error;
      const [user] = (
        await sql<{ id: string }>`insert into users (username, email, password_hash, display_name)
          values ('old', 'old@example.com', 'x', 'Old') returning id`.execute(db)
      ).rows;
      await sql`insert into api_keys (user_id, name, prefix, key_hash, scope)
        values (${user?.id}, 'old key', 'lifeos_abcdef', 'hash-old', 'read')`.execute(db);
      await migrateToLatest(db);
      const found = await findUserForApiKey(db, 'hash-old', new Date());
      expect(found).toMatchObject({ scope: 'read', modules: {}, journalText: true });

      // And a key made after it keeps what it was given.
      await insertApiKey(db, {
        userId: user?.id as string,
        name: 'assistant',
        prefix: 'lifeos_ghijkl',
        keyHash: 'hash-new',
        scope: 'read',
        modules: { tasks: 'write', journal: 'none' },
        journalText: false,
        expiresAt: null,
      });
      expect(await findUserForApiKey(db, 'hash-new', new Date())).toMatchObject({
        modules: { tasks: 'write', journal: 'none' },
        journalText: false,
      });
      expect((await listApiKeys(db, user?.id as string)).map((k) => k.name).sort()).toEqual(['assistant', 'old key']);
      // A malformed value cannot be stored.
      await expect(
        sql`update api_keys set modules = '[1]'::jsonb where key_hash = 'hash-new'`.execute(db),
      ).rejects.toThrow(/check/i);
    } finally {
      await db.destroy();
    }
  });
});
