import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserClient,
  createUser,
  expectCode,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';

let server: TestServer;
let owner: BrowserClient;
let other: BrowserClient;

const DAY_MS = 24 * 60 * 60 * 1000;
/** The day after the server's today in Tokyo, where the owner lives. */
const tokyoDate = (instant: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(instant);

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  other = await createUser(server, {
    username: 'other',
    email: 'other@example.com',
    password: 'another long password',
  });
  await owner.client.settings.update.mutate({ timezone: 'Asia/Tokyo' });
});
afterAll(() => server.close());

describe('calendar.agenda', () => {
  const now = () => server.clock.now();
  let tomorrow: string;
  let taskId: string;
  let sessionId: string;

  beforeAll(async () => {
    tomorrow = tokyoDate(new Date(now().getTime() + DAY_MS));
    const task = await owner.client.tasks.create.mutate({ title: 'File the taxes', dueDate: tomorrow, priority: 2 });
    taskId = task.id;
    await owner.client.tasks.create.mutate({ title: 'Someday', dueDate: null });
    const session = await owner.client.fitness.sessions.start.mutate({ name: 'Leg day' });
    await owner.client.fitness.sessions.finish.mutate({ id: session.id });
    sessionId = session.id;
    await owner.client.fitness.sessions.start.mutate({ name: 'Still going' });
    await owner.client.calendar.events.create.mutate({
      title: 'Standup',
      start: new Date(now().getTime() + 2 * 60 * 60 * 1000),
      end: new Date(now().getTime() + 3 * 60 * 60 * 1000),
      timezone: 'Asia/Tokyo',
    });
    // Another user's task and workout never show.
    await other.client.tasks.create.mutate({ title: 'Not yours', dueDate: tomorrow });
    const theirs = await other.client.fitness.sessions.start.mutate({ name: 'Their run' });
    await other.client.fitness.sessions.finish.mutate({ id: theirs.id });
  });

  const range = () => ({ from: new Date(now().getTime() - DAY_MS), to: new Date(now().getTime() + 3 * DAY_MS) });

  it('mixes event occurrences, open tasks due and finished workouts, sorted by day', async () => {
    const agenda = (await owner.client.calendar.agenda.query(range())).items;
    const titles = agenda.map((item) => `${item.kind}:${item.title}`);
    expect(titles).toEqual(expect.arrayContaining(['task:File the taxes', 'workout:Leg day', 'event:Standup']));
    expect(titles).not.toContain('task:Someday');
    expect(titles).not.toContain('workout:Still going');
    expect(titles).not.toContain('task:Not yours');
    expect(titles).not.toContain('workout:Their run');

    const task = agenda.find((item) => item.kind === 'task');
    expect(task).toMatchObject({ kind: 'task', taskId, date: tomorrow, allDay: true, start: null });
    const workout = agenda.find((item) => item.kind === 'workout');
    expect(workout).toMatchObject({ kind: 'workout', sessionId, link: `/fitness/history/${sessionId}` });
    const dates = agenda.map((item) => item.date);
    expect(dates).toEqual([...dates].sort());

    // The other user's agenda has only their own things.
    const theirs = (await other.client.calendar.agenda.query(range())).items;
    expect(theirs.map((item) => `${item.kind}:${item.title}`).sort()).toEqual(['task:Not yours', 'workout:Their run']);
  });

  it('leaves out tasks once done and tasks due outside the range (in the user’s time zone)', async () => {
    const narrow = (
      await owner.client.calendar.agenda.query({
        from: new Date(now().getTime() - DAY_MS),
        to: new Date(`${tokyoDate(now())}T00:00:00+09:00`),
      })
    ).items;
    expect(narrow.some((item) => item.kind === 'task')).toBe(false);
    const extra = await owner.client.tasks.create.mutate({ title: 'Done soon', dueDate: tomorrow });
    await owner.client.tasks.complete.mutate({ id: extra.id });
    const agenda = (await owner.client.calendar.agenda.query(range())).items;
    expect(agenda.some((item) => item.title === 'Done soon')).toBe(false);
  });

  it('refuses a range longer than 400 days', async () => {
    await expectCode(
      owner.client.calendar.agenda.query({ from: new Date('2024-01-01'), to: new Date('2025-06-01') }),
      'BAD_REQUEST',
    );
  });

  it('the feed lists open tasks as all-day events on their due date only when enabled', async () => {
    const feed = await owner.client.calendar.feed.get.query();
    expect(feed.includeTasks).toBe(false);
    const read = async (path: string) => (await fetch(`${server.url}${path}`)).text();
    expect(await read(feed.path)).not.toContain('File the taxes');

    const enabled = await owner.client.calendar.feed.update.mutate({ includeTasks: true });
    expect(enabled).toEqual({ ...feed, includeTasks: true });
    expect((await owner.client.calendar.feed.get.query()).includeTasks).toBe(true);
    const body = (await read(feed.path)).replace(/\r\n[ \t]/g, '');
    const vevent = body.split('BEGIN:VEVENT').find((block) => block.includes('SUMMARY:File the taxes'));
    expect(vevent).toBeDefined();
    const compact = tomorrow.replaceAll('-', '');
    const next = new Date(Date.parse(`${tomorrow}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
    expect(vevent).toContain(`DTSTART;VALUE=DATE:${compact}`);
    expect(vevent).toContain(`DTEND;VALUE=DATE:${next}`);
    expect(vevent).toContain(`UID:task-${taskId}@lifeos`);
    expect(body).not.toContain('Not yours');
    expect(body).not.toContain('Done soon');
    // The setting survives a rotation.
    expect((await owner.client.calendar.feed.rotate.mutate()).includeTasks).toBe(true);

    await owner.client.calendar.feed.update.mutate({ includeTasks: false });
    const current = await owner.client.calendar.feed.get.query();
    expect(await read(current.path)).not.toContain('File the taxes');
  });
});
