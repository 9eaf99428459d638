import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { expandOccurrences, expandOccurrencesYielding, MAX_OCCURRENCES_PER_ANSWER } from './calendar.recurrence.js';
import type { ExpandableEvent } from './calendar.series.js';

const DAY = 24 * 60 * 60 * 1000;
let ids = 0;
const id = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
const series = (over: Partial<ExpandableEvent> = {}): ExpandableEvent => ({
  id: id(),
  title: 'Daily',
  description: null,
  location: null,
  allDay: false,
  startsAt: new Date('2024-01-01T08:00:00Z'),
  endsAt: new Date('2024-01-01T08:30:00Z'),
  timezone: 'Europe/Berlin',
  rrule: 'FREQ=DAILY',
  exdates: [],
  recurrenceId: null,
  seriesId: null,
  ...over,
});
const sortedByStart = (list: { start: Date }[]) =>
  list.every((o, i) => i === 0 || (list[i - 1] as { start: Date }).start.getTime() <= o.start.getTime());

describe('the caps of one answer', () => {
  const from = new Date('2024-03-01T00:00:00Z');
  const to = new Date('2025-03-01T00:00:00Z');

  it('says so when a stored series cannot be walked to the range within its budget', () => {
    // A rule stored before rules were checked: an hour at a time from 1904 towards a February 29th, spending the
    // walk's budget (100,000 steps) about eleven years in.
    const hostile = series({
      title: 'Hostile',
      startsAt: new Date('1904-02-29T05:00:00Z'),
      endsAt: new Date('1904-02-29T06:00:00Z'),
      timezone: 'UTC',
      rrule: 'FREQ=HOURLY;COUNT=10000;BYHOUR=5;BYMONTH=2;BYMONTHDAY=29',
    });
    const page = expandOccurrences([hostile, series()], from, new Date('2024-04-01T00:00:00Z'));
    expect(page.truncated).toBe(true);
    expect(page.completeUntil).toEqual(from);
    expect(page.items).toEqual([]);
  });

  it('is complete up to the range end when nothing is left out', () => {
    const page = expandOccurrences([series()], from, new Date('2024-04-01T00:00:00Z'));
    expect(page.truncated).toBe(false);
    expect(page.completeUntil).toEqual(new Date('2024-04-01T00:00:00Z'));
    expect(page.items).toHaveLength(31);
  });

  it('says where one series was cut at its cap, and stops the answer there', () => {
    const hourly = series({ rrule: 'FREQ=HOURLY', title: 'Hourly' });
    const weekly = series({ rrule: 'FREQ=WEEKLY', title: 'Weekly' });
    const page = expandOccurrences([hourly, weekly], from, to, { maxPerSeries: 100 });
    expect(page.truncated).toBe(true);
    const hourlyItems = page.items.filter((o) => o.eventId === hourly.id);
    expect(hourlyItems).toHaveLength(100);
    // The 101st hour is the first occurrence left out; nothing after it is listed, not even the weekly series'.
    const last = hourlyItems.at(-1)?.start.getTime() ?? 0;
    expect(page.completeUntil.getTime()).toBe(last + 60 * 60 * 1000);
    expect(page.items.every((o) => o.start.getTime() < page.completeUntil.getTime())).toBe(true);
    expect(sortedByStart(page.items)).toBe(true);
  });

  it('cuts the whole answer at the total cap in start order: exactly the first occurrences of the full list', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      series({
        title: `Series ${i}`,
        // Different times and frequencies, so the merge interleaves them.
        startsAt: new Date(Date.UTC(2024, 0, 1 + (i % 5), 6 + (i % 12), i)),
        endsAt: new Date(Date.UTC(2024, 0, 1 + (i % 5), 7 + (i % 12), i)),
        rrule: i % 3 === 0 ? 'FREQ=WEEKLY' : i % 3 === 1 ? 'FREQ=DAILY' : 'FREQ=DAILY;INTERVAL=2',
      }),
    );
    const full = expandOccurrences(many, from, to, { maxOccurrences: 100_000 });
    expect(full.truncated).toBe(false);
    const page = expandOccurrences(many, from, to, { maxOccurrences: 500 });
    expect(page.truncated).toBe(true);
    expect(page.items).toEqual(full.items.slice(0, 500));
    expect(page.completeUntil).toEqual(full.items[500]?.start);
  });

  it('cuts at about the text budget, so that long descriptions cannot make a huge answer', () => {
    const long = Array.from({ length: 20 }, () => series({ description: 'x'.repeat(20_000) }));
    const page = expandOccurrences(long, from, to);
    expect(page.truncated).toBe(true);
    const chars = page.items.reduce((sum, o) => sum + (o.description?.length ?? 0), 0);
    expect(chars).toBeLessThanOrEqual(4_000_000);
    expect(page.items.length).toBeGreaterThan(150);
    expect(sortedByStart(page.items)).toBe(true);
  });

  it('keeps single events and detached occurrences in start order with the series', () => {
    const daily = series();
    const moved = series({
      rrule: null,
      title: 'Moved',
      seriesId: daily.id,
      recurrenceId: new Date('2024-03-02T08:00:00Z'),
      startsAt: new Date('2024-03-02T15:00:00Z'),
      endsAt: new Date('2024-03-02T16:00:00Z'),
    });
    const single = series({
      rrule: null,
      title: 'Single',
      startsAt: new Date('2024-03-03T07:00:00Z'),
      endsAt: new Date('2024-03-03T07:30:00Z'),
    });
    const page = expandOccurrences([daily, moved, single], from, to, { maxOccurrences: 5 });
    expect(page.items.map((o) => [o.title, o.start.toISOString()])).toEqual([
      ['Daily', '2024-03-01T08:00:00.000Z'],
      ['Moved', '2024-03-02T15:00:00.000Z'],
      ['Single', '2024-03-03T07:00:00.000Z'],
      ['Daily', '2024-03-03T08:00:00.000Z'],
      ['Daily', '2024-03-04T08:00:00.000Z'],
    ]);
    expect(page.completeUntil).toEqual(new Date('2024-03-05T08:00:00Z'));
  });

  it('answers 5,000 daily series over 400 days in bounded time, giving the event loop back while it walks', async () => {
    const thousands = Array.from({ length: 5_000 }, (_, i) =>
      series({ title: `Series ${i}`, startsAt: new Date(Date.UTC(2023, 0, 1, 8, i % 60)) }),
    );
    const longest = new Date(from.getTime() + 400 * DAY);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const page = await expandOccurrencesYielding(thousands, from, longest);
    const elapsed = performance.now() - started;
    delay.disable();
    expect(page.truncated).toBe(true);
    expect(page.items).toHaveLength(MAX_OCCURRENCES_PER_ANSWER);
    expect(sortedByStart(page.items)).toBe(true);
    // A day of 5,000 series holds 5,000 occurrences: the cap falls on the first day.
    expect(page.completeUntil.getTime()).toBeLessThan(from.getTime() + DAY);
    expect(elapsed).toBeLessThan(2_000);
    // Generous on a shared machine: the expansion itself yields every 10 ms.
    expect(delay.max / 1e6).toBeLessThan(250);
  });
});
