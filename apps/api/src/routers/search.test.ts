import { sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserClient,
  createUser,
  expectCode,
  keyClient,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';

let server: TestServer;
let owner: BrowserClient;
let other: BrowserClient;
const ids: Record<string, string> = {};

function setNow(iso: string) {
  server.clock.offsetMs = Date.parse(iso) - Date.now();
}

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  other = await createUser(server, {
    username: 'neighbour',
    email: 'neighbour@example.com',
    password: 'another long passphrase',
  });
  setNow('2026-03-10T15:00:00Z');
  const c = owner.client;

  ids.entry = (
    await c.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-09',
      content: { text: 'Walked along the harbour at dawn. The zeppelin museum opens in spring.' },
    })
  ).id;
  ids.reflection = (
    await c.journal.upsert.mutate({
      type: 'daily_reflection',
      date: '2026-03-10',
      content: {
        wins: ['fixed the bicycle'],
        challenges: [],
        gratitude: ['quiet harbour'],
        mood: 4,
        energy: 3,
        tomorrowFocus: 'taxes',
      },
    })
  ).id;
  ids.project = (
    await c.projects.create.mutate({ name: 'Harbour festival', description: 'Stalls, music and a zeppelin ride' })
  ).id;
  ids.task = (
    await c.tasks.create.mutate({
      title: 'Book the zeppelin',
      notes: 'Ask about group rates',
      projectId: ids.project,
      labels: ['errands'],
      dueDate: '2026-04-01',
    })
  ).id;
  ids.loneTask = (await c.tasks.create.mutate({ title: 'Renew passport', notes: 'Photos for the zeppelin trip' })).id;
  ids.capture = (
    await c.captures.create.mutate({ text: 'Zeppelin documentary', url: 'https://example.com/airship' })
  ).id;
  ids.event = (
    await c.calendar.events.create.mutate({
      title: 'Zeppelin flight',
      location: 'Friedrichshafen harbour',
      description: 'Bring a jacket',
      start: new Date('2026-05-02T07:30:00Z'),
      end: new Date('2026-05-02T09:00:00Z'),
      timezone: 'Europe/Berlin',
    })
  ).id;

  // The neighbour writes the same words: none of it may ever show up for the owner.
  await other.client.journal.upsert.mutate({
    type: 'morning_pages',
    date: '2026-03-09',
    content: { text: 'My own zeppelin diary by the harbour.' },
  });
  await other.client.tasks.create.mutate({ title: 'Zeppelin secret', notes: 'harbour' });
  await other.client.projects.create.mutate({ name: 'Zeppelin club' });
  await other.client.captures.create.mutate({ text: 'zeppelin harbour' });
}, 120_000);
afterAll(() => server.close());

