import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { describe, expect, it } from 'vitest';
import { vtimezoneText, zoneForVtimezone } from './calendar.vtimezone.js';

const cases = readFileSync(
  new URL('../../../../apps/api/test/ics-cases/custom-vtimezone.ics', import.meta.url),
  'utf8',
);
const zones = new ICAL.Component(ICAL.parse(cases)).getAllSubcomponents('vtimezone');
const zone = (tzid: string) => {
  const found = zones.find((z) => z.getFirstPropertyValue('tzid') === tzid);
  if (!found) throw new Error(tzid);
  return found;
};
const vtimezone = (body: string) =>
  new ICAL.Component(
    ICAL.parse(`BEGIN:VTIMEZONE\r\nTZID:x\r\n${body.trim().split('\n').join('\r\n')}\r\nEND:VTIMEZONE`),
  );

describe('zoneForVtimezone', () => {
  it("finds the IANA zone that keeps a file's own zone, preferring CLDR's main zone of the offset", () => {
    expect(zoneForVtimezone(zone('Customized Time Zone'), [2024, 2025])).toBe('Europe/Berlin');
    expect(zoneForVtimezone(zone('Lotus Notes zone 5'), [2024, 2025])).toBe('America/New_York');
    expect(['Asia/Calcutta', 'Asia/Kolkata']).toContain(zoneForVtimezone(zone('India Time (custom)'), [2024, 2025]));
  });

  it('a zone that changes on other days than any IANA zone has no answer; a constant whole hour is Etc/GMT', () => {
    const odd = vtimezone(`
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=9
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=4
END:DAYLIGHT`);
    expect(zoneForVtimezone(odd, [2024])).toBeNull();
    const fixed = vtimezone(`
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:-0930
TZOFFSETTO:+0500
END:STANDARD`);
    // +05:00 all year matches a real zone first (Asia/Tashkent: CLDR's West Asia), not the Etc/GMT fallback.
    expect(zoneForVtimezone(fixed, [2024])).toBe('Asia/Tashkent');
  });

  it('costs a few milliseconds per zone', () => {
    zoneForVtimezone(zone('Customized Time Zone'), [2024, 2025]); // warm: Intl's formatters, the zone list
    const started = performance.now();
    for (const tzid of ['Customized Time Zone', 'Lotus Notes zone 5', 'India Time (custom)']) {
      zoneForVtimezone(zone(tzid), [2030, 2031]);
    }
    const perZone = (performance.now() - started) / 3;
    console.log(`zoneForVtimezone: ${perZone.toFixed(1)} ms per zone`);
    expect(perZone).toBeLessThan(30);
  });
});

describe('vtimezoneText', () => {
  it("writes a zone's changes as they were in the events' years, then its current rules", () => {
    const [current] = tzlib_get_ical_block('America/New_York');
    const text = vtimezoneText('America/New_York', 2003, 2004, current ?? null) ?? '';
    const lines = text.split('\r\n');
    // 2003: DST from the first Sunday of April to the last Sunday of October (before the 2007 change).
    expect(lines).toContain('DTSTART:20030406T020000');
    expect(lines).toContain('DTSTART:20031026T020000');
    expect(text).not.toContain('DTSTART:20030309');
    // 2007 on: the rules of today, as yearly rules from their first change on (the runtime agrees through 2037).
    const march = lines.indexOf('DTSTART:20070311T020000');
    expect(march).toBeGreaterThan(0);
    expect(lines.slice(march, march + 4)).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU');
    expect(text).not.toContain('DTSTART:2008');
    // Read back, it is the zone it was written from, in the years written and after them.
    const component = new ICAL.Component(ICAL.parse(text));
    expect(zoneForVtimezone(component, [2003, 2004])).toBe('America/New_York');
    expect(zoneForVtimezone(component, [2030, 2031])).toBe('America/New_York');
  });

  it("writes a zone that keeps today's rules as those rules alone, and a zone that dropped DST up to its last change", () => {
    const [berlin] = tzlib_get_ical_block('Europe/Berlin');
    const text = vtimezoneText('Europe/Berlin', 2026, 2027, berlin ?? null) ?? '';
    // The first state and the two yearly rules: what clients need, not every change through 2037 (CalDAV answers).
    expect(text.match(/BEGIN:(STANDARD|DAYLIGHT)/g)).toHaveLength(3);
    expect(text).toContain('DTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:');
    const component = new ICAL.Component(ICAL.parse(text));
    expect(zoneForVtimezone(component, [2026, 2027])).toBe('Europe/Berlin');
    expect(zoneForVtimezone(component, [2036, 2037])).toBe('Europe/Berlin');

    // Brazil ended DST in 2019: its changes are written as they were, and no rule goes on after them.
    const [saoPaulo] = tzlib_get_ical_block('America/Sao_Paulo');
    const brazil = vtimezoneText('America/Sao_Paulo', 2017, 2018, saoPaulo ?? null) ?? '';
    expect(brazil).toContain('DTSTART:20190217T000000');
    expect(brazil).not.toContain('RRULE');
    const read = new ICAL.Component(ICAL.parse(brazil));
    expect(zoneForVtimezone(read, [2017, 2018])).toBe('America/Sao_Paulo');
  });

  it('writes one observance for a zone that has not changed since, and nothing for an unknown zone', () => {
    const kolkata = vtimezoneText('Asia/Kolkata', 2020, 2021, null) ?? '';
    expect(kolkata.match(/BEGIN:STANDARD/g)).toHaveLength(1);
    expect(vtimezoneText('Not/AZone', 2020, 2021, null)).toBeNull();
  });
});
