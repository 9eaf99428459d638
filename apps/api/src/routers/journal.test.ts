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

/** Moves the server's clock so that it is `iso` now (give or take the test's own runtime). */
function setNow(iso: string) {
  server.clock.offsetMs = Date.parse(iso) - Date.now();
}

const reflection = {
  wins: ['shipped the journal'],
  challenges: ['long day'],
  gratitude: ['coffee', 'friends'],
  mood: 4,
  energy: 3,
  tomorrowFocus: 'rest',
};
const review = {
  wins: ['ran three times'],
  lessons: ['sleep first'],
  priorities: ['finish the module'],
  ratings: [
    { area: 'health', score: 7 },
    { area: 'work', score: 8 },
  ],
};

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  await owner.client.settings.update.mutate({ timezone: 'America/New_York', weekStart: 'monday' });
  setNow('2026-03-10T15:00:00Z'); // Tuesday, 11:00 in New York
});
afterAll(() => server.close());

describe('journal.upsert and journal.get', () => {
  it('creates an entry, and the same content again changes nothing', async () => {
    const input = {
      type: 'morning_pages' as const,
      date: '2026-03-10',
      content: { text: 'Three pages, every morning.' },
    };
    expect(await owner.client.journal.get.query({ type: 'morning_pages', date: '2026-03-10' })).toBeNull();
    const first = await owner.client.journal.upsert.mutate(input);
    expect(first).toMatchObject({ type: 'morning_pages', date: '2026-03-10', wordCount: 4, content: input.content });
    server.clock.advance(60_000);
    const again = await owner.client.journal.upsert.mutate(input);
    expect(again.id).toBe(first.id);
    expect(again.updatedAt).toEqual(first.updatedAt);

    server.clock.advance(60_000);
    const changed = await owner.client.journal.upsert.mutate({
      ...input,
      content: { text: 'Now four pages, every morning.' },
    });
    expect(changed.id).toBe(first.id);
    expect(changed.wordCount).toBe(5);
    expect(changed.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
    expect(changed.createdAt).toEqual(first.createdAt);
    expect(await owner.client.journal.get.query({ type: 'morning_pages', date: '2026-03-10' })).toEqual(changed);
  });

  it('validates content per type and refuses future dates and weekly reviews off the week start', async () => {
    await expectCode(
      owner.client.journal.upsert.mutate({ type: 'morning_pages', date: '2026-03-10', content: reflection }),
      'BAD_REQUEST',
    );
    await expectCode(
      owner.client.journal.upsert.mutate({
        type: 'daily_reflection',
        date: '2026-03-10',
        content: { ...reflection, mood: 6 },
      }),
      'BAD_REQUEST',
    );
    // Tomorrow in New York (it is already the 11th in UTC+14, but not for this user).
    await expectCode(
      owner.client.journal.upsert.mutate({ type: 'morning_pages', date: '2026-03-11', content: { text: 'x' } }),
      'BAD_REQUEST',
    );
    const offWeekStart = await expectCode(
      owner.client.journal.upsert.mutate({ type: 'weekly_review', date: '2026-03-10', content: review }),
      'BAD_REQUEST',
    );
    expect(String(offWeekStart)).toContain('2026-03-09');
    const saved = await owner.client.journal.upsert.mutate({
      type: 'weekly_review',
      date: '2026-03-09',
      content: review,
    });
    expect(saved.content).toEqual(review);
    // Any day of the week finds its review.
    expect((await owner.client.journal.get.query({ type: 'weekly_review', date: '2026-03-12' }))?.id).toBe(saved.id);
    const r = await owner.client.journal.upsert.mutate({
      type: 'daily_reflection',
      date: '2026-03-10',
      content: reflection,
    });
    expect(r.wordCount).toBe(8);
  });

  it('deletes by id, and another id is NOT_FOUND', async () => {
    const entry = await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-01-01',
      content: { text: 'to be deleted' },
    });
    await owner.client.journal.delete.mutate({ id: entry.id });
    expect(await owner.client.journal.get.query({ type: 'morning_pages', date: '2026-01-01' })).toBeNull();
    await expectCode(owner.client.journal.delete.mutate({ id: entry.id }), 'NOT_FOUND');
  });
});

