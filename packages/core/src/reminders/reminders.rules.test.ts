import { describe, expect, it } from 'vitest';
import {
  holdForQuietHours,
  lateness,
  nextAgendaAt,
  taskReminderAt,
  wallTimeInstant,
  wallTimeOf,
} from './reminders.rules.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const iso = (d: Date) => d.toISOString();

describe('wall times across DST', () => {
  it('keeps 09:00 at 09:00 on both sides of the spring and autumn changes', () => {
    // Berlin: +01:00 in winter, +02:00 in summer (changes 2026-03-29 and 2026-10-25).
    expect(iso(wallTimeInstant('2026-03-28', '09:00', BERLIN))).toBe('2026-03-28T08:00:00.000Z');
    expect(iso(wallTimeInstant('2026-03-29', '09:00', BERLIN))).toBe('2026-03-29T07:00:00.000Z');
    expect(iso(wallTimeInstant('2026-10-24', '09:00', BERLIN))).toBe('2026-10-24T07:00:00.000Z');
    expect(iso(wallTimeInstant('2026-10-25', '09:00', BERLIN))).toBe('2026-10-25T08:00:00.000Z');
    // New York: changes 2026-03-08 and 2026-11-01.
    expect(iso(wallTimeInstant('2026-03-07', '09:00', NEW_YORK))).toBe('2026-03-07T14:00:00.000Z');
    expect(iso(wallTimeInstant('2026-03-08', '09:00', NEW_YORK))).toBe('2026-03-08T13:00:00.000Z');
    expect(iso(wallTimeInstant('2026-10-31', '09:00', NEW_YORK))).toBe('2026-10-31T13:00:00.000Z');
    expect(iso(wallTimeInstant('2026-11-01', '09:00', NEW_YORK))).toBe('2026-11-01T14:00:00.000Z');
  });

  it('fires a wall time that does not exist at the next valid minute (spring)', () => {
    // 02:30 is skipped in Berlin on 2026-03-29 (02:00 → 03:00): 03:00 CEST.
    const berlin = wallTimeInstant('2026-03-29', '02:30', BERLIN);
    expect(iso(berlin)).toBe('2026-03-29T01:00:00.000Z');
    expect(wallTimeOf(berlin, BERLIN)).toBe('03:00');
    const ny = wallTimeInstant('2026-03-08', '02:15', NEW_YORK);
    expect(iso(ny)).toBe('2026-03-08T07:00:00.000Z');
    expect(wallTimeOf(ny, NEW_YORK)).toBe('03:00');
  });

  it('takes the first of a wall time that happens twice (autumn)', () => {
    expect(iso(wallTimeInstant('2026-10-25', '02:30', BERLIN))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(wallTimeInstant('2026-11-01', '01:30', NEW_YORK))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('reminds N days before at the same wall time, and minutes before as a duration', () => {
    // Due the Monday after the Berlin spring change; two days before is the Saturday, still 09:00 local.
    const twoDays = taskReminderAt('2026-03-30', { taskTime: '09:00', offsetMinutes: 2 * 1440 }, BERLIN);
    expect(iso(twoDays)).toBe('2026-03-28T08:00:00.000Z');
    expect(wallTimeOf(twoDays, BERLIN)).toBe('09:00');
    const ninety = taskReminderAt('2026-03-30', { taskTime: '09:00', offsetMinutes: 90 }, BERLIN);
    expect(wallTimeOf(ninety, BERLIN)).toBe('07:30');
    expect(iso(taskReminderAt('2026-11-02', { taskTime: '08:00', offsetMinutes: 0 }, NEW_YORK))).toBe(
      '2026-11-02T13:00:00.000Z',
    );
  });
});

describe('quiet hours', () => {
  const quiet = { start: '22:00', end: '07:00' };
  it('holds a reminder inside an overnight window until it ends, in local time', () => {
    const evening = wallTimeInstant('2026-03-28', '23:15', BERLIN);
    // The window ends the next morning, which is after the spring change: 07:00 CEST.
    expect(iso(holdForQuietHours(evening, quiet, BERLIN))).toBe('2026-03-29T05:00:00.000Z');
    const early = wallTimeInstant('2026-06-01', '05:00', NEW_YORK);
    expect(iso(holdForQuietHours(early, quiet, NEW_YORK))).toBe(iso(wallTimeInstant('2026-06-01', '07:00', NEW_YORK)));
  });
  it('lets through reminders outside the window, urgent ones, and all when there are none', () => {
    const noon = wallTimeInstant('2026-06-01', '12:00', BERLIN);
    expect(holdForQuietHours(noon, quiet, BERLIN)).toEqual(noon);
    const night = wallTimeInstant('2026-06-01', '23:00', BERLIN);
    expect(holdForQuietHours(night, quiet, BERLIN, true)).toEqual(night);
    expect(holdForQuietHours(night, null, BERLIN)).toEqual(night);
    // A daytime window (13:00–14:00) that does not cross midnight.
    const lunch = wallTimeInstant('2026-06-01', '13:30', BERLIN);
    expect(wallTimeOf(holdForQuietHours(lunch, { start: '13:00', end: '14:00' }, BERLIN), BERLIN)).toBe('14:00');
  });
});

describe('after downtime', () => {
  const at = new Date('2026-06-01T07:00:00Z');
  const hour = 3_600_000;
  it('sends on time, late within the window, and drops older ones', () => {
    expect(lateness(at, new Date(at.getTime() + 30_000), hour)).toBe('on-time');
    expect(lateness(at, new Date(at.getTime() + 20 * 60_000), hour)).toBe('late');
    expect(lateness(at, new Date(at.getTime() + 2 * hour), hour)).toBe('drop');
  });
});

describe('the daily agenda', () => {
  it('is today at its time until that has passed, then tomorrow', () => {
    expect(nextAgendaAt(new Date('2026-06-01T04:00:00Z'), '07:30', BERLIN)).toEqual({
      date: '2026-06-01',
      at: new Date('2026-06-01T05:30:00Z'),
    });
    expect(nextAgendaAt(new Date('2026-06-01T06:00:00Z'), '07:30', BERLIN).date).toBe('2026-06-02');
  });
});
