import { Writable } from 'node:stream';
import { DASHBOARD_TASKS_MAX } from '@lifeos/core/schemas';
import { dashboardService } from '@lifeos/core/server';
import { createDatabase, sql } from '@lifeos/db';
import { createTestDatabase } from '@lifeos/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserClient,
  browserClient,
  createUser,
  OWNER,
  TestClock,
  type TestServer,
  testConfig,
} from '../../test/harness.js';
import { buildServer } from '../http/server.js';

/**
 * The dashboard over real HTTP, on this file's own database. The server is built here rather than by
 * startTestServer so that every SQL statement it runs can be counted (the database's onQuery hook).
 */
let server: TestServer;
let owner: BrowserClient;
let counting = false;
let statements: string[] = [];

function setNow(iso: string) {
  server.clock.offsetMs = Date.parse(iso) - Date.now();
}

/** The statements one call runs, over HTTP (authentication included). */
async function countStatements(call: () => Promise<unknown>): Promise<number> {
  statements = [];
  counting = true;
  try {
    await call();
  } finally {
    counting = false;
  }
  return statements.length;
}

beforeAll(async () => {
  const database = await createTestDatabase({
    onQuery: (text) => {
      if (counting) statements.push(text);
    },
  });
  const config = testConfig();
  const clock = new TestClock();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const built = await buildServer({ config, database, clock, logStream, webDistDir: null });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const address = built.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  server = {
    url: `http://127.0.0.1:${address.port}`,
    database,
    config,
    services: built.services,
    clock,
    logs,
    close: () => built.shutdown(),
  };
  owner = browserClient(server);
  await owner.client.auth.setup.mutate(OWNER);
  await owner.client.settings.update.mutate({ timezone: 'America/New_York', weekStart: 'monday' });
  setNow('2026-03-10T15:00:00Z'); // Tuesday, 11:00 in New York
});
afterAll(() => server?.close());

const reflection = (mood: number, energy: number) => ({
  wins: ['a win'],
  challenges: [],
  gratitude: [],
  mood,
  energy,
  tomorrowFocus: 'rest',
});

/** Moves the owner's data version on without changing any data: the next dashboard is computed, not kept. */
async function newDataVersion() {
  const { id } = await owner.client.auth.me.query();
  await sql`update user_data_versions set version = version + 1 where user_id = ${id}`.execute(server.database.db);
}

async function exerciseId(name: string): Promise<string> {
  const exercise = (await owner.client.fitness.exercises.list.query({ q: name })).find((e) => e.name === name);
  if (!exercise) throw new Error(`no exercise ${name}`);
  return exercise.id;
}

async function workout(startedAt: string, exercise: string, sets: { reps: number; weightKg: number }[]) {
  const session = await owner.client.fitness.sessions.start.mutate({ name: 'Workout', startedAt: new Date(startedAt) });
  for (const set of sets)
    await owner.client.fitness.sessions.logSet.mutate({ sessionId: session.id, exerciseId: exercise, ...set });
  await owner.client.fitness.sessions.finish.mutate({
    id: session.id,
    finishedAt: new Date(Date.parse(startedAt) + 3_600_000),
  });
  return session.id;
}

describe('dashboard.today for a new user', () => {
  it('answers with empty cards, today in the user zone, and no correlation yet', async () => {
    const today = await owner.client.dashboard.today.query();
    expect(today).toMatchObject({
      today: '2026-03-10',
      weekStart: '2026-03-09',
      weekStartsOn: 'monday',
      timezone: 'America/New_York',
      inboxCount: 0,
      projects: [],
      mood: [],
      bodyWeight: [],
      onThisDay: [],
      agenda: { items: [], overdue: [], moreTasks: 0 },
      heatmap: { year: 2026, days: [] },
      journal: {
        morningPages: null,
        reflection: null,
        review: null,
        streaks: {
          morning_pages: { current: 0, lastDate: null, doneInPeriod: false },
          daily_reflection: { current: 0, lastDate: null, doneInPeriod: false },
          weekly_review: { current: 0, lastDate: null, doneInPeriod: false },
        },
      },
      correlation: { daysWithMood: 0, sentence: null },
    });
    expect(today.fitness.thisWeek).toEqual([]);
    expect(today.fitness.records).toEqual([]);
    expect(today.fitness.weeklyVolume).toHaveLength(8);
    expect(today.fitness.weeklyVolume.at(-1)).toEqual({ weekStart: '2026-03-09', volumeKg: 0, sessions: 0 });
  });
});

