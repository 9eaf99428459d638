import { describe, expect, it } from 'vitest';
import { localDate, mergeAgenda } from './calendar.agenda.js';
import type { TOccurrence } from './calendar.schemas.js';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

const occurrence = (over: Partial<TOccurrence>): TOccurrence => ({
  eventId: id(1),
  seriesId: null,
  occurrenceStart: null,
  detached: false,
  title: 'Event',
  description: null,
  location: null,
  allDay: false,
  start: new Date('2026-03-10T09:00:00Z'),
  end: new Date('2026-03-10T10:00:00Z'),
  startDate: null,
  endDate: null,
  timezone: 'UTC',
  rrule: null,
  subscriptionId: null,
  ...over,
});

describe('localDate', () => {
  it('names the day in the zone, not in UTC', () => {
    expect(localDate(new Date('2026-03-10T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-03-11');
    expect(localDate(new Date('2026-03-10T03:30:00Z'), 'America/New_York')).toBe('2026-03-09');
  });
});

describe('mergeAgenda', () => {
  const from = new Date('2026-03-09T00:00:00Z');

  it('sorts by day, all-day items first, then timed items by start, events before workouts', () => {
    const items = mergeAgenda(
      {
        occurrences: [
          occurrence({ eventId: id(1), title: 'Lunch', start: new Date('2026-03-10T12:00:00Z') }),
          occurrence({
            eventId: id(2),
            title: 'Holiday',
            allDay: true,
            start: new Date('2026-03-10T00:00:00Z'),
            end: new Date('2026-03-11T00:00:00Z'),
            startDate: '2026-03-10',
            endDate: '2026-03-10',
          }),
          occurrence({ eventId: id(3), title: 'Gym class', start: new Date('2026-03-11T07:00:00Z') }),
        ],
        tasks: [
          { id: id(4), projectId: null, title: 'Low', priority: 0, dueDate: '2026-03-10' },
          { id: id(5), projectId: id(9), title: 'High', priority: 3, dueDate: '2026-03-10' },
          { id: id(6), projectId: null, title: 'Earlier', priority: 0, dueDate: '2026-03-09' },
        ],
        workouts: [
          {
            id: id(7),
            name: 'Legs',
            startedAt: new Date('2026-03-10T08:00:00Z'),
            finishedAt: new Date('2026-03-10T09:00:00Z'),
          },
          {
            id: id(8),
            name: 'Same time',
            startedAt: new Date('2026-03-11T07:00:00Z'),
            finishedAt: new Date('2026-03-11T08:00:00Z'),
          },
        ],
      },
      { from, timezone: 'UTC' },
    );
    expect(items.map((i) => `${i.date} ${i.kind}:${i.title}`)).toEqual([
      '2026-03-09 task:Earlier',
      '2026-03-10 event:Holiday',
      '2026-03-10 task:High',
      '2026-03-10 task:Low',
      '2026-03-10 workout:Legs',
      '2026-03-10 event:Lunch',
      '2026-03-11 event:Gym class',
      '2026-03-11 workout:Same time',
    ]);
    expect(items.find((i) => i.title === 'High')).toMatchObject({ link: `/projects/${id(9)}`, start: null });
    expect(items.find((i) => i.title === 'Low')?.link).toBe('/tasks');
    expect(items.find((i) => i.title === 'Legs')?.link).toBe(`/fitness/history/${id(7)}`);
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
  });

  it('lists items on the day of the viewer’s zone and clips items that began before the range', () => {
    const items = mergeAgenda(
      {
        occurrences: [
          occurrence({
            title: 'Trip',
            allDay: true,
            start: new Date('2026-03-01T00:00:00Z'),
            end: new Date('2026-03-15T00:00:00Z'),
            startDate: '2026-03-01',
            endDate: '2026-03-14',
          }),
        ],
        tasks: [],
        workouts: [
          {
            id: id(1),
            name: 'Late run',
            startedAt: new Date('2026-03-10T23:30:00Z'),
            finishedAt: new Date('2026-03-11T00:15:00Z'),
          },
        ],
      },
      { from, timezone: 'Asia/Tokyo' },
    );
    expect(items.map((i) => `${i.date} ${i.title}`)).toEqual(['2026-03-09 Trip', '2026-03-11 Late run']);
  });

  it('keys occurrences of a series by their start', () => {
    const a = occurrence({ seriesId: id(1), occurrenceStart: new Date('2026-03-10T09:00:00Z') });
    const b = occurrence({
      seriesId: id(1),
      occurrenceStart: new Date('2026-03-11T09:00:00Z'),
      start: new Date('2026-03-11T09:00:00Z'),
      end: new Date('2026-03-11T10:00:00Z'),
    });
    const items = mergeAgenda({ occurrences: [b, a], tasks: [], workouts: [] }, { from, timezone: 'UTC' });
    expect(items.map((i) => i.date)).toEqual(['2026-03-10', '2026-03-11']);
    expect(items[0]?.key).not.toBe(items[1]?.key);
  });
});
