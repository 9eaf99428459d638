/**
 * What a CalDAV client PUTs, Life OS lists with the same occurrences as the recurrence references find in it. Every
 * real-world fixture of the oracle tests is cut into calendar objects, one per UID (the file's VTIMEZONEs with each),
 * as a client would upload it, and PUT by one user; the same file is imported by another. ics-oracle.test.ts proves
 * the import's occurrences against python3-recurring-ical-events and libical; here every UID's occurrences over
 * CalDAV must equal the import's, and what the import skips, a PUT refuses with a CalDAV precondition.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestServer, type TestServer } from './harness.js';
import { byUid, lifeOsOccurrences, WINDOWS } from './ics-oracle.js';

const FIXTURES = fileURLToPath(new URL('../../../packages/core/src/calendar/fixtures/', import.meta.url));

/**
 * A file as a client uploads it: one VCALENDAR per UID with that UID's VEVENTs, the file's VTIMEZONEs and its
 * calendar properties (X-WR-TIMEZONE says what floating times mean); other components (VTODO) are left out. Lines
 * are kept as written (folded or not).
 */
function objectsOf(text: string): Map<string, string> {
  const lines = text.split(/\r?\n/);
  const head: string[] = [];
  const zones: string[] = [];
  const events = new Map<string, string[]>();
  let block: string[] | null = null;
  let kind = '';
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (block === null && upper.startsWith('BEGIN:') && upper !== 'BEGIN:VCALENDAR') {
      block = [line];
      kind = upper.slice(6);
      continue;
    }
    if (block !== null) {
      block.push(line);
      if (upper === `END:${kind}`) {
        if (kind === 'VTIMEZONE') zones.push(...block);
        // Tasks and journal entries go to other collections: the calendar's objects are its events.
        else if (kind !== 'VEVENT') block = null;
        else {
          const uid = /^UID:(.*)$/m.exec(block.join('\n').replace(/\n[ \t]/g, ''))?.[1]?.trim() ?? '';
          events.set(uid, [...(events.get(uid) ?? []), ...block]);
        }
        block = null;
      }
      continue;
    }
    if (upper !== 'END:VCALENDAR' && line !== '') head.push(line);
  }
  return new Map(
    [...events].map(([uid, body]) => [uid, `${[...head, ...zones, ...body, 'END:VCALENDAR'].join('\r\n')}\r\n`]),
  );
}

let server: TestServer;
const files = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.ics'))
  .sort();

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('CalDAV PUT against the recurrence references', () => {
  for (const [index, file] of files.entries()) {
    it(`${file}: every UID PUT over CalDAV occurs as the imported file does`, async () => {
      const [fromDay, toDay] = WINDOWS[file] ?? ['2020-01-01', '2021-01-01'];
      const from = new Date(`${fromDay}T00:00:00Z`);
      const to = new Date(`${toDay}T00:00:00Z`);
      const text = readFileSync(`${FIXTURES}${file}`, 'utf8');
      const password = 'a long enough password';
      const importer = await createUser(server, { username: `imp${index}`, email: `imp${index}@x.test`, password });
      const phone = await createUser(server, { username: `dav${index}`, email: `dav${index}@x.test`, password });
      const report = await importer.client.calendar.importIcs.mutate({ ics: text });
      const skipped = new Set(report.skipped.map((s) => s.uid));
      const { key } = await phone.client.apiKeys.create.mutate({ name: 'phone', scope: 'write' });
      const authorization = `Basic ${Buffer.from(`dav${index}:${key}`).toString('base64')}`;

      for (const [uid, object] of objectsOf(text)) {
        const response = await fetch(
          `${server.url}/dav/calendars/dav${index}/events/object-${encodeURIComponent(uid)}.ics`,
          {
            method: 'PUT',
            headers: { authorization, 'content-type': 'text/calendar' },
            body: object,
          },
        );
        const answer = await response.text();
        if (skipped.has(uid.slice(0, 200))) {
          // What the import skips (and reports), a PUT refuses whole, with its reason.
          expect(response.status, `${uid}: ${answer}`).toBe(403);
          expect(answer).toMatch(/<c:valid-calendar-(data|object-resource)\/>/);
        } else {
          expect(response.status, `${uid}: ${answer}`).toBe(201);
        }
      }

      const imported = byUid(
        await lifeOsOccurrences(server, importer, (await importer.client.auth.me.query()).id, from, to),
      );
      const viaCaldav = byUid(
        await lifeOsOccurrences(server, phone, (await phone.client.auth.me.query()).id, from, to),
      );
      expect(viaCaldav).toEqual(imported);
    });
  }
});
