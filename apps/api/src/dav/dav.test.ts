/**
 * CalDAV over real HTTP, request by request as clients send them: discovery, the Basic challenge, objects with
 * ETags and preconditions, the reports, and what the rest of Life OS sees of it. The real clients (python3-caldav,
 * tsdav, vdirsyncer) have their own tests beside this one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, createUser, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';

let server: TestServer;
let owner: BrowserClient;
let auth: string;
let readAuth: string;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function dav(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { authorization: auth, ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

const EVENTS = '/dav/calendars/owner/events/';

const event = (uid: string, summary: string, extra = '') =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//CalDAV//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261201T000000Z',
    'DTSTART;TZID=Europe/Berlin:20261210T090000',
    'DTEND;TZID=Europe/Berlin:20261210T100000',
    `SUMMARY:${summary}`,
    extra,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ]
    .filter((line) => line !== '')
    .join('\r\n');

const PROPFIND_CTAG = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">
  <d:prop><d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><x:unknown xmlns:x="urn:x-test"/></d:prop></d:propfind>`;

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  const { key } = await owner.client.apiKeys.create.mutate({ name: 'Phone', scope: 'write' });
  auth = basic('owner', key);
  const read = await owner.client.apiKeys.create.mutate({ name: 'Reader', scope: 'read' });
  readAuth = basic('owner', read.key);
});
afterAll(() => server.close());

describe('CalDAV', () => {
  it('is found from the well-known URL and asks for Basic credentials', async () => {
    const wellKnown = await dav('PROPFIND', '/.well-known/caldav', { headers: { authorization: '' } });
    expect(wellKnown.status).toBe(301);
    expect(wellKnown.headers.get('location')).toBe('/dav/');
    const anonymous = await fetch(`${server.url}/dav/`, { method: 'PROPFIND' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="Life OS"/);
    const wrong = await dav('PROPFIND', '/dav/', { headers: { authorization: basic('owner', 'lifeos_nope') } });
    expect(wrong.status).toBe(401);
    const options = await fetch(`${server.url}/dav/`, { method: 'OPTIONS' });
    expect(options.headers.get('dav')).toContain('calendar-access');
  });

  it('leads from the root to the principal, the home and the collections', async () => {
    const root = await (await dav('PROPFIND', '/dav/', { headers: { depth: '0' } })).text();
    expect(root).toContain('<d:current-user-principal><d:href>/dav/principals/owner/</d:href>');
    const principal = await (
      await dav('PROPFIND', '/dav/principals/owner/', {
        headers: { depth: '0' },
        body: '<propfind xmlns="DAV:"><prop><C:calendar-home-set xmlns:C="urn:ietf:params:xml:ns:caldav"/></prop></propfind>',
      })
    ).text();
    expect(principal).toContain('<c:calendar-home-set><d:href>/dav/calendars/owner/</d:href></c:calendar-home-set>');
    await owner.client.projects.create.mutate({ name: 'House' });
    const home = await dav('PROPFIND', '/dav/calendars/owner/', { headers: { depth: '1' }, body: PROPFIND_CTAG });
    expect(home.status).toBe(207);
    const text = await home.text();
    expect(text).toContain(`<d:href>${EVENTS}</d:href>`);
    expect(text).toContain('<d:href>/dav/calendars/owner/inbox/</d:href>');
    expect(text).toContain('<d:displayname>House</d:displayname>');
    // An unknown property is answered 404 in its own propstat, in its own namespace.
    expect(text).toMatch(/<unknown xmlns="urn:x-test"\/><\/d:prop><d:status>HTTP\/1.1 404 Not Found/);
  });

  it('stores a PUT event in Life OS, serves it back with an ETag, and honours If-Match and If-None-Match', async () => {
    const put = await dav('PUT', `${EVENTS}phone-1.ics`, {
      body: event('phone-1@example.com', 'Dentist'),
      headers: { 'content-type': 'text/calendar; charset=utf-8', 'if-none-match': '*' },
    });
    expect(put.status).toBe(201);
    const listed = await owner.client.calendar.events.list.query({
      from: new Date('2026-12-10T00:00:00Z'),
      to: new Date('2026-12-11T00:00:00Z'),
    });
    expect(listed.items.map((o) => [o.title, o.start.toISOString()])).toEqual([
      ['Dentist', '2026-12-10T08:00:00.000Z'],
    ]);

    const got = await dav('GET', `${EVENTS}phone-1.ics`);
    expect(got.status).toBe(200);
    const etag = got.headers.get('etag') as string;
    expect(etag).toMatch(/^"\d+"$/);
    expect(await got.text()).toContain('UID:phone-1@example.com');

    const again = await dav('PUT', `${EVENTS}phone-1.ics`, {
      body: event('phone-1@example.com', 'Dentist'),
      headers: { 'content-type': 'text/calendar', 'if-none-match': '*' },
    });
    expect(again.status).toBe(412);
    const stale = await dav('PUT', `${EVENTS}phone-1.ics`, {
      body: event('phone-1@example.com', 'Dentist (moved)'),
      headers: { 'content-type': 'text/calendar', 'if-match': '"999999"' },
    });
    expect(stale.status).toBe(412);
    const update = await dav('PUT', `${EVENTS}phone-1.ics`, {
      body: event('phone-1@example.com', 'Dentist (moved)'),
      headers: { 'content-type': 'text/calendar', 'if-match': etag },
    });
    expect(update.status).toBe(204);
    const after = await dav('GET', `${EVENTS}phone-1.ics`);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.text()).toContain('SUMMARY:Dentist (moved)');

    // An edit in the web app is what the phone reads next, though the text it read before was kept for reuse.
    const [moved] = (
      await owner.client.calendar.events.list.query({
        from: new Date('2026-12-10T00:00:00Z'),
        to: new Date('2026-12-11T00:00:00Z'),
      })
    ).items;
    await owner.client.calendar.events.update.mutate({ id: moved?.eventId as string, title: 'Dentist (web)' });
    const edited = await dav('GET', `${EVENTS}phone-1.ics`);
    expect(edited.headers.get('etag')).not.toBe(after.headers.get('etag'));
    expect(await edited.text()).toContain('SUMMARY:Dentist (web)');
  });

  it('refuses what it cannot store with the CalDAV precondition, and changes nothing', async () => {
    const todo = await dav('PUT', `${EVENTS}todo.ics`, {
      body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:t1\r\nSUMMARY:x\r\nEND:VTODO\r\nEND:VCALENDAR\r\n',
      headers: { 'content-type': 'text/calendar' },
    });
    expect(todo.status).toBe(403);
    expect(await todo.text()).toContain('<c:supported-calendar-component/>');
    const hourly = await dav('PUT', `${EVENTS}hourly.ics`, {
      body: event('hourly@example.com', 'Every hour', 'RRULE:FREQ=HOURLY'),
      headers: { 'content-type': 'text/calendar' },
    });
    expect(hourly.status).toBe(403);
    expect(await hourly.text()).toContain('<c:valid-calendar-data/>');
    const clash = await dav('PUT', `${EVENTS}other-name.ics`, {
      body: event('phone-1@example.com', 'Same UID'),
      headers: { 'content-type': 'text/calendar' },
    });
    expect(clash.status).toBe(403);
    expect(await clash.text()).toContain('<c:no-uid-conflict/>');
    expect((await dav('GET', `${EVENTS}hourly.ics`)).status).toBe(404);
    const xml = await dav('PROPFIND', EVENTS, { body: '<d:propfind xmlns:d="DAV:"><d:prop>' });
    expect(xml.status).toBe(400);
  });

  it('answers calendar-query by time range (a series begun long before matches), multiget and sync-collection', async () => {
    await dav('PUT', `${EVENTS}weekly.ics`, {
      body: event('weekly@example.com', 'Weekly', 'RRULE:FREQ=WEEKLY').replace(/20261210/g, '20200102'),
      headers: { 'content-type': 'text/calendar' },
    });
    const query = (start: string, end: string) =>
      dav('REPORT', EVENTS, {
        headers: { depth: '1' },
        body: `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>
          <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
          <c:time-range start="${start}" end="${end}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`,
      }).then((r) => r.text());
    const december = await query('20261207T000000Z', '20261214T000000Z');
    expect(december).toContain('weekly.ics');
    expect(december).toContain('phone-1.ics');
    const nothingThen = await query('20190101T000000Z', '20190201T000000Z');
    expect(nothingThen).not.toContain('.ics');

    const multiget = await (
      await dav('REPORT', EVENTS, {
        body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
          <d:prop><d:getetag/><c:calendar-data/></d:prop>
          <d:href>${EVENTS}weekly.ics</d:href><d:href>${EVENTS}missing.ics</d:href></c:calendar-multiget>`,
      })
    ).text();
    expect(multiget).toContain('RRULE:FREQ=WEEKLY');
    expect(multiget).toMatch(/missing\.ics<\/d:href><d:status>HTTP\/1.1 404/);

    const sync = (token: string) =>
      dav('REPORT', EVENTS, {
        body: `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level>
          <d:prop><d:getetag/></d:prop></d:sync-collection>`,
      }).then((r) => r.text());
    const first = await sync('');
    const token = /<d:sync-token>([^<]+)<\/d:sync-token><\/d:multistatus>/.exec(first)?.[1] as string;
    expect(token).toMatch(/^urn:x-lifeos:sync:\d+$/);
    expect(await sync(token)).not.toContain('<d:response>');

    // A change in the web app and a deletion over CalDAV both reach the next sync.
    await owner.client.calendar.events.create.mutate({
      title: 'From the web',
      start: new Date('2026-12-11T09:00:00Z'),
      end: new Date('2026-12-11T10:00:00Z'),
      timezone: 'UTC',
    });
    expect((await dav('DELETE', `${EVENTS}weekly.ics`)).status).toBe(204);
    const next = await sync(token);
    expect(next).toMatch(/weekly\.ics<\/d:href><d:status>HTTP\/1.1 404/);
    expect(next).toMatch(/%40lifeos\.ics<\/d:href><d:propstat>/);
    const bad = await dav('REPORT', EVENTS, {
      body: '<d:sync-collection xmlns:d="DAV:"><d:sync-token>http://elsewhere/1</d:sync-token><d:prop/></d:sync-collection>',
    });
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('<d:valid-sync-token/>');
  });

  it('expands a series into its instances in UTC, or limits it to the changed occurrences in range, when asked', async () => {
    const body = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:yoga@example.com',
      'DTSTART;TZID=Europe/Berlin:20261201T180000',
      'DTEND;TZID=Europe/Berlin:20261201T190000',
      'RRULE:FREQ=WEEKLY',
      'SUMMARY:Yoga',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'TRIGGER:-PT15M',
      'END:VALARM',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:yoga@example.com',
      'RECURRENCE-ID;TZID=Europe/Berlin:20261208T180000',
      'DTSTART;TZID=Europe/Berlin:20261208T200000',
      'DTEND;TZID=Europe/Berlin:20261208T210000',
      'SUMMARY:Yoga (late)',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:yoga@example.com',
      'RECURRENCE-ID;TZID=Europe/Berlin:20270105T180000',
      'DTSTART;TZID=Europe/Berlin:20270105T170000',
      'DTEND;TZID=Europe/Berlin:20270105T180000',
      'SUMMARY:Yoga (early)',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    expect((await dav('PUT', `${EVENTS}yoga.ics`, { body, headers: { 'content-type': 'text/calendar' } })).status).toBe(
      201,
    );
    const report = (data: string) =>
      dav('REPORT', EVENTS, {
        body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
          <d:prop><c:calendar-data>${data}</c:calendar-data></d:prop><d:href>${EVENTS}yoga.ics</d:href></c:calendar-multiget>`,
      }).then((r) => r.text());
    const expanded = await report('<c:expand start="20261207T000000Z" end="20261221T000000Z"/>');
    expect(expanded).not.toContain('RRULE');
    expect(expanded.match(/BEGIN:VEVENT/g)?.length).toBe(2);
    expect(expanded).toContain('RECURRENCE-ID:20261208T170000Z');
    expect(expanded).toContain('DTSTART:20261208T190000Z');
    expect(expanded).toContain('RECURRENCE-ID:20261215T170000Z');
    expect(expanded).toContain('DTSTART:20261215T170000Z');
    expect(expanded).toContain('TRIGGER:-PT15M');
    const limited = await report('<c:limit-recurrence-set start="20261207T000000Z" end="20261221T000000Z"/>');
    expect(limited).toContain('RRULE:FREQ=WEEKLY');
    expect(limited).toContain('Yoga (late)');
    expect(limited).not.toContain('Yoga (early)');
    const bad = await dav('REPORT', EVENTS, {
      body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data>
        <c:expand start="20261207T000000Z"/></c:calendar-data></d:prop><d:href>${EVENTS}yoga.ics</d:href></c:calendar-multiget>`,
    });
    expect(bad.status).toBe(400);
  });

  it('answers a multiget of thousands of hrefs, as vdirsyncer sends at its first sync', async () => {
    const hrefs = Array.from({ length: 3_000 }, (_, i) => `<d:href>${EVENTS}gone-${i}.ics</d:href>`).join('');
    const response = await dav('REPORT', EVENTS, {
      body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>${hrefs}</c:calendar-multiget>`,
    });
    expect(response.status).toBe(207);
    expect((await response.text()).match(/HTTP\/1.1 404/g)?.length).toBe(3_000);
  });

  it('keeps tasks as VTODOs: a task made on the phone is a Life OS task, ticking a repeating one makes the next', async () => {
    const todo = (status: string) =>
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Test//Reminders//EN',
        'BEGIN:VTODO',
        'UID:water-plants',
        'DTSTAMP:20261201T000000Z',
        'SUMMARY:Water the plants',
        'DUE;VALUE=DATE:20261208',
        'RRULE:FREQ=WEEKLY',
        'PRIORITY:1',
        'CATEGORIES:Home',
        `STATUS:${status}`,
        'X-APPLE-SORT-ORDER:42',
        'END:VTODO',
        'END:VCALENDAR',
        '',
      ].join('\r\n');
    const inbox = '/dav/calendars/owner/inbox/';
    const created = await dav('PUT', `${inbox}plants.ics`, {
      body: todo('NEEDS-ACTION'),
      headers: { 'content-type': 'text/calendar' },
    });
    expect(created.status).toBe(201);
    const [task] = await owner.client.tasks.list.query({ projectId: null });
    expect(task).toMatchObject({ title: 'Water the plants', dueDate: '2026-12-08', priority: 3, labels: ['home'] });
    const token = /<d:sync-token>([^<]+)</.exec(
      await (
        await dav('REPORT', inbox, {
          body: '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:prop><d:getetag/></d:prop></d:sync-collection>',
        })
      ).text(),
    )?.[1] as string;

    const ticked = await dav('PUT', `${inbox}plants.ics`, {
      body: todo('COMPLETED'),
      headers: { 'content-type': 'text/calendar' },
    });
    expect(ticked.status).toBe(204);
    const tasks = await owner.client.tasks.list.query({ projectId: null });
    expect(tasks.map((t) => [t.status, t.dueDate])).toEqual([
      ['done', '2026-12-08'],
      ['todo', '2026-12-15'],
    ]);
    const text = await (await dav('GET', `${inbox}plants.ics`)).text();
    expect(text).toContain('STATUS:COMPLETED');
    expect(text).toContain('X-APPLE-SORT-ORDER:42');
    const next = tasks[1] as { id: string };
    const changes = await (
      await dav('REPORT', inbox, {
        body: `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:prop><d:getetag/></d:prop></d:sync-collection>`,
      })
    ).text();
    expect(changes).toContain('plants.ics');
    expect(changes).toContain(`${next.id}.ics`);
    // An edit in the web app reaches the phone's copy.
    await owner.client.tasks.update.mutate({ id: next.id, title: 'Water the plants (and the herbs)' });
    expect(await (await dav('GET', `${inbox}${next.id}.ics`)).text()).toContain(
      'SUMMARY:Water the plants (and the herbs)',
    );
    const event = await dav('PUT', `${inbox}event.ics`, {
      body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:e\r\nDTSTART:20261201T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
      headers: { 'content-type': 'text/calendar' },
    });
    expect(event.status).toBe(403);
    expect(await event.text()).toContain('<c:supported-calendar-component/>');
    expect((await dav('DELETE', `${inbox}${next.id}.ics`)).status).toBe(204);
    expect((await owner.client.tasks.list.query({ projectId: null })).length).toBe(1);
  });

  it('renames and recolours a project through its task list (PROPPATCH), and keeps the calendar its own', async () => {
    const [project] = await owner.client.projects.list.query({});
    const patch = (path: string, props: string) =>
      dav('PROPPATCH', path, {
        body: `<d:propertyupdate xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/"><d:set><d:prop>${props}</d:prop></d:set></d:propertyupdate>`,
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const renamed = await patch(
      `/dav/calendars/owner/${project?.id}/`,
      '<d:displayname>House &amp; garden</d:displayname><a:calendar-color>#22AA55FF</a:calendar-color>',
    );
    expect(renamed.status).toBe(207);
    expect(renamed.text).toContain('HTTP/1.1 200 OK');
    expect(await owner.client.projects.get.query({ id: project?.id as string })).toMatchObject({
      name: 'House & garden',
      color: '#22AA55',
    });
    const mixed = await patch(
      `/dav/calendars/owner/${project?.id}/`,
      '<d:displayname>Nope</d:displayname><x:y xmlns:x="urn:x"/>',
    );
    expect(mixed.text).toMatch(/<d:displayname\/><\/d:prop><d:status>HTTP\/1.1 424/);
    expect(mixed.text).toMatch(/<y xmlns="urn:x"\/><\/d:prop><d:status>HTTP\/1.1 403/);
    expect((await owner.client.projects.get.query({ id: project?.id as string })).name).toBe('House & garden');
    const calendar = await patch(EVENTS, '<d:displayname>Mine</d:displayname>');
    expect(calendar.text).toContain('HTTP/1.1 403');
  });

  it('holds a key to its per-module permissions: no calendar, or tasks read-only', async () => {
    const noCalendar = await owner.client.apiKeys.create.mutate({
      name: 'Tasks only',
      scope: 'write',
      modules: { calendar: 'none' },
    });
    const tasksOnly = { authorization: basic('owner', noCalendar.key) };
    const home = await (
      await dav('PROPFIND', '/dav/calendars/owner/', { headers: { ...tasksOnly, depth: '1' } })
    ).text();
    expect(home).toContain('/dav/calendars/owner/inbox/');
    expect(home).not.toContain('/dav/calendars/owner/events/');
    expect((await dav('GET', `${EVENTS}phone-1.ics`, { headers: tasksOnly })).status).toBe(404);
    expect((await dav('PROPFIND', EVENTS, { headers: { ...tasksOnly, depth: '0' } })).status).toBe(404);
    expect(
      (
        await dav('PUT', `${EVENTS}sneaky.ics`, {
          body: event('sneaky@example.com', 'Nope'),
          headers: { ...tasksOnly, 'content-type': 'text/calendar' },
        })
      ).status,
    ).toBe(404);

    const readTasks = await owner.client.apiKeys.create.mutate({
      name: 'Calendar writer',
      scope: 'write',
      modules: { tasks: 'read' },
    });
    const calendarWriter = { authorization: basic('owner', readTasks.key) };
    const todo =
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\nUID:todo-perm@example.com\r\nSUMMARY:Nope\r\nEND:VTODO\r\nEND:VCALENDAR\r\n';
    const refused = await dav('PUT', '/dav/calendars/owner/inbox/todo-perm.ics', {
      body: todo,
      headers: { ...calendarWriter, 'content-type': 'text/calendar' },
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This API key may only read tasks');
    const inbox = await dav('PROPFIND', '/dav/calendars/owner/inbox/', {
      headers: { ...calendarWriter, depth: '0' },
      body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>',
    });
    expect(inbox.status).toBe(207);
    expect(await inbox.text()).not.toContain('write-content');
    const created = await dav('PUT', `${EVENTS}perm-1.ics`, {
      body: event('perm-1@example.com', 'Allowed'),
      headers: { ...calendarWriter, 'content-type': 'text/calendar' },
    });
    expect(created.status).toBe(201);
    expect((await owner.client.tasks.list.query({})).some((t) => t.title === 'Nope')).toBe(false);
  });

  it('gives a read key read-only collections, and another user nothing', async () => {
    const write = await dav('PUT', `${EVENTS}reader.ics`, {
      body: event('reader@example.com', 'Nope'),
      headers: { authorization: readAuth, 'content-type': 'text/calendar' },
    });
    expect(write.status).toBe(403);
    const read = await dav('GET', `${EVENTS}phone-1.ics`, { headers: { authorization: readAuth } });
    expect(read.status).toBe(200);

    await createUser(server, { username: 'mallory', email: 'm@example.com', password: 'correct horse battery staple' });
    const mallory = await (await import('../../test/harness.js')).browserClient(server);
    await mallory.client.auth.login.mutate({ identifier: 'mallory', password: 'correct horse battery staple' });
    const { key } = await mallory.client.apiKeys.create.mutate({ name: 'm', scope: 'write' });
    const theirs = { authorization: basic('mallory', key) };
    expect((await dav('GET', `${EVENTS}phone-1.ics`, { headers: theirs })).status).toBe(404);
    expect((await dav('PROPFIND', '/dav/calendars/owner/', { headers: theirs })).status).toBe(404);
    const own = await (await dav('GET', '/dav/calendars/mallory/events/phone-1.ics', { headers: theirs })).status;
    expect(own).toBe(404);
    // The owner's project is no task list of theirs, under their own name either.
    const [project] = await owner.client.projects.list.query({});
    const list = `/dav/calendars/mallory/${project?.id}/`;
    expect((await dav('PROPFIND', list, { headers: { ...theirs, depth: '0' } })).status).toBe(404);
    const ownList = `/dav/calendars/owner/${project?.id}/`;
    expect((await dav('PROPFIND', ownList, { headers: { depth: '0' }, body: PROPFIND_CTAG })).status).toBe(207);
    // The owner's key does not open with another username.
    expect(
      (await dav('PROPFIND', '/dav/', { headers: { authorization: basic('mallory', auth.slice(6)) } })).status,
    ).toBe(401);
  });
});
