import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserClient,
  expectCode,
  keyClient,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';

let server: TestServer;
let owner: BrowserClient;

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
});
afterAll(() => server.close());

describe('projects', () => {
  it('creates a project with tasks; progress moves when a task is completed; list has it in one query', async () => {
    const project = await owner.client.projects.create.mutate({
      name: 'Kitchen',
      area: 'home',
      color: '#aa3300',
      targetDate: '2026-06-01',
    });
    expect(project).toMatchObject({ status: 'active', progress: { done: 0, total: 0, ratio: 0 } });
    const a = await owner.client.tasks.create.mutate({ title: 'Measure', projectId: project.id });
    await owner.client.tasks.create.mutate({ title: 'Order cabinets', projectId: project.id, labels: ['Shop'] });
    expect((await owner.client.projects.get.query({ id: project.id })).progress).toEqual({
      done: 0,
      total: 2,
      ratio: 0,
    });
    const { task, next } = await owner.client.tasks.complete.mutate({ id: a.id });
    expect(task).toMatchObject({ status: 'done' });
    expect(task.completedAt).not.toBeNull();
    expect(next).toBeNull();
    const listed = await owner.client.projects.list.query({ status: 'active' });
    expect(listed.find((p) => p.id === project.id)?.progress).toEqual({ done: 1, total: 2, ratio: 0.5 });
    expect(await owner.client.projects.list.query({ status: 'archived' })).toEqual([]);

    await owner.client.projects.update.mutate({ id: project.id, status: 'completed' });
    expect((await owner.client.projects.get.query({ id: project.id })).completedAt).not.toBeNull();
    const archived = await owner.client.projects.archive.mutate({ id: project.id });
    expect(archived.status).toBe('archived');
    expect(archived.completedAt, 'a completed project keeps its date when archived').not.toBeNull();
    const reopened = await owner.client.projects.update.mutate({ id: project.id, status: 'active' });
    expect(reopened.completedAt).toBeNull();
  });

  it('deleting a project with tasks needs a choice: delete them or detach them', async () => {
    const project = await owner.client.projects.create.mutate({ name: 'Doomed' });
    const task = await owner.client.tasks.create.mutate({ title: 'survivor', projectId: project.id });
    const refused = await expectCode(owner.client.projects.delete.mutate({ id: project.id }), 'BAD_REQUEST');
    expect(JSON.stringify(refused)).toContain('tasks');
    await owner.client.projects.delete.mutate({ id: project.id, tasks: 'detach' });
    await expectCode(owner.client.projects.get.query({ id: project.id }), 'NOT_FOUND');
    const loose = await owner.client.tasks.list.query({ projectId: null });
    expect(loose.find((t) => t.id === task.id)?.projectId).toBeNull();

    const second = await owner.client.projects.create.mutate({ name: 'Doomed too' });
    const gone = await owner.client.tasks.create.mutate({ title: 'goes with it', projectId: second.id });
    await owner.client.projects.delete.mutate({ id: second.id, tasks: 'delete' });
    expect((await owner.client.tasks.list.query()).find((t) => t.id === gone.id)).toBeUndefined();

    const empty = await owner.client.projects.create.mutate({ name: 'Empty' });
    expect(await owner.client.projects.delete.mutate({ id: empty.id })).toEqual({ ok: true });
  });

  it('a read key lists but cannot create', async () => {
    const { key } = await owner.client.apiKeys.create.mutate({ name: 'reader', scope: 'read' });
    const reader = keyClient(server, key);
    expect(Array.isArray(await reader.projects.list.query())).toBe(true);
    await expectCode(reader.projects.create.mutate({ name: 'nope' }), 'FORBIDDEN');
  });
});
