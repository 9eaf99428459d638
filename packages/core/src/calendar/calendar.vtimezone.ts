/**
 * A time zone defined only inside a file: a VTIMEZONE whose TZID names no zone Life OS knows ("Customized Time
 * Zone", "Lotus Notes zone 4", an Exchange zone edited by hand). Events are stored with an IANA zone, so that a
 * series expands with DST rules the runtime keeps current; the file's own rules pick that zone: the first of CLDR's
 * main zones (one per rule set Windows offers, in CLDR's order: the most used zone of an offset first) whose UTC
 * offsets agree with the VTIMEZONE's through the years the events happen in, including the days it changes (so a
 * zone that changes on another day of the same week does not match). A zone that never changes and has
 * no IANA twin becomes a fixed offset (Etc/GMT-5 is UTC+5); otherwise there is no answer and the caller warns.
 */
import { tzOffset } from '@date-fns/tz';
import ICAL from 'ical.js';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { occurrencesBetween } from './calendar.rrule-engine.js';
import { type ParsedRule, parseRule } from './calendar.rrule-parse.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** CLDR's main zone of each Windows zone, in CLDR's order (by offset; the most used zone of an offset first). */
const MAIN_ZONES = [
  ...new Set<string>(
    WINDOWS_TO_IANA_MAP.filter((entry) => entry.territory === '001').flatMap((entry) => entry.iana.slice(0, 1)),
  ),
];

let candidates: string[] | null = null;
/**
 * The zones a file's zone is compared with: CLDR's main zones, one per rule set Windows offers, which is what Outlook
 * and Notes zones mirror. Comparing with all ~420 IANA zones would cost a formatter each (~0.5 s on first use).
 */
function mainZones(): string[] {
  if (!candidates) {
    const known = new Set(Intl.supportedValuesOf('timeZone'));
    candidates = MAIN_ZONES.filter((zone) => known.has(zone));
  }
  return candidates;
}

/**
 * The instants a zone is compared at: noon UTC on the 1st and 15th of each month of `years`, and, where the file's
 * zone changes between two of them, noon of the day before and the day of the change (found by halving).
 */
function sampleInstants(offsetAt: (instant: Date) => number, years: number[]): Date[] {
  const coarse: Date[] = [];
  for (const year of years) {
    for (let month = 0; month < 12; month++) {
      coarse.push(new Date(Date.UTC(year, month, 1, 12)), new Date(Date.UTC(year, month, 15, 12)));
    }
  }
  const samples = [...coarse];
  for (let i = 1; i < coarse.length; i++) {
    let before = (coarse[i - 1] as Date).getTime();
    let after = (coarse[i] as Date).getTime();
    if (offsetAt(new Date(before)) === offsetAt(new Date(after))) continue;
    while (after - before > DAY_MS) {
      const middle = before + Math.floor((after - before) / 2 / DAY_MS) * DAY_MS;
      if (offsetAt(new Date(middle)) === offsetAt(new Date(before))) before = middle;
      else after = middle;
    }
    samples.push(new Date(before), new Date(after));
  }
  return samples;
}

/** One change of the file's zone: from this instant on, its UTC offset is `offset` minutes. */
interface Change {
  at: number;
  offset: number;
}

/** ICAL.Time's fields as a floating date (the wall clock, written as UTC). */
const floatingOf = (t: ICAL.Time) => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);

/**
 * The changes of a VTIMEZONE from two years before `years` to their end, in order: each STANDARD or DAYLIGHT
 * observance starts at its DTSTART, again at each occurrence of its RRULE (walked by Life OS's own engine, within its
 * budget; ical.js would expand an Outlook zone from 1601 on every read) and at each RDATE, all in the local time
 * before the change (TZOFFSETFROM). Null when the zone cannot be read.
 */