describe('journal.upsert with a base version (offline edits, issue 21)', () => {
  const day = { type: 'morning_pages' as const, date: '2026-03-09' };
  it('writes over the version it was written on, and refuses a stale one with CONFLICT unless the text agrees', async () => {
    const first = await owner.client.journal.upsert.mutate({ ...day, content: { text: 'phone' }, baseUpdatedAt: null });
    server.clock.advance(1_000);
    // The desktop, online, builds on the first version.
    const desktop = await owner.client.journal.upsert.mutate({
      ...day,
      content: { text: 'phone and desktop' },
      baseUpdatedAt: first.updatedAt,
    });
    expect(desktop.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
    server.clock.advance(1_000);

    // The phone, back online, still on the first version: refused, nothing replaced.
    await expectCode(
      owner.client.journal.upsert.mutate({
        ...day,
        content: { text: 'phone, offline' },
        baseUpdatedAt: first.updatedAt,
      }),
      'CONFLICT',
    );
    // "No entry yet" when there is one is stale too.
    await expectCode(
      owner.client.journal.upsert.mutate({ ...day, content: { text: 'phone, offline' }, baseUpdatedAt: null }),
      'CONFLICT',
    );
    expect(await owner.client.journal.get.query(day)).toMatchObject({ content: { text: 'phone and desktop' } });

    // The same text from a stale base is no conflict (a save whose answer was lost, sent again).
    const same = await owner.client.journal.upsert.mutate({
      ...day,
      content: { text: 'phone and desktop' },
      baseUpdatedAt: first.updatedAt,
    });
    expect(same.updatedAt).toEqual(desktop.updatedAt);

    // The merge the phone chose, on the version it was shown.
    const merged = await owner.client.journal.upsert.mutate({
      ...day,
      content: { text: 'phone and desktop\n\nphone, offline' },
      baseUpdatedAt: desktop.updatedAt,
    });
    expect(merged.content).toEqual({ text: 'phone and desktop\n\nphone, offline' });
    // Without a base (scripts, the import) the write replaces what is there, as before.
    await owner.client.journal.upsert.mutate({ ...day, content: { text: 'a script' } });
    expect(await owner.client.journal.get.query(day)).toMatchObject({ content: { text: 'a script' } });
  });

  it('lets one of two writes on the same version through and refuses the other', async () => {
    const date = { type: 'morning_pages' as const, date: '2026-03-08' };
    const base = await owner.client.journal.upsert.mutate({ ...date, content: { text: 'start' } });
    server.clock.advance(1_000);
    const outcomes = await Promise.allSettled(
      ['from the phone', 'from the desktop'].map((text) =>
        owner.client.journal.upsert.mutate({ ...date, content: { text }, baseUpdatedAt: base.updatedAt }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected');
    await expectCode(Promise.reject(refused?.reason), 'CONFLICT');
  });
});

describe('journal.list', () => {
  it('pages newest first with a cursor, filtered by type and dates', async () => {
    const dates = Array.from({ length: 7 }, (_, i) => `2026-02-${String(10 + i).padStart(2, '0')}`);
    for (const date of dates) {
      await owner.client.journal.upsert.mutate({ type: 'morning_pages', date, content: { text: `page of ${date}` } });
      await owner.client.journal.upsert.mutate({ type: 'daily_reflection', date, content: reflection });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof owner.client.journal.list.query>> = await owner.client.journal.list.query({
        from: '2026-02-10',
        to: '2026-02-16',
        limit: 3,
        cursor,
      });
      seen.push(...page.items.map((i) => `${i.date} ${i.type}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(14);
    expect(new Set(seen).size).toBe(14);
    const order = seen.map((s) => s.slice(0, 10));
    expect(order).toEqual([...order].sort().reverse());

    const reflections = await owner.client.journal.list.query({
      type: 'daily_reflection',
      from: '2026-02-10',
      to: '2026-02-16',
    });
    expect(reflections.items).toHaveLength(7);
    expect(reflections.items[0]).toMatchObject({ type: 'daily_reflection', date: '2026-02-16', mood: 4 });
    expect(reflections.items[0]?.excerpt).toContain('shipped the journal');
    expect(reflections.nextCursor).toBeNull();

    const pagesOnly = await owner.client.journal.list.query({
      type: 'morning_pages',
      from: '2026-02-12',
      to: '2026-02-12',
    });
    expect(pagesOnly.items.map((i) => i.excerpt)).toEqual(['page of 2026-02-12']);

    await expectCode(owner.client.journal.list.query({ cursor: 'bm9wZQ' }), 'BAD_REQUEST');
  });

  it('shows an excerpt of every string but the ratings, cut at 280 characters, and follows each save', async () => {
    const date = '2026-01-05';
    const listed = async () =>
      (await owner.client.journal.list.query({ type: 'weekly_review', from: date, to: date })).items[0]?.excerpt;
    const review = {
      wins: ['Ran twice'],
      lessons: ['Sleep first'],
      priorities: ['x'.repeat(150), 'y'.repeat(150)],
      ratings: [{ area: 'Health', score: 7 }],
    };
    await owner.client.journal.upsert.mutate({ type: 'weekly_review', date, content: review });
    const excerpt = await listed();
    expect(excerpt?.startsWith('Ran twice · Sleep first · xxx')).toBe(true);
    expect(excerpt).toHaveLength(280);
    expect(excerpt).not.toContain('Health');
    await owner.client.journal.upsert.mutate({
      type: 'weekly_review',
      date,
      content: { ...review, wins: ['Rewritten'], priorities: [] },
    });
    expect(await listed()).toBe('Rewritten · Sleep first');
  });
});

describe('journal.search', () => {
  it('ranks matches and returns plain-text snippets with match ranges', async () => {
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-01-20',
      content: { text: 'The mountains were quiet. Mountains, mountains everywhere, and the mountain air was cold.' },
    });
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-01-21',
      content: { text: `A long day at work. ${'Meetings and email. '.repeat(20)} In the evening I saw a mountain.` },
    });
    await owner.client.journal.upsert.mutate({
      type: 'daily_reflection',
      date: '2026-01-22',
      content: { ...reflection, gratitude: ['<b>bold</b> <script>alert(1)</script> mountain views'] },
    });
    const results = await owner.client.journal.search.query({ q: 'mountain' });
    expect(results.map((r) => r.date)).toContain('2026-01-20');
    expect(results).toHaveLength(3);
    expect(results[0]?.date).toBe('2026-01-20');
    for (const r of results) {
      expect(r.snippet.text).not.toMatch(/<\/?(b|mark|script)>/);
      expect(r.snippet.matches.length).toBeGreaterThan(0);
      for (const m of r.snippet.matches)
        expect(r.snippet.text.slice(m.start, m.end).toLowerCase()).toMatch(/^mountain/);
    }
    const long = results.find((r) => r.date === '2026-01-21');
    expect(long?.snippet.text.length).toBeLessThan(400);

    expect(await owner.client.journal.search.query({ q: 'the' })).toEqual([]); // only a stop word
    expect(await owner.client.journal.search.query({ q: '"unbalanced (( -or' })).toEqual([]);
    expect((await owner.client.journal.search.query({ q: 'mountain views' })).map((r) => r.date)).toEqual([
      '2026-01-22',
    ]);
  });
});

describe('journal.streaks and journal.heatmap', () => {
  it("counts streaks in the user's time zone with the server clock", async () => {
    const user = await createUser(server, {
      username: 'streaker',
      email: 'streaker@example.com',
      password: 'streaks are a habit',
    });
    await user.client.settings.update.mutate({ timezone: 'Asia/Tokyo', weekStart: 'sunday' });
    setNow('2026-03-01T03:00:00Z'); // Sunday 1 March, 12:00 in Tokyo
    for (const date of ['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01']) {
      await user.client.journal.upsert.mutate({ type: 'morning_pages', date, content: { text: 'words' } });
    }
    await user.client.journal.upsert.mutate({ type: 'weekly_review', date: '2026-02-22', content: review });
    await user.client.journal.upsert.mutate({ type: 'weekly_review', date: '2026-03-01', content: review });

    let streaks = await user.client.journal.streaks.query();
    expect(streaks).toMatchObject({ today: '2026-03-01', weekStart: '2026-03-01', timezone: 'Asia/Tokyo' });
    expect(streaks.streaks.morning_pages).toMatchObject({ current: 4, longest: 4, doneInPeriod: true });
    expect(streaks.streaks.weekly_review).toMatchObject({ current: 2, longest: 2, doneInPeriod: true });
    expect(streaks.streaks.daily_reflection).toMatchObject({ current: 0, longest: 0, lastDate: null });

    // The next day in Tokyo, nothing written yet: the streak holds until that day is over.
    setNow('2026-03-02T01:00:00Z');
    streaks = await user.client.journal.streaks.query();
    expect(streaks.today).toBe('2026-03-02');
    expect(streaks.streaks.morning_pages).toMatchObject({ current: 4, doneInPeriod: false });
    setNow('2026-03-03T01:00:00Z');
    expect((await user.client.journal.streaks.query()).streaks.morning_pages).toMatchObject({ current: 0, longest: 4 });

    const heatmap = await user.client.journal.heatmap.query({ year: 2026 });
    expect(heatmap.days).toEqual([
      { date: '2026-02-22', count: 1, wordCount: 8 },
      { date: '2026-02-26', count: 1, wordCount: 1 },
      { date: '2026-02-27', count: 1, wordCount: 1 },
      { date: '2026-02-28', count: 1, wordCount: 1 },
      { date: '2026-03-01', count: 2, wordCount: 9 },
    ]);
    expect((await user.client.journal.heatmap.query({ year: 2025 })).days).toEqual([]);
    setNow('2026-03-10T15:00:00Z');
  });
});

describe('journal access', () => {
  it("keeps users' entries apart: another user's entries are invisible and their ids NOT_FOUND", async () => {
    const mine = await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-05',
      content: { text: 'secret zeppelin thoughts' },
    });
    const other = await createUser(server, {
      username: 'other',
      email: 'other@example.com',
      password: 'another long password',
    });
    expect(await other.client.journal.get.query({ type: 'morning_pages', date: '2026-03-05' })).toBeNull();
    expect((await other.client.journal.list.query({})).items).toEqual([]);
    expect(await other.client.journal.search.query({ q: 'zeppelin' })).toEqual([]);
    expect((await other.client.journal.heatmap.query({ year: 2026 })).days).toEqual([]);
    expect((await other.client.journal.streaks.query()).streaks.morning_pages.longest).toBe(0);
    await expectCode(other.client.journal.delete.mutate({ id: mine.id }), 'NOT_FOUND');
    // Writing the same day is their own entry, not a change to the owner's.
    const theirs = await other.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-05',
      content: { text: 'mine' },
    });
    expect(theirs.id).not.toBe(mine.id);
    expect(await owner.client.journal.get.query({ type: 'morning_pages', date: '2026-03-05' })).toEqual(mine);
  });

  it('lets a read key read but not write', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'reader', scope: 'read' });
    const reader = keyClient(server, key);
    expect((await reader.journal.get.query({ type: 'morning_pages', date: '2026-03-10' }))?.content).toEqual({
      text: 'Now four pages, every morning.',
    });
    expect((await reader.journal.list.query({ limit: 1 })).items).toHaveLength(1);
    await reader.journal.streaks.query();
    await expectCode(
      reader.journal.upsert.mutate({ type: 'morning_pages', date: '2026-03-10', content: { text: 'nope' } }),
      'FORBIDDEN',
    );
    const { key: writeKey } = await owner.client.apiKeys.create.mutate({ name: 'writer', scope: 'write' });
    const writer = keyClient(server, writeKey);
    const written = await writer.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-08',
      content: { text: 'from a script' },
    });
    await expectCode(reader.journal.delete.mutate({ id: written.id }), 'FORBIDDEN');
    await writer.journal.delete.mutate({ id: written.id });
  });
});
