import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { CalendarDataPrecondition } from '../errors.js';
import { LABEL_MAX, LABELS_MAX, TASK_NOTES_MAX, TASK_TITLE_MAX, ZLabel, ZTaskRrule } from './tasks.schemas.js';
import {
  parseVtodo,
  VTODO_KEPT_MAX_CHARS,
  type VtodoFields,
  VtodoRefused,
  type VtodoTask,
  vtodoIcs,
} from './tasks.vtodo.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/vtodo/', import.meta.url));
const ORACLE = fileURLToPath(new URL('../../../../scripts/ical-oracle.py', import.meta.url));
const NOW = new Date('2026-03-04T05:06:07.890Z');
const OPTIONS = { timezone: 'Europe/Berlin', now: NOW };
const STAMPS = { createdAt: new Date('2026-01-01T10:00:00Z'), updatedAt: new Date('2026-03-04T05:06:07Z') };

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const unfoldText = (text: string) => text.replace(/\r?\n[ \t]/g, '');
const parse = (ics: string, options = OPTIONS) => parseVtodo(ics, options);
const write = (fields: VtodoFields) => vtodoIcs({ ...fields, ...STAMPS });

/** A VCALENDAR around VTODO lines (LF, as the fixtures are stored). */
const todo = (...lines: string[]) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'BEGIN:VTODO',
    'UID:t1',
    ...lines,
    'END:VTODO',
    'END:VCALENDAR',
  ]
    .join('\n')
    .concat('\n');

