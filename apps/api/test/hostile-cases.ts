/**
 * The pathological inputs of the robustness issue, as requests a hostile or merely odd client sends to a running
 * server. Shared by `hostile.test.ts` (a real server process, its stalls seen from outside by polling
 * /api/health) and `bench/hostile.ts` (the server in-process, its event-loop delay measured by perf_hooks).
 *
 * Each case says which answer is acceptable: a clear 4xx, or a 2xx whose content shows the input was bounded (a
 * flagged, truncated answer; a report that lists what was skipped). What the case costs the server (time, stall,
 * memory) is measured by the caller.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureRow, eventRow, exportDocument, rowUuid, taskRow } from './export-documents.js';

export interface HostileTarget {
  /** The server's base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The username the API key belongs to (CalDAV's Basic auth names it). */
  username: string;
  /** A write-scoped API key of a user whose data the cases may fill. */
  apiKey: string;
  /** Serves `body` on loopback and returns its URL (for subscribed calendars). */
  serve(body: string): Promise<string>;
}

export interface HostileOutcome {
  status: number;
  /** The answer's text (cut at TEXT_KEPT). */
  text: string;
}

export interface HostileCase {
  name: string;
  /** The hostile request itself. */
  run: (target: HostileTarget) => Promise<HostileOutcome>;
  /** What is wrong with the answer, or null when it is one a robust server gives. */
  check: (outcome: HostileOutcome) => string | null;
  /** How long the case may take; a hostile request must end within 2 s, seeding may take longer. */
  maxMs?: number;
}

export const HOSTILE_REQUEST_MAX_MS = 2_000;

/** Answers are bounded (a few MB at most); kept whole up to this, so a flag at their end is seen. */
const TEXT_KEPT = 16 * 1024 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json', 'x-lifeos-csrf': '1' };

async function outcomeOf(response: Response): Promise<HostileOutcome> {
  const text = await response.text();
  return { status: response.status, text: text.slice(0, TEXT_KEPT) };
}

function auth(target: HostileTarget) {
  return { authorization: `Bearer ${target.apiKey}` };
}

/** superjson's envelope for an input: `Date` values named in `dates` (dotted paths) are tagged as dates. */
function envelope(input: unknown, dates: string[] = []) {
  return JSON.stringify(
    dates.length === 0
      ? { json: input }
      : { json: input, meta: { values: Object.fromEntries(dates.map((path) => [path, ['Date']])) } },
  );
}

export function mutation(target: HostileTarget, procedure: string, input: unknown, dates: string[] = []) {
  return fetch(`${target.url}/trpc/${procedure}`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...auth(target) },
    body: envelope(input, dates),
  }).then(outcomeOf);
}

export function query(target: HostileTarget, procedure: string, input: unknown, dates: string[] = []) {
  const encoded = encodeURIComponent(envelope(input, dates));
  return fetch(`${target.url}/trpc/${procedure}?input=${encoded}`, { headers: auth(target) }).then(outcomeOf);
}