function zoneChanges(component: ICAL.Component, years: number[]): Change[] | null {
  const windowFrom = Date.UTC((years[0] ?? 2000) - 2, 0, 1);
  const windowTo = Date.UTC((years[years.length - 1] ?? 2000) + 1, 0, 1);
  const changes: Change[] = [];
  for (const observance of [
    ...component.getAllSubcomponents('standard'),
    ...component.getAllSubcomponents('daylight'),
  ]) {
    const dtstart = observance.getFirstPropertyValue('dtstart');
    const from = observance.getFirstPropertyValue('tzoffsetfrom');
    const to = observance.getFirstPropertyValue('tzoffsetto');
    if (!(dtstart instanceof ICAL.Time) || !(from instanceof ICAL.UtcOffset) || !(to instanceof ICAL.UtcOffset)) {
      return null;
    }
    const fromMs = from.toSeconds() * 1000;
    const offset = Math.round(to.toSeconds() / 60);
    const starts = [floatingOf(dtstart)];
    for (const property of observance.getAllProperties('rdate')) {
      for (const value of property.getValues()) if (value instanceof ICAL.Time) starts.push(floatingOf(value));
    }
    const rrule = observance.getFirstPropertyValue('rrule');
    if (rrule instanceof ICAL.Recur) {
      const rule = parseRule(rrule.toString());
      // UNTIL is UTC in a VTIMEZONE (RFC 5545 §3.6.5); the walk takes floating time.
      const until = rule.until ? new Date(rule.until.date.getTime() + (rule.until.form === 'utc' ? fromMs : 0)) : null;
      const { dates, exhausted } = occurrencesBetween(
        rule,
        new Date(walkStart(rule, starts[0] as number, windowFrom)),
        until,
        new Date(windowFrom),
        new Date(windowTo),
        500,
      );
      if (exhausted) return null;
      starts.push(...dates.map((d) => d.getTime()));
    }
    for (const start of starts) if (start < windowTo) changes.push({ at: start - fromMs, offset });
  }
  return changes.sort((a, b) => a.at - b.at);
}

/**
 * Where to start walking a yearly rule: its DTSTART moved on by whole intervals to just before the window, since
 * Outlook starts every zone in 1601 and four centuries of steps would run out the walk's budget. The changes before
 * are not needed (the window starts two years early); a rule with COUNT is walked from its DTSTART.
 */
function walkStart(rule: ParsedRule, dtstart: number, windowFrom: number): number {
  const start = new Date(dtstart);
  const years = new Date(windowFrom).getUTCFullYear() - 1 - start.getUTCFullYear();
  if (rule.freq !== 'YEARLY' || rule.count !== null || years <= 0) return dtstart;
  const step = years - (years % rule.interval);
  // 1 January keeps every BY rule's days in reach of the year (a 29 February start would not exist every year).
  return Date.UTC(
    start.getUTCFullYear() + step,
    0,
    1,
    start.getUTCHours(),
    start.getUTCMinutes(),
    start.getUTCSeconds(),
  );
}

/** The file's zone's UTC offset (minutes) at an instant: that of its last change before it. */
function fileOffset(component: ICAL.Component, years: number[]): ((instant: Date) => number) | null {
  let changes: Change[] | null;
  try {
    changes = zoneChanges(component, years);
  } catch {
    return null;
  }
  const first = changes?.[0];
  if (!changes || !first) return null;
  const known = changes;
  return (instant) => {
    const t = instant.getTime();
    let offset = first.offset;
    for (const change of known) {
      if (change.at > t) break;
      offset = change.offset;
    }
    return offset;
  };
}

/** An IANA zone (or fixed offset) that keeps the VTIMEZONE's time over `years`, or null. */
export function zoneForVtimezone(component: ICAL.Component, years: number[]): string | null {
  const offsetAt = fileOffset(component, years);
  if (!offsetAt) return null;
  let instants: Date[];
  let offsets: number[];
  try {
    instants = sampleInstants(offsetAt, years);
    offsets = instants.map(offsetAt);
  } catch {
    return null;
  }
  for (const zone of mainZones()) {
    if (instants.every((instant, i) => tzOffset(zone, instant) === offsets[i])) return zone;
  }
  const first = offsets[0] ?? 0;
  if (offsets.every((o) => o === first) && first % 60 === 0 && Math.abs(first) <= 14 * 60) {
    const hours = first / 60;
    return hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
  }
  return null;
}

// ---------- writing a zone's VTIMEZONE ----------

const WEEK_MS = 7 * DAY_MS;
/** The year up to which a zone's changes are written one by one, as tzdata's compiled files list them. */
const EXPLICIT_UNTIL_YEAR = 2037;
const MINUTE_MS = 60_000;

