/**
 * Every write is all-or-nothing (issue 17.5), on this file's own database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL): an import that fails in the middle of writing leaves the account exactly as it was, a replace
 * keeps subscribed calendars, an export is one snapshot while the user writes, and racing processors of one capture
 * produce one result.
 */
import http from 'node:http';
import { sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../../../packages/client/src/index.js';
import { eventRow, journalAndCaptures, rowUuid } from './export-documents.js';
import { type BrowserClient, keyClient, setupOwner, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let owner: BrowserClient;
let writeKey: string;
let userId: string;
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  writeKey = (await owner.client.apiKeys.create.mutate({ name: 'restore', scope: 'write' })).key;
  userId = (await owner.client.auth.me.query()).id;
});
afterAll(() => server.close());

/** A valid document: `days` journal entries (~2.6 KB each), as many captures, and the given events. */
const document = (days: number, events: object[] = []) =>
  journalAndCaptures(days, { capturesPerDay: 1, captureText: 'imported capture', timezone: 'UTC', events });

const event = (n: number, title: string) =>
  eventRow(rowUuid(3, n), {
    title,
    startsAt: '2024-05-01T10:00:00.000Z',
    endsAt: '2024-05-01T11:00:00.000Z',
    icsUid: `event-${n}@test`,
  });

