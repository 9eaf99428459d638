/**
 * Property-generated calendars against the independent references (see ics-oracle.test.ts): fast-check writes
 * repeating events — every frequency, intervals, BYDAY with and without positions, BYMONTHDAY, BYMONTH, COUNT, UNTIL,
 * EXDATE, all-day and timed, starts inside DST gaps and overlaps — in zones with half-hour and unusual DST rules,
 * each with its VTIMEZONE as libical defines it. Life OS must give every occurrence both references give, over the
 * whole window. The seed is fixed so CI sees the same calendars; ORACLE_SEED=<n> tries others.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestServer, type TestServer } from './harness.js';
import { byUid, lifeOsOccurrences, referenceOccurrences } from './ics-oracle.js';

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'America/Sao_Paulo',
  'Pacific/Auckland',
  'America/St_Johns',
  'UTC',
];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const FROM = new Date('2021-01-01T00:00:00Z');
const TO = new Date('2024-01-01T00:00:00Z');
const SEED = Number(process.env.ORACLE_SEED ?? 20261207);
const EVENTS = 40;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateText = (d: Date) => `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
const timeText = (d: Date) => `${dateText(d)}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00`;

/** A repeating event: a rule every reference reads, bounded so three years stay a few thousand occurrences. */
const arbEvent = fc
  .record({
    freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
    interval: fc.integer({ min: 1, max: 3 }),
    zone: fc.constantFrom(...ZONES),
    allDay: fc.boolean(),
    // Starts in 2021–2022, at quarter hours (so 02:00–03:00 on a change day lands in a gap or an overlap).
    day: fc.integer({ min: 0, max: 700 }),
    minutes: fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
    length: fc.constantFrom(0, 30, 60, 90, 24 * 60),
    end: fc.oneof(
      fc.record({ count: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ untilDays: fc.integer({ min: 1, max: 200 }) }),
      fc.constant({}),
    ),
    byDay: fc.subarray(WEEKDAYS, { minLength: 1, maxLength: 3 }),
    position: fc.constantFrom(0, 1, 2, -1),
    byMonthDay: fc.constantFrom(null, 1),
    byMonth: fc.constantFrom(null, 1),
    exdate: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
  })
  .map((e) => {
    const start = new Date(Date.UTC(2021, 0, 1) + e.day * 86_400_000 + e.minutes * 60_000);
    // The rule is synchronized with DTSTART (its first occurrence is DTSTART), as RFC 5545 asks: an unsynchronized
    // start is undefined by the RFC, and the references differ on it (rie adds DTSTART, libical does not).
    const weekday = WEEKDAYS[(start.getUTCDay() + 6) % 7] as string;
    const nth = Math.ceil(start.getUTCDate() / 7);
    const lastWeek =
      start.getUTCDate() + 7 > new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)).getUTCDate();
    const position = e.position === -1 && lastWeek ? -1 : nth;
    const parts = [`FREQ=${e.freq}`];
    if (e.interval > 1) parts.push(`INTERVAL=${e.interval}`);
    if (e.freq === 'WEEKLY') parts.push(`BYDAY=${[...new Set([weekday, ...e.byDay])].join(',')}`);
    if (e.freq === 'MONTHLY' && e.byMonthDay === null) parts.push(`BYDAY=${position}${weekday}`);
    if (e.freq === 'MONTHLY' && e.byMonthDay !== null) parts.push(`BYMONTHDAY=${start.getUTCDate()}`);
    if (e.freq === 'YEARLY' && e.byMonth !== null) {
      parts.push(`BYMONTH=${start.getUTCMonth() + 1}`, `BYDAY=${position}${weekday}`);
    }
    // Daily and weekly rules without an end would be thousands of occurrences: they get an UNTIL.
    const end =
      'count' in e.end
        ? e.end
        : 'untilDays' in e.end || e.freq === 'DAILY' || e.freq === 'WEEKLY'
          ? { untilDays: 'untilDays' in e.end ? e.end.untilDays : 90 }
          : {};
    return { ...e, start, parts, end };
  });

type GeneratedEvent = typeof arbEvent extends fc.Arbitrary<infer T> ? T : never;

