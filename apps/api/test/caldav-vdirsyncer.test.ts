/**
 * Two-way sync with vdirsyncer (Debian's), the tool behind khal and todoman: Life OS's calendar and inbox against
 * folders of .ics files. An initial sync of a seeded year, a change on each side, deletions on each side, a conflict,
 * and a run after everything settled that changes nothing on either side.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, setupOwner, startTestServer, type TestServer } from './harness.js';

const exec = promisify(execFile);

let server: TestServer;
let owner: BrowserClient;
let dir: string;

function config(conflict: 'null' | '"a wins"' | '"b wins"', key: string) {
  return `[general]
status_path = "${dir}/status/"

[pair lifeos]
a = "local"
b = "server"
collections = ["events", "inbox"]
conflict_resolution = ${conflict}

[storage local]
type = "filesystem"
path = "${dir}/local/"
fileext = ".ics"

[storage server]
type = "caldav"
url = "${server.url}/dav/"
username = "owner"
password = "${key}"
`;
}

let key: string;
async function vdirsyncer(command: 'discover' | 'sync', conflict: 'null' | '"a wins"' | '"b wins"' = 'null') {
  const file = path.join(dir, 'config');
  writeFileSync(file, config(conflict, key));
  try {
    const { stdout, stderr } = await exec('/usr/bin/vdirsyncer', ['-c', file, command], {
      timeout: 120_000,
      env: { ...process.env, HOME: dir, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const localFiles = (collection: string) => readdirSync(path.join(dir, 'local', collection)).sort();
const localText = (collection: string, name: string) => readFileSync(path.join(dir, 'local', collection, name), 'utf8');
const findLocal = (collection: string, needle: string) =>
  localFiles(collection).find((name) => localText(collection, name).includes(needle)) as string;
const snapshot = () =>
  ['events', 'inbox'].flatMap((c) =>
    localFiles(c).map((name) => `${c}/${name}@${statSync(path.join(dir, 'local', c, name)).mtimeMs}`),
  );
const serverRevision = async () =>
  (await server.database.db.selectFrom('davSync').select('revision').executeTakeFirst())?.revision ?? 0;

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  ({ key } = await owner.client.apiKeys.create.mutate({ name: 'vdirsyncer', scope: 'write' }));
  dir = mkdtempSync(path.join(tmpdir(), 'lifeos-vdirsyncer-'));
  mkdirSync(path.join(dir, 'local', 'events'), { recursive: true });
  mkdirSync(path.join(dir, 'local', 'inbox'), { recursive: true });
  // A year of a person's calendar: weekly and monthly series (one with a moved occurrence), and single events.
  for (let week = 0; week < 52; week += 4) {
    const start = new Date(Date.UTC(2026, 0, 5 + week * 7, 9));
    await owner.client.calendar.events.create.mutate({
      title: `Meeting ${week}`,
      start,
      end: new Date(start.getTime() + 3_600_000),
      timezone: 'Europe/Berlin',
    });
  }
  const gym = await owner.client.calendar.events.create.mutate({
    title: 'Gym',
    start: new Date('2026-01-06T17:00:00Z'),
    end: new Date('2026-01-06T18:00:00Z'),
    timezone: 'Europe/Berlin',
    recurrence: { freq: 'weekly', byDay: ['TU', 'TH'] },
  });
  await owner.client.calendar.events.update.mutate({
    id: gym.id,
    scope: 'occurrence',
    occurrenceStart: new Date('2026-01-08T17:00:00Z'),
    start: new Date('2026-01-08T18:00:00Z'),
    end: new Date('2026-01-08T19:00:00Z'),
  });
  await owner.client.calendar.events.create.mutate({
    title: 'Rent',
    allDay: true,
    startDate: '2026-01-01',
    endDate: '2026-01-01',
    timezone: 'UTC',
    recurrence: { freq: 'monthly' },
  });
  for (const title of ['Call the bank', 'Book flights']) await owner.client.tasks.create.mutate({ title });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vdirsyncer against Life OS', () => {
  it('syncs a year down, then a second run changes nothing on either side', async () => {
    expect((await vdirsyncer('discover')).ok).toBe(true);
    const first = await vdirsyncer('sync');
    expect(first.output).not.toMatch(/error|critical/i);
    expect(localFiles('events').length).toBe(13 + 2);
    expect(localFiles('inbox').length).toBe(2);
    const gym = localText('events', findLocal('events', 'SUMMARY:Gym'));
    expect(gym).toContain('RRULE:FREQ=WEEKLY;BYDAY=TU,TH');
    expect(gym).toMatch(/RECURRENCE-ID;TZID=Europe\/Berlin:20260108T180000/);

    const before = { files: snapshot(), revision: await serverRevision() };
    const second = await vdirsyncer('sync');
    expect(second.output).not.toMatch(/Copying|Deleting|Updating|error/i);
    expect({ files: snapshot(), revision: await serverRevision() }).toEqual(before);
  });

  it('carries a change on each side to the other, then settles', async () => {
    const local = findLocal('events', 'SUMMARY:Meeting 8');
    writeFileSync(
      path.join(dir, 'local', 'events', local),
      localText('events', local).replace('SUMMARY:Meeting 8', 'SUMMARY:Meeting 8 (moved to the big room)'),
    );
    const [meeting12] = (
      await owner.client.calendar.events.list.query({
        from: new Date('2026-03-30T00:00:00Z'),
        to: new Date('2026-04-01T00:00:00Z'),
      })
    ).items;
    await owner.client.calendar.events.update.mutate({
      id: meeting12?.eventId as string,
      scope: 'series',
      title: 'Meeting 12 (agenda sent)',
    });
    const sync = await vdirsyncer('sync');
    expect(sync.ok).toBe(true);
    const inLifeOs = await owner.client.calendar.events.list.query({
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
    });
    expect(inLifeOs.items.map((o) => o.title)).toContain('Meeting 8 (moved to the big room)');
    expect(findLocal('events', 'SUMMARY:Meeting 12 (agenda sent)')).toBeDefined();

    // Life OS stores what it was sent in its own words (no ETag on PUT, RFC 4791 §5.3.4): the next run fetches
    // that, and the one after changes nothing.
    await vdirsyncer('sync');
    const settled = { files: snapshot(), revision: await serverRevision() };
    await vdirsyncer('sync');
    expect({ files: snapshot(), revision: await serverRevision() }).toEqual(settled);
  });

  it('deletes on each side', async () => {
    rmSync(path.join(dir, 'local', 'inbox', findLocal('inbox', 'SUMMARY:Book flights')));
    const [rent] = (
      await owner.client.calendar.events.list.query({
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-01-02T00:00:00Z'),
      })
    ).items;
    await owner.client.calendar.events.delete.mutate({ id: rent?.eventId as string, scope: 'series' });
    expect((await vdirsyncer('sync')).ok).toBe(true);
    expect((await owner.client.tasks.list.query({ projectId: null })).map((t) => t.title)).toEqual(['Call the bank']);
    expect(findLocal('events', 'SUMMARY:Rent')).toBeUndefined();
  });

  it('reports a conflict instead of losing either side, and resolves it when told which wins', async () => {
    const local = findLocal('inbox', 'SUMMARY:Call the bank');
    writeFileSync(
      path.join(dir, 'local', 'inbox', local),
      localText('inbox', local).replace('SUMMARY:Call the bank', 'SUMMARY:Call the bank (phone)'),
    );
    const [task] = await owner.client.tasks.list.query({ projectId: null });
    await owner.client.tasks.update.mutate({ id: task?.id as string, title: 'Call the bank (web)' });
    const conflicted = await vdirsyncer('sync');
    expect(conflicted.ok).toBe(false);
    expect(conflicted.output).toMatch(/conflict/i);
    expect(localText('inbox', local)).toContain('Call the bank (phone)');
    expect((await owner.client.tasks.list.query({ projectId: null }))[0]?.title).toBe('Call the bank (web)');

    expect((await vdirsyncer('sync', '"a wins"')).ok).toBe(true);
    expect((await owner.client.tasks.list.query({ projectId: null }))[0]?.title).toBe('Call the bank (phone)');
  });
});