/** A CalDAV request with Basic auth (the username and the API key as its password). */
export function dav(
  target: HostileTarget,
  method: string,
  path: string,
  options: { body?: string; depth?: string; type?: string } = {},
) {
  return fetch(`${target.url}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${target.username}:${target.apiKey}`).toString('base64')}`,
      'content-type': options.type ?? 'application/xml',
      ...(options.depth ? { depth: options.depth } : {}),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  }).then(outcomeOf);
}

/** POST /api/data/import with a body produced piece by piece, as a client streaming a file would send it. */
export function importBody(target: HostileTarget, pieces: () => Iterable<string | Buffer>, mode = 'merge') {
  return new Promise<HostileOutcome>((resolve, reject) => {
    const url = new URL(`/api/data/import?mode=${mode}`, target.url);
    const request = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...auth(target) },
    });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (text.length < TEXT_KEPT) text += chunk;
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, text: text.slice(0, TEXT_KEPT) });
        request.destroy();
      });
    });
    // A server that refuses early may close the connection while we still send: that is the point.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const iterator = pieces()[Symbol.iterator]();
    const pump = () => {
      while (!answered) {
        const next = iterator.next();
        if (next.done) {
          request.end();
          return;
        }
        if (!request.write(next.value)) {
          request.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

let rows = 0;
/** Distinct row ids across every document the cases send (a merge import must not meet an id twice). */
const nextId = () => rowUuid(9, ++rows);

function seriesRow(rrule: string | null, title = `Series ${rrule ?? 'single'}`) {
  return eventRow(nextId(), { title, rrule, timezone: 'Europe/Berlin' });
}

/** An .ics calendar of the given VEVENT bodies (each a list of content lines). */
export function icsCalendar(events: string[][]) {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Life OS//hostile cases//EN'];
  for (const event of events) lines.push('BEGIN:VEVENT', ...event, 'END:VEVENT');
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

function vevent(uid: string, rrule: string | null, summary = uid) {
  return [
    `UID:${uid}`,
    'DTSTAMP:20260101T000000Z',
    'DTSTART:20260105T090000Z',
    'DTEND:20260105T100000Z',
    `SUMMARY:${summary}`,
    ...(rrule ? [`RRULE:${rrule}`] : []),
  ];
}

/** Rules that never produce an occurrence: walking them looks for one until the year 9999. */
export const NEVER_DAILY = 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30';
export const NEVER_HOURLY = 'FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=31';

const is4xx = (outcome: HostileOutcome) => outcome.status >= 400 && outcome.status < 500;
const expect4xx = (outcome: HostileOutcome) =>
  is4xx(outcome) ? null : `expected a 4xx, got ${outcome.status}: ${outcome.text.slice(0, 300)}`;

function parsed(outcome: HostileOutcome): unknown {
  try {
    return JSON.parse(outcome.text);
  } catch {
    return undefined;
  }
}

/** tRPC's answer data (superjson's `json`) of a single call. */
function data(outcome: HostileOutcome): Record<string, unknown> | undefined {
  const body = parsed(outcome) as { result?: { data?: { json?: unknown } } } | undefined;
  return body?.result?.data?.json as Record<string, unknown> | undefined;
}

/** Whether an answer says, somewhere in it, that it was cut (`"truncated": true` or a truncated object). */
function flaggedTruncated(outcome: HostileOutcome) {
  return /"truncated":\s*(true|\{)/.test(outcome.text);
}

const nextWeek = { from: '2026-12-07T00:00:00.000Z', to: '2026-12-14T00:00:00.000Z' };
const maxRange = { from: '2026-01-01T00:00:00.000Z', to: '2027-02-05T00:00:00.000Z' };

function* repeated(head: string, unit: string, count: number, tail: string) {
  yield head;
  const chunk = unit.repeat(Math.max(1, Math.floor((64 * 1024) / unit.length)));
  const perChunk = chunk.length / unit.length;
  let left = count;
  while (left >= perChunk) {
    yield chunk;
    left -= perChunk;
  }
  if (left > 0) yield unit.repeat(left);
  yield tail;
}

export const HOSTILE_CASES: HostileCase[] = [
  {
    name: '.ics import: never-matching DAILY and HOURLY rules beside a good event',
    run: (target) =>
      mutation(target, 'calendar.importIcs', {
        ics: icsCalendar([
          vevent('never-daily@hostile', NEVER_DAILY),
          vevent('never-hourly@hostile', NEVER_HOURLY),
          vevent('weekly@hostile', 'FREQ=WEEKLY;COUNT=4'),
        ]),
      }),
    check: (outcome) => {
      const report = data(outcome) as { imported?: number; skipped?: unknown[] } | undefined;
      if (outcome.status !== 200 || !report) return `expected a report, got ${outcome.status}: ${outcome.text}`;
      if (report.imported !== 1) return `expected the one good event imported, got ${JSON.stringify(report)}`;
      if ((report.skipped?.length ?? 0) < 2) return `expected both hostile events skipped, got ${outcome.text}`;
      return null;
    },
  },
  {
    name: 'JSON import: SECONDLY, HOURLY and never-matching series each reported failed',
    run: (target) => {
      const doc = exportDocument({
        events: [
          seriesRow('FREQ=SECONDLY'),
          seriesRow(NEVER_HOURLY),
          seriesRow(NEVER_DAILY),
          seriesRow('FREQ=WEEKLY;BYDAY=MO'),
        ],
        tasks: [
          taskRow(nextId(), { title: 'Never', rrule: NEVER_DAILY }),
          taskRow(nextId(), { title: 'Garbage', rrule: 'FREQ=NONSENSE;;' }),
        ],
      });
      return importBody(target, () => [JSON.stringify(doc)]);
    },
    check: (outcome) => {
      const report = parsed(outcome) as { failuresTotal?: number; counts?: Record<string, { created?: number }> };
      if (outcome.status !== 200 || !report) return `expected a report, got ${outcome.status}: ${outcome.text}`;
      if ((report.failuresTotal ?? 0) < 5) return `expected the five hostile rows failed, got ${outcome.text}`;
      if (report.counts?.events?.created !== 1) return `expected the weekly series created, got ${outcome.text}`;
      return null;
    },
  },
  {
    name: 'events list of the next week after the hostile imports',
    run: (target) => query(target, 'calendar.events.list', nextWeek, ['from', 'to']),
    check: (outcome) => (outcome.status === 200 ? null : `expected 200, got ${outcome.status}: ${outcome.text}`),
  },
  {
    name: 'tasks.complete on every imported task (none may answer 500)',
    maxMs: 5_000,
    run: async (target) => {
      const list = await query(target, 'tasks.list', {});
      const ids = [...list.text.matchAll(/"id":"([0-9a-f-]{36})"/g)].map((match) => match[1]);
      for (const id of ids) {
        const done = await mutation(target, 'tasks.complete', { id });
        if (done.status >= 500) return done;
      }
      return { status: 200, text: `completed ${ids.length}` };
    },
    check: (outcome) => (outcome.status < 500 ? null : `a task answered ${outcome.status}: ${outcome.text}`),
  },
  {
    name: 'subscribed calendar serving never-matching rules',
    run: async (target) => {
      const url = await target.serve(
        icsCalendar([vevent('sub-never@hostile', NEVER_HOURLY), vevent('sub-ok@hostile', 'FREQ=DAILY;COUNT=3')]),
      );
      return mutation(target, 'calendar.subscriptions.add', { name: 'Hostile feed', url });
    },
    check: (outcome) => (outcome.status < 500 ? null : `expected no 5xx, got ${outcome.status}: ${outcome.text}`),
  },
  {
    name: 'event every 48 months on the fifth Monday (never occurs)',
    run: (target) =>
      mutation(
        target,
        'calendar.events.create',
        {
          // Februaries four years apart from 2025 never have a leap day, so never five Mondays.
          title: 'Never',
          start: '2025-02-03T09:00:00.000Z',
          end: '2025-02-03T10:00:00.000Z',
          timezone: 'UTC',
          recurrence: { freq: 'monthly', interval: 48, byDay: ['5MO'] },
        },
        ['start', 'end'],
      ),
    check: (outcome) =>
      outcome.status === 400 ? null : `expected 400 naming the rule, got ${outcome.status}: ${outcome.text}`,
  },
  {
    name: 'JSON import of 5,000 daily series',
    maxMs: 15_000,
    run: (target) =>
      importBody(target, () => [
        JSON.stringify(
          exportDocument({ events: Array.from({ length: 5_000 }, () => seriesRow('FREQ=DAILY', 'Daily')) }),
        ),
      ]),
    check: (outcome) => (outcome.status === 200 ? null : `expected 200, got ${outcome.status}: ${outcome.text}`),
  },
  {
    name: 'events list over the longest range with 5,000 daily series',
    run: (target) => query(target, 'calendar.events.list', maxRange, ['from', 'to']),
    check: (outcome) =>
      outcome.status === 200 && flaggedTruncated(outcome)
        ? null
        : `expected a 200 flagged truncated, got ${outcome.status}: ${outcome.text.slice(0, 300)}`,
  },
  {
    name: 'dashboard with 5,000 daily series',
    run: (target) => query(target, 'dashboard.today', undefined),
    check: (outcome) =>
      outcome.status === 200 && flaggedTruncated(outcome)
        ? null
        : `expected a 200 flagged truncated, got ${outcome.status}: ${outcome.text.slice(0, 300)}`,
  },
  {
    name: "CalDAV PROPFIND Depth 1 of the calendar with 5,000 daily series, with every event's text",
    maxMs: 10_000,
    run: (target) =>
      dav(target, 'PROPFIND', `/dav/calendars/${target.username}/events/`, {
        depth: '1',
        body: '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop></d:propfind>',
      }),
    check: (outcome) =>
      outcome.status === 207 && (outcome.text.match(/<d:response>/g) ?? []).length > 5_000
        ? null
        : `expected a 207 with every event, got ${outcome.status}: ${outcome.text.slice(0, 300)}`,
  },
  {
    name: 'CalDAV calendar-query over 400 days with 5,000 daily series',
    maxMs: 10_000,
    run: (target) =>
      dav(target, 'REPORT', `/dav/calendars/${target.username}/events/`, {
        depth: '1',
        body: `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>
          <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
          <c:time-range start="20260101T000000Z" end="20270205T000000Z"/></c:comp-filter></c:comp-filter></c:filter>
          </c:calendar-query>`,
      }),
    check: (outcome) =>
      outcome.status === 207 ? null : `expected 207, got ${outcome.status}: ${outcome.text.slice(0, 300)}`,
  },
  {
    name: 'CalDAV PUT of never-matching and hourly rules',
    run: async (target) => {
      const never = await dav(target, 'PUT', `/dav/calendars/${target.username}/events/never.ics`, {
        type: 'text/calendar',
        body: icsCalendar([vevent('never', 'FREQ=MONTHLY;INTERVAL=48;BYDAY=5MO;BYMONTHDAY=31;BYMONTH=2')]),
      });
      if (never.status !== 403) return never;
      return dav(target, 'PUT', `/dav/calendars/${target.username}/events/hourly.ics`, {
        type: 'text/calendar',
        body: icsCalendar([vevent('hourly', 'FREQ=HOURLY')]),
      });
    },
    check: (outcome) =>
      outcome.status === 403 && outcome.text.includes('valid-calendar-data')
        ? null
        : `expected 403 valid-calendar-data, got ${outcome.status}: ${outcome.text.slice(0, 300)}`,
  },
  {
    name: 'CalDAV PUT of one series with 900 changed occurrences (~600 kB)',
    maxMs: 15_000,
    run: (target) =>
      dav(target, 'PUT', `/dav/calendars/${target.username}/events/many-overrides.ics`, {
        type: 'text/calendar',
        body: icsCalendar([
          vevent('many-overrides', 'FREQ=DAILY'),
          ...Array.from({ length: 900 }, (_, day) => {
            const date = new Date(Date.UTC(2026, 0, 5 + day));
            const stamp = date.toISOString().slice(0, 10).replace(/-/g, '');
            return [
              'UID:many-overrides',
              'DTSTAMP:20260101T000000Z',
              `RECURRENCE-ID:${stamp}T090000Z`,
              `DTSTART:${stamp}T110000Z`,
              `DTEND:${stamp}T120000Z`,
              `SUMMARY:Moved ${day} ${'x'.repeat(300)}`,
            ];
          }),
        ]),
      }),
    check: (outcome) =>
      outcome.status === 201 || outcome.status === 403
        ? null
        : `expected 201 or a 403 precondition, got ${outcome.status}: ${outcome.text.slice(0, 300)}`,
  },
  {
    name: 'CalDAV XML: an entity expansion bomb, a body nested 50,000 levels, a multiget of 10,001 hrefs, 2 MB of XML',
    run: async (target) => {
      const home = `/dav/calendars/${target.username}/events/`;
      const bomb = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i === 0 ? 'a' : 'b'.repeat(i)};`.repeat(10)}">`).join('')}]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&bbbbbbbbb;</d:displayname></d:prop></d:propfind>`;
      const deep = `<d:propfind xmlns:d="DAV:">${'<d:prop>'.repeat(50_000)}${'</d:prop>'.repeat(50_000)}</d:propfind>`;
      const hrefs = Array.from({ length: 10_001 }, (_, i) => `<d:href>${home}${i}.ics</d:href>`).join('');
      const multiget = `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>${hrefs}</c:calendar-multiget>`;
      for (const [method, body] of [
        ['PROPFIND', bomb],
        ['PROPFIND', deep],
        ['REPORT', multiget],
      ] as const) {
        const outcome = await dav(target, method, home, { depth: '1', body });
        if (outcome.status !== 400) return outcome;
      }
      // Over the body limit: refused before it is read whole, with the precondition a client understands.
      const large = await dav(target, 'PROPFIND', home, {
        body: `<d:propfind xmlns:d="DAV:">${' '.repeat(2 << 20)}</d:propfind>`,
      });
      if (large.status !== 413 || !large.text.includes('max-resource-size')) return large;
      return { status: 400, text: 'all four refused' };
    },
    check: (outcome) =>
      outcome.status === 400 ? null : `expected 400, got ${outcome.status}: ${outcome.text.slice(0, 300)}`,
  },
  {
    name: 'import body nested 50 million levels deep (~100 MB)',
    run: (target) => importBody(target, () => repeated('{"format":"lifeos-export","journal":', '[[', 25_000_000, '')),
    check: expect4xx,
  },
  {
    name: 'import body of 50 MB: one array of 25 million numbers',
    run: (target) =>
      importBody(target, () => repeated('{"format":"lifeos-export","version":1,"journal":[', '0,', 25_000_000, '0]}')),
    check: expect4xx,
  },
  {
    name: 'import of a one-row document',
    run: (target) =>
      importBody(target, () => [JSON.stringify(exportDocument({ captures: [captureRow(nextId(), 'one row')] }))]),
    check: (outcome) => (outcome.status === 200 ? null : `expected 200, got ${outcome.status}: ${outcome.text}`),
  },
  {
    name: 'tRPC input: an array of 400,000 elements, signed out',
    run: (target) =>
      fetch(`${target.url}/trpc/auth.login`, {
        method: 'POST',
        // What the web app's own page sends, so the request passes the CSRF check and its input is looked at.
        headers: { ...JSON_HEADERS, 'sec-fetch-site': 'same-origin' },
        body: `{"json":[${'0,'.repeat(399_999)}0]}`,
      }).then(outcomeOf),
    check: (outcome) =>
      outcome.status === 400 || outcome.status === 413
        ? null
        : `expected the input refused (400 or 413), got ${outcome.status}: ${outcome.text.slice(0, 300)}`,
  },
  {
    name: 'far date: dashboard.weekFacts of 9999-12-31',
    run: (target) => query(target, 'dashboard.weekFacts', { weekStart: '9999-12-31' }),
    check: expect4xx,
  },
  {
    name: 'far date: journal.get of 9999-12-31, the last day of the range',
    run: (target) => query(target, 'journal.get', { type: 'morning_pages', date: '9999-12-31' }),
    check: (outcome) => (outcome.status === 200 ? null : `expected 200, got ${outcome.status}: ${outcome.text}`),
  },
  {
    name: 'far date: journal.get of 0999-12-31, before the range',
    run: (target) => query(target, 'journal.get', { type: 'morning_pages', date: '0999-12-31' }),
    check: expect4xx,
  },
  {
    name: 'far date: a workout started in the year 275760',
    run: (target) =>
      mutation(target, 'fitness.sessions.start', { startedAt: new Date(8.64e15).toISOString() }, ['startedAt']),
    check: expect4xx,
  },
];

/** A loopback HTTP server serving each registered body at its own path, for subscribed calendars. */
export async function startFileServer() {
  const files = new Map<string, string>();
  const server = http.createServer((request, response) => {
    const body = files.get(request.url ?? '');
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serve: async (body: string) => {
      const path = `/calendar-${files.size}.ics`;
      files.set(path, body);
      return `http://127.0.0.1:${port}${path}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
