import { describe, expect, it } from 'vitest';
import {
  recurrenceToRrule,
  rruleToRecurrence,
  ZCreateEventInput,
  ZListEventsInput,
  ZRecurrence,
  ZUpdateEventInput,
} from './calendar.schemas.js';

describe('recurrence ↔ RRULE', () => {
  it('writes the structured form as an RRULE and reads it back', () => {
    const every2Weeks = {
      freq: 'weekly' as const,
      interval: 2,
      byDay: ['TH', 'MO'],
      until: new Date('2024-06-30T21:59:59Z'),
    };
    const rrule = recurrenceToRrule(every2Weeks, false);
    expect(rrule).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20240630T215959Z');
    expect(rruleToRecurrence(rrule)).toEqual({ ...every2Weeks, byDay: ['MO', 'TH'] });
    expect(recurrenceToRrule({ freq: 'yearly', until: new Date('2030-07-01Z') }, true)).toBe(
      'FREQ=YEARLY;UNTIL=20300701',
    );
    expect(recurrenceToRrule({ freq: 'monthly', byDay: ['-1FR'], count: 3 }, false)).toBe(
      'FREQ=MONTHLY;BYDAY=-1FR;COUNT=3',
    );
  });

  it('gives null for rules the form cannot show', () => {
    expect(rruleToRecurrence('FREQ=MONTHLY;BYDAY=TH;BYSETPOS=3')).toBeNull();
    expect(rruleToRecurrence('FREQ=HOURLY')).toBeNull();
    expect(rruleToRecurrence('garbage')).toBeNull();
  });

  it('refuses count with until, positions in weekly rules, repeated days and odd intervals', () => {
    expect(ZRecurrence.safeParse({ freq: 'daily', count: 2, until: new Date() }).success).toBe(false);
    expect(ZRecurrence.safeParse({ freq: 'weekly', byDay: ['2TU'] }).success).toBe(false);
    expect(ZRecurrence.safeParse({ freq: 'weekly', byDay: ['MO', 'MO'] }).success).toBe(false);
    expect(ZRecurrence.safeParse({ freq: 'weekly', interval: 0 }).success).toBe(false);
    expect(ZRecurrence.safeParse({ freq: 'weekly', byDay: ['XX'] }).success).toBe(false);
    expect(ZRecurrence.safeParse({ freq: 'weekly', extra: 1 }).success).toBe(false);
  });
});

describe('event input', () => {
  const start = new Date('2024-03-18T08:00:00Z');
  it('needs start and end (timed) or first and last day (all-day), in order', () => {
    expect(ZCreateEventInput.safeParse({ title: 'x', start, end: start }).success).toBe(true);
    expect(ZCreateEventInput.safeParse({ title: 'x', start }).success).toBe(false);
    expect(ZCreateEventInput.safeParse({ title: 'x', start, end: new Date(start.getTime() - 1) }).success).toBe(false);
    expect(
      ZCreateEventInput.safeParse({ title: 'x', allDay: true, startDate: '2024-07-01', endDate: '2024-07-01' }).success,
    ).toBe(true);
    expect(
      ZCreateEventInput.safeParse({ title: 'x', allDay: true, startDate: '2024-07-02', endDate: '2024-07-01' }).success,
    ).toBe(false);
    expect(ZCreateEventInput.safeParse({ title: '  ', start, end: start }).success).toBe(false);
    expect(ZCreateEventInput.safeParse({ title: 'x', start, end: start, timezone: 'Mars/Base' }).success).toBe(false);
  });

  it('takes a scope and an occurrence for edits', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    expect(ZUpdateEventInput.safeParse({ id, title: 'y' }).success).toBe(true);
    expect(ZUpdateEventInput.safeParse({ id, scope: 'occurrence', occurrenceStart: start }).success).toBe(true);
    expect(ZUpdateEventInput.safeParse({ id, scope: 'some' }).success).toBe(false);
    expect(ZUpdateEventInput.safeParse({ id, title: '' }).success).toBe(false);
  });

  it('limits a range to 400 days', () => {
    const from = new Date('2024-01-01Z');
    expect(ZListEventsInput.safeParse({ from, to: new Date('2025-02-04Z') }).success).toBe(true);
    const tooLong = ZListEventsInput.safeParse({ from, to: new Date('2025-02-05Z') });
    expect(tooLong.error?.issues[0]?.message).toBe('A range can span at most 400 days');
    expect(ZListEventsInput.safeParse({ from, to: from }).success).toBe(false);
  });
});

describe('describeRecurrence', () => {
  it('says what a rule means', async () => {
    const { describeRecurrence } = await import('./calendar.schemas.js');
    const date = (d: Date) => d.toISOString().slice(0, 10);
    expect(
      describeRecurrence({ freq: 'weekly', interval: 2, byDay: ['MO', 'TH'], until: new Date('2024-06-30Z') }, date),
    ).toBe('Every 2 weeks on Monday and Thursday, until 2024-06-30');
    expect(describeRecurrence({ freq: 'monthly', byDay: ['-1FR'], count: 3 }, date)).toBe(
      'Every month on the last Friday, 3 times',
    );
    expect(describeRecurrence({ freq: 'daily' }, date)).toBe('Every day');
  });
});
