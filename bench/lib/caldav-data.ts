/**
 * The calendar the CalDAV benchmark (bench/caldav.ts) uploads to each server: a year of events in Europe/Berlin
 * (single, all-day, and recurring series that carry two changed occurrences each as RECURRENCE-ID overrides in the
 * same object) and a task list of VTODOs. Pure and seeded, so every server and every run gets the same octets.
 *
 * Times are wall-clock times with TZID (what phones send) between 07:00 and 21:00, so none falls into the night of
 * a daylight-saving change and adding days to a local date is the whole of recurrence arithmetic here.
 */

export interface DavObject {
  /** The resource's name in its collection ("event-0001.ics"), the same on every server. */
  name: string;
  uid: string;
  ics: string;
  /** A recurring event (with its changed occurrences); false for single events and tasks. */
  series: boolean;
}

export interface CalendarData {
  events: DavObject[];
  tasks: DavObject[];
  /** How many of the events are series. */
  recurring: number;
}

export interface CalendarDataOptions {
  events: number;
  /** How many of `events` recur; the rest are single. */
  recurring: number;
  tasks: number;
  seed: number;
  year: number;
}

const TZID = 'Europe/Berlin';
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TZID}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];
const PRODID = 'PRODID:-//Life OS bench//CalDAV benchmark//EN';
/** A fixed stamp: the clock must not make two runs' objects differ. */
const DTSTAMP = 'DTSTAMP:20260101T000000Z';

const SUBJECTS = [
  'Team meeting',
  'Dentist',
  'Lunch with Anna',
  'Call with the bank',
  'Project review',
  'Yoga',
  'Piano lesson',
  'Haircut',
  'Coffee with Jonas',
  'Planning session',
  'Parent evening',
  'Doctor',
  'Book club',
  'Running group',
  'Dinner with friends',
  'Car service',
  'Language class',
  'One-on-one',
  'Workshop',
  'Flat viewing',
];
const PLACES = ['Office', 'Kreuzberg', 'Video call', 'Café Einstein', 'Gym', 'Library', 'Home'];
const TASKS = [
  'Pay the electricity bill',
  'Renew the passport',
  'Buy birthday present',
  'Book train tickets',
  'Answer the landlord',
  'Back up the laptop',
  'Return library books',
  'Fix the bike light',
  'Write the quarterly report',
  'Order contact lenses',
  'Clean the balcony',
  'Call grandma',
  'Cancel the gym trial',
  'File the receipts',
  'Plan the weekend trip',
];

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, int, pick };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** A wall-clock moment as a UTC Date whose fields are the local ones (only ever formatted, never converted). */
const local = (year: number, month: number, day: number, minutes = 0) =>
  new Date(Date.UTC(year, month, day, 0, minutes));
const addDays = (d: Date, days: number) => new Date(d.getTime() + days * 86_400_000);
const addMinutes = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);
const addMonths = (d: Date, months: number) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()));
const dateText = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
const dateTimeText = (d: Date) => `${dateText(d)}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00`;

const calendar = (components: string[], timezone: boolean) =>
  `${['BEGIN:VCALENDAR', 'VERSION:2.0', PRODID, ...(timezone ? VTIMEZONE : []), ...components, 'END:VCALENDAR'].join('\r\n')}\r\n`;

type Rng = ReturnType<typeof random>;

function singleEvent(rng: Rng, year: number, uid: string): { lines: string[]; timezone: boolean } {
  const day = rng.int(0, 364);
  const title = rng.pick(SUBJECTS);
  const extra = rng.next() < 0.3 ? [`LOCATION:${rng.pick(PLACES)}`, `DESCRIPTION:About ${title.toLowerCase()}`] : [];
  if (rng.next() < 0.08) {
    const start = local(year, 0, 1 + day);
    return {
      lines: [
        'BEGIN:VEVENT',
        `UID:${uid}`,
        DTSTAMP,
        `DTSTART;VALUE=DATE:${dateText(start)}`,
        `DTEND;VALUE=DATE:${dateText(addDays(start, rng.int(1, 3)))}`,
        `SUMMARY:${title}`,
        ...extra,
        'END:VEVENT',
      ],
      timezone: false,
    };
  }
  const start = local(year, 0, 1 + day, rng.int(7 * 4, 19 * 4) * 15);
  const end = addMinutes(start, rng.pick([30, 45, 60, 90, 120]));
  return {
    lines: [
      'BEGIN:VEVENT',
      `UID:${uid}`,
      DTSTAMP,
      `DTSTART;TZID=${TZID}:${dateTimeText(start)}`,
      `DTEND;TZID=${TZID}:${dateTimeText(end)}`,
      `SUMMARY:${title}`,
      ...extra,
      'END:VEVENT',
    ],
    timezone: true,
  };
}

