/**
 * A task as a CalDAV resource (RFC 4791 §4.1: a VCALENDAR holding one VTODO and the VTIMEZONEs it uses), both ways:
 * `parseVtodo` reads what Life OS stores of a task from a client's text, `vtodoIcs` writes a stored task back as
 * such a text. Pure (no database, no HTTP): the CalDAV server calls them around its own reads and writes.
 *
 * Nothing a client sent is lost. What Life OS does not interpret is kept as the client wrote it (`kept`) and written
 * back; so is the client's own form of a value Life OS stores differently (a DUE with a time of day, PRIORITY:2,
 * STATUS:CANCELLED, SUMMARY with a LANGUAGE), for as long as Life OS's value still says the same. ical.js reads the
 * values (escapes, lists, dates) and writes the regenerated lines; the lines themselves are cut as the calendar's
 * .ics reader cuts them (calendar.ics-lines.ts), so what is kept is the client's text, not a re-serialization.
 * One file although over 400 lines: reading and writing share one table of mapped properties (MAPPINGS), and each
 * half's rules (what is kept, when it is written back) are only right together with the other's.
 */
import ICAL from 'ical.js';
import { fromFloating } from '../calendar/calendar.floating-time.js';
import { foldIcsLines } from '../calendar/calendar.ics-export.js';
import { componentBlocks, lineValue, nameOf, quoteLine, unfold } from '../calendar/calendar.ics-lines.js';
import { ZCalendarDate } from '../common/common.schemas.js';
import { localDate } from '../common/local-date.js';
import { CalendarDataError } from '../errors.js';
import { taskRuleProblem } from './tasks.rules.js';
import {
  LABEL_MAX,
  LABELS_MAX,
  REPEAT_AFTER_DAYS_MAX,
  TASK_NOTES_MAX,
  TASK_TITLE_MAX,
  type TTaskStatus,
  ZTaskRrule,
} from './tasks.schemas.js';

/** Longer UIDs are refused (the calendar's import takes as many). */
export const VTODO_UID_MAX = 1_000;
/**
 * At most this much is kept of what Life OS does not interpret (as much as an imported event keeps). A task whose
 * uninterpreted lines (alarms, attachments, X- properties and the VTIMEZONEs they use) are longer is refused: a
 * CalDAV client has no way to hear a warning, and silently dropping its data is what this file must not do. The
 * client's own forms of mapped values are kept only while they fit beside those; beyond, Life OS's form is written.
 */
export const VTODO_KEPT_MAX_CHARS = 65_536;
export const VTODO_NO_TITLE = '(no title)';
const PRODID = '-//Life OS//Tasks//EN';
/** Life OS's own property: "repeat N days after each completion", which RRULE cannot say. */
const REPEAT_AFTER_DAYS = 'X-LIFEOS-REPEAT-AFTER-DAYS';
/**
 * A kept DUE carries the date Life OS read from it (a UTC time's date depends on the user's zone at that moment), so
 * the writer knows whether the task's due date is still that one without a zone. Never written out.
 */
const DUE_DATE_PARAM = 'X-LIFEOS-DATE';

/** What a task keeps from a VTODO. */
export interface VtodoFields {
  /** UID, at most VTODO_UID_MAX characters. */
  uid: string;
  /** SUMMARY, trimmed and clipped to TASK_TITLE_MAX; VTODO_NO_TITLE when missing or empty. */
  title: string;
  /** DESCRIPTION, clipped to TASK_NOTES_MAX; trailing spaces dropped (the line reader drops them). */
  notes: string | null;
  status: TTaskStatus;
  /** 0 none, 1 low, 2 medium, 3 high. */
  priority: 0 | 1 | 2 | 3;
  /** CATEGORIES as Life OS labels (ZLabel), at most LABELS_MAX. */
  labels: string[];
  /** 'YYYY-MM-DD', in 1900–2199. */
  dueDate: string | null;
  /** Satisfies ZTaskRrule (normalized as it returns it) and taskRuleProblem. */
  rrule: string | null;
  /** X-LIFEOS-REPEAT-AFTER-DAYS. */
  repeatAfterDays: number | null;
  /** Whole seconds (iCalendar's precision). */
  completedAt: Date | null;
  /**
   * The VTODO's lines Life OS does not interpret (whole nested components such as VALARM), the client's own form of
   * mapped values (see the file's comment), and the VTIMEZONEs those lines use, unfolded and joined by CRLF; at most
   * VTODO_KEPT_MAX_CHARS. Only vtodoIcs reads it.
   */
  kept: string | null;
}