describe('search.all', () => {
  it('finds every kind, with links, dates and plain-text snippets', async () => {
    const results = await owner.client.search.all.query({ q: 'zeppelin' });
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(new Set(results.map((r) => r.id))).toEqual(
      new Set([ids.entry, ids.project, ids.task, ids.loneTask, ids.capture, ids.event]),
    );

    expect(byId.get(ids.entry as string)).toMatchObject({
      kind: 'journal',
      title: { text: 'Morning pages', matches: [] },
      date: '2026-03-09',
      href: '/journal/morning-pages/2026-03-09',
      context: null,
    });
    const entrySnippet = byId.get(ids.entry as string)?.snippet;
    expect(entrySnippet?.text).toContain('zeppelin museum');
    const [match] = entrySnippet?.matches ?? [];
    expect(entrySnippet?.text.slice(match?.start, match?.end)).toBe('zeppelin');
    for (const marker of ['<', '>', '\u0001', '\u0002']) expect(entrySnippet?.text).not.toContain(marker);

    expect(byId.get(ids.task as string)).toMatchObject({
      kind: 'task',
      title: { text: 'Book the zeppelin', matches: [{ start: 9, end: 17 }] },
      snippet: { text: 'Ask about group rates', matches: [] },
      date: '2026-04-01',
      context: 'Harbour festival',
      href: `/projects/${ids.project}`,
    });
    expect(byId.get(ids.loneTask as string)).toMatchObject({ kind: 'task', href: '/tasks', context: null });
    expect(byId.get(ids.project as string)).toMatchObject({
      kind: 'project',
      title: { text: 'Harbour festival', matches: [] },
      href: `/projects/${ids.project}`,
    });
    expect(byId.get(ids.capture as string)).toMatchObject({
      kind: 'capture',
      title: { text: 'Zeppelin documentary', matches: [{ start: 0, end: 8 }] },
      href: '/inbox',
    });
    expect(byId.get(ids.capture as string)?.at).toBeInstanceOf(Date);
    expect(byId.get(ids.event as string)).toMatchObject({
      kind: 'event',
      date: '2026-05-02',
      at: new Date('2026-05-02T07:30:00Z'),
      href: '/calendar?date=2026-05-02',
      snippet: { text: 'Friedrichshafen harbour · Bring a jacket' },
    });
  });

  it('ranks a title match above a match in the body', async () => {
    const results = await owner.client.search.all.query({ q: 'zeppelin' });
    const rank = (id: string | undefined) => results.findIndex((r) => r.id === id);
    // Titles: the task, the capture, the event. Bodies: the entry, the project's description, the lone task's notes.
    for (const titled of [ids.task, ids.capture, ids.event]) {
      for (const body of [ids.entry, ids.project, ids.loneTask]) expect(rank(titled)).toBeLessThan(rank(body));
    }
    expect(results.map((r) => r.rank)).toEqual([...results.map((r) => r.rank)].sort((a, b) => b - a));
  });

  it('matches prefixes as the user types, stems whole words, and caps the list', async () => {
    const kinds = async (q: string) => (await owner.client.search.all.query({ q })).map((r) => r.kind).sort();
    expect((await owner.client.search.all.query({ q: 'ze' })).length).toBe(6);
    expect((await owner.client.search.all.query({ q: 'z' })).length).toBe(6);
    expect(await kinds('harb fest')).toEqual(['project']);
    expect(await kinds('bicycles')).toEqual(['journal']); // stemmed: bicycle
    expect(await kinds('errands')).toEqual(['task']); // a label
    expect(await kinds('airship')).toEqual(['capture']); // the URL
    expect(await kinds('jacket')).toEqual(['event']);
    expect(await kinds('to')).toEqual([]); // no word starts with "to" here; a stop word is no error
    expect(await kinds('"zeppelin museum"')).toEqual(['journal']); // web-search phrase
    expect(await kinds('zeppelin -harbour')).toEqual(['capture', 'task', 'task']);
    const limited = await owner.client.search.all.query({ q: 'zeppelin', limit: 2 });
    expect(limited).toHaveLength(2);
  });

  it("never returns another user's data", async () => {
    const mine = await owner.client.search.all.query({ q: 'zeppelin harbour' });
    expect(mine.every((r) => Object.values(ids).includes(r.id))).toBe(true);
    const theirs = await other.client.search.all.query({ q: 'zeppelin' });
    expect(theirs).toHaveLength(4);
    expect(theirs.some((r) => Object.values(ids).includes(r.id))).toBe(false);
    expect(await other.client.search.all.query({ q: 'bicycle' })).toEqual([]);
  });

  it("leaves out subscribed calendars' copies", async () => {
    const db = server.database.db;
    const user = await db.selectFrom('users').select('id').where('username', '=', 'owner').executeTakeFirstOrThrow();
    const subscription = await sql<{ id: string }>`insert into calendar_subscriptions (user_id, name, url)
      values (${user.id}, 'Holidays', 'https://example.com/holidays.ics') returning id`.execute(db);
    await sql`insert into events (user_id, title, starts_at, ends_at, all_day, timezone, ics_uid, subscription_id)
      values (${user.id}, 'Zeppelin day', '2026-06-01', '2026-06-02', true, 'UTC', 'zday',
              ${subscription.rows[0]?.id})`.execute(db);
    const results = await owner.client.search.all.query({ q: 'zeppelin day' });
    expect(results).toEqual([]);
  });

  it('refuses blank and oversized queries, and answers hostile ones without an error', async () => {
    await expectCode(owner.client.search.all.query({ q: '' }), 'BAD_REQUEST');
    await expectCode(owner.client.search.all.query({ q: '   ' }), 'BAD_REQUEST');
    await expectCode(owner.client.search.all.query({ q: 'x'.repeat(10_000) }), 'BAD_REQUEST');
    await expectCode(owner.client.search.all.query({ q: 'before\u0000after' }), 'BAD_REQUEST');
    await expectCode(owner.client.search.all.query({ q: 'x', limit: 0 }), 'BAD_REQUEST');
    const hostile = [
      "'&|!:*()\\",
      "zeppelin' | 'harbour",
      'zeppelin:* & !harbour',
      '"unbalanced (( -or',
      '<->',
      '\\',
      "'",
      '""',
      '-',
      'or',
      'a or',
      "'; drop table tasks; --",
      '\u0001zeppelin\u0002',
      '日本語',
      '🙂',
    ];
    for (const q of hostile) {
      const results = await owner.client.search.all.query({ q });
      expect(Array.isArray(results)).toBe(true);
    }
    expect((await owner.client.search.all.query({ q: "zeppelin' | 'harbour" })).length).toBeGreaterThan(0);
    expect(await owner.client.search.all.query({ q: '&|!' })).toEqual([]);
    expect(server.logs.join('\n')).not.toMatch(/"statusCode":500/);
  });

  it('needs a signed-in caller; a read key may search', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'reader', scope: 'read' });
    const results = await keyClient(server, key).search.all.query({ q: 'passport' });
    expect(results.map((r) => r.id)).toEqual([ids.loneTask]);
  });

  it('can use the full-text indexes', async () => {
    // Tiny tables make a sequential scan cheapest; forbid it to see whether an index can serve the query at all.
    await server.database.db.transaction().execute(async (db) => {
      await sql`set local enable_seqscan = off`.execute(db);
      const tables = [
        [
          'tasks',
          sql`(setweight(to_tsvector('english'::regconfig, title), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(notes, '')), 'B') || setweight(array_to_tsvector(array_remove(array_remove(labels, ''), null)), 'B'))`,
          'tasks_search_idx',
        ],
        [
          'projects',
          sql`(setweight(to_tsvector('english'::regconfig, name), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B'))`,
          'projects_search_idx',
        ],
        [
          'captures',
          sql`(setweight(to_tsvector('english'::regconfig, text), 'A') || setweight(to_tsvector('english'::regconfig, regexp_replace(coalesce(url, ''), '[^[:alnum:]]+', ' ', 'g')), 'C'))`,
          'captures_search_idx',
        ],
        [
          'events',
          sql`(setweight(to_tsvector('english'::regconfig, title), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(location, '')), 'C'))`,
          'events_search_idx',
        ],
        [
          'journal_entries',
          sql`jsonb_to_tsvector('english'::regconfig, content, '["string"]'::jsonb)`,
          'journal_entries_search_idx',
        ],
      ] as const;
      for (const [table, vector, index] of tables) {
        // The events index is partial: own events only, as the search query says.
        const own = table === 'events' ? sql`and subscription_id is null` : sql``;
        const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from ${sql.table(table)}
          where ${vector} @@ to_tsquery('english'::regconfig, 'zeppelin:*') ${own}`.execute(db);
        expect(plan.rows.map((r) => Object.values(r)[0]).join('\n')).toContain(index);
      }
    });
  });
});