function postImport(body: unknown, mode: 'merge' | 'replace') {
  return fetch(`${server.url}/api/data/import?mode=${mode}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
    body: JSON.stringify(body),
  });
}

/** The account's data as an export, without the moment it was taken. */
async function accountState() {
  const { exportedAt: _exportedAt, ...rest } = await owner.client.data.export.query();
  return rest;
}

async function count(table: 'journal_entries' | 'captures' | 'events' | 'tasks') {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
    server.database.db,
  );
  return rows[0]?.n ?? 0;
}

describe('an import that fails while writing leaves nothing', () => {
  beforeAll(async () => {
    await owner.client.captures.create.mutate({ text: 'kept' });
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-01-05',
      content: { text: 'my own' },
    });
  });

  it('a constraint refusing the last section (events) after thousands of rows were written: 400, nothing changed', async () => {
    const before = await accountState();
    // A rule only the database knows, hit by the very last row the import writes.
    await sql`alter table events add constraint test_fault check (title <> 'FAULT')`.execute(server.database.db);
    try {
      const response = await postImport(document(600, [event(0, 'fine'), event(1, 'FAULT')]), 'replace');
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'BAD_REQUEST', path: 'events' });
    } finally {
      await sql`alter table events drop constraint test_fault`.execute(server.database.db);
    }
    // The replace had deleted the account's data and written 1,200 rows before the fault: all of it undone.
    expect(await accountState()).toEqual(before);
    expect(await count('journal_entries')).toBe(1);
    expect(await count('captures')).toBe(1);
  });

  it.skipIf(!onPostgres)('the connection dropped in the middle of writing: 503, nothing changed', async () => {
    const before = await accountState();
    const answer = postImport(document(3_000), 'replace');
    // Cut the import's own connection once it is writing captures (after every journal entry).
    const deadline = Date.now() + 60_000;
    let killed = false;
    while (!killed && Date.now() < deadline) {
      const { rows } = await sql<{ killed: boolean }>`
        select pg_terminate_backend(pid) as killed from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
          and query ilike 'insert into captures%'`.execute(server.database.db);
      killed = rows.some((row) => row.killed);
      if (!killed) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(killed).toBe(true);
    const response = await answer;
    expect(response.status).toBe(503);
    expect(await accountState()).toEqual(before);
  });
});

describe('replace', () => {
  it("keeps the events of subscribed calendars, and only the user's own events are replaced", async () => {
    const [subscription] = (
      await sql<{ id: string }>`
        insert into calendar_subscriptions (user_id, name, url)
        values (${userId}, 'Holidays', 'https://calendar.example/holidays.ics') returning id`.execute(
        server.database.db,
      )
    ).rows;
    await sql`
      insert into events (user_id, subscription_id, title, starts_at, ends_at, timezone, ics_uid)
      values (${userId}, ${subscription?.id}, 'Bank holiday', '2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z', 'UTC',
              'holiday-1@example')`.execute(server.database.db);
    await owner.client.calendar.events.create.mutate({
      title: 'Own event',
      start: new Date('2026-05-03T10:00:00Z'),
      end: new Date('2026-05-03T11:00:00Z'),
      timezone: 'UTC',
    });

    const response = await postImport(document(1, [event(7, 'Imported event')]), 'replace');
    expect(response.status).toBe(200);

    const { rows } = await sql<{ title: string; subscribed: boolean }>`
      select title, subscription_id is not null as subscribed from events where user_id = ${userId}
      order by title`.execute(server.database.db);
    expect(rows).toEqual([
      { title: 'Bank holiday', subscribed: true },
      { title: 'Imported event', subscribed: false },
    ]);
  });
});

/** GET /api/data/export, read by hand: `whilePaused` runs once the first bytes came and the server has stalled. */
function exportWhile(whilePaused: () => Promise<unknown>) {
  return new Promise<{ text: string; during: unknown }>((resolve, reject) => {
    const request = http.get(new URL('/api/data/export', server.url), {
      headers: { authorization: `Bearer ${writeKey}` },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.once('data', (first: Buffer) => {
        chunks.push(first);
        // Stop reading: the server fills the socket's buffers and waits, its transaction open mid-journal.
        response.pause();
        setTimeout(() => {
          // On PGlite (one connection) the write waits for the export's transaction to end, so it is not awaited
          // before the rest is read; on PostgreSQL it is done while the export waits.
          const during = whilePaused();
          const finish = () => {
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), during }));
            response.resume();
          };
          if (onPostgres) during.then(finish, reject);
          else finish();
        }, 300);
      });
    });
  });
}

describe('the export is one snapshot', () => {
  it('writes made while an export streams (a capture processed into a task) are not in it', async () => {
    // Enough journal to fill the sockets' buffers several times over, so the export waits inside that section.
    expect((await postImport(document(3_000), 'replace')).status).toBe(200);
    const before = await accountState();
    const capture = before.captures[0] as { id: string };
    const capturesTable = await count('captures');

    let processed: { into: { id: string } } | undefined;
    const { text, during } = await exportWhile(async () => {
      processed = await owner.client.captures.process.mutate({ id: capture.id, into: { kind: 'task' } });
      await owner.client.captures.create.mutate({ text: 'written during the export' });
    });
    await during;
    expect(processed?.into.id).toBeDefined();
    // Both writes landed (on PostgreSQL, before the rest of the export was read).
    expect(await count('captures')).toBe(capturesTable + 1);
    expect(await count('tasks')).toBe(1);

    const { exportedAt: _exportedAt, ...exported } = JSON.parse(text) as typeof before & { exportedAt: string };
    // The document is the account as it was when the export began: no task, the capture still in the inbox.
    expect(exported.tasks).toEqual([]);
    expect(exported.captures).toEqual(before.captures);
    expect(exported.journal.length).toBe(before.journal.length);
    // …and the next export has both writes.
    const after = await accountState();
    expect(after.tasks).toHaveLength(1);
    expect(after.captures.length).toBe(before.captures.length + 1);
  });
});

describe.skipIf(!onPostgres)('processing a capture', () => {
  it('two processors racing, 50 rounds in parallel: exactly one wins each round, one task per capture', async () => {
    // Two scripts with the same key, each warmed up (its key checked and cached), so their calls truly overlap.
    const processors = [keyClient(server, writeKey), keyClient(server, writeKey)];
    for (const processor of processors) await processor.captures.list.query({});
    const rounds = 50;
    const captures = await Promise.all(
      Array.from({ length: rounds }, (_, n) => owner.client.captures.create.mutate({ text: `race ${n}` })),
    );
    const tasksBefore = await count('tasks');
    // Every round in flight at once, but each round's two calls sent together as their own requests (a turn of the
    // event loop between rounds, so the clients do not batch rounds together): the pair reaches the database side
    // by side rather than one after the other in a queue.
    const inFlight: Promise<string[]>[] = [];
    for (const capture of captures) {
      inFlight.push(
        Promise.allSettled(
          processors.map((processor) => processor.captures.process.mutate({ id: capture.id, into: { kind: 'task' } })),
        ).then((outcomes) =>
          outcomes.map((outcome) => (outcome.status === 'fulfilled' ? 'ok' : (errorCode(outcome.reason) ?? '?'))),
        ),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(inFlight);
    for (const outcome of results) expect(outcome.sort()).toEqual(['CONFLICT', 'ok']);
    const { rows } = await sql<{ captureId: string; n: number }>`
      select source_capture_id as "captureId", count(*)::int as n from tasks
      where user_id = ${userId} and source_capture_id = any(${captures.map((capture) => capture.id)}::uuid[])
      group by source_capture_id`.execute(server.database.db);
    expect(rows).toHaveLength(rounds);
    expect(rows.every((row) => row.n === 1)).toBe(true);
    expect(await count('tasks')).toBe(tasksBefore + rounds);
  });
});

describe('the server', () => {
  it('logged no unexpected error', () => {
    expect(server.logs.filter((line) => line.includes('"level":50')).map((line) => line.slice(0, 300))).toEqual([]);
  });
});