export type VtodoTask = VtodoFields & { createdAt: Date; updatedAt: Date };

/** The CalDAV precondition (RFC 4791 §5.3.2.1) a refused resource fails; the server answers 403 with it. */
export type VtodoPrecondition = 'valid-calendar-data' | 'supported-calendar-component';

/** A task resource Life OS cannot store: a CalendarDataError, so the CalDAV transport answers it like an event's. */
export class VtodoRefused extends CalendarDataError {
  constructor(precondition: VtodoPrecondition, message: string) {
    super(message, precondition);
  }
}

const invalid = (message: string) => new VtodoRefused('valid-calendar-data', message);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

// ---------- values ----------

/** A line's values as ical.js reads them (unescaped text, lists, dates), read at once so that a bad one is refused. */
function valuesOf(line: string): unknown[] {
  try {
    return ICAL.Property.fromString(line).getValues();
  } catch (error) {
    throw invalid(`Unreadable line ${quoteLine(line)}: ${errorText(error)}`);
  }
}

const textOf = (line: string) => cleanText(String(valuesOf(line)[0] ?? ''));

function timeOf(line: string): ICAL.Time {
  const [value] = valuesOf(line);
  if (!(value instanceof ICAL.Time)) throw invalid(`Not a date in line ${quoteLine(line)}`);
  return value;
}

/** ical.js reads a malformed integer as 0; PRIORITY and PERCENT-COMPLETE are read here so that it is refused. */
function integerOf(line: string, max: number): number {
  const raw = lineValue(line).trim();
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > max) {
    throw invalid(`Expected a whole number from 0 to ${max} in line ${quoteLine(line)}`);
  }
  return Number(raw);
}

/** A line as ical.js writes it: escaped text (RFC 5545 §3.3.11), unfolded. */
function written(name: string, value: string | string[]): string {
  const prop = new ICAL.Property(name.toLowerCase());
  if (Array.isArray(value)) prop.setValues(value.map(cleanText));
  else prop.setValue(cleanText(value));
  return prop.toICALString();
}

/** Cut to `max` UTF-16 units without leaving half of a surrogate pair. */
function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * iCalendar text holds no control characters but tab and line feed (RFC 5545 §3.3.11), and ical.js would write a CR
 * as it is, breaking the line: CR LF and CR are line feeds, other controls are dropped, on both ways.
 */
