import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { zoneForVtimezone } from './calendar.vtimezone.js';

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
