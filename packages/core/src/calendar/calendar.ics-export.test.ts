import fc from 'fast-check';
import { foldLines } from 'ical-generator';
import { describe, expect, it } from 'vitest';
import { buildIcs, buildIcsYielding, type ExportableEvent, foldIcsLines } from './calendar.ics-export.js';

const now = new Date('2026-03-01T10:00:00Z');
const event = (i: number, over: Partial<ExportableEvent> = {}): ExportableEvent => ({
  icsUid: `event-${i}@lifeos`,
  title: `Series ${i}`,
  description: null,
  location: null,
  allDay: false,
  startsAt: new Date(Date.UTC(2024, 0, 1, 6, i % 60)),
  endsAt: new Date(Date.UTC(2024, 0, 1, 7, i % 60)),
  timezone: 'Europe/Berlin',
  rrule: 'FREQ=DAILY',
  exdates: [],
  recurrenceId: null,
  createdAt: now,
  updatedAt: now,
  ...over,
});

describe('the .ics writer', () => {
  it('folds lines exactly as ical-generator does, for any text', () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), (lines) => {
        const text = lines.join('\r\n');
        expect(foldIcsLines(text)).toBe(foldLines(text));
      }),
      { numRuns: 500 },
    );
  });

  it('writes in pieces what one fold of the whole file gives', () => {
    const events = Array.from({ length: 600 }, (_, i) =>
      event(i, {
        description: i % 7 === 0 ? `Ünïcødé 🎉 ${'long text '.repeat(i % 50)}` : null,
        location: i % 5 === 0 ? 'Straße 1, Zürich' : null,
        allDay: i % 3 === 0,
        timezone: i % 3 === 0 ? 'UTC' : 'Europe/Berlin',
        exdates: i % 11 === 0 ? [new Date(Date.UTC(2024, 0, 3, 6, i % 60))] : [],
      }),
    );
    const ics = buildIcs(events, { name: 'Life OS' });
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(600);
    expect(ics.startsWith('BEGIN:VCALENDAR')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR')).toBe(true);
    expect(ics).toBe(foldLines(ics.replaceAll('\r\n ', '')));
  });

  it('writes 5,000 series quickly and, yielding, in short slices', async () => {
    const events = Array.from({ length: 5_000 }, (_, i) => event(i, { description: 'x'.repeat(2_000) }));
    let longest = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const at = performance.now();
      longest = Math.max(longest, at - last);
      last = at;
    }, 1);
    const started = performance.now();
    const ics = await buildIcsYielding(events, { name: 'Life OS' });
    const elapsed = performance.now() - started;
    clearInterval(ticker);
    expect(ics).toBe(buildIcs(events, { name: 'Life OS' }));
    expect(ics.length).toBeGreaterThan(10_000_000);
    // ical-generator's own folding took seconds here, in one piece.
    expect(elapsed).toBeLessThan(3_000);
    expect(longest).toBeLessThan(250);
  }, 30_000);
});

describe('the .ics writer against RFC 5545', () => {
  const lines = (ics: string) => ics.replaceAll('\r\n ', '').split('\r\n');

  it('writes a VTIMEZONE for every TZID it uses, under that name, and none for UTC', () => {
    const ics = buildIcs(
      [
        event(1),
        event(2, { timezone: 'Asia/Calcutta' }),
        event(3, { timezone: 'UTC' }),
        event(4, { allDay: true, timezone: 'UTC', startsAt: new Date('2024-01-01Z'), endsAt: new Date('2024-01-02Z') }),
        event(5, { timezone: 'America/New_York', rrule: null, exdates: [] }),
      ],
      { name: 'Life OS' },
    );
    const used = new Set(lines(ics).flatMap((l) => [...l.matchAll(/;TZID=([^:;]+)/g)].map((m) => m[1])));
    const defined = new Set(lines(ics).flatMap((l) => (l.startsWith('TZID:') ? [l.slice(5)] : [])));
    expect([...used].sort()).toEqual(['America/New_York', 'Asia/Calcutta', 'Europe/Berlin']);
    expect(defined).toEqual(used);
    expect(ics.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(ics.indexOf('BEGIN:VEVENT'));
  });

  it("writes an all-day occurrence's RECURRENCE-ID as a DATE, and an all-day UNTIL as a DATE", () => {
    const allDay = {
      allDay: true,
      timezone: 'UTC',
      startsAt: new Date('2024-03-04Z'),
      endsAt: new Date('2024-03-05Z'),
    };
    const ics = buildIcs(
      [
        event(1, { ...allDay, rrule: 'FREQ=WEEKLY;UNTIL=20240401' }),
        event(1, { ...allDay, rrule: null, recurrenceId: new Date('2024-03-11Z'), startsAt: new Date('2024-03-12Z') }),
      ],
      { name: 'Life OS' },
    );
    expect(lines(ics)).toContain('RECURRENCE-ID;VALUE=DATE:20240311');
    expect(lines(ics)).toContain('RRULE:FREQ=WEEKLY;UNTIL=20240401');
  });
});