function refusal(ics: string, options = OPTIONS): { precondition: CalendarDataPrecondition; message: string } {
  try {
    parse(ics, options);
  } catch (error) {
    if (error instanceof VtodoRefused) return { precondition: error.precondition, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

/** The korganizer file's tasks as a client PUTs them: one resource per VTODO, with the file's VTIMEZONEs. */
function korganizerResources(): string[] {
  const text = fixture('korganizer-subtask-tree.ics');
  const zones = text.slice(text.indexOf('BEGIN:VTIMEZONE'), text.indexOf('BEGIN:VTODO'));
  const todos = text.slice(text.indexOf('BEGIN:VTODO'), text.lastIndexOf('END:VCALENDAR')).split(/(?=BEGIN:VTODO)/);
  return todos.map(
    (block) =>
      `BEGIN:VCALENDAR\nPRODID:-//K Desktop Environment//NONSGML libkcal 4.3//EN\nVERSION:2.0\n${zones}${block}END:VCALENDAR\n`,
  );
}

const base: Omit<VtodoFields, 'uid' | 'title' | 'kept'> = {
  notes: null,
  status: 'todo',
  priority: 0,
  labels: [],
  dueDate: null,
  rrule: null,
  repeatAfterDays: null,
  completedAt: null,
};

/** What each client's file is read as (kept: the lines that must come back, checked separately). */
const EXPECTED: Record<string, Omit<VtodoFields, 'kept'>> = {
  'apple-reminders-ios11-completed.ics': {
    ...base,
    uid: '31FC53CE-71A0-4AE1-8371-822B8DC4ECD9',
    title: 'Test',
    status: 'done',
    completedAt: new Date('2018-04-17T18:43:02Z'),
  },
  'apple-reminders-ios11-daily-repeat-alarm.ics': {
    ...base,
    uid: 'A406CCEB-D40E-42F0-BA5F-9D7429618DFB',
    title: 'Test daily',
    dueDate: '2018-04-17',
    rrule: 'FREQ=DAILY',
  },
  'davdroid-weekly-all-day-due.ics': {
    ...base,
    uid: 'todo9',
    title: 'todo9',
    dueDate: '2013-09-01',
    rrule: 'FREQ=WEEKLY',
  },
  'davx5-tests-most-fields.ics': {
    ...base,
    uid: 'most-fields1@example.com',
    title: '(no title)',
    notes:
      'Meeting to provide technical review for "Phoenix" design.\nHappy Face Conference Room. Phoenix design team MUST attend this meeting.\nRSVP to team leader.',
    status: 'doing',
    priority: 3,
    labels: ['test', 'sample'],
    dueDate: '2010-10-01',
    rrule: 'FREQ=YEARLY;INTERVAL=2',
  },
  'nextcloud-tasks-all-day-due.ics': {
    ...base,
    uid: '838bdba9-f511-4dc7-8686-aaad8728e9bd',
    title: 'All day task',
    dueDate: '2021-02-01',
  },
  'nextcloud-tasks-floating-due-priority-zero.ics': {
    ...base,
    uid: 'ymv2zg9t2p',
    title: 'Test title',
    notes: 'Test description',
    dueDate: '2018-04-17',
  },
  'thunderbird-due-alarm-related-end.ics': {
    ...base,
    uid: '5b3a42d5-e99c-2f47-87d5-8ba0e2b753ab',
    title: 'Test',
    dueDate: '2022-01-21',
  },
};

/** Lines of each file that must be in what Life OS writes back (unfolded). */
const MUST_COME_BACK: Record<string, string[]> = {
  'apple-reminders-ios11-completed.ics': ['X-APPLE-SORT-ORDER:545683380', 'SEQUENCE:0', 'PERCENT-COMPLETE:100'],
  'apple-reminders-ios11-daily-repeat-alarm.ics': [
    'DTSTART;TZID=America/Chicago:20180417T140000',
    'DUE;TZID=America/Chicago:20180417T140000',
    'X-APPLE-SORT-ORDER:545683909',
    'BEGIN:VALARM',
    'TRIGGER;VALUE=DATE-TIME:20180417T190000Z',
    'X-WR-ALARMUID:C87C4AFC-C781-476D-A457-71FBD45AF9E5',
    'TZID:America/Chicago',
    'TZOFFSETFROM:-055036',
  ],
  'davdroid-weekly-all-day-due.ics': ['DUE;VALUE=DATE:20130901', 'RRULE:FREQ=WEEKLY'],
  'davx5-tests-most-fields.ics': [
    'LOCATION;ALTREP="http://xyzcorp.com/conf-rooms/f123.vcf":Conference Room - F123\\, Bldg. 002',
    'GEO:37.386013;-122.082932',
    'URL:http://example.com/pub/calendars/jsmith/mytime.ics',
    'ORGANIZER:http://example.com/principals/jsmith',
    'PRIORITY:1',
    'CLASS:CONFIDENTIAL',
    'STATUS:IN-PROCESS',
    'PERCENT-COMPLETE:25',
    'DTSTART;VALUE=DATE:20100101',
    'DUE;VALUE=DATE:20101001',
    'CATEGORIES:Test,Sample',
    'RRULE:FREQ=YEARLY;INTERVAL=2',
    'EXDATE;VALUE=DATE:20120101',
    'EXDATE;VALUE=DATE:20140101,20180101',
    'RDATE;VALUE=DATE:20100310,20100315',
    'RDATE;VALUE=DATE:20100810',
    'RELATED-TO;RELTYPE=SIBLING:most-fields2@example.com',
    'X-UNKNOWN-PROP;param1=xxx:Unknown Value',
    'SEQUENCE:1',
  ],
  'nextcloud-tasks-all-day-due.ics': ['DUE;VALUE=DATE:20210201'],
  'nextcloud-tasks-floating-due-priority-zero.ics': [
    'PRIORITY:0',
    'PERCENT-COMPLETE:0',
    'X-OC-HIDESUBTASKS:0',
    'DUE:20180417T170000',
  ],
  'thunderbird-due-alarm-related-end.ics': [
    'DUE;TZID=America/Chicago:20220121T130000',
    'PERCENT-COMPLETE:0',
    'X-MOZ-GENERATION:3',
    'SEQUENCE:1',
    'BEGIN:VALARM',
    'TRIGGER;VALUE=DURATION;RELATED=END:PT15M',
    'DESCRIPTION:Default Mozilla Description',
    'TZID:America/Chicago',
  ],
};

/** Every written text, checked by libical at the end in one Python process (the references take a while to load). */
const writtenTexts = new Map<string, string>();
const checkLater = (name: string, text: string) => {
  writtenTexts.set(name, text);
  return text;
};

describe('the clients’ files', () => {
  it('copies every shared fixture', () => {
    expect(readdirSync(FIXTURES).filter((f) => f.endsWith('.ics')).length).toBe(9);
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: read, written back with everything kept, and read again the same`, () => {
      const fields = parse(fixture(file));
      expect({ ...fields, kept: undefined }).toEqual({ ...expected, kept: undefined });
      const text = checkLater(file, write(fields));
      const lines = unfoldText(text).split('\r\n');
      for (const line of MUST_COME_BACK[file] ?? []) expect(lines).toContain(line);
      expect(parse(text)).toEqual(fields);
      // Each kept line of the client's VTODO (alarms, X- properties, RELATED-TO, …) is in the written text.
      for (const line of (fields.kept ?? '').split('\r\n').filter(Boolean)) {
        expect(lines).toContain(line.replace(/^DUE;X-LIFEOS-DATE=\d{8}/, 'DUE'));
      }
    });
  }

  it('CRLF, a final newline or none: the same task', () => {
    for (const file of Object.keys(EXPECTED)) {
      const lf = fixture(file).replace(/\r\n/g, '\n').replace(/\n$/, '');
      expect(parse(`${lf.replace(/\n/g, '\r\n')}\r\n`)).toEqual(parse(lf));
    }
  });

  it('korganizer-subtask-tree.ics: seven tasks in one resource are refused; each one PUT alone is read', () => {
    expect(refusal(fixture('korganizer-subtask-tree.ics'))).toEqual({
      precondition: 'valid-calendar-data',
      message: 'The resource holds 7 tasks; a CalDAV resource holds one (RFC 4791 §4.1)',
    });
    const resources = korganizerResources();
    expect(resources).toHaveLength(7);
    const tasks = resources.map((ics) => parse(ics));
    expect(tasks.map((t) => [t.title, t.priority, t.dueDate, t.status])).toEqual([
      ['1.3.1', 2, '2009-09-29', 'todo'],
      ['1.1', 2, '2009-09-29', 'todo'],
      ['1.3.1.1', 2, '2009-09-29', 'todo'],
      ['1', 2, '2009-09-29', 'todo'],
      ['1.3.1.1.1', 2, '2009-09-29', 'todo'],
      ['1.3', 2, '2009-09-29', 'todo'],
      ['1.2', 2, '2009-09-29', 'todo'],
    ]);
    for (const [i, task] of tasks.entries()) {
      const text = checkLater(`korganizer-${i}.ics`, write(task));
      expect(parse(text)).toEqual(task);
      const related = /RELATED-TO:(.+)/.exec(resources[i] ?? '')?.[1];
      if (related) expect(unfoldText(text)).toContain(`RELATED-TO:${related}`);
      // The zone defined twice is written once, and only where a kept line uses it.
      const zoned = (resources[i] ?? '').includes('DUE;TZID=Europe/Berlin');
      expect(text.split('BEGIN:VTIMEZONE').length - 1).toBe(zoned ? 1 : 0);
    }
  });

  it('thunderbird-completed-occurrence.ics: a changed occurrence is refused, saying why', () => {
    expect(refusal(fixture('thunderbird-completed-occurrence.ics'))).toEqual({
      precondition: 'valid-calendar-data',
      message:
        'The task has a changed occurrence (a VTODO with RECURRENCE-ID); Life OS keeps no changed occurrences of a task, only the task itself',
    });
  });
});

describe('the structure of a resource', () => {
  it.each([
    ['hello', 'Not valid iCalendar: invalid line (no token ";" or ":") "hello"'],
    ['', 'Not iCalendar: it holds no BEGIN:VCALENDAR'],
    [
      'BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:x\n',
      'Not valid iCalendar: invalid ical body. component began but did not end',
    ],
    ['BEGIN:VTODO\nUID:x\nEND:VTODO\n', 'Not iCalendar: it begins with BEGIN:VTODO instead of BEGIN:VCALENDAR'],
    [`${todo()}BEGIN:VCALENDAR\nEND:VCALENDAR\n`, 'It holds 2 calendars; a task resource is one VCALENDAR'],
    ['BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:x\nEND:VEVENT\nEND:VCALENDAR\n', 'The task has no matching END:VTODO'],
    [todo().replace('UID:t1\n', ''), 'The task has no UID'],
    [todo().replace('UID:t1', `UID:${'u'.repeat(1001)}`), "The task's UID is longer than 1000 characters"],
    [
      todo('RECURRENCE-ID:20260101T100000Z'),
      'A changed occurrence (RECURRENCE-ID) without its task; Life OS keeps no changed occurrences of a task',
    ],
    [
      todo('SUMMARY:a').replace('END:VTODO', 'END:VTODO\nBEGIN:VTODO\nUID:t1\nSUMMARY:b\nEND:VTODO'),
      'The resource holds the same task (UID) twice',
    ],
  ])('refuses %j as invalid calendar data', (ics, message) => {
    expect(refusal(ics)).toEqual({ precondition: 'valid-calendar-data', message });
  });

  it.each([
    [
      'VEVENT',
      todo().replace(/BEGIN:VTODO[\s\S]*END:VTODO/, 'BEGIN:VEVENT\nUID:e\nDTSTART:20260101T100000Z\nEND:VEVENT'),
    ],
    ['VJOURNAL', todo().replace('END:VTODO', 'END:VTODO\nBEGIN:VJOURNAL\nUID:j\nEND:VJOURNAL')],
  ])('refuses a %s as an unsupported component', (kind, ics) => {
    expect(refusal(ics)).toEqual({
      precondition: 'supported-calendar-component',
      message: `A task list holds tasks (VTODO) only; this resource holds a ${kind}`,
    });
  });

  it('refuses a calendar without a VTODO as an unsupported component', () => {
    expect(refusal('BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n')).toEqual({
      precondition: 'supported-calendar-component',
      message: 'A task list holds tasks (VTODO); this resource holds none',
    });
  });

  it('takes VTIMEZONEs before and after the VTODO, and writes back only the ones kept lines use', () => {
    const zone = (tzid: string) =>
      `BEGIN:VTIMEZONE\nTZID:${tzid}\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\n`;
    const ics = todo('DUE;TZID=Z/One:20260105T230000', 'DTSTART;TZID=Z/Two:20260105T080000')
      .replace('BEGIN:VTODO', `${zone('Z/One')}${zone('Unused')}BEGIN:VTODO`)
      .replace('END:VCALENDAR', `${zone('Z/Two')}END:VCALENDAR`);
    const fields = parse(ics);
    expect(fields.dueDate).toBe('2026-01-05');
    const text = write(fields);
    expect(text).toContain('TZID:Z/One');
    expect(text).toContain('TZID:Z/Two');
    expect(text).not.toContain('TZID:Unused');
    // The due date moved in Life OS: the DUE and DTSTART (a time against a date) are Life OS's, the zones go.
    const moved = write({ ...fields, dueDate: '2026-01-09' });
    expect(moved).toContain('DUE;VALUE=DATE:20260109');
    expect(moved).not.toContain('DTSTART');
    expect(moved).not.toContain('VTIMEZONE');
    expect(parse(moved).dueDate).toBe('2026-01-09');
  });
});

describe('the mapped properties', () => {
  it('SUMMARY: trimmed, clipped, unescaped; missing or empty is "(no title)"', () => {
    expect(parse(todo('SUMMARY:  Buy milk\\, eggs\\; bread  ')).title).toBe('Buy milk, eggs; bread');
    expect(parse(todo()).title).toBe('(no title)');
    expect(parse(todo('SUMMARY:   ')).title).toBe('(no title)');
    const long = parse(todo(`SUMMARY:${'x'.repeat(TASK_TITLE_MAX + 100)}`));
    expect(long.title).toHaveLength(TASK_TITLE_MAX);
    // The client's whole title comes back while Life OS's is unchanged.
    expect(unfoldText(write(long))).toContain(`SUMMARY:${'x'.repeat(TASK_TITLE_MAX + 100)}`);
    expect(write({ ...long, title: 'Short' })).toContain('SUMMARY:Short\r\n');
  });

  it('SUMMARY with a parameter or its own escaping comes back as the client wrote it while unchanged', () => {
    const fields = parse(todo('SUMMARY;LANGUAGE=de:Milch, Eier'));
    expect(fields.title).toBe('Milch, Eier');
    expect(write(fields)).toContain('SUMMARY;LANGUAGE=de:Milch, Eier\r\n');
    expect(write({ ...fields, title: 'Brot, Butter' })).toContain('SUMMARY:Brot\\, Butter\r\n');
  });

  it('DESCRIPTION: the notes, unescaped and clipped; written escaped', () => {
    expect(parse(todo('DESCRIPTION:one\\ntwo\\, three\\\\four')).notes).toBe('one\ntwo, three\\four');
    expect(parse(todo('DESCRIPTION:')).notes).toBeNull();
    expect(parse(todo(`DESCRIPTION:${'n'.repeat(TASK_NOTES_MAX + 5)}`)).notes).toHaveLength(TASK_NOTES_MAX);
    const text = write({ ...base, uid: 'u', title: 't', kept: null, notes: 'a;b,c\\d\r\ne\u0007' });
    expect(text).toContain('DESCRIPTION:a\\;b\\,c\\\\d\\ne\r\n');
  });

  it.each([
    [['STATUS:NEEDS-ACTION'], 'todo'],
    [['STATUS:IN-PROCESS'], 'doing'],
    [['STATUS:COMPLETED'], 'done'],
    [['STATUS:CANCELLED'], 'done'],
    [['PERCENT-COMPLETE:100'], 'done'],
    [['COMPLETED:20260101T100000Z'], 'done'],
    [['PERCENT-COMPLETE:40'], 'doing'],
    [['PERCENT-COMPLETE:0'], 'todo'],
    [[], 'todo'],
    [['STATUS:NEEDS-ACTION', 'COMPLETED:20260101T100000Z'], 'todo'],
  ])('%j is %s', (lines, status) => {
    expect(parse(todo(...lines)).status).toBe(status);
  });

  it('COMPLETED is when the task was done; done without it is now, to the second; an open task has none', () => {
    expect(parse(todo('STATUS:COMPLETED', 'COMPLETED:20260101T100000Z')).completedAt).toEqual(
      new Date('2026-01-01T10:00:00Z'),
    );
    expect(parse(todo('STATUS:COMPLETED')).completedAt).toEqual(new Date('2026-03-04T05:06:07Z'));
    // A floating COMPLETED (against RFC 5545) is read in the user's zone.
    expect(parse(todo('STATUS:COMPLETED', 'COMPLETED:20260101T100000')).completedAt).toEqual(
      new Date('2026-01-01T09:00:00Z'),
    );
    expect(parse(todo('STATUS:NEEDS-ACTION', 'COMPLETED:20260101T100000Z')).completedAt).toBeNull();
  });

  it('writes STATUS always, COMPLETED when done, and PERCENT-COMPLETE only while it fits the status', () => {
    const doing = parse(todo('STATUS:IN-PROCESS', 'PERCENT-COMPLETE:40'));
    expect(write(doing)).toContain('STATUS:IN-PROCESS\r\nPERCENT-COMPLETE:40\r\n');
    const done = write({ ...doing, status: 'done', completedAt: new Date('2026-02-01T12:00:00Z') });
    expect(done).toContain('STATUS:COMPLETED\r\nPERCENT-COMPLETE:100\r\nCOMPLETED:20260201T120000Z\r\n');
    const reopened = write({ ...doing, status: 'todo' });
    expect(reopened).toContain('STATUS:NEEDS-ACTION\r\n');
    expect(reopened).not.toContain('PERCENT-COMPLETE');
    expect(reopened).not.toContain('COMPLETED:');
    // A percentage that contradicts the client's own status is not kept.
    expect(write(parse(todo('STATUS:NEEDS-ACTION', 'PERCENT-COMPLETE:50')))).not.toContain('PERCENT-COMPLETE');
  });

  it('CANCELLED is done, and written back as CANCELLED while the task stays done', () => {
    const cancelled = parse(todo('STATUS:CANCELLED'));
    expect(cancelled).toMatchObject({ status: 'done', completedAt: new Date('2026-03-04T05:06:07Z') });
    const text = write(cancelled);
    expect(text).toContain('STATUS:CANCELLED\r\n');
    expect(text).not.toContain('STATUS:COMPLETED');
    expect(parse(text)).toEqual(cancelled);
    expect(write({ ...cancelled, status: 'todo', completedAt: null })).toContain('STATUS:NEEDS-ACTION\r\n');
  });

  it.each([
    [0, 0],
    [1, 3],
    [4, 3],
    [5, 2],
    [6, 1],
    [9, 1],
  ])('PRIORITY:%i is %i', (value, priority) => {
    expect(parse(todo(`PRIORITY:${value}`)).priority).toBe(priority);
  });

  it('writes priorities 3, 2, 1, 0 as 1, 5, 9 and none, and the client’s own number while unchanged', () => {
    const task = { ...base, uid: 'u', title: 't', kept: null };
    expect(write({ ...task, priority: 3 })).toContain('PRIORITY:1\r\n');
    expect(write({ ...task, priority: 2 })).toContain('PRIORITY:5\r\n');
    expect(write({ ...task, priority: 1 })).toContain('PRIORITY:9\r\n');
    expect(write({ ...task, priority: 0 })).not.toContain('PRIORITY');
    const two = parse(todo('PRIORITY:2'));
    expect(write(two)).toContain('PRIORITY:2\r\n');
    expect(write({ ...two, priority: 1 })).toContain('PRIORITY:9\r\n');
    expect(parse(todo())).toMatchObject({ priority: 0 });
  });

  it('CATEGORIES: several lines, comma lists and \\, become labels; written back as one line', () => {
    const fields = parse(
      todo('CATEGORIES:Work Stuff,HOME', 'CATEGORIES:a\\,b,,  ,#tag!,-x,work stuff', 'CATEGORIES:Ünïcode_1'),
    );
    expect(fields.labels).toEqual(['work-stuff', 'home', 'ab', 'tag', 'x', 'ünïcode_1']);
    for (const label of fields.labels) expect(ZLabel.parse(label)).toBe(label);
    // The client's lines come back while the labels are the same …
    const lines = unfoldText(write(fields));
    expect(lines).toContain('CATEGORIES:Work Stuff,HOME\r\nCATEGORIES:a\\,b,,  ,#tag!,-x,work stuff\r\n');
    expect(parse(write(fields))).toEqual(fields);
    // … and Life OS's labels, as one line, once they changed.
    expect(write({ ...fields, labels: ['home', 'x'] })).toContain('CATEGORIES:home,x\r\n');
    expect(write({ ...fields, labels: [] })).not.toContain('CATEGORIES');
  });

  it(`keeps at most ${LABELS_MAX} labels of ${LABEL_MAX} characters`, () => {
    const many = Array.from({ length: 30 }, (_, i) => `label${i}`);
    expect(parse(todo(`CATEGORIES:${many.join(',')}`)).labels).toEqual(many.slice(0, LABELS_MAX));
    expect(parse(todo(`CATEGORIES:${'x'.repeat(50)}`)).labels).toEqual(['x'.repeat(LABEL_MAX)]);
  });

  it.each([
    ['DUE;VALUE=DATE:20260105', '2026-01-05'],
    ['DUE:20260105T233000', '2026-01-05'],
    ['DUE;TZID=America/Chicago:20260105T233000', '2026-01-05'],
    ['DUE;TZID=Not/AZone:20260105T233000', '2026-01-05'],
    ['DUE:20260105T233000Z', '2026-01-06'],
    ['DUE:20260105T223000Z', '2026-01-05'],
  ])('%s is due on %s (UTC in Europe/Berlin, the others as written)', (line, date) => {
    expect(parse(todo(line)).dueDate).toBe(date);
  });

  it('a DUE with a time comes back as it was while the date is the same, else as a date', () => {
    const utc = parse(todo('DUE:20260105T233000Z'));
    expect(utc.kept).toBe('DUE;X-LIFEOS-DATE=20260106:20260105T233000Z');
    expect(write(utc)).toContain('\r\nDUE:20260105T233000Z\r\n');
    // Read again in another zone, the kept date still says which day Life OS stored.
    expect(parse(write(utc), { timezone: 'America/New_York', now: NOW }).dueDate).toBe('2026-01-05');
    expect(write({ ...utc, dueDate: '2026-01-07' })).toContain('\r\nDUE;VALUE=DATE:20260107\r\n');
    expect(write({ ...utc, dueDate: null })).not.toContain('DUE');
    const task = { ...base, uid: 'u', title: 't', kept: null };
    expect(write({ ...task, dueDate: '2026-12-31' })).toContain('\r\nDUE;VALUE=DATE:20261231\r\n');
  });

  it('refuses a due date outside 1900–2199', () => {
    expect(refusal(todo('DUE;VALUE=DATE:18500101'))).toEqual({
      precondition: 'valid-calendar-data',
      message: 'The due date in line "DUE;VALUE=DATE:18500101" lies outside the years 1900–2199',
    });
  });

  it('DTSTART is kept as it was; a repeating task gets its due date as DTSTART when it has none that fits', () => {
    const dated = parse(todo('DTSTART;VALUE=DATE:20260101', 'DUE;VALUE=DATE:20260110'));
    expect(write(dated)).toContain('DTSTART;VALUE=DATE:20260101\r\n');
    // Still before the moved due date: kept; after it: dropped (Life OS has no start to offer instead).
    expect(write({ ...dated, dueDate: '2026-01-05' })).toContain('DTSTART;VALUE=DATE:20260101\r\n');
    expect(write({ ...dated, dueDate: '2025-12-20' })).not.toContain('DTSTART');
    // RFC 5545 §3.8.2.4: a repeating task needs one; Life OS anchors its rule on the due date.
    const repeating = { ...base, uid: 'u', title: 't', kept: null, rrule: 'FREQ=WEEKLY', dueDate: '2026-01-05' };
    const text = write(repeating);
    expect(text).toContain('DTSTART;VALUE=DATE:20260105\r\nDUE;VALUE=DATE:20260105\r\nRRULE:FREQ=WEEKLY\r\n');
    expect(parse(text)).toEqual(repeating);
    expect(write({ ...dated, rrule: 'FREQ=DAILY', dueDate: '2025-12-20' })).toContain(
      'DTSTART;VALUE=DATE:20251220\r\n',
    );
  });

  it('RRULE: read as ZTaskRrule gives it; refused when Life OS cannot repeat a task by it', () => {
    const weekly = parse(todo('DUE;VALUE=DATE:20260105', 'RRULE;X-P=1:FREQ=WEEKLY;BYDAY=MO'));
    expect(weekly.rrule).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(write(weekly)).toContain('RRULE;X-P=1:FREQ=WEEKLY;BYDAY=MO\r\n');
    expect(write({ ...weekly, rrule: 'FREQ=DAILY' })).toContain('RRULE:FREQ=DAILY\r\n');
    // ical.js, which reads the whole resource first, takes enumerated values in capitals only.
    expect(refusal(todo('RRULE:FREQ=weekly'))).toEqual({
      precondition: 'valid-calendar-data',
      message:
        'Not valid iCalendar: invalid frequency "weekly" expected: "SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY"',
    });
    expect(ZTaskRrule.parse('FREQ=WEEKLY;BYDAY=MO')).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(refusal(todo('RRULE:FREQ=DAILY;COUNT=3'))).toEqual({
      precondition: 'valid-calendar-data',
      message:
        'The repeat rule in line "RRULE:FREQ=DAILY;COUNT=3" cannot be kept: Use UNTIL to end a repeating task, not COUNT',
    });
    expect(refusal(todo('RRULE:FREQ=HOURLY'))).toEqual({
      precondition: 'valid-calendar-data',
      message:
        'The repeat rule in line "RRULE:FREQ=HOURLY" cannot be kept: Expected a repeat rule such as FREQ=WEEKLY;INTERVAL=2',
    });
    expect(refusal(todo('RRULE:FREQ=DAILY;BYHOUR=9'))).toMatchObject({
      message: expect.stringContaining('Tasks repeat by days: hourly rules are not supported'),
    });
    expect(refusal(todo('DUE;VALUE=DATE:20260105', 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'))).toEqual({
      precondition: 'valid-calendar-data',
      message:
        'The repeat rule "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" has no day on or after the due date (it never occurs)',
    });
    expect(refusal(todo('RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY'))).toEqual({
      precondition: 'valid-calendar-data',
      message: 'Life OS repeats a task by one rule; the task has several',
    });
  });

  it('EXDATE and RDATE are kept with a rule (and go with it); RDATE without a rule is refused', () => {
    const fields = parse(todo('DUE;VALUE=DATE:20260105', 'RRULE:FREQ=WEEKLY', 'EXDATE;VALUE=DATE:20260112'));
    expect(write(fields)).toContain('EXDATE;VALUE=DATE:20260112\r\n');
    expect(write({ ...fields, rrule: null })).not.toContain('EXDATE');
    expect(parse(todo('EXDATE;VALUE=DATE:20260112')).kept).toBeNull();
    expect(refusal(todo('RDATE;VALUE=DATE:20260112'))).toEqual({
      precondition: 'valid-calendar-data',
      message: 'Extra dates (RDATE) on a task without a repeat rule; Life OS repeats a task by a rule only',
    });
  });

  it('X-LIFEOS-REPEAT-AFTER-DAYS is Life OS’s own repeat, written back; a client’s RRULE wins over it', () => {
    const after = { ...base, uid: 'u', title: 't', kept: null, repeatAfterDays: 3 };
    const text = write(after);
    expect(text).toContain('X-LIFEOS-REPEAT-AFTER-DAYS:3\r\n');
    expect(text).not.toContain('RRULE');
    expect(parse(text)).toEqual(after);
    expect(parse(todo('X-LIFEOS-REPEAT-AFTER-DAYS:3', 'RRULE:FREQ=DAILY'))).toMatchObject({
      rrule: 'FREQ=DAILY',
      repeatAfterDays: null,
      kept: null,
    });
    expect(refusal(todo('X-LIFEOS-REPEAT-AFTER-DAYS:0'))).toEqual({
      precondition: 'valid-calendar-data',
      message: 'Expected a number of days from 1 to 3650 in line "X-LIFEOS-REPEAT-AFTER-DAYS:0"',
    });
  });

  it.each([
    ['PRIORITY:high', 'Expected a whole number from 0 to 9 in line "PRIORITY:high"'],
    ['PRIORITY:10', 'Expected a whole number from 0 to 9 in line "PRIORITY:10"'],
    ['PERCENT-COMPLETE:101', 'Expected a whole number from 0 to 100 in line "PERCENT-COMPLETE:101"'],
    ['STATUS:TENTATIVE', 'Not a task\'s status in line "STATUS:TENTATIVE"'],
    ['DUE:2026', 'Unreadable line "DUE:2026": invalid date-time value: "2026--T::"'],
  ])('refuses %s', (line, message) => {
    expect(refusal(todo(line))).toEqual({ precondition: 'valid-calendar-data', message });
  });
});

describe('what Life OS does not interpret', () => {
  it('keeps every other line and nested component, and regenerates DTSTAMP, CREATED and LAST-MODIFIED', () => {
    const fields = parse(
      todo(
        'DTSTAMP:20200101T000000Z',
        'CREATED:20200101T000000Z',
        'LAST-MODIFIED:20200101T000000Z',
        'SEQUENCE:4',
        'ATTACH:https://example.com/a.pdf',
        'X-LIC-ERROR:libical’s own mark',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER:-PT15M',
        'END:VALARM',
      ),
    );
    expect(fields.kept).toBe(
      'SEQUENCE:4\r\nATTACH:https://example.com/a.pdf\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM',
    );
    const text = write(fields);
    expect(text).toContain(
      'DTSTAMP:20260304T050607Z\r\nCREATED:20260101T100000Z\r\nLAST-MODIFIED:20260304T050607Z\r\n',
    );
    expect(text).toContain('SEQUENCE:4\r\n');
    expect(text).not.toContain('2020');
  });

  it(`refuses a task whose uninterpreted lines pass ${VTODO_KEPT_MAX_CHARS} characters, and takes one just under`, () => {
    const line = (n: number) => `X-BIG:${'x'.repeat(n - 'X-BIG:'.length)}`;
    expect(parse(todo(line(VTODO_KEPT_MAX_CHARS - 2))).kept).toHaveLength(VTODO_KEPT_MAX_CHARS - 2);
    expect(refusal(todo(line(VTODO_KEPT_MAX_CHARS)))).toEqual({
      precondition: 'valid-calendar-data',
      message:
        "The task's properties Life OS does not interpret (alarms, attachments, X- properties…) take 65,538 characters; at most 65,536 are kept",
    });
    // The client's own form of a mapped value is kept only while it fits; beyond, Life OS's form is written.
    const full = parse(todo(line(VTODO_KEPT_MAX_CHARS - 10), 'PRIORITY:2'));
    expect(full.priority).toBe(3);
    expect(write(full)).toContain('PRIORITY:1\r\n');
  });

  it('folds written lines at 75 octets and ends them with CRLF', () => {
    const text = write({ ...base, uid: 'u', title: 'é'.repeat(200), kept: null });
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(parse(text).title).toBe('é'.repeat(200));
  });

  it('a damaged kept text cannot break the resource', () => {
    const text = write({
      ...base,
      uid: 'u',
      title: 't',
      kept: 'END:VTODO\r\nBEGIN:VCALENDAR\r\nX-OK:1\r\nBEGIN:VALARM\r\nACTION:DISPLAY',
    });
    expect(text.match(/END:VTODO/g)).toHaveLength(1);
    expect(text).toContain('X-OK:1\r\n');
    expect(text).not.toContain('VALARM');
    expect(parse(text).uid).toBe('u');
  });
});

describe('round trip', () => {
  /** What a stored task can hold, in the forms the reader gives (trimmed title, notes without trailing spaces). */
  const printable = fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => s.replace(/[\p{Cc}]/gu, ''));
  const fields: fc.Arbitrary<VtodoFields> = fc
    .record({
      uid: printable.map((s) => s.trim() || 'uid'),
      title: printable.map((s) => s.trim() || '(no title)'),
      notes: fc.option(
        fc.array(printable, { maxLength: 3 }).map((lines) => lines.join('\n').trimEnd() || null),
        { nil: null },
      ),
      status: fc.constantFrom('todo' as const, 'doing' as const, 'done' as const),
      priority: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
      labels: fc.uniqueArray(fc.stringMatching(/^[a-z0-9ä][a-z0-9ä_-]{0,10}$/), { maxLength: 5 }),
      dueDate: fc.option(
        fc
          .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
        { nil: null },
      ),
      repeat: fc.constantFrom(null, 'FREQ=DAILY', 'FREQ=WEEKLY;INTERVAL=2', 'FREQ=MONTHLY;BYMONTHDAY=1', 3, 30),
      completedAt: fc.date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      }),
      kept: fc.option(
        fc.constantFrom(
          'X-APPLE-SORT-ORDER:1',
          'RELATED-TO:parent-uid\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM',
          'SEQUENCE:2\r\nX-UNKNOWN;P="a:b":v;w,x',
        ),
        { nil: null },
      ),
    })
    .map(({ repeat, completedAt, status, ...rest }) => ({
      ...rest,
      status,
      rrule: typeof repeat === 'string' ? repeat : null,
      repeatAfterDays: typeof repeat === 'number' ? repeat : null,
      completedAt: status === 'done' ? new Date(Math.floor(completedAt.getTime() / 1000) * 1000) : null,
    }));

  it('writing any task and reading it again gives the same task', () => {
    fc.assert(
      fc.property(fields, (task) => {
        const text = vtodoIcs({ ...task, ...STAMPS } satisfies VtodoTask);
        expect(parse(text)).toEqual(task);
        ICAL.parse(text);
      }),
      { numRuns: 300 },
    );
  });

  it('every written text is valid iCalendar to libical (no X-LIC-ERROR, no TZID without its VTIMEZONE)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lifeos-vtodo-'));
    try {
      const files = [...writtenTexts].map(([name, text]) => {
        const file = path.join(dir, name);
        writeFileSync(file, text);
        return file;
      });
      expect(files.length).toBeGreaterThanOrEqual(14);
      const child = promisify(execFile)('/usr/bin/python3', [ORACLE, '--batch'], { maxBuffer: 16 * 1024 * 1024 });
      child.child.stdin?.end(JSON.stringify(files.map((file) => ({ validate: file }))));
      const answers = JSON.parse((await child).stdout) as { problems: string[] }[];
      expect(answers.map((a, i) => [path.basename(files[i] ?? ''), a.problems])).toEqual(
        files.map((file) => [path.basename(file), []]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

afterAll(() => writtenTexts.clear());
