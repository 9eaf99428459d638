/**
 * A calendar of thousands of never-ending series asked for its longest range: every list that expands occurrences
 * (events.list, the agenda, the dashboard) answers within bounds, flagged as cut and saying where, while the server
 * goes on answering others.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, createUser, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SERIES = 5_000;
/** The caps (MAX_OCCURRENCES_PER_ANSWER, DASHBOARD_EVENTS_MAX in core). */
const ANSWER_MAX = 2_000;
const AGENDA_MAX = 1_000;
const DASHBOARD_MAX = 500;
/**
 * The goals are an answer within 2 s and no stall over 250 ms. Quiet, this machine does that (figures in the
 * console lines below: 0.3-1 s, 120-360 ms between two health answers, which include the health check's own
 * database read); under the whole suite's parallel load it measured up to 2.3 s and 1.0 s. The bounds here are
 * those that hold under load: unbounded, the same request froze the server for 110 s and grew it by 4 GB.
 */
const ELAPSED_MAX_MS = 6_000;
const STALL_MAX_MS = 2_000;
/** The event loop alone (the server's own work, without database waits): up to 630 ms measured under load. */
const EVENT_LOOP_MAX_MS = 1_000;

let server: TestServer;
let owner: BrowserClient;
let writer: BrowserClient;

/** Inserts daily series straight through the query layer: thousands through the API would take minutes. */
async function seedDailySeries(username: string, count: number, over: { description?: string } = {}) {
  const { id: userId } = await server.database.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  const now = new Date();
  for (let first = 0; first < count; first += 500) {
    await server.database.db
      .insertInto('events')
      .values(
        Array.from({ length: Math.min(500, count - first) }, (_, k) => {
          const i = first + k;
          const startsAt = new Date(Date.UTC(2024, 0, 1, 6 + (i % 12), i % 60));
          return {
            userId,
            title: `Series ${i}`,
            description: over.description ?? null,
            location: null,
            startsAt,
            endsAt: new Date(startsAt.getTime() + 30 * 60_000),
            timezone: 'Europe/Berlin',
            rrule: 'FREQ=DAILY',
            seriesEndsAt: null,
            icsUid: `series-${i}@test`,
            createdAt: now,
            updatedAt: now,
          };
        }),
      )
      .execute();
  }
}

/**
 * Runs `work` while polling /api/health every 10 ms: the longest time between two health answers (how long the
 * server stopped answering), the event loop's longest stall, and how far resident memory grew.
 */