const cleanText = (value: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the control characters is the point.
  value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');

const isoOf = (time: ICAL.Time) =>
  `${String(time.year).padStart(4, '0')}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;
const compact = (date: string) => date.replaceAll('-', '');
const pad = (n: number) => String(n).padStart(2, '0');
const utcStamp = (d: Date) =>
  `${String(d.getUTCFullYear()).padStart(4, '0')}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
const isUtc = (time: ICAL.Time) => time.zone === ICAL.Timezone.utcTimezone || time.zone?.tzid === 'UTC';

/** A category as a Life OS label (ZLabel): lower-case, spaces to '-', other characters ZLabel refuses dropped. */
function normalizeLabel(category: string): string {
  const label = category
    .trim()
    .toLowerCase()
    .replace(/\s+/gu, '-')
    .replace(/[^\p{L}\p{N}_-]/gu, '')
    .replace(/^[_-]+/u, '');
  return clip(label, LABEL_MAX);
}

// ---------- the mapped properties ----------

type MappedKey = 'uid' | 'title' | 'notes' | 'status' | 'priority' | 'labels' | 'dueDate' | 'rrule' | 'repeatAfterDays';

/**
 * One property Life OS stores as a field. `read` gives the field's value from the property's lines (undefined when
 * there are none and the field is decided elsewhere); `write` the lines Life OS writes for a value. A client's lines
 * that differ from `write(read(lines))` are kept, and written instead while the field still has that value.
 */
interface Mapping<K extends MappedKey> {
  key: K;
  name: string;
  /** All lines of the name (CATEGORIES may be repeated); else the first only, as RFC 5545 allows one. */
  many?: true;
  /** `timezone` is null when a kept line is read back by the writer. */
  read(lines: string[], timezone: string | null): VtodoFields[K] | undefined;
  write(value: VtodoFields[K]): string[];
}

const STATUS_READ: Record<string, TTaskStatus> = {
  'NEEDS-ACTION': 'todo',
  'IN-PROCESS': 'doing',
  COMPLETED: 'done',
  // Life OS has no cancelled task. Done is the nearest: it leaves the open lists and is never overdue, as a
  // cancelled task should; reading it as open would bring cancelled tasks back, and refusing it would keep a
  // client from cancelling. STATUS:CANCELLED itself is kept and written back while the task stays done.
  CANCELLED: 'done',
};
const STATUS_WRITE: Record<TTaskStatus, string> = { todo: 'NEEDS-ACTION', doing: 'IN-PROCESS', done: 'COMPLETED' };

/** RFC 5545 §3.8.1.9: 1–4 high, 5 medium, 6–9 low, 0 undefined. */
function priorityOf(value: number): 0 | 1 | 2 | 3 {
  if (value === 0) return 0;
  if (value <= 4) return 3;
  return value === 5 ? 2 : 1;
}
const PRIORITY_WRITE = { 0: null, 1: 9, 2: 5, 3: 1 } as const;

function readRrule(line: string): string {
  const parsed = ZTaskRrule.safeParse(lineValue(line));
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'is not a rule Life OS can repeat a task by';
    throw invalid(`The repeat rule in line ${quoteLine(line)} cannot be kept: ${message}`);
  }
  return parsed.data;
}

