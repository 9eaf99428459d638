/**
 * The independent oracle for calendar files: runs scripts/ical-oracle.py (Debian's python3-recurring-ical-events and
 * libical through gir1.2-ical-3.0, installed by .ci/run) and reads Life OS's own occurrences of the same file back
 * over HTTP, in the same shape, so a test can compare them UID by UID.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BrowserClient, TestServer } from './harness.js';

const run = promisify(execFile);
const ORACLE = fileURLToPath(new URL('../../../scripts/ical-oracle.py', import.meta.url));
/** Debian's python: the references are Debian packages, not a virtualenv's. */
const PYTHON = '/usr/bin/python3';
const DAY_MS = 24 * 60 * 60 * 1000;

export type Reference = 'rie' | 'libical';

/** One occurrence: a timed one by its UTC instants, an all-day one by its dates (end exclusive). */
export interface OracleOccurrence {
  uid: string;
  start: string;
  end: string;
  allDay: boolean;
}

export interface OracleAnswer {
  reference: string;
  occurrences: OracleOccurrence[];
  unreadable: { uid: string; reason: string }[];
}

const stamp = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

export async function referenceOccurrences(
  file: string,
  from: Date,
  to: Date,
  options: { reference: Reference; floatingZone: string },
): Promise<OracleAnswer> {
  const { stdout } = await run(
    PYTHON,
    [
      ORACLE,
      file,
      stamp(from),
      stamp(to),
      `--reference=${options.reference}`,
      `--floating-zone=${options.floatingZone}`,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as OracleAnswer;
}

export type OracleQuestion =
  | { file: string; from: Date; to: Date; reference: Reference; floatingZone: string }
  | { validate: string };

/** Many questions answered by one Python process (importing the references costs as much as answering a file). */
export async function askOracle(questions: OracleQuestion[]): Promise<(OracleAnswer | { problems: string[] })[]> {
  const input = JSON.stringify(
    questions.map((q) => ('validate' in q ? q : { ...q, from: stamp(q.from), to: stamp(q.to) })),
  );
  const child = run(PYTHON, [ORACLE, '--batch'], { maxBuffer: 256 * 1024 * 1024 });
  child.child.stdin?.end(input);
  const { stdout } = await child;
  return JSON.parse(stdout) as (OracleAnswer | { problems: string[] })[];
}

/** What libical's parser marks as errors in a file (X-LIC-ERROR), and TZIDs used without their VTIMEZONE. */
export async function validationProblems(file: string): Promise<string[]> {
  const { stdout } = await run(PYTHON, [ORACLE, `--validate=${file}`], { maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(stdout) as { problems: string[] }).problems;
}

/** Every occurrence starting in [from, to) as events.list answers it, range by range and page by page. */
export async function lifeOsOccurrences(
  server: TestServer,
  user: BrowserClient,
  userId: string,
  from: Date,
  to: Date,
): Promise<OracleOccurrence[]> {
  const uids = new Map(
    (await server.database.db.selectFrom('events').select(['id', 'icsUid']).where('userId', '=', userId).execute()).map(
      (row) => [row.id, row.icsUid],
    ),
  );
  const found = new Map<string, OracleOccurrence>();
  let cursor = from;
  while (cursor < to) {
    const end = new Date(Math.min(to.getTime(), cursor.getTime() + 400 * DAY_MS));
    const page = await user.client.calendar.events.list.query({ from: cursor, to: end });
    for (const o of page.items) {
      if (o.start < from || o.start >= to) continue;
      const uid = uids.get(o.eventId) ?? `?${o.eventId}`;
      const occurrence = o.allDay
        ? {
            uid,
            start: o.startDate ?? '?',
            end: new Date(Date.parse(`${o.endDate}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10),
            allDay: true,
          }
        : { uid, start: stamp(o.start), end: stamp(o.end), allDay: false };
      found.set(`${occurrence.uid} ${occurrence.start}`, occurrence);
    }
    // A truncated page goes on from where it stopped; the same occurrence seen twice is kept once.
    cursor = page.truncated ? page.completeUntil : end;
  }
  return [...found.values()];
}

export const occurrenceKey = (o: OracleOccurrence) => `${o.start} → ${o.end}${o.allDay ? ' (all day)' : ''}`;

/** The occurrences of each UID, as sorted keys. */
export function byUid(occurrences: OracleOccurrence[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const o of occurrences) {
    const list = map.get(o.uid) ?? [];
    list.push(occurrenceKey(o));
    map.set(o.uid, list);
  }
  for (const list of map.values()) list.sort();
  return map;
}

/** Each fixture's window: the years its events happen in (a series without end is compared over three years). */
export const WINDOWS: Record<string, [string, string]> = {
  'apple-ical-mixed-monthly-bysetpos-malformed.ics': ['2002-01-01', '2005-01-01'],
  'apple-ios-structured-location.ics': ['2026-01-01', '2027-01-01'],
  'google-birthdays-all-day-overrides.ics': ['2012-01-01', '2016-01-01'],
  'google-busycal-invalid-rrule.ics': ['2020-01-01', '2022-01-01'],
  'google-public-calendar-berlin.ics': ['2018-01-01', '2021-01-01'],
  'malformed-double-semicolon.ics': ['2014-01-01', '2015-01-01'],
  'nextcloud-yearly-all-day-alarms.ics': ['2025-01-01', '2028-01-01'],
  'outlook-exchange-many-windows-timezones.ics': ['2020-01-01', '2022-01-01'],
  'outlook-exchange-windows-tzid.ics': ['2024-01-01', '2025-06-01'],
  'rdate-exdate-daily-count.ics': ['2024-01-01', '2025-01-01'],
  'thunderbird-moved-occurrences.ics': ['2019-01-01', '2020-01-01'],
  'zimbra-recurrence-overrides.ics': ['2012-01-01', '2025-01-01'],
  'custom-vtimezone.ics': ['2024-01-01', '2025-06-01'],
  'thisandfuture.ics': ['2024-01-01', '2024-06-01'],
  'rdate.ics': ['2024-01-01', '2027-01-01'],
  'exdate-single.ics': ['2024-01-01', '2024-02-01'],
  'x-wr-timezone.ics': ['2024-01-01', '2024-06-01'],
  'apple-macos-default-audio-alarms.ics': ['2014-01-01', '2016-01-01'],
  'davx5-alarm-on-recurrence-override.ics': ['2024-01-01', '2026-01-01'],
  'google-calendar-four-alarms-email.ics': ['2020-01-01', '2031-01-01'],
  'thunderbird-absolute-alarm-repeat.ics': ['2024-01-01', '2026-01-01'],
};