/** A series and two of its occurrences changed (moved an hour or a day later, renamed), in one object. */
function recurringEvent(rng: Rng, year: number, uid: string): string[] {
  // Day of month at most 28, so a monthly series has an occurrence every month.
  const start = local(year, rng.int(0, 9), rng.int(1, 28), rng.int(7 * 4, 19 * 4) * 15);
  const minutes = rng.pick([30, 60, 90]);
  const title = rng.pick(SUBJECTS);
  const kind = rng.next();
  let rule: string;
  let occurrence: (k: number) => Date;
  let count: number;
  if (kind < 0.4) {
    count = rng.int(10, 40);
    rule = `FREQ=WEEKLY;COUNT=${count}`;
    occurrence = (k) => addDays(start, 7 * k);
  } else if (kind < 0.6) {
    count = 30; // open-ended: overrides among the first 30
    rule = 'FREQ=WEEKLY';
    occurrence = (k) => addDays(start, 7 * k);
  } else if (kind < 0.8) {
    count = rng.int(10, 60);
    rule = `FREQ=DAILY;COUNT=${count}`;
    occurrence = (k) => addDays(start, k);
  } else {
    count = 12;
    rule = 'FREQ=MONTHLY;COUNT=12';
    occurrence = (k) => addMonths(start, k);
  }
  const first = rng.int(1, count - 2);
  const second = rng.int(first + 1, count - 1);
  const master = [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    DTSTAMP,
    `DTSTART;TZID=${TZID}:${dateTimeText(start)}`,
    `DTEND;TZID=${TZID}:${dateTimeText(addMinutes(start, minutes))}`,
    `RRULE:${rule}`,
    `SUMMARY:${title}`,
    'END:VEVENT',
  ];
  const overrides = [first, second].flatMap((k, i) => {
    const original = occurrence(k);
    const moved = i === 0 ? addMinutes(original, 60) : addDays(original, 1);
    return [
      'BEGIN:VEVENT',
      `UID:${uid}`,
      DTSTAMP,
      `RECURRENCE-ID;TZID=${TZID}:${dateTimeText(original)}`,
      `DTSTART;TZID=${TZID}:${dateTimeText(moved)}`,
      `DTEND;TZID=${TZID}:${dateTimeText(addMinutes(moved, minutes))}`,
      `SUMMARY:${title} (moved)`,
      'SEQUENCE:1',
      'END:VEVENT',
    ];
  });
  return [...master, ...overrides];
}

function task(rng: Rng, year: number, uid: string): string[] {
  const lines = ['BEGIN:VTODO', `UID:${uid}`, DTSTAMP, `SUMMARY:${rng.pick(TASKS)}`];
  if (rng.next() < 0.6) lines.push(`DUE;VALUE=DATE:${dateText(local(year, 0, 1 + rng.int(0, 364)))}`);
  if (rng.next() < 0.3) lines.push(`PRIORITY:${rng.pick([1, 5, 9])}`);
  if (rng.next() < 0.25) lines.push('DESCRIPTION:Notes for later');
  if (rng.next() < 0.2) {
    lines.push('STATUS:COMPLETED', `COMPLETED:${dateText(local(year, 0, 1 + rng.int(0, 364)))}T120000Z`);
  } else {
    lines.push('STATUS:NEEDS-ACTION');
  }
  lines.push('END:VTODO');
  return lines;
}

export function generateCalendarData(options: CalendarDataOptions): CalendarData {
  const rng = random(options.seed);
  // Series spread evenly among the events rather than first, so any slice of names holds both kinds.
  const every = options.recurring > 0 ? options.events / options.recurring : Number.POSITIVE_INFINITY;
  const events: DavObject[] = [];
  let recurring = 0;
  for (let i = 0; i < options.events; i++) {
    const uid = `bench-event-${pad(i + 1, 5)}@lifeos.bench`;
    const isSeries = recurring < options.recurring && i >= Math.round(recurring * every);
    let ics: string;
    if (isSeries) {
      recurring++;
      ics = calendar(recurringEvent(rng, options.year, uid), true);
    } else {
      const single = singleEvent(rng, options.year, uid);
      ics = calendar(single.lines, single.timezone);
    }
    events.push({ name: `event-${pad(i + 1, 5)}.ics`, uid, ics, series: isSeries });
  }
  const tasks: DavObject[] = [];
  for (let i = 0; i < options.tasks; i++) {
    const uid = `bench-task-${pad(i + 1, 5)}@lifeos.bench`;
    tasks.push({
      name: `task-${pad(i + 1, 5)}.ics`,
      uid,
      ics: calendar(task(rng, options.year, uid), false),
      series: false,
    });
  }
  return { events, tasks, recurring };
}

/**
 * The object as a phone would send it after an edit on the phone: the (first) title changed, the DTSTAMP moved on.
 * `round` makes each round's text differ from the last.
 */
export function changedObject(object: DavObject, round: number): DavObject {
  return {
    ...object,
    ics: object.ics
      .replace(/\r\nSUMMARY:([^\r]*)/, `\r\nSUMMARY:$1 (edited ${round})`)
      .replace(DTSTAMP, `DTSTAMP:20260102T${pad(round % 24)}0000Z`),
  };
}