function calendar(events: GeneratedEvent[]): string {
  const zones = [...new Set(events.filter((e) => !e.allDay && e.zone !== 'UTC').map((e) => e.zone))];
  const vtimezones = zones.map((zone) =>
    execFileSync('/usr/bin/python3', [ORACLE, `--vtimezone=${zone}`], { encoding: 'utf8' }).trim(),
  );
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Life OS tests//generated//EN', ...vtimezones];
  events.forEach((e, i) => {
    const parts = [...e.parts];
    if ('count' in e.end) parts.push(`COUNT=${e.end.count}`);
    if ('untilDays' in e.end) {
      const until = new Date(e.start.getTime() + (e.end.untilDays ?? 0) * 86_400_000);
      // All-day: a DATE; timed: UTC, as RFC 5545 requires with a zoned DTSTART.
      parts.push(`UNTIL=${e.allDay ? dateText(until) : `${timeText(until)}Z`}`);
    }
    const when = (d: Date) =>
      e.allDay
        ? `;VALUE=DATE:${dateText(d)}`
        : e.zone === 'UTC'
          ? `:${timeText(d)}Z`
          : `;TZID=${e.zone}:${timeText(d)}`;
    lines.push('BEGIN:VEVENT', `UID:generated-${i}@lifeos.test`, 'DTSTAMP:20240101T000000Z', `SUMMARY:Event ${i}`);
    lines.push(`DTSTART${when(e.start)}`);
    lines.push(e.allDay ? `DURATION:P${Math.max(1, Math.round(e.length / 1440))}D` : `DURATION:PT${e.length}M`);
    lines.push(`RRULE:${parts.join(';')}`);
    if (e.exdate !== null) {
      // An EXDATE a few periods in: an occurrence, or nothing when the rule skips that day (both are fine).
      const step = { DAILY: 1, WEEKLY: 7, MONTHLY: 30, YEARLY: 365 }[e.freq] ?? 1;
      lines.push(`EXDATE${when(new Date(e.start.getTime() + e.exdate * step * e.interval * 86_400_000))}`);
    }
    lines.push('END:VEVENT');
  });
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

const ORACLE = fileURLToPath(new URL('../../../scripts/ical-oracle.py', import.meta.url));
const sample = () => fc.sample(arbEvent, { seed: SEED, numRuns: EVENTS });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('generated calendars against independent references', () => {
  it(`gives the occurrences both references give (seed ${SEED}, ${EVENTS} events)`, { timeout: 120_000 }, async () => {
    const events = sample();
    const ics = calendar(events);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lifeos-oracle-')), 'generated.ics');
    writeFileSync(file, ics);
    const user = await createUser(server, {
      username: 'generated',
      email: 'generated@example.com',
      password: 'a long enough password',
    });
    const me = await user.client.auth.me.query();
    const report = await user.client.calendar.importIcs.mutate({ ics });
    const [ours, rie, libical] = await Promise.all([
      lifeOsOccurrences(server, user, me.id, FROM, TO).then(byUid),
      referenceOccurrences(file, FROM, TO, { reference: 'rie', floatingZone: 'UTC' }),
      referenceOccurrences(file, FROM, TO, { reference: 'libical', floatingZone: 'UTC' }),
    ]);
    expect(rie.unreadable).toEqual([]);
    expect(libical.unreadable).toEqual([]);
    const problems: string[] = [];
    const answers = { rie: byUid(rie.occurrences), libical: byUid(libical.occurrences) };
    events.forEach((event, i) => {
      const uid = `generated-${i}@lifeos.test`;
      const mine = ours.get(uid) ?? [];
      const [a, b] = [answers.rie.get(uid) ?? [], answers.libical.get(uid) ?? []];
      const rule = `${event.allDay ? 'all-day' : event.zone} ${timeText(event.start)} ${event.parts.join(';')} ${JSON.stringify(event.end)}`;
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        problems.push(`${uid} (${rule}): the references disagree (rie ${a.length}, libical ${b.length})`);
        return;
      }
      const skip = report.skipped.find((k) => k.uid === uid);
      // A rule that never occurs is refused with its reason; the references agree there is nothing to show.
      if (skip && a.length > 0)
        problems.push(`${uid} (${rule}): refused (${skip.reason}); references ${a.length}: ${a.slice(0, 2)}`);
      else if (!skip && JSON.stringify(mine) !== JSON.stringify(a)) {
        const extra = mine.filter((k) => !a.includes(k)).slice(0, 2);
        const missing = a.filter((k) => !mine.includes(k)).slice(0, 2);
        problems.push(
          `${uid} (${rule}): Life OS ${mine.length}, references ${a.length}; only Life OS ${extra}; only references ${missing}`,
        );
      }
    });
    expect(problems).toEqual([]);
  });
});