/** ±HHMM, or ±HHMMSS when the offset has seconds (local mean times before 1900). */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const total = Math.round(Math.abs(minutes) * 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = total % 60;
  return `${sign}${pad(Math.floor(total / 3600))}${pad(Math.floor(total / 60) % 60)}${seconds ? pad(seconds) : ''}`;
}

/** A floating (wall-clock, written as UTC) date as an iCalendar local date-time. */
function localText(floating: number): string {
  return new Date(floating).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/** The offset changes of `zone` in [from, to), by the runtime's time-zone data: each instant and the offsets. */
function offsetChanges(zone: string, from: number, to: number): { at: number; before: number; after: number }[] {
  const changes: { at: number; before: number; after: number }[] = [];
  let cursor = from;
  let offset = tzOffset(zone, new Date(cursor));
  while (cursor < to) {
    const next = Math.min(cursor + WEEK_MS, to);
    const nextOffset = tzOffset(zone, new Date(next));
    if (nextOffset === offset) {
      cursor = next;
      continue;
    }
    // Halve the week down to the minute of the change.
    let low = cursor;
    let high = next;
    while (high - low > MINUTE_MS) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
      if (tzOffset(zone, new Date(middle)) === offset) low = middle;
      else high = middle;
    }
    const after = tzOffset(zone, new Date(high));
    changes.push({ at: high, before: offset, after });
    offset = after;
    cursor = high;
  }
  return changes;
}

function observance(kind: 'STANDARD' | 'DAYLIGHT', dtstart: string, from: number, to: number, rrule?: string) {
  return [
    `BEGIN:${kind}`,
    `DTSTART:${dtstart}`,
    `TZOFFSETFROM:${offsetText(from)}`,
    `TZOFFSETTO:${offsetText(to)}`,
    ...(rrule ? [`RRULE:${rrule}`] : []),
    `END:${kind}`,
  ];
}

/** One of the zone's current rules (timezones-ical-library's definition): a yearly change between two offsets. */
interface CurrentRule {
  kind: 'STANDARD' | 'DAYLIGHT';
  rrule: string;
  rule: ParsedRule;
  /** Its DTSTART as a floating date. */
  start: number;
  from: number;
  to: number;
}

function currentRules(current: string | null): CurrentRule[] {
  const rules: CurrentRule[] = [];
  for (const block of current ? [...current.matchAll(/BEGIN:(STANDARD|DAYLIGHT)\r?\n([\s\S]*?)END:\1/g)] : []) {
    const body = block[2] ?? '';
    const rrule = /^RRULE:(.+)$/m.exec(body)?.[1]?.trim();
    const offsetFrom = /^TZOFFSETFROM:([+-]\d{4})/m.exec(body)?.[1];
    const offsetTo = /^TZOFFSETTO:([+-]\d{4})/m.exec(body)?.[1];
    const dtstart = /^DTSTART:(\d{8}T\d{6})/m.exec(body)?.[1];
    if (!rrule || !offsetFrom || !offsetTo || !dtstart) continue;
    const minutes = (text: string) =>
      (text.startsWith('-') ? -1 : 1) * (Number(text.slice(1, 3)) * 60 + Number(text.slice(3, 5)));
    const start = Date.UTC(
      Number(dtstart.slice(0, 4)),
      Number(dtstart.slice(4, 6)) - 1,
      Number(dtstart.slice(6, 8)),
      Number(dtstart.slice(9, 11)),
      Number(dtstart.slice(11, 13)),
    );
    let rule: ParsedRule;
    try {
      rule = parseRule(rrule);
    } catch {
      continue;
    }
    const kind = block[1] === 'DAYLIGHT' ? 'DAYLIGHT' : 'STANDARD';
    rules.push({ kind, rrule, rule, start, from: minutes(offsetFrom), to: minutes(offsetTo) });
  }
  return rules;
}

/** A rule's onsets in [from, to) as floating dates (the wall clock before the change). */
function ruleOnsets(rule: CurrentRule, from: number, to: number): number[] {
  const { dates } = occurrencesBetween(
    rule.rule,
    new Date(walkStart(rule.rule, rule.start, from)),
    null,
    new Date(from),
    new Date(to),
    1_000,
  );
  return dates.map((date) => date.getTime()).filter((t) => t >= from && t < to);
}

