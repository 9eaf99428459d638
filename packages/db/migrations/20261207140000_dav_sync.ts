import { type Kysely, sql } from 'kysely';

// Migrations are frozen once landed and never import application code.
/**
 * CalDAV (issue 20): the user's own events and tasks are the CalDAV collections, so a phone must learn of every change
 * whoever made it — the web app, an import, a job, another phone. Triggers record each change in `dav_changes`, one
 * row per resource (a collection and a UID), with a per-user revision from `dav_sync`; sync tokens, CTags and ETags
 * are those revisions. Triggers rather than each service remembering to record: no write path can forget one.
 *
 * - A transaction's changes share one revision, taken by updating the user's `dav_sync` row, whose lock is held
 *   until commit: one user's revisions are handed out in commit order, so a sync never misses a change committed
 *   after it read a token.
 * - A deleted resource keeps its row (`deleted`), so a sync-collection report can answer 404 for it.
 * - `name` is the resource's name as a client chose it (the last segment of its href, decoded); null: Life OS's
 *   default, the UID plus ".ics".
 * - Events: the resource is all of a UID's own rows (a series and its changed occurrences); subscribed calendars'
 *   copies are not recorded. Tasks: each task is a resource in its project's collection ('inbox' without one); its
 *   UID is `ics_uid` when a client chose one, else its id. A task moved to another project is deleted from one
 *   collection and added to the other.
 * - Rows of a user deleted in the same transaction are not recorded (their rows go with the user).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dav_sync')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('dav_changes')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('dav_changes_pkey', ['user_id', 'collection', 'uid'])
    .execute();
  await db.schema
    .createIndex('dav_changes_revision_idx')
    .on('dav_changes')
    .columns(['user_id', 'collection', 'revision'])
    .execute();
  await db.schema
    .createIndex('dav_changes_name_idx')
    .on('dav_changes')
    .columns(['user_id', 'collection', 'name'])
    .where(sql.ref('name'), 'is not', null)
    .execute();

  await db.schema
    .alterTable('events')
    .addColumn('dav_name', 'text', (c) => c.check(sql`char_length(dav_name) between 1 and 255`))
    .execute();
  await db.schema
    .alterTable('tasks')
    .addColumn('ics_uid', 'text', (c) => c.check(sql`char_length(ics_uid) between 1 and 1000`))
    .addColumn('dav_name', 'text', (c) => c.check(sql`char_length(dav_name) between 1 and 255`))
    .addColumn('ics_kept', 'text', (c) => c.check(sql`char_length(ics_kept) between 1 and 65536`))
    .execute();
  await sql`create unique index tasks_user_dav_uid_key on tasks (user_id, (coalesce(ics_uid, id::text)))`.execute(db);

  // One revision per user per transaction, kept in a transaction-local setting: a restore or an import writes
  // thousands of statements, and updating one row that often in one transaction grows a chain of row versions that
  // each next update walks (the data-versions migration learnt this).
  await sql`
    create function dav_revision(p_user uuid) returns bigint language plpgsql as $$
    declare
      assigned text := coalesce(current_setting('lifeos.dav_revisions', true), '');
      known text := substring(assigned from p_user::text || '=([0-9]+);');
      revision bigint;
    begin
      if known is not null then
        return known::bigint;
      end if;
      insert into dav_sync as s (user_id, revision) values (p_user, 1)
        on conflict (user_id) do update set revision = s.revision + 1
        returning s.revision into revision;
      perform set_config('lifeos.dav_revisions', assigned || p_user::text || '=' || revision || ';', true);
      return revision;
    end $$`.execute(db);
  await sql`
    create function dav_record_events(p_users uuid[], p_uids text[]) returns void language sql as $$
      with affected as (
        select distinct t.user_id, t.uid from unnest(p_users, p_uids) as t(user_id, uid)
        where exists (select 1 from users u where u.id = t.user_id)
      ), revisions as (
        select user_id, dav_revision(user_id) as revision from (select distinct user_id from affected) u
      )
      insert into dav_changes as c (user_id, collection, uid, name, revision, deleted)
      select a.user_id, 'events', a.uid, e.name, r.revision, e.rows = 0
      from affected a
      join revisions r on r.user_id = a.user_id
      cross join lateral (
        select count(*) as rows, max(dav_name) as name from events e
        where e.user_id = a.user_id and e.ics_uid = a.uid and e.subscription_id is null
      ) e
      on conflict (user_id, collection, uid) do update
        set revision = excluded.revision, deleted = excluded.deleted, name = coalesce(excluded.name, c.name)
        where c.revision <> excluded.revision or c.deleted <> excluded.deleted
          or c.name is distinct from coalesce(excluded.name, c.name)
    $$`.execute(db);
  await sql`
    create function dav_events_changed() returns trigger language plpgsql as $$
    declare
      changed_users uuid[];
      uids text[];
    begin
      if tg_op = 'INSERT' then
        select array_agg(user_id), array_agg(ics_uid) into changed_users, uids from dav_new where subscription_id is null;
      elsif tg_op = 'UPDATE' then
        select array_agg(user_id), array_agg(ics_uid) into changed_users, uids from (
          select user_id, ics_uid from dav_new where subscription_id is null
          union select user_id, ics_uid from dav_old where subscription_id is null
        ) r;
      else
        select array_agg(user_id), array_agg(ics_uid) into changed_users, uids from dav_old where subscription_id is null;
      end if;
      if changed_users is not null then
        perform dav_record_events(changed_users, uids);
      end if;
      return null;
    end
    $$`.execute(db);

  await sql`
    create function dav_record_tasks(p_users uuid[], p_collections text[], p_uids text[]) returns void language sql as $$
      with affected as (
        select distinct t.user_id, t.collection, t.uid
        from unnest(p_users, p_collections, p_uids) as t(user_id, collection, uid)
        where exists (select 1 from users u where u.id = t.user_id)
      ), revisions as (
        select user_id, dav_revision(user_id) as revision from (select distinct user_id from affected) u
      )
      insert into dav_changes as c (user_id, collection, uid, name, revision, deleted)
      select a.user_id, a.collection, a.uid, t.name, r.revision, t.rows = 0
      from affected a
      join revisions r on r.user_id = a.user_id
      cross join lateral (
        select count(*) as rows, max(dav_name) as name from tasks t
        where t.user_id = a.user_id and coalesce(t.ics_uid, t.id::text) = a.uid
          and coalesce(t.project_id::text, 'inbox') = a.collection
      ) t
      on conflict (user_id, collection, uid) do update
        set revision = excluded.revision, deleted = excluded.deleted, name = coalesce(excluded.name, c.name)
        where c.revision <> excluded.revision or c.deleted <> excluded.deleted
          or c.name is distinct from coalesce(excluded.name, c.name)
    $$`.execute(db);
  await sql`
    create function dav_tasks_changed() returns trigger language plpgsql as $$
    declare
      changed_users uuid[];
      collections text[];
      uids text[];
    begin
      if tg_op = 'INSERT' then
        select array_agg(user_id), array_agg(coalesce(project_id::text, 'inbox')), array_agg(coalesce(ics_uid, id::text))
          into changed_users, collections, uids from dav_new;
      elsif tg_op = 'UPDATE' then
        select array_agg(user_id), array_agg(collection), array_agg(uid) into changed_users, collections, uids from (
          select user_id, coalesce(project_id::text, 'inbox') as collection, coalesce(ics_uid, id::text) as uid from dav_new
          union
          select user_id, coalesce(project_id::text, 'inbox'), coalesce(ics_uid, id::text) from dav_old
        ) r;
      else
        select array_agg(user_id), array_agg(coalesce(project_id::text, 'inbox')), array_agg(coalesce(ics_uid, id::text))
          into changed_users, collections, uids from dav_old;
      end if;
      if changed_users is not null then
        perform dav_record_tasks(changed_users, collections, uids);
      end if;
      return null;
    end
    $$`.execute(db);

  for (const table of ['events', 'tasks']) {
    const fn = sql.raw(`dav_${table}_changed`);
    const t = sql.raw(table);
    await sql`create trigger ${sql.raw(`${table}_dav_insert`)} after insert on ${t}
      referencing new table as dav_new for each statement execute function ${fn}()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_dav_update`)} after update on ${t}
      referencing old table as dav_old new table as dav_new for each statement execute function ${fn}()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_dav_delete`)} after delete on ${t}
      referencing old table as dav_old for each statement execute function ${fn}()`.execute(db);
  }

  // What exists today is revision 1 of every user's collections.
  await sql`insert into dav_sync (user_id, revision)
    select id, 1 from users where exists (select 1 from events where user_id = users.id and subscription_id is null)
      or exists (select 1 from tasks where user_id = users.id)`.execute(db);
  await sql`insert into dav_changes (user_id, collection, uid, revision)
    select distinct user_id, 'events', ics_uid, 1 from events where subscription_id is null`.execute(db);
  await sql`insert into dav_changes (user_id, collection, uid, revision)
    select user_id, coalesce(project_id::text, 'inbox'), id::text, 1 from tasks`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['events', 'tasks']) {
    for (const op of ['insert', 'update', 'delete']) {
      await sql`drop trigger ${sql.raw(`${table}_dav_${op}`)} on ${sql.raw(table)}`.execute(db);
    }
  }
  await sql`drop function dav_events_changed()`.execute(db);
  await sql`drop function dav_tasks_changed()`.execute(db);
  await sql`drop function dav_record_events(uuid[], text[])`.execute(db);
  await sql`drop function dav_record_tasks(uuid[], text[], text[])`.execute(db);
  await sql`drop function dav_revision(uuid)`.execute(db);
  await sql`drop index tasks_user_dav_uid_key`.execute(db);
  await db.schema.alterTable('tasks').dropColumn('ics_uid').dropColumn('dav_name').dropColumn('ics_kept').execute();
  await db.schema.alterTable('events').dropColumn('dav_name').execute();
  await db.schema.dropTable('dav_changes').execute();
  await db.schema.dropTable('dav_sync').execute();
}