const MAPPINGS: Mapping<MappedKey>[] = [
  {
    key: 'uid',
    name: 'UID',
    read: ([line]) => {
      const uid = line === undefined ? '' : textOf(line).trim();
      if (uid === '') throw invalid('The task has no UID');
      if (uid.length > VTODO_UID_MAX) throw invalid(`The task's UID is longer than ${VTODO_UID_MAX} characters`);
      return uid;
    },
    write: (uid) => [written('UID', String(uid))],
  },
  {
    key: 'title',
    name: 'SUMMARY',
    read: ([line]) => {
      const text = line === undefined ? '' : textOf(line).trim();
      return clip(text, TASK_TITLE_MAX).trim() || VTODO_NO_TITLE;
    },
    write: (title) => [written('SUMMARY', String(title))],
  },
  {
    key: 'notes',
    name: 'DESCRIPTION',
    read: ([line]) => {
      if (line === undefined) return null;
      return clip(textOf(line).trimEnd(), TASK_NOTES_MAX).trimEnd() || null;
    },
    write: (notes) => (notes ? [written('DESCRIPTION', String(notes))] : []),
  },
  {
    key: 'status',
    name: 'STATUS',
    read: ([line]) => {
      if (line === undefined) return undefined;
      const status = STATUS_READ[lineValue(line).trim().toUpperCase()];
      if (!status) throw invalid(`Not a task's status in line ${quoteLine(line)}`);
      return status;
    },
    write: (status) => [`STATUS:${STATUS_WRITE[status as TTaskStatus]}`],
  },
  {
    key: 'priority',
    name: 'PRIORITY',
    read: ([line]) => (line === undefined ? 0 : priorityOf(integerOf(line, 9))),
    write: (priority) => {
      const value = PRIORITY_WRITE[priority as 0 | 1 | 2 | 3];
      return value === null ? [] : [`PRIORITY:${value}`];
    },
  },
  {
    key: 'labels',
    name: 'CATEGORIES',
    many: true,
    read: (lines) => {
      const labels = new Set<string>();
      for (const line of lines) {
        for (const value of valuesOf(line)) {
          const label = normalizeLabel(cleanText(String(value)));
          if (label) labels.add(label);
        }
      }
      return [...labels].slice(0, LABELS_MAX);
    },
    write: (labels) => ((labels as string[]).length > 0 ? [written('CATEGORIES', labels as string[])] : []),
  },
  {
    key: 'dueDate',
    name: 'DUE',
    read: ([line], timezone) => {
      if (line === undefined) return null;
      const marked = new RegExp(`^DUE;${DUE_DATE_PARAM}=(\\d{4})(\\d{2})(\\d{2})`, 'i').exec(line);
      if (timezone === null && marked) return `${marked[1]}-${marked[2]}-${marked[3]}`;
      const time = timeOf(line);
      // A DATE is the date; a TZID's or a floating time's date is the one written (Life OS keeps no time of day, and
      // that is the day the client shows it on); only a UTC time needs the user's zone to say which day it is.
      const date = !time.isDate && isUtc(time) ? localDate(time.toJSDate(), timezone ?? 'UTC') : isoOf(time);
      if (!ZCalendarDate.safeParse(date).success) {
        throw invalid(`The due date in line ${quoteLine(line)} lies outside the years 1900–2199`);
      }
      return date;
    },
    write: (date) => (date ? [`DUE;VALUE=DATE:${compact(String(date))}`] : []),
  },
  {
    key: 'rrule',
    name: 'RRULE',
    read: ([line]) => (line === undefined ? null : readRrule(line)),
    write: (rrule) => (rrule ? [`RRULE:${rrule}`] : []),
  },
  {
    key: 'repeatAfterDays',
    name: REPEAT_AFTER_DAYS,
    read: ([line]) => {
      if (line === undefined) return null;
      const days = /^\d{1,4}$/.test(lineValue(line).trim()) ? Number(lineValue(line).trim()) : 0;
      if (days < 1 || days > REPEAT_AFTER_DAYS_MAX) {
        throw invalid(`Expected a number of days from 1 to ${REPEAT_AFTER_DAYS_MAX} in line ${quoteLine(line)}`);
      }
      return days;
    },
    write: (days) => (days ? [`${REPEAT_AFTER_DAYS}:${days}`] : []),
  },
];
const MAPPED_NAMES = new Set(MAPPINGS.map((m) => m.name));

/**
 * Interpreted but not stored as a field of their own: PERCENT-COMPLETE (with STATUS), COMPLETED (completedAt),
 * DTSTART (kept, see startLines). Regenerated from the task: DTSTAMP, CREATED, LAST-MODIFIED. Dropped: libical's
 * marks of its own parse errors (X-LIC-ERROR, not the author's data).
 */
const SPECIAL = new Set(['PERCENT-COMPLETE', 'COMPLETED', 'DTSTART']);
const REGENERATED = new Set(['DTSTAMP', 'CREATED', 'LAST-MODIFIED', 'X-LIC-ERROR']);

