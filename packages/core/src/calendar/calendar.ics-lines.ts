/**
 * The lines of an .ics file before any parser sees them (RFC 5545 §3.1): unfolded, cut into components, a property's
 * name and value, the lines a report quotes, the lines Life OS keeps without interpreting them, and the odd lines it
 * reads with a warning or refuses (calendar.ics-import.ts reads the events from them).
 */

/** Thrown while reading one event: it is skipped and reported with this message, the rest of the file read on. */
export class SkipEvent extends Error {}

/** What Life OS reads or writes itself of a VEVENT; every other line is kept as the file wrote it. */
const INTERPRETED = new Set([
  'UID',
  'DTSTAMP',
  'DTSTART',
  'DTEND',
  'DURATION',
  'SUMMARY',
  'DESCRIPTION',
  'LOCATION',
  'RRULE',
  'EXDATE',
  'RDATE',
  'RECURRENCE-ID',
  'SEQUENCE',
  'CREATED',
  'LAST-MODIFIED',
  // libical's marks of its own parse errors, not the author's data.
  'X-LIC-ERROR',
  // Written by the export itself for every all-day event (ical-generator, for Outlook).
  'X-MICROSOFT-CDO-ALLDAYEVENT',
  'X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT',
]);
/** At most this much of an event's uninterpreted lines is kept (a calendar's alarms and attendees are a few kB). */
export const KEPT_MAX_CHARS = 65_536;

/** The block's lines that are not interpreted: its own properties and whole nested components (VALARM, X-…). */
export function keptLines(lines: string[]): string | null {
  const kept: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const name = nameOf(line);
    if (name === 'BEGIN') depth++;
    const nested = depth > 1;
    if (name === 'END') depth--;
    if (nested) kept.push(line);
    else if (depth === 1 && name !== 'BEGIN' && !INTERPRETED.has(name)) {
      if (name === 'STATUS' && lineValue(line).trim().toUpperCase() === 'CANCELLED') continue;
      kept.push(line);
    }
  }
  return kept.length > 0 ? kept.join('\r\n') : null;
}

/** A line as a report quotes it: cut short, so a hostile file cannot make the report large. */
export const quoteLine = (line: string) => `"${line.length > 120 ? `${line.slice(0, 120)}…` : line}"`;

/** Logical lines: folds joined (RFC 5545 §3.1), trailing whitespace dropped, empty lines left out. */
export function unfold(text: string): string[] {
  const lines: string[] = [];
  for (const physical of text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
    if ((physical.startsWith(' ') || physical.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] += physical.slice(1);
    } else lines.push(physical);
  }
  return lines.map((line) => line.trimEnd()).filter((line) => line !== '');
}

export const nameOf = (line: string) => /^[A-Za-z0-9-]+/.exec(line)?.[0]?.toUpperCase() ?? '';
export const lineValue = (line: string) => {
  // The value follows the first colon outside a quoted parameter value.
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) return line.slice(i + 1);
  }
  return '';
};

/** The top-level blocks of one kind (VEVENT, VTIMEZONE) of a calendar, each as its lines (nested ones included). */
export function componentBlocks(lines: string[], kind = 'VEVENT'): { lines: string[]; complete: boolean }[] {
  const blocks: { lines: string[]; complete: boolean }[] = [];
  let current: string[] | null = null;
  let depth = 0;
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (current) {
      current.push(line);
      if (upper.startsWith('BEGIN:')) depth++;
      else if (upper.startsWith('END:')) {
        depth--;
        if (depth === 0) {
          blocks.push({ lines: current, complete: upper === `END:${kind}` });
          current = null;
        }
      }
    } else if (upper === `BEGIN:${kind}`) {
      current = [line];
      depth = 1;
    }
  }
  if (current) blocks.push({ lines: current, complete: false });
  return blocks;
}

export function rawProperty(lines: string[], name: string): string | null {
  const line = lines.find((l) => nameOf(l) === name);
  return line === undefined ? null : lineValue(line);
}

/** The first line of a property in the event's own lines (not its alarms'), for a message. */
export function rawLine(lines: string[], name: string): string {
  return lines.find((l) => nameOf(l) === name.toUpperCase()) ?? name.toUpperCase();
}

const DATE_VALUE_TYPES = new Set(['DATE', 'DATE-TIME', 'PERIOD']);
const DATE_PROPERTIES = new Set(['DTSTART', 'DTEND', 'RECURRENCE-ID', 'EXDATE', 'RDATE', 'DUE']);

/**
 * Lines the parser would read with a guess: an empty parameter (`DTSTART;;VALUE=…`, which readers skip) is read and
 * reported; an unknown value type on a date (`DTSTART;VALUE=FOO:…`) cannot be read without guessing, so it costs
 * the event.
 */
export function lineProblems(lines: string[]): { warnings: string[] } {
  const warnings: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (upper.startsWith('BEGIN:')) depth++;
    else if (upper.startsWith('END:')) depth--;
    if (depth !== 1) continue; // the event's own lines, not its alarms'
    const name = nameOf(line);
    const head = line.slice(0, line.length - lineValue(line).length);
    if (/;;|;:$/.test(head)) warnings.push(`line ${quoteLine(line)} has an empty parameter, which was ignored`);
    if (DATE_PROPERTIES.has(name)) {
      const type = /;VALUE=([^;:]*)/i.exec(head)?.[1]?.toUpperCase();
      if (type !== undefined && !DATE_VALUE_TYPES.has(type)) {
        throw new SkipEvent(`Unknown value type in line ${quoteLine(line)}`);
      }
    }
  }
  return { warnings };
}

/** A property's text, trimmed; null when empty. */
export const text = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
};