describe('dashboard.today with a day of data', () => {
  let bench: string;
  let squat: string;
  let taskToday: string;
  let projectId: string;

  beforeAll(async () => {
    const j = owner.client.journal.upsert;
    await j.mutate({ type: 'morning_pages', date: '2026-03-08', content: { text: 'one two' } });
    await j.mutate({ type: 'morning_pages', date: '2026-03-09', content: { text: 'one two three' } });
    await j.mutate({ type: 'morning_pages', date: '2026-03-10', content: { text: 'one two three four' } });
    await j.mutate({ type: 'morning_pages', date: '2025-03-10', content: { text: 'A year ago today' } });
    await j.mutate({ type: 'daily_reflection', date: '2026-03-10', content: reflection(4, 3) });
    await j.mutate({ type: 'daily_reflection', date: '2026-03-01', content: reflection(2, 5) });
    const review = { wins: ['w'], lessons: ['l'], priorities: ['p'], ratings: [] };
    await j.mutate({ type: 'weekly_review', date: '2026-03-02', content: review });
    await j.mutate({ type: 'weekly_review', date: '2026-03-09', content: review });

    const project = await owner.client.projects.create.mutate({ name: 'Launch' });
    projectId = project.id;
    taskToday = (await owner.client.tasks.create.mutate({ title: 'Due today', dueDate: '2026-03-10', projectId })).id;
    const done = await owner.client.tasks.create.mutate({ title: 'Done today', dueDate: '2026-03-10', projectId });
    await owner.client.tasks.complete.mutate({ id: done.id });
    await owner.client.tasks.create.mutate({ title: 'Overdue', dueDate: '2026-03-05' });
    await owner.client.tasks.create.mutate({ title: 'Tomorrow', dueDate: '2026-03-11' });
    await owner.client.projects.create.mutate({ name: 'Paused', status: 'on_hold' });

    await owner.client.captures.create.mutate({ text: 'call the plumber' });
    await owner.client.captures.create.mutate({ text: 'idea' });

    await owner.client.calendar.events.create.mutate({
      title: 'Dentist',
      start: new Date('2026-03-10T18:00:00Z'),
      end: new Date('2026-03-10T19:00:00Z'),
    });
    await owner.client.calendar.events.create.mutate({
      title: 'Tomorrow meeting',
      start: new Date('2026-03-11T18:00:00Z'),
      end: new Date('2026-03-11T19:00:00Z'),
    });

    bench = await exerciseId('Bench Press (Barbell)');
    squat = await exerciseId('Squat (Barbell)');
    await workout('2026-02-01T15:00:00Z', bench, [{ reps: 5, weightKg: 90 }]);
    await workout('2026-03-03T15:00:00Z', squat, [
      { reps: 5, weightKg: 100 },
      { reps: 5, weightKg: 100 },
    ]);
    await workout('2026-03-10T13:00:00Z', bench, [
      { reps: 5, weightKg: 100 },
      { reps: 5, weightKg: 100 },
      { reps: 5, weightKg: 100 },
    ]);

    await owner.client.fitness.bodyweight.log.mutate({ date: '2026-03-01', weightKg: 80 });
    await owner.client.fitness.bodyweight.log.mutate({ date: '2026-03-10', weightKg: 79.5 });
    await owner.client.fitness.bodyweight.log.mutate({ date: '2025-10-01', weightKg: 85 });
  });

  it('shows the journal, streaks and on-this-day', async () => {
    const { journal, onThisDay, heatmap, mood } = await owner.client.dashboard.today.query();
    expect(journal.morningPages).toEqual({ words: 4, goal: 750 });
    expect(journal.reflection).toEqual({ mood: 4, energy: 3 });
    expect(journal.review).toEqual({ date: '2026-03-09' });
    expect(journal.streaks).toEqual({
      morning_pages: { current: 3, lastDate: '2026-03-10', doneInPeriod: true },
      daily_reflection: { current: 1, lastDate: '2026-03-10', doneInPeriod: true },
      weekly_review: { current: 2, lastDate: '2026-03-09', doneInPeriod: true },
    });
    // The same current streaks as the journal's own rules.
    const streaks = await owner.client.journal.streaks.query();
    for (const type of ['morning_pages', 'daily_reflection', 'weekly_review'] as const) {
      expect(journal.streaks[type].current).toBe(streaks.streaks[type].current);
    }
    expect(onThisDay).toEqual([
      expect.objectContaining({ type: 'morning_pages', date: '2025-03-10', yearsAgo: 1, excerpt: 'A year ago today' }),
    ]);
    expect(heatmap.days.map((d) => d.date)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
    expect(mood).toEqual([
      { date: '2026-03-01', mood: 2, energy: 5 },
      { date: '2026-03-10', mood: 4, energy: 3 },
    ]);
  });

  it("shows today's agenda, overdue tasks, the inbox and active projects with progress", async () => {
    const { agenda, inboxCount, projects } = await owner.client.dashboard.today.query();
    expect(agenda.items.map((i) => [i.kind, i.title, i.date])).toEqual([
      ['task', 'Due today', '2026-03-10'],
      ['workout', 'Workout', '2026-03-10'],
      ['event', 'Dentist', '2026-03-10'],
    ]);
    expect(agenda.items.find((i) => i.kind === 'task')).toMatchObject({ taskId: taskToday, projectId });
    expect(agenda.overdue).toEqual([expect.objectContaining({ title: 'Overdue', dueDate: '2026-03-05' })]);
    expect(agenda.moreTasks).toBe(0);
    expect(inboxCount).toBe(2);
    expect(projects).toEqual([
      expect.objectContaining({ id: projectId, name: 'Launch', progress: { done: 1, total: 2, ratio: 0.5 } }),
    ]);
  });

  it("shows this week's workouts, volume per week, records and body weight", async () => {
    const { fitness, bodyWeight } = await owner.client.dashboard.today.query();
    expect(fitness.thisWeek).toEqual([
      expect.objectContaining({ name: 'Workout', date: '2026-03-10', sets: 3, volumeKg: 1500 }),
    ]);
    expect(fitness.weekVolumeKg).toBe(1500);
    expect(fitness.weeklyVolume.slice(-2)).toEqual([
      { weekStart: '2026-03-02', volumeKg: 1000, sessions: 1 },
      { weekStart: '2026-03-09', volumeKg: 1500, sessions: 1 },
    ]);
    // The bench beat its February best; the squat is new (nothing before the 14-day window).
    expect(fitness.records).toEqual([
      expect.objectContaining({ exerciseId: bench, weightKg: 100, reps: 5, previousKg: 90, date: '2026-03-10' }),
      expect.objectContaining({ exerciseId: squat, weightKg: 100, previousKg: null, date: '2026-03-03' }),
    ]);
    expect(bodyWeight).toEqual([
      { date: '2026-03-01', weightKg: 80 },
      { date: '2026-03-10', weightKg: 79.5 },
    ]);
  });

  it('is only ever the caller’s own data', async () => {
    const mallory = await createUser(server, {
      username: 'mallory',
      email: 'mallory@example.com',
      password: 'mallory password 123',
    });
    const theirs = await mallory.client.dashboard.today.query();
    expect(theirs.inboxCount).toBe(0);
    expect(theirs.projects).toEqual([]);
    expect(theirs.agenda.items).toEqual([]);
    expect(theirs.agenda.overdue).toEqual([]);
    expect(theirs.fitness.thisWeek).toEqual([]);
    expect(theirs.fitness.records).toEqual([]);
    expect(theirs.journal.streaks.morning_pages.current).toBe(0);
    expect(theirs.onThisDay).toEqual([]);
    expect(theirs.heatmap.days).toEqual([]);
    expect((await mallory.client.dashboard.weekFacts.query({ weekStart: '2026-03-09' })).workouts).toBe(0);
  });

  it('weekFacts sums the week from the other modules', async () => {
    await owner.client.tasks.complete.mutate({ id: taskToday });
    const facts = await owner.client.dashboard.weekFacts.query({ weekStart: '2026-03-11' });
    expect(facts).toEqual({
      weekStart: '2026-03-09',
      weekEnd: '2026-03-15',
      tasksCompleted: 2,
      completedTitles: ['Done today', 'Due today'],
      workouts: 1,
      volumeKg: 1500,
      units: 'metric',
      daysWritten: 2,
      // Morning pages 3 + 4, the reflection's "a win" and "rest", the review's three one-word lists.
      wordsWritten: 3 + 4 + 3 + 3,
      moodAverage: 4,
      energyAverage: 3,
    });
    const lastWeek = await owner.client.dashboard.weekFacts.query({ weekStart: '2026-03-02' });
    // Sunday the 1st belongs to the week before (weeks start on Monday): no reflection in this one.
    expect(lastWeek).toMatchObject({
      tasksCompleted: 0,
      workouts: 1,
      volumeKg: 1000,
      daysWritten: 2,
      moodAverage: null,
    });
  });
});

describe('dashboard.today near midnight in a non-UTC zone', () => {
  it("keeps the user's day until their midnight, then moves on", async () => {
    await owner.client.calendar.events.create.mutate({
      title: 'Late call',
      start: new Date('2026-03-11T02:30:00Z'), // 22:30 on the 10th in New York
      end: new Date('2026-03-11T03:15:00Z'),
    });
    await owner.client.tasks.create.mutate({ title: 'Before midnight', dueDate: '2026-03-10' });
    setNow('2026-03-11T03:30:00Z'); // 23:30 on the 10th in New York (EDT since the 8th), the 11th in UTC
    const late = await owner.client.dashboard.today.query();
    expect(late.today).toBe('2026-03-10');
    expect(late.agenda.items.map((i) => i.title)).toEqual(
      expect.arrayContaining(['Before midnight', 'Dentist', 'Late call']),
    );
    expect(late.agenda.items.map((i) => i.title)).not.toContain('Tomorrow meeting');

    setNow('2026-03-11T04:30:00Z'); // 00:30 on the 11th in New York
    const next = await owner.client.dashboard.today.query();
    expect(next.today).toBe('2026-03-11');
    expect(next.agenda.items.map((i) => i.title)).toEqual(['Tomorrow', 'Tomorrow meeting']);
    expect(next.agenda.overdue.map((t) => t.title)).toEqual(['Before midnight', 'Overdue']);
    // Nothing written yet today does not break the streaks.
    expect(next.journal.streaks.morning_pages).toMatchObject({ current: 3, doneInPeriod: false });
    setNow('2026-03-10T15:00:00Z');
  });
});

describe('dashboard.today runs a fixed number of statements', () => {
  /** What authentication costs a request, measured on a procedure that runs exactly one statement itself. */
  async function authOverhead() {
    return (await countStatements(() => owner.client.settings.get.query())) - 1;
  }

  it('the same small number with a little data and with a lot more', async () => {
    const overhead = await authOverhead();
    await newDataVersion();
    const small = await countStatements(() => owner.client.dashboard.today.query());
    expect(small - overhead).toBe(dashboardService.TODAY_CACHED_QUERY_COUNT);
    const kept = await countStatements(() => owner.client.dashboard.today.query());
    expect(kept - overhead).toBe(dashboardService.TODAY_KEPT_QUERY_COUNT);
    // Without a cache (DASHBOARD_CACHE_USERS=0), no version is read.
    const { id: ownerId } = await owner.client.auth.me.query();
    const uncached = await countStatements(() =>
      dashboardService.today({ db: server.database.db, clock: server.clock }, ownerId),
    );
    expect(uncached).toBe(dashboardService.TODAY_QUERY_COUNT);

    // Many more days, projects, tasks, sessions, sets, events and captures, written straight into the tables.
    const db = server.database.db;
    const { id: userId } = await owner.client.auth.me.query();
    const bench = await exerciseId('Bench Press (Barbell)');
    await sql`
      insert into journal_entries (user_id, type, entry_date, content, word_count)
      select ${userId}, 'daily_reflection', d::date,
        jsonb_build_object('wins', jsonb_build_array('x'), 'challenges', '[]'::jsonb, 'gratitude', '[]'::jsonb,
          'mood', case when extract(day from d)::int % 2 = 0 then 4 else 2 end, 'energy', 3, 'tomorrowFocus', ''), 2
      from generate_series('2025-11-01'::date, '2026-03-09'::date, interval '1 day') d
      on conflict do nothing`.execute(db);
    await sql`
      insert into projects (user_id, name) select ${userId}, 'Project ' || i from generate_series(1, 12) i`.execute(db);
    await sql`
      insert into tasks (user_id, project_id, title, due_date, position)
      select ${userId}, p.id, 'Task ' || i, '2026-03-10'::date - (i % 40), i
      from projects p cross join generate_series(1, 15) i where p.user_id = ${userId} and p.name like 'Project %'`.execute(
      db,
    );
    await sql`
      insert into captures (user_id, text) select ${userId}, 'Capture ' || i from generate_series(1, 40) i`.execute(db);
    await sql`
      insert into workout_sessions (id, user_id, name, started_at, finished_at)
      select overlay(overlay(md5('dash' || i) placing '4' from 13) placing '8' from 17)::uuid, ${userId}, 'Session ' || i, d, d + interval '1 hour'
      from generate_series(1, 60) i, lateral (select '2025-11-01T16:00:00Z'::timestamptz + (i * 2) * interval '1 day' as d) x`.execute(
      db,
    );
    await sql`
      insert into workout_sets (user_id, session_id, exercise_id, position, reps, weight_kg)
      select ${userId}, overlay(overlay(md5('dash' || i) placing '4' from 13) placing '8' from 17)::uuid, ${bench}::uuid, k, 5, 60 + i
      from generate_series(1, 60) i cross join generate_series(0, 9) k`.execute(db);
    await sql`
      insert into events (user_id, title, starts_at, ends_at, timezone, ics_uid, series_ends_at)
      select ${userId}, 'Event ' || i, d, d + interval '1 hour', 'America/New_York', 'dash-' || i, d + interval '1 hour'
      from generate_series(1, 80) i, lateral (select '2026-01-01T15:00:00Z'::timestamptz + i * interval '1 day' as d) x`.execute(
      db,
    );

    // Written behind the API's back, and still seen: the tables' triggers moved the data version.
    const big = await countStatements(() => owner.client.dashboard.today.query());
    expect(big).toBe(small);

    const today = await owner.client.dashboard.today.query();
    expect(today.inboxCount).toBe(42);
    expect(today.projects.length).toBe(13);
    expect(today.agenda.items.filter((i) => i.kind === 'event').map((i) => i.title)).toEqual([
      'Event 68',
      'Dentist',
      'Late call',
    ]);
    expect(today.agenda.moreTasks).toBeGreaterThan(0);
    // The agenda lists at most DASHBOARD_TASKS_MAX open tasks (today's and overdue) and counts the rest.
    expect(today.agenda.items.filter((i) => i.kind === 'task').length + today.agenda.overdue.length).toBe(
      DASHBOARD_TASKS_MAX,
    );

    // The streak walked back through every consecutive day of reflections, as the journal counts it.
    const streaks = await owner.client.journal.streaks.query();
    expect(today.journal.streaks.daily_reflection.current).toBe(streaks.streaks.daily_reflection.current);
    expect(today.journal.streaks.daily_reflection.current).toBeGreaterThan(100);
  });

  it('says one thing about mood on training days once there are 30 days of reflections', async () => {
    const { correlation } = await owner.client.dashboard.today.query();
    expect(correlation.daysWithMood).toBe(90);
    expect(correlation.withWorkout.days + correlation.withoutWorkout.days).toBe(90);
    expect(correlation.withWorkout.days).toBeGreaterThan(5);
    expect(correlation.sentence).toMatch(/^Your mood/);
    expect(correlation.sentence).toContain('last 90 days');
  });

  it('weekFacts runs a fixed number of statements too', async () => {
    const overhead = await authOverhead();
    const count = await countStatements(() => owner.client.dashboard.weekFacts.query({ weekStart: '2026-03-09' }));
    expect(count - overhead).toBe(dashboardService.WEEK_FACTS_QUERY_COUNT);
  });
});

describe('dashboard.today is kept until the data or the day changes', () => {
  const kept = async () => {
    const overhead = (await countStatements(() => owner.client.settings.get.query())) - 1;
    return (await countStatements(() => owner.client.dashboard.today.query())) - overhead;
  };

  it('answers a repeat visit from what it kept, with the same answer', async () => {
    const first = await owner.client.dashboard.today.query();
    expect(await kept()).toBe(dashboardService.TODAY_KEPT_QUERY_COUNT);
    expect(await owner.client.dashboard.today.query()).toEqual(first);
  });

  it('shows every change at once, whichever module it is in', async () => {
    const before = await owner.client.dashboard.today.query();
    const capture = await owner.client.captures.create.mutate({ text: 'seen at once' });
    expect((await owner.client.dashboard.today.query()).inboxCount).toBe(before.inboxCount + 1);
    await owner.client.captures.delete.mutate({ id: capture.id });
    expect((await owner.client.dashboard.today.query()).inboxCount).toBe(before.inboxCount);

    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: before.today,
      content: { text: 'five words on the page' },
    });
    expect((await owner.client.dashboard.today.query()).journal.morningPages?.words).toBe(5);

    await owner.client.settings.update.mutate({ displayName: 'Kept Not Stale' });
    expect((await owner.client.dashboard.today.query()).displayName).toBe('Kept Not Stale');
    await owner.client.settings.update.mutate({ weekStart: 'sunday' });
    expect((await owner.client.dashboard.today.query()).weekStartsOn).toBe('sunday');
    await owner.client.settings.update.mutate({ weekStart: 'monday' });
  });

  it("is not thrown away by another user's changes, and never shows them", async () => {
    const other = await createUser(server, {
      username: 'kept_other',
      email: 'kept@example.com',
      password: 'a long enough password',
    });
    const before = await owner.client.dashboard.today.query();
    await other.client.captures.create.mutate({ text: 'not the owner’s' });
    expect(await kept()).toBe(dashboardService.TODAY_KEPT_QUERY_COUNT);
    expect((await owner.client.dashboard.today.query()).inboxCount).toBe(before.inboxCount);
    expect((await other.client.dashboard.today.query()).inboxCount).toBe(1);
  });

  it('moves on to the next day at the user’s midnight', async () => {
    setNow('2026-03-11T03:59:00Z'); // 23:59 on the 10th in New York
    expect((await owner.client.dashboard.today.query()).today).toBe('2026-03-10');
    setNow('2026-03-11T04:01:00Z');
    expect((await owner.client.dashboard.today.query()).today).toBe('2026-03-11');
    setNow('2026-03-10T15:00:00Z');
  });

  it.runIf(process.env.TEST_DATABASE_URL)('sees a change another process commits, on its own connection', async () => {
    const url = server.database.url as string;
    const elsewhere = createDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      const { id } = await owner.client.auth.me.query();
      const before = await owner.client.dashboard.today.query();
      await sql`insert into captures (user_id, text) values (${id}, 'from another process')`.execute(elsewhere.db);
      expect((await owner.client.dashboard.today.query()).inboxCount).toBe(before.inboxCount + 1);
    } finally {
      await elsewhere.close();
    }
  });
});