/** A PERCENT-COMPLETE that says the same as the status; another one is dropped, as it would contradict it. */
function percentFits(status: TTaskStatus, percent: number): boolean {
  if (status === 'done') return percent === 100;
  // IN-PROCESS at 0 % is "started, nothing done yet"; NEEDS-ACTION is 0 % only.
  return status === 'doing' ? percent < 100 : percent === 0;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// ---------- the resource's structure ----------

interface Resource {
  /** The VTODO's lines, unfolded, BEGIN and END included. */
  todo: string[];
  /** Each VTIMEZONE of the resource by TZID (the first of a TZID defined twice), as its lines. */
  zones: Map<string, string[]>;
}

function resource(ics: string): Resource {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(ics);
  } catch (error) {
    throw invalid(`Not valid iCalendar: ${errorText(error)}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw invalid('Not iCalendar: it holds no BEGIN:VCALENDAR');
  if (Array.isArray(parsed[0])) throw invalid(`It holds ${parsed.length} calendars; a task resource is one VCALENDAR`);
  const root = new ICAL.Component(parsed);
  if (root.name !== 'vcalendar') {
    throw invalid(`Not iCalendar: it begins with BEGIN:${root.name.toUpperCase()} instead of BEGIN:VCALENDAR`);
  }
  const todos: ICAL.Component[] = [];
  for (const component of root.getAllSubcomponents()) {
    if (component.name === 'vtodo') todos.push(component);
    else if (component.name !== 'vtimezone') {
      throw new VtodoRefused(
        'supported-calendar-component',
        `A task list holds tasks (VTODO) only; this resource holds a ${component.name.toUpperCase()}`,
      );
    }
  }
  if (todos.length === 0) {
    throw new VtodoRefused('supported-calendar-component', 'A task list holds tasks (VTODO); this resource holds none');
  }
  const uids = new Set(todos.map((todo) => String(todo.getFirstPropertyValue('uid') ?? '')));
  if (todos.some((todo) => todo.hasProperty('recurrence-id'))) {
    // Life OS keeps one open occurrence of a repeating task and makes the next when it is completed: an override
    // of one occurrence (Thunderbird completes an occurrence this way) has nothing to be stored as.
    throw invalid(
      uids.size === 1 && todos.length > 1
        ? 'The task has a changed occurrence (a VTODO with RECURRENCE-ID); Life OS keeps no changed occurrences of a task, only the task itself'
        : 'A changed occurrence (RECURRENCE-ID) without its task; Life OS keeps no changed occurrences of a task',
    );
  }
  if (todos.length > 1) {
    throw invalid(
      uids.size === 1
        ? 'The resource holds the same task (UID) twice'
        : `The resource holds ${todos.length} tasks; a CalDAV resource holds one (RFC 4791 §4.1)`,
    );
  }
  const lines = unfold(ics);
  const [block] = componentBlocks(lines, 'VTODO');
  if (!block?.complete) throw invalid('The task has no matching END:VTODO');
  const zones = new Map<string, string[]>();
  for (const zone of componentBlocks(lines, 'VTIMEZONE')) {
    const tzid = zone.lines.find((line) => nameOf(line) === 'TZID');
    if (tzid && zone.complete && !zones.has(lineValue(tzid).trim())) zones.set(lineValue(tzid).trim(), zone.lines);
  }
  return { todo: block.lines, zones };
}

/** The TZIDs lines refer to, in the order they first appear. */
function tzidsOf(lines: string[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    const head = line.slice(0, line.length - lineValue(line).length);
    for (const [, tzid] of head.matchAll(/;TZID=("[^"]*"|[^;:]*)/gi)) found.add((tzid ?? '').replace(/"/g, '').trim());
  }
  return [...found];
}

// ---------- reading ----------

/** Reads a CalDAV task resource; throws VtodoRefused (with the precondition to answer) when it cannot be kept. */
export function parseVtodo(ics: string, options: { timezone: string; now: Date }): VtodoFields {
  const { todo, zones } = resource(ics);
  const groups = new Map<string, string[]>();
  const plain: string[] = [];
  let depth = 0;
  for (const line of todo) {
    const name = nameOf(line);
    if (name === 'BEGIN') depth++;
    const nested = depth > 1;
    if (name === 'END') depth--;
    if (nested) plain.push(line);
    else if (depth !== 1 || name === 'BEGIN' || REGENERATED.has(name)) continue;
    else if (MAPPED_NAMES.has(name) || SPECIAL.has(name)) groups.set(name, [...(groups.get(name) ?? []), line]);
    else plain.push(line);
  }
  const group = (mapping: Mapping<MappedKey>) => {
    const lines = groups.get(mapping.name) ?? [];
    return mapping.many ? lines : lines.slice(0, 1);
  };
  const read = new Map<MappedKey, unknown>();
  for (const mapping of MAPPINGS) read.set(mapping.key, mapping.read(group(mapping), options.timezone));

  if ((groups.get('RRULE')?.length ?? 0) > 1) throw invalid('Life OS repeats a task by one rule; the task has several');
  const rrule = read.get('rrule') as string | null;
  const dueDate = read.get('dueDate') as string | null;
  if (rrule) {
    const problem = taskRuleProblem(rrule, dueDate ?? localDate(options.now, options.timezone));
    if (problem) throw invalid(`The repeat rule "${rrule.slice(0, 120)}" ${problem}`);
  }
  // EXDATE and RDATE: Life OS repeats by the rule alone (the next task on completion), so they are kept for the
  // clients, which show them, and written back while the task repeats by a rule. Extra dates without a rule would
  // make a task repeat that Life OS keeps as a single one, so they are refused; exceptions without a rule are
  // dropped, as they take nothing away from a task that does not repeat.
  const exceptions = plain.filter((line) => nameOf(line) === 'EXDATE' || nameOf(line) === 'RDATE');
  if (!rrule && exceptions.some((line) => nameOf(line) === 'RDATE')) {
    throw invalid('Extra dates (RDATE) on a task without a repeat rule; Life OS repeats a task by a rule only');
  }
  const own = rrule ? plain : plain.filter((line) => !exceptions.includes(line));

  const percentLine = groups.get('PERCENT-COMPLETE')?.[0];
  const percent = percentLine === undefined ? null : integerOf(percentLine, 100);
  const completedLine = groups.get('COMPLETED')?.[0];
  const status =
    (read.get('status') as TTaskStatus | undefined) ??
    (percent === 100 || completedLine !== undefined ? 'done' : (percent ?? 0) > 0 ? 'doing' : 'todo');
  // A COMPLETED on an open task is left from an earlier completion: the task is open, so it has none.
  let completedAt: Date | null = null;
  if (status === 'done') {
    if (completedLine === undefined) completedAt = wholeSeconds(options.now);
    else {
      const time = timeOf(completedLine);
      // RFC 5545 wants UTC here; a floating or zoned time is read in the user's zone.
      completedAt = isUtc(time)
        ? time.toJSDate()
        : fromFloating(
            new Date(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second)),
            options.timezone,
          );
      if (Number.isNaN(completedAt.getTime())) throw invalid(`Unreadable date in line ${quoteLine(completedLine)}`);
    }
  }
  // The client's rule wins over Life OS's own "N days after completion": a client cannot see the latter, so a rule
  // next to it was set by the client, and a task repeats one way only.
  const repeatAfterDays = rrule ? null : (read.get('repeatAfterDays') as number | null);

  const fields: Omit<VtodoFields, 'kept'> = {
    uid: read.get('uid') as string,
    title: read.get('title') as string,
    notes: read.get('notes') as string | null,
    status,
    priority: read.get('priority') as 0 | 1 | 2 | 3,
    labels: read.get('labels') as string[],
    dueDate,
    rrule,
    repeatAfterDays,
    completedAt,
  };

  // DTSTART is kept as the client wrote it (Life OS tasks have no start), unless it is what the writer makes for a
  // repeating task without one (see startLines).
  const startLine = groups.get('DTSTART')?.[0];
  if (startLine !== undefined) timeOf(startLine);
  const must = [
    ...(startLine !== undefined && !sameValue(startLines(fields, null, 'regenerated'), [startLine]) ? [startLine] : []),
    ...own,
  ];
  const originals: string[][] = [];
  for (const mapping of MAPPINGS) {
    const lines = group(mapping);
    const value = fields[mapping.key];
    if (lines.length === 0 || !sameValue(read.get(mapping.key), value) || sameValue(mapping.write(value), lines)) {
      continue;
    }
    originals.push(
      mapping.key === 'dueDate' && dueDate
        ? lines.map((line) => line.replace(/^DUE/i, `DUE;${DUE_DATE_PARAM}=${compact(dueDate)}`))
        : lines,
    );
  }
  if (percentLine !== undefined && percent !== null && percentFits(status, percent)) {
    if (!(status === 'done' && percentLine === 'PERCENT-COMPLETE:100')) originals.push([percentLine]);
  }
  return { ...fields, kept: keptText(must, originals, zones) };
}

/** The kept text: `must` (all of it, or the task is refused), the originals that still fit, the zones they use. */
function keptText(must: string[], originals: string[][], zones: Map<string, string[]>): string | null {
  const zoneLength = (tzid: string) => (zones.get(tzid)?.join('\r\n').length ?? 0) + 2;
  const used = new Set(tzidsOf(must).filter((tzid) => zones.has(tzid)));
  let length = must.reduce((sum, line) => sum + line.length + 2, 0);
  for (const tzid of used) length += zoneLength(tzid);
  if (length > VTODO_KEPT_MAX_CHARS) {
    throw invalid(
      `The task's properties Life OS does not interpret (alarms, attachments, X- properties…) take ${length.toLocaleString('en')} characters; at most ${VTODO_KEPT_MAX_CHARS.toLocaleString('en')} are kept`,
    );
  }
  const fitting: string[] = [];
  for (const lines of originals) {
    const newZones = tzidsOf(lines).filter((tzid) => zones.has(tzid) && !used.has(tzid));
    const extra =
      lines.reduce((sum, line) => sum + line.length + 2, 0) + newZones.reduce((sum, tzid) => sum + zoneLength(tzid), 0);
    if (length + extra > VTODO_KEPT_MAX_CHARS) continue;
    length += extra;
    fitting.push(...lines);
    for (const tzid of newZones) used.add(tzid);
  }
  const ordered = [...fitting, ...must];
  const zoneLines = tzidsOf(ordered).flatMap((tzid) => (used.has(tzid) ? (zones.get(tzid) ?? []) : []));
  const all = [...ordered, ...zoneLines];
  return all.length > 0 ? all.join('\r\n') : null;
}