async function whilePolling<T>(work: () => Promise<T>) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const rssBefore = process.memoryUsage().rss;
  let rssMax = rssBefore;
  let running = true;
  let longestGap = 0;
  const poll = (async () => {
    let last = performance.now();
    while (running) {
      const response = await fetch(`${server.url}/api/health`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  delay.enable();
  const started = performance.now();
  try {
    const result = await work();
    return {
      result,
      elapsedMs: performance.now() - started,
      longestGapMs: longestGap,
      stallMs: delay.max / 1e6,
      rssGrowthMiB: (rssMax - rssBefore) / (1024 * 1024),
    };
  } finally {
    running = false;
    delay.disable();
    await poll;
  }
}

/**
 * A query as the web app sends it, answered as text: the measured time is the server's alone (this test's client
 * runs in the server's process, and decoding two megabytes here would count as the server's stall).
 */
async function rawQuery<T>(browser: BrowserClient, path: string, input?: unknown) {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const response = await browser.fetch(`${server.url}/trpc/${path}${query}`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, decode: () => superjson.deserialize<T>(JSON.parse(text).result.data) };
}

type Page = { items: { start: Date; eventId: string }[]; truncated: boolean; completeUntil: Date };

const sortedByStart = (list: { start: Date }[]) =>
  list.every((o, i) => i === 0 || (list[i - 1] as { start: Date }).start.getTime() <= o.start.getTime());

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  writer = await createUser(server, { username: 'writer', email: 'writer@example.com', password: 'a long password 2' });
  await seedDailySeries('owner', SERIES);
}, 120_000);
afterAll(() => server.close());

describe('the caps of every answer that expands occurrences', () => {
  const from = new Date('2025-01-01T00:00:00Z');
  const to = new Date(from.getTime() + 400 * DAY_MS); // the longest range

  it('events.list of 5,000 daily series over 400 days: a flagged, bounded answer, the server answering meanwhile', async () => {
    // Once to warm up (the first call compiles and fills the zone caches), then measured.
    await owner.client.calendar.events.list.query({ from, to });
    const run = await whilePolling(() => rawQuery<Page>(owner, 'calendar.events.list', { from, to }));
    const page = run.result.decode();
    console.info(
      `events.list, ${SERIES} series × 400 days: ${run.elapsedMs.toFixed(0)} ms, health gap ${run.longestGapMs.toFixed(0)} ms, ` +
        `event-loop stall ${run.stallMs.toFixed(0)} ms, RSS +${run.rssGrowthMiB.toFixed(0)} MiB`,
    );
    expect(page.truncated).toBe(true);
    expect(page.items).toHaveLength(ANSWER_MAX);
    expect(sortedByStart(page.items)).toBe(true);
    // 5,000 series a day: the cap falls on the range's first day, and nothing after it is listed.
    expect(page.completeUntil.getTime()).toBeGreaterThan(from.getTime());
    expect(page.completeUntil.getTime()).toBeLessThan(from.getTime() + DAY_MS);
    expect(page.items.every((o) => o.start.getTime() <= page.completeUntil.getTime())).toBe(true);
    expect(new Set(page.items.map((o) => o.eventId)).size).toBe(ANSWER_MAX);
    expect(run.result.text.length).toBeLessThan(2_000_000);
    expect(run.elapsedMs).toBeLessThan(ELAPSED_MAX_MS);
    expect(run.longestGapMs).toBeLessThan(STALL_MAX_MS);
    expect(run.stallMs).toBeLessThan(EVENT_LOOP_MAX_MS);
    expect(run.rssGrowthMiB).toBeLessThan(200);
  }, 60_000);

  it('narrowing the range from where it stopped gives the next part', async () => {
    const first = await owner.client.calendar.events.list.query({ from, to });
    const next = await owner.client.calendar.events.list.query({ from: first.completeUntil, to });
    // Occurrences still running at the cut come again (a range holds what overlaps it); the new ones start there.
    const fresh = next.items.filter((o) => o.start.getTime() >= first.completeUntil.getTime());
    expect(fresh[0]?.start).toEqual(first.completeUntil);
    expect(next.completeUntil.getTime()).toBeGreaterThan(first.completeUntil.getTime());
  }, 30_000);

  it('the agenda over 400 days is flagged likewise and lists nothing after where it stopped', async () => {
    const tasksDay = new Date(to.getTime() - 10 * DAY_MS).toISOString().slice(0, 10);
    await owner.client.tasks.create.mutate({ title: 'Late in the range', dueDate: tasksDay });
    type Agenda = { items: { kind: string; title: string }[]; truncated: boolean; completeUntil: Date };
    const run = await whilePolling(() => rawQuery<Agenda>(owner, 'calendar.agenda', { from, to }));
    const agenda = run.result.decode();
    console.info(
      `agenda: ${run.elapsedMs.toFixed(0)} ms, health gap ${run.longestGapMs.toFixed(0)} ms, stall ${run.stallMs.toFixed(0)} ms`,
    );
    expect(agenda.truncated).toBe(true);
    expect(agenda.completeUntil.getTime()).toBeLessThan(from.getTime() + DAY_MS);
    expect(agenda.items.filter((i) => i.kind === 'event')).toHaveLength(AGENDA_MAX);
    // The task lies after the cut: left out rather than shown on a day whose events are missing.
    expect(agenda.items.some((i) => i.title === 'Late in the range')).toBe(false);
    expect(run.elapsedMs).toBeLessThan(ELAPSED_MAX_MS);
    expect(run.longestGapMs).toBeLessThan(STALL_MAX_MS);
    expect(run.stallMs).toBeLessThan(EVENT_LOOP_MAX_MS);
  }, 60_000);

  it("the dashboard's agenda lists at most DASHBOARD_EVENTS_MAX of today's events and says so", async () => {
    type Today = {
      agenda: { items: { kind: string; start: Date | null }[]; truncated: boolean; completeUntil: Date };
    };
    const run = await whilePolling(() => rawQuery<Today>(owner, 'dashboard.today'));
    const { agenda } = run.result.decode();
    console.info(`dashboard: ${run.elapsedMs.toFixed(0)} ms, health gap ${run.longestGapMs.toFixed(0)} ms`);
    expect(agenda.truncated).toBe(true);
    expect(agenda.items.filter((i) => i.kind === 'event')).toHaveLength(DASHBOARD_MAX);
    expect(agenda.items.every((i) => !i.start || i.start.getTime() <= agenda.completeUntil.getTime())).toBe(true);
    expect(run.elapsedMs).toBeLessThan(ELAPSED_MAX_MS);
    expect(run.longestGapMs).toBeLessThan(STALL_MAX_MS);
    expect(run.stallMs).toBeLessThan(EVENT_LOOP_MAX_MS);
    // The kept answer says the same.
    expect((await owner.client.dashboard.today.query()).agenda.truncated).toBe(true);
  }, 60_000);

  it('a calendar of long descriptions is cut by size: the answer stays a few megabytes', async () => {
    await seedDailySeries('writer', 50, { description: 'x'.repeat(20_000) });
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ from, to })));
    const response = await writer.fetch(`${server.url}/trpc/calendar.events.list?input=${input}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const page = superjson.deserialize<{ items: unknown[]; truncated: boolean; completeUntil: Date }>(
      JSON.parse(text).result.data,
    );
    expect(page.truncated).toBe(true);
    expect(text.length).toBeLessThan(5_000_000);
    // 50 series × 400 days would be 400 MB of descriptions.
    expect(page.items.length).toBeGreaterThan(100);
  }, 60_000);

  it('a calendar within the caps is not flagged: complete up to the end of the range', async () => {
    const page = await writer.client.calendar.events.list.query({ from, to: new Date(from.getTime() + 3 * DAY_MS) });
    expect(page.truncated).toBe(false);
    expect(page.completeUntil).toEqual(new Date(from.getTime() + 3 * DAY_MS));
    expect(page.items).toHaveLength(50 * 3);
  }, 30_000);
});

describe('the answers that write series as rules', () => {
  it('the .ics feed of 5,000 series is written without expanding them, the server answering meanwhile', async () => {
    const feed = await owner.client.calendar.feed.get.query();
    // Once to warm up (as for events.list), then measured.
    await (await fetch(`${server.url}${feed.path}`)).text();
    const run = await whilePolling(async () => {
      const response = await fetch(`${server.url}${feed.path}`);
      expect(response.status).toBe(200);
      return response.text();
    });
    console.info(
      `feed: ${run.elapsedMs.toFixed(0)} ms, ${(run.result.length / 1e6).toFixed(1)} MB, health gap ${run.longestGapMs.toFixed(0)} ms, stall ${run.stallMs.toFixed(0)} ms`,
    );
    expect(run.result.match(/BEGIN:VEVENT/g)).toHaveLength(SERIES);
    expect(run.result.match(/RRULE:FREQ=DAILY/g)).toHaveLength(SERIES);
    expect(run.elapsedMs).toBeLessThan(ELAPSED_MAX_MS);
    expect(run.longestGapMs).toBeLessThan(STALL_MAX_MS);
    expect(run.stallMs).toBeLessThan(EVENT_LOOP_MAX_MS);
  }, 60_000);
});
