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

describe('captures', () => {
  it('captures into the inbox with an API key, and lists by status', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'terminal', scope: 'write' });
    const script = keyClient(server, key);
    const capture = await script.captures.create.mutate({ text: 'read this', url: 'https://example.com/a' });
    expect(capture).toMatchObject({ status: 'inbox', text: 'read this', url: 'https://example.com/a' });
    expect((await owner.client.captures.list.query({ status: 'inbox' })).map((c) => c.id)).toContain(capture.id);
    const archived = await owner.client.captures.archive.mutate({ id: capture.id });
    expect(archived.status).toBe('archived');
    expect((await owner.client.captures.list.query({ status: 'archived' })).map((c) => c.id)).toEqual([capture.id]);
    expect(await owner.client.captures.delete.mutate({ id: capture.id })).toEqual({ ok: true });
    await expectCode(owner.client.captures.delete.mutate({ id: capture.id }), 'NOT_FOUND');
  });

  it('parses quick-add text in the user time zone, matching projects by name, and saves nothing', async () => {
    const project = await owner.client.projects.create.mutate({ name: 'Health' });
    const parsed = await owner.client.captures.parse.query({
      text: 'call the dentist tomorrow 9am #phone +health !high',
    });
    expect(parsed).toMatchObject({
      title: 'call the dentist',
      dueDate: '2026-03-11',
      dueTime: '09:00',
      labels: ['phone'],
      priority: 3,
      project: { id: project.id, name: 'Health' },
      newProjectName: null,
    });
    expect(parsed.dueAt).toEqual(new Date('2026-03-11T13:00:00Z'));
    expect((await owner.client.captures.parse.query({ text: 'x +Garden' })).newProjectName).toBe('Garden');
    expect(await owner.client.captures.list.query({ status: 'inbox' })).toEqual([]);
  });

  it('processes a capture into a task in a new project, linking both ways; a second time is CONFLICT', async () => {
    const capture = await owner.client.captures.create.mutate({
      text: 'paint the fence',
      url: 'https://example.com/p',
    });
    const result = await owner.client.captures.process.mutate({
      id: capture.id,
      into: { kind: 'task', newProjectName: 'Garden', dueDate: '2026-03-14', labels: ['diy'], priority: 1 },
    });
    expect(result.capture).toMatchObject({ status: 'processed', processedIntoKind: 'task' });
    expect(result.into.kind).toBe('task');
    expect(result.capture.processedIntoId).toBe(result.into.id);
    expect(result.createdProjectId).not.toBeNull();
    const project = await owner.client.projects.get.query({ id: result.createdProjectId as string });
    expect(project).toMatchObject({ name: 'Garden', progress: { done: 0, total: 1 } });
    const [task] = await owner.client.tasks.list.query({ projectId: project.id });
    expect(task).toMatchObject({
      id: result.into.id,
      title: 'paint the fence',
      notes: 'https://example.com/p',
      dueDate: '2026-03-14',
      labels: ['diy'],
      priority: 1,
      sourceCaptureId: capture.id,
    });
    await expectCode(owner.client.captures.process.mutate({ id: capture.id, into: { kind: 'journal' } }), 'CONFLICT');
    // Completing the task moves the new project's progress.
    await owner.client.tasks.complete.mutate({ id: result.into.id });
    expect((await owner.client.projects.get.query({ id: project.id })).progress).toMatchObject({ done: 1, total: 1 });
    // Two processes racing: exactly one wins.
    const raced = await owner.client.captures.create.mutate({ text: 'race' });
    const outcomes = await Promise.allSettled([
      owner.client.captures.process.mutate({ id: raced.id, into: { kind: 'task' } }),
      owner.client.captures.process.mutate({ id: raced.id, into: { kind: 'task' } }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await owner.client.tasks.list.query()).filter((t) => t.sourceCaptureId === raced.id)).toHaveLength(1);
  });

  it('processes a capture into a calendar event through the calendar service', async () => {
    const capture = await owner.client.captures.create.mutate({ text: 'dinner with Sam' });
    const result = await owner.client.captures.process.mutate({
      id: capture.id,
      into: {
        kind: 'event',
        start: new Date('2026-03-12T23:00:00Z'),
        end: new Date('2026-03-13T01:00:00Z'),
        timezone: 'America/New_York',
      },
    });
    expect(result.into.kind).toBe('event');
    const event = await owner.client.calendar.events.get.query({ id: result.into.id });
    expect(event).toMatchObject({
      title: 'dinner with Sam',
      description: 'dinner with Sam',
      timezone: 'America/New_York',
    });
    const allDay = await owner.client.captures.create.mutate({ text: 'conference' });
    const second = await owner.client.captures.process.mutate({
      id: allDay.id,
      into: { kind: 'event', title: 'Conf', allDay: true, startDate: '2026-04-01', endDate: '2026-04-02' },
    });
    expect(await owner.client.calendar.events.get.query({ id: second.into.id })).toMatchObject({
      title: 'Conf',
      allDay: true,
      startDate: '2026-04-01',
      endDate: '2026-04-02',
    });
    // Invalid times change nothing: the capture stays in the inbox.
    const bad = await owner.client.captures.create.mutate({ text: 'bad' });
    await expectCode(
      owner.client.captures.process.mutate({
        id: bad.id,
        into: { kind: 'event', start: new Date('2026-03-12T23:00:00Z'), end: new Date('2026-03-12T22:00:00Z') },
      }),
      'BAD_REQUEST',
    );
    expect((await owner.client.captures.list.query({})).map((c) => c.id)).toContain(bad.id);
  });

  it("appends a capture to the day's morning pages as a journal note", async () => {
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-10',
      content: { text: 'Woke early.' },
    });
    const first = await owner.client.captures.create.mutate({
      text: 'idea: a tiny garden',
      url: 'https://example.com/g',
    });
    const result = await owner.client.captures.process.mutate({ id: first.id, into: { kind: 'journal' } });
    const entry = await owner.client.journal.get.query({ type: 'morning_pages', date: '2026-03-10' });
    expect(entry?.id).toBe(result.into.id);
    expect(entry?.content).toEqual({ text: 'Woke early.\n\nidea: a tiny garden\nhttps://example.com/g' });
    const second = await owner.client.captures.create.mutate({ text: 'yesterday thought' });
    await owner.client.captures.process.mutate({ id: second.id, into: { kind: 'journal', date: '2026-03-09' } });
    expect((await owner.client.journal.get.query({ type: 'morning_pages', date: '2026-03-09' }))?.content).toEqual({
      text: 'yesterday thought',
    });
    // The journal refuses a future day; the capture stays unprocessed.
    const future = await owner.client.captures.create.mutate({ text: 'later' });
    await expectCode(
      owner.client.captures.process.mutate({ id: future.id, into: { kind: 'journal', date: '2026-03-20' } }),
      'BAD_REQUEST',
    );
    expect((await owner.client.captures.list.query()).map((c) => c.id)).toContain(future.id);
  });

  it("answers another user's ids with NOT_FOUND, and a foreign project in a task target too", async () => {
    const mine = await owner.client.captures.create.mutate({ text: 'mine' });
    await expectCode(other.client.captures.process.mutate({ id: mine.id, into: { kind: 'task' } }), 'NOT_FOUND');
    await expectCode(other.client.captures.archive.mutate({ id: mine.id }), 'NOT_FOUND');
    await expectCode(other.client.captures.delete.mutate({ id: mine.id }), 'NOT_FOUND');
    const project = await owner.client.projects.create.mutate({ name: 'Owner only' });
    const theirs = await other.client.captures.create.mutate({ text: 'theirs' });
    await expectCode(
      other.client.captures.process.mutate({ id: theirs.id, into: { kind: 'task', projectId: project.id } }),
      'NOT_FOUND',
    );
    expect((await other.client.captures.list.query()).map((c) => c.status)).toEqual(['inbox']);
    expect(await other.client.captures.parse.query({ text: 'x +owner-only' })).toMatchObject({
      project: null,
      newProjectName: 'owner-only',
    });
  });

  it('a read key may parse and list, but not capture or process', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'reader', scope: 'read' });
    const reader = keyClient(server, key);
    expect(Array.isArray(await reader.captures.list.query())).toBe(true);
    expect((await reader.captures.parse.query({ text: 'x today' })).dueDate).toBe('2026-03-10');
    await expectCode(reader.captures.create.mutate({ text: 'nope' }), 'FORBIDDEN');
    const capture = await owner.client.captures.create.mutate({ text: 'still here' });
    await expectCode(reader.captures.process.mutate({ id: capture.id, into: { kind: 'task' } }), 'FORBIDDEN');
  });
});