// ---------- writing ----------

interface KeptParts {
  /** The client's lines of mapped and special properties, by name. */
  originals: Map<string, string[]>;
  /** Everything else of the VTODO, nested components whole, in order. */
  plain: string[];
  zones: Map<string, string[]>;
}

/**
 * Cuts a kept text into its parts. A block left open is dropped, and a stray BEGIN/END of the calendar or the task
 * is never written, so a damaged kept text cannot break the resource's structure.
 */
function keptParts(kept: string | null): KeptParts {
  const parts: KeptParts = { originals: new Map(), plain: [], zones: new Map() };
  let block: string[] | null = null;
  let depth = 0;
  for (const line of kept ? kept.split('\r\n') : []) {
    const name = nameOf(line);
    if (block) {
      block.push(line);
      if (name === 'BEGIN') depth++;
      else if (name === 'END' && --depth === 0) {
        if (/^BEGIN:VTIMEZONE$/i.test(block[0] ?? '')) {
          const tzid = block.find((l) => nameOf(l) === 'TZID');
          if (tzid) parts.zones.set(lineValue(tzid).trim(), block);
        } else parts.plain.push(...block);
        block = null;
      }
    } else if (name === 'BEGIN') {
      if (/^BEGIN:(VCALENDAR|VTODO)$/i.test(line)) continue;
      block = [line];
      depth = 1;
    } else if (MAPPED_NAMES.has(name) || SPECIAL.has(name)) {
      parts.originals.set(name, [...(parts.originals.get(name) ?? []), line]);
    } else if (name !== 'END' && name !== '') parts.plain.push(line);
  }
  return parts;
}

