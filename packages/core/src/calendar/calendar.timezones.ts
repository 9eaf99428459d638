/**
 * Time-zone names found in real .ics files, resolved to IANA names the runtime knows.
 *
 * Outlook and Exchange write Windows names ("W. Europe Standard Time"): windows-iana carries Unicode CLDR's
 * windowsZones.xml, and a Windows name maps to its "001" (main territory) zone, as CLDR intends. Other spellings
 * handled: IANA aliases (US/Pacific → America/Los_Angeles, through Intl), and prefixed names such as
 * "/softwarestudio.org/Olson_20011030_5/America/Chicago" (old Evolution and Apple exports) or
 * "/mozilla.org/20050126_1/Europe/Berlin" (old Thunderbird).
 */
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';

/** Windows names, lower-cased (files are not consistent about case), to their main territory's IANA zone. */
const WINDOWS_LOWER = new Map<string, string>([
  ...WINDOWS_TO_IANA_MAP.filter((entry) => entry.territory === '001').flatMap((entry) =>
    entry.iana[0] ? [[entry.windowsName.toLowerCase(), entry.iana[0]] as const] : [],
  ),
  // Not a Windows id, but Outlook writes the display name of "UTC" as the TZID now and then.
  ['coordinated universal time', 'Etc/UTC'],
]);

/** The runtime's canonical spelling of an IANA name, or null when it does not know it. */
export function canonicalTimezone(name: string): string | null {
  if (!name || name.length > 100) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** An IANA zone for a TZID as .ics files write it, or null when it cannot be resolved. */
export function resolveTimezone(tzid: string): string | null {
  const name = tzid.trim().replace(/^"(.*)"$/, '$1');
  const windows = WINDOWS_LOWER.get(name.toLowerCase());
  if (windows) return canonicalTimezone(windows);
  const direct = canonicalTimezone(name);
  if (direct) return direct;
  // "/softwarestudio.org/Olson_20011030_5/America/Chicago", "/mozilla.org/20050126_1/Europe/Berlin", …
  const segments = name.split('/').filter(Boolean);
  for (let take = Math.min(3, segments.length); take >= 1; take--) {
    const candidate = canonicalTimezone(segments.slice(-take).join('/'));
    if (candidate?.includes('/')) return candidate;
  }
  return null;
}