/**
 * The first year, from `fromYear` up to the end of the explicit changes, from which the zone's current rules predict
 * every change the runtime knows (same instants, same offsets) and no other; the end year when none does.
 */
function rulesHoldFrom(
  changes: { at: number; before: number; after: number }[],
  rules: CurrentRule[],
  fromYear: number,
  endYear: number,
): number {
  const key = (at: number, before: number, after: number) => `${at} ${before} ${after}`;
  const predicted = new Map<number, string[]>();
  for (const rule of rules) {
    // Floating onsets a day either side of the window: the UTC instant is the wall clock less the offset before.
    for (const local of ruleOnsets(rule, Date.UTC(fromYear, 0, 1) - DAY_MS, Date.UTC(endYear, 0, 1) + DAY_MS)) {
      const at = local - rule.from * MINUTE_MS;
      const year = new Date(at).getUTCFullYear();
      predicted.set(year, [...(predicted.get(year) ?? []), key(at, rule.from, rule.to)]);
    }
  }
  const actual = new Map<number, string[]>();
  for (const change of changes) {
    const year = new Date(change.at).getUTCFullYear();
    actual.set(year, [...(actual.get(year) ?? []), key(change.at, change.before, change.after)]);
  }
  const same = (year: number) => {
    const a = [...(actual.get(year) ?? [])].sort();
    const b = [...(predicted.get(year) ?? [])].sort();
    return a.length === b.length && a.every((k, i) => k === b[i]);
  };
  let holdsFrom = endYear;
  for (let year = endYear - 1; year >= fromYear && same(year); year--) holdsFrom = year;
  return holdsFrom;
}

/**
 * The VTIMEZONE of an IANA zone for events from `fromYear` on (RFC 5545 §3.6.5): the zone's changes one by one from
 * then as they were by the runtime's zone data (so 2003's US rules are 2003's, not today's), up to the year from
 * which the zone's current rules (timezones-ical-library's definition, as yearly RRULEs) predict every change the
 * runtime knows through 2037 (or `toYear`); those rules then take over from their first change in that year. A zone
 * that keeps its rules is then three observances (an object of 2026 in Berlin no longer carries 24 changes through
 * 2037: CalDAV answers were 2.7 times Radicale's); clients that read the file's own zone (libical, Evolution) place
 * every occurrence where Life OS does. Null for a zone the runtime does not know.
 */
export function vtimezoneText(zone: string, fromYear: number, toYear: number, current: string | null): string | null {
  const from = Date.UTC(fromYear, 0, 1);
  // Compared with the runtime through EXPLICIT_UNTIL_YEAR at least: the runtime knows when today's rules began (and
  // any change already announced), the rules library does not (its rules start in 1970 whatever the zone's history).
  const endYear = Math.max(toYear, EXPLICIT_UNTIL_YEAR) + 1;
  const to = Date.UTC(endYear, 0, 1);
  let initial: number;
  try {
    initial = tzOffset(zone, new Date(from));
  } catch {
    return null;
  }
  if (!Number.isFinite(initial)) return null;
  const changes = offsetChanges(zone, from, to);
  const rules = currentRules(current);
  const cutYear = rulesHoldFrom(changes, rules, fromYear, endYear);
  const cut = Date.UTC(cutYear, 0, 1);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  lines.push(...observance('STANDARD', localText(from + initial * MINUTE_MS), initial, initial));
  for (const change of changes) {
    if (change.at >= cut) break;
    const kind = change.after > change.before ? 'DAYLIGHT' : 'STANDARD';
    lines.push(...observance(kind, localText(change.at + change.before * MINUTE_MS), change.before, change.after));
  }
  // From the cut on: the zone's rules as they stand, each from its first change after it.
  for (const rule of rules) {
    const [first] = ruleOnsets(rule, cut + rule.from * MINUTE_MS, cut + 400 * DAY_MS);
    if (first === undefined) continue;
    lines.push(...observance(rule.kind, localText(first), rule.from, rule.to, rule.rrule));
  }
  lines.push('END:VTIMEZONE');
  return `${lines.join('\r\n')}\r\n`;
}