/**
 * DTSTART, which a repeating task needs (RFC 5545 §3.8.2.4: REQUIRED with an RRULE): the client's while it still
 * fits the DUE written (the DUE is the client's own, or none; or both are dates and the start is not after the due
 * date), else for a repeating task the due date, which is where Life OS anchors its rule (a client that anchors its
 * series on DUE, like DAVdroid, sees the same dates); else none, as Life OS has no start to offer and a start the
 * client set before the due date moved may now lie after it.
 */
function startLines(
  task: Pick<VtodoFields, 'rrule' | 'dueDate'>,
  kept: string | null,
  due: 'kept' | 'regenerated' | 'none',
): string[] {
  if (kept !== null) {
    if (due !== 'regenerated') return [kept];
    try {
      const time = timeOf(kept);
      if (time.isDate && task.dueDate && isoOf(time) <= task.dueDate) return [kept];
    } catch {
      // An unreadable kept start is replaced like a misfitting one.
    }
  }
  return task.rrule && task.dueDate ? [`DTSTART;VALUE=DATE:${compact(task.dueDate)}`] : [];
}

/** A stored task as a CalDAV resource: a whole VCALENDAR, CRLF, folded at 75 octets. */
export function vtodoIcs(task: VtodoTask): string {
  const parts = keptParts(task.kept);
  const lines: string[] = [];
  const mapped = new Map<string, string[]>();
  let due: 'kept' | 'regenerated' | 'none' = 'none';
  for (const mapping of MAPPINGS) {
    const value = task[mapping.key];
    const original = parts.originals.get(mapping.name) ?? [];
    let still = false;
    if (original.length > 0) {
      try {
        still = sameValue(mapping.read(mapping.many ? original : original.slice(0, 1), null), value);
      } catch {
        still = false;
      }
    }
    const out = still
      ? (mapping.many ? original : original.slice(0, 1)).map((line) =>
          line.replace(new RegExp(`^DUE;${DUE_DATE_PARAM}=\\d{8}`, 'i'), 'DUE'),
        )
      : mapping.write(value);
    if (mapping.key === 'dueDate' && out.length > 0) due = still ? 'kept' : 'regenerated';
    mapped.set(mapping.name, out);
  }
  const take = (name: string) => mapped.get(name) ?? [];
  const percent = parts.originals.get('PERCENT-COMPLETE')?.[0];
  let percentLines: string[] = [];
  if (task.status === 'done') percentLines = ['PERCENT-COMPLETE:100'];
  if (percent !== undefined && /^\d{1,3}$/.test(lineValue(percent).trim())) {
    if (percentFits(task.status, Number(lineValue(percent).trim()))) percentLines = [percent];
  }
  lines.push(
    ...take('UID'),
    `DTSTAMP:${utcStamp(task.updatedAt)}`,
    `CREATED:${utcStamp(task.createdAt)}`,
    `LAST-MODIFIED:${utcStamp(task.updatedAt)}`,
    ...take('SUMMARY'),
    ...take('DESCRIPTION'),
    ...take('STATUS'),
    ...percentLines,
    ...(task.status === 'done' ? [`COMPLETED:${utcStamp(task.completedAt ?? task.updatedAt)}`] : []),
    ...take('PRIORITY'),
    ...take('CATEGORIES'),
    ...startLines(task, parts.originals.get('DTSTART')?.[0] ?? null, due),
    ...take('DUE'),
    ...take('RRULE'),
    ...take(REPEAT_AFTER_DAYS),
    // A rule removed in Life OS takes its exceptions and extra dates with it.
    ...(task.rrule ? parts.plain : parts.plain.filter((line) => nameOf(line) !== 'EXDATE' && nameOf(line) !== 'RDATE')),
  );
  const zoneLines = tzidsOf(lines).flatMap((tzid) => parts.zones.get(tzid) ?? []);
  const text = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    ...zoneLines,
    'BEGIN:VTODO',
    ...lines.map(cleanLine),
    'END:VTODO',
    'END:VCALENDAR',
  ].join('\r\n');
  return `${foldIcsLines(text)}\r\n`;
}

/** A kept line never holds a line break (it was unfolded), but a stored text may have been damaged. */
const cleanLine = (line: string) => line.replace(/[\r\n]/g, '');
