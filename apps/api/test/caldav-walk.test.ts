/**
 * The router walk for CalDAV: every method on every kind of DAV resource, as each kind of caller — nobody, a wrong
 * password, another user with a valid key, a read-only key. Nobody gets a 401 challenge, another user finds none of
 * the owner's resources (404, never their data), a read key writes nothing; wrong passwords are throttled per address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserClient, createUser, setupOwner, startTestServer, type TestServer } from './harness.js';

const METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PROPFIND', 'PROPPATCH', 'REPORT', 'MKCALENDAR', 'MKCOL'];
const WRITES = new Set(['PUT', 'DELETE', 'PROPPATCH', 'MKCALENDAR', 'MKCOL']);
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let server: TestServer;
let ownerWrite: string;
let ownerRead: string;
let mallory: string;
let malloryKey: string;
let paths: string[];

const BODIES: Record<string, string> = {
  PUT: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:walk\r\nDTSTART:20261201T100000Z\r\nSUMMARY:w\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
  PROPFIND: '<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>',
  PROPPATCH:
    '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>x</d:displayname></d:prop></d:set></d:propertyupdate>',
  REPORT:
    '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>',
};

function call(method: string, path: string, authorization?: string) {
  return fetch(`${server.url}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(authorization ? { authorization } : {}),
      depth: '1',
      'content-type': method === 'PUT' ? 'text/calendar' : 'application/xml',
    },
    ...(BODIES[method] ? { body: BODIES[method] } : {}),
  });
}

beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_PER_IP: '400' } });
  const owner = await setupOwner(server);
  ownerWrite = basic('owner', (await owner.client.apiKeys.create.mutate({ name: 'w', scope: 'write' })).key);
  ownerRead = basic('owner', (await owner.client.apiKeys.create.mutate({ name: 'r', scope: 'read' })).key);
  const project = await owner.client.projects.create.mutate({ name: 'Walk' });
  const task = await owner.client.tasks.create.mutate({ title: 'Secret task', projectId: project.id });
  const event = await owner.client.calendar.events.create.mutate({
    title: 'Secret event',
    start: new Date('2026-12-01T10:00:00Z'),
    end: new Date('2026-12-01T11:00:00Z'),
    timezone: 'UTC',
  });
  const { icsUid } = await server.database.db
    .selectFrom('events')
    .select('icsUid')
    .where('id', '=', event.id)
    .executeTakeFirstOrThrow();
  await createUser(server, { username: 'mallory', email: 'm@example.com', password: 'correct horse battery staple' });
  const other = browserClient(server);
  await other.client.auth.login.mutate({ identifier: 'mallory', password: 'correct horse battery staple' });
  malloryKey = (await other.client.apiKeys.create.mutate({ name: 'm', scope: 'write' })).key;
  mallory = basic('mallory', malloryKey);
  const home = '/dav/calendars/owner/';
  paths = [
    home,
    `${home}events/`,
    `${home}events/${encodeURIComponent(icsUid)}.ics`,
    `${home}inbox/`,
    `${home}${project.id}/`,
    `${home}${project.id}/${task.id}.ics`,
    '/dav/principals/owner/',
  ];
});
afterAll(() => server.close());

describe('CalDAV walk', () => {
  it('answers every method on every resource with a 401 challenge to callers without a valid password', async () => {
    for (const path of ['/dav/', ...paths]) {
      for (const method of METHODS) {
        // Nobody, a wrong password, and another user's valid key under the owner's name.
        for (const authorization of [undefined, basic('owner', 'lifeos_wrong'), basic('owner', malloryKey)]) {
          const response = await call(method, path, authorization);
          expect(response.status, `${method} ${path}`).toBe(401);
          expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="Life OS"/);
        }
      }
    }
  });

  it("shows another user none of the owner's resources, whatever the method", async () => {
    for (const path of paths) {
      for (const method of METHODS) {
        const response = await call(method, path, mallory);
        const text = await response.text();
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(text).not.toMatch(/Secret|Walk/);
      }
    }
    // Through hrefs in a body, against the caller's own collection: nothing of the owner's either.
    const multiget = await fetch(`${server.url}/dav/calendars/mallory/events/`, {
      method: 'REPORT',
      headers: { authorization: mallory, 'content-type': 'application/xml' },
      body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop>${paths
        .map((p) => `<d:href>${p}</d:href>`)
        .join('')}</c:calendar-multiget>`,
    });
    expect(multiget.status).toBe(207);
    const answer = await multiget.text();
    expect(answer).not.toContain('Secret');
    // Each of the owner's hrefs is answered 404, not resolved in the caller's own collection.
    expect(answer.match(/<d:status>HTTP\/1.1 404 Not Found<\/d:status><\/d:response>/g)?.length).toBe(paths.length);
  });

  it('lets a read key read everything and write nothing', async () => {
    for (const path of paths) {
      for (const method of METHODS) {
        const response = await call(method, path, ownerRead);
        if (WRITES.has(method)) {
          expect(response.status, `${method} ${path}`).toBe(403);
          expect(await response.text()).toContain('need-privileges');
        } else {
          expect(response.status, `${method} ${path}`).toBeLessThan(500);
          expect(response.status, `${method} ${path}`).not.toBe(401);
        }
      }
    }
    const listed = await (await call('PROPFIND', '/dav/calendars/owner/events/', ownerRead)).text();
    expect(listed).toContain('<d:privilege><d:read/></d:privilege>');
    expect(listed).not.toContain('<d:write/>');
  });

  it('never answers 5xx to the owner, whatever the method', async () => {
    for (const path of ['/dav/', '/dav/principals/', ...paths]) {
      for (const method of METHODS) {
        const response = await call(method, path, ownerWrite);
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
      }
    }
  });
});

describe('CalDAV password throttle', () => {
  it('answers 429 with Retry-After once an address has sent too many wrong passwords', async () => {
    const throttled = await startTestServer({ env: { LOGIN_MAX_PER_IP: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${throttled.url}/dav/`, {
          method: 'PROPFIND',
          headers: { authorization: basic('owner', `lifeos_guess${i}`) },
        });
        statuses.push(response.status);
        if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await throttled.close();
    }
  });
});
