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

/** Moves the server's clock so that it is `iso` now (give or take the test's own runtime). */
function setNow(iso: string) {
  server.clock.offsetMs = Date.parse(iso) - Date.now();
}

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  other = await createUser(server, {
    username: 'other',
    email: 'other@example.com',
    password: 'another long password',
  });
  await owner.client.settings.update.mutate({ timezone: 'America/New_York' });
  setNow('2026-03-10T15:00:00Z'); // Tuesday, 11:00 in New York
});
afterAll(() => server.close());

describe('tasks', () => {
  it('reorders a project in one call, keeping tasks left out after the listed ones', async () => {
    const project = await owner.client.projects.create.mutate({ name: 'Order' });
    const ids: string[] = [];
    for (const title of ['one', 'two', 'three', 'four']) {
      ids.push((await owner.client.tasks.create.mutate({ title, projectId: project.id })).id);
    }
    const [one, two, three, four] = ids as [string, string, string, string];
    const reordered = await owner.client.tasks.reorder.mutate({ projectId: project.id, orderedIds: [three, one] });
    expect(reordered.map((t) => t.title)).toEqual(['three', 'one', 'two', 'four']);
    expect(reordered.map((t) => t.position)).toEqual([0, 1, 2, 3]);
    const listed = await owner.client.tasks.list.query({ projectId: project.id });
    expect(listed.map((t) => t.id)).toEqual([three, one, two, four]);

    // Concurrent reorders run one after the other: the result is one of them, whole.
    const orders = [
      [four, three, two, one],
      [two, four, one, three],
    ];
    await Promise.all(
      orders.map((orderedIds) => owner.client.tasks.reorder.mutate({ projectId: project.id, orderedIds })),
    );
    const after = (await owner.client.tasks.list.query({ projectId: project.id })).map((t) => t.id);
    expect(orders).toContainEqual(after);

    // A task of another list is NOT_FOUND, and nothing moves.
    const loose = await owner.client.tasks.create.mutate({ title: 'loose' });
    await expectCode(
      owner.client.tasks.reorder.mutate({ projectId: project.id, orderedIds: [loose.id, one] }),
      'NOT_FOUND',
    );
    expect((await owner.client.tasks.list.query({ projectId: project.id })).map((t) => t.id)).toEqual(after);
  });

  it('lists by status, label and due view in the user time zone', async () => {
    const project = await owner.client.projects.create.mutate({ name: 'Due' });
    const make = (title: string, dueDate: string | null, labels: string[] = []) =>
      owner.client.tasks.create.mutate({ title, dueDate, labels, projectId: project.id });
    await make('late', '2026-03-09', ['errand']);
    await make('today', '2026-03-10');
    await make('sunday', '2026-03-15');
    await make('later', '2026-03-17', ['errand']);
    const doneToday = await make('done today', '2026-03-10');
    await owner.client.tasks.update.mutate({ id: doneToday.id, status: 'done' });
    const titles = async (input: Parameters<typeof owner.client.tasks.list.query>[0]) =>
      (await owner.client.tasks.list.query(input)).filter((t) => t.projectId === project.id).map((t) => t.title);
    expect(await titles({ due: 'overdue' })).toEqual(['late']);
    expect(await titles({ due: 'today' })).toEqual(['today']);
    expect(await titles({ due: 'week' })).toEqual(['today', 'sunday']);
    expect(await titles({ label: 'ERRAND' })).toEqual(['late', 'later']);
    expect(await titles({ status: 'done' })).toEqual(['done today']);
    // 03:30 UTC on the 11th is still the 10th in New York.
    setNow('2026-03-11T03:30:00Z');
    expect(await titles({ due: 'today' })).toEqual(['today']);
    setNow('2026-03-10T15:00:00Z');
  });

  it('completing a repeating task keeps it as history and creates the next occurrence', async () => {
    const weekly = await owner.client.tasks.create.mutate({
      title: 'Standup notes',
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      dueDate: '2026-03-13',
      labels: ['work'],
      priority: 2,
    });
    expect(weekly.seriesId).not.toBeNull();
    const { task, next } = await owner.client.tasks.complete.mutate({ id: weekly.id });
    expect(task).toMatchObject({ status: 'done', rrule: null, seriesId: weekly.seriesId });
    expect(next).toMatchObject({
      title: 'Standup notes',
      status: 'todo',
      dueDate: '2026-03-16',
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      labels: ['work'],
      priority: 2,
      seriesId: weekly.seriesId,
    });
    // Completing the history again creates nothing.
    expect((await owner.client.tasks.complete.mutate({ id: weekly.id })).next).toBeNull();

    const water = await owner.client.tasks.create.mutate({
      title: 'Water plants',
      repeatAfterDays: 3,
      dueDate: '2026-03-01',
    });
    const done = await owner.client.tasks.update.mutate({ id: water.id, status: 'done' });
    expect(done.status).toBe('done');
    const series = (await owner.client.tasks.list.query({ projectId: null })).filter(
      (t) => t.seriesId === water.seriesId,
    );
    // Done on 2026-03-10 (today in New York): the next one is due three days later.
    expect(series.map((t) => [t.status, t.dueDate]).sort()).toEqual([
      ['done', '2026-03-01'],
      ['todo', '2026-03-13'],
    ]);

    const lastFriday = await owner.client.tasks.create.mutate({ title: 'Invoice', rrule: 'FREQ=MONTHLY;BYDAY=-1FR' });
    expect(lastFriday.dueDate).toBe('2026-03-27');
    await expectCode(owner.client.tasks.create.mutate({ title: 'x', rrule: 'FREQ=WEEKLY;BYDAY=XX' }), 'BAD_REQUEST');
  });

  it("answers another user's project id with NOT_FOUND in tasks.create, tasks.list and tasks.update", async () => {
    const mine = await owner.client.projects.create.mutate({ name: 'Private' });
    await expectCode(other.client.tasks.create.mutate({ title: 'x', projectId: mine.id }), 'NOT_FOUND');
    await expectCode(other.client.tasks.list.query({ projectId: mine.id }), 'NOT_FOUND');
    const theirs = await other.client.tasks.create.mutate({ title: 'theirs' });
    await expectCode(other.client.tasks.update.mutate({ id: theirs.id, projectId: mine.id }), 'NOT_FOUND');
    await expectCode(other.client.tasks.reorder.mutate({ projectId: mine.id, orderedIds: [theirs.id] }), 'NOT_FOUND');
    await expectCode(other.client.projects.delete.mutate({ id: mine.id, tasks: 'delete' }), 'NOT_FOUND');
    expect((await owner.client.projects.get.query({ id: mine.id })).name).toBe('Private');
  });

  it('a read key lists but cannot create', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'reader', scope: 'read' });
    const reader = keyClient(server, key);
    expect(Array.isArray(await reader.tasks.list.query({ due: 'today' }))).toBe(true);
    await expectCode(reader.tasks.create.mutate({ title: 'nope' }), 'FORBIDDEN');
  });
});
