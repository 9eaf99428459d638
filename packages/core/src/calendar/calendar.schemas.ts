import { z } from 'zod';
import { ZCalendarDate, ZCalendarInstant, ZId, ZTimezone } from '../common/common.schemas.js';

export const EVENT_TITLE_MAX = 500;
export const EVENT_DESCRIPTION_MAX = 20_000;
export const EVENT_LOCATION_MAX = 1_000;
/** The longest range events.list expands in one call. */
export const MAX_RANGE_DAYS = 400;
/** The largest .ics text importIcs takes (characters); the HTTP body limit (1 MiB) applies too. */
export const ICS_MAX_CHARS = 1_000_000;
export const EXDATES_MAX = 1_000;
/** At most this many extra dates (RDATE) on one series; an imported event with more is refused, not cut. */
export const RDATES_MAX = 1_000;

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------- recurrence ----------

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type TWeekday = (typeof WEEKDAYS)[number];
export const ZFrequency = z.enum(['daily', 'weekly', 'monthly', 'yearly']);
export type TFrequency = z.infer<typeof ZFrequency>;

/** A weekday, optionally with its position in the month or year: "MO", "2TU" (second Tuesday), "-1FR" (last). */
export const ZByDay = z
  .string()
  .max(4)
  .regex(/^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$/, { error: 'Expected a weekday such as MO, 2TU or -1FR' });

/**
 * A recurrence people can read and a form can edit: "every 2 weeks on Mon and Thu, until …". Stored as an RRULE
 * (RFC 5545); imported rules beyond this shape (BYSETPOS, BYMONTH, …) are kept as RRULE text and shown, not edited.
 */
export const ZRecurrence = z
  .object({
    freq: ZFrequency,
    interval: z.number().int().min(1).max(999).optional(),
    byDay: z.array(ZByDay).max(7).optional(),
    count: z.number().int().min(1).max(1000).optional(),
    /** The last day (all-day events: UTC midnight of it) or the last instant an occurrence may start. */
    until: ZCalendarInstant.optional(),
  })
  .strict()
  .refine((r) => r.count === undefined || r.until === undefined, {
    error: 'Choose either a number of times or an end date, not both',
    path: ['count'],
  })
  .refine((r) => r.freq === 'monthly' || r.freq === 'yearly' || !r.byDay?.some((d) => d.length > 2), {
    error: 'Only monthly and yearly rules can say which weekday of the month (e.g. 2TU)',
    path: ['byDay'],
  })
  .refine((r) => new Set(r.byDay ?? []).size === (r.byDay ?? []).length, {
    error: 'Each weekday once',
    path: ['byDay'],
  });
export type TRecurrence = z.infer<typeof ZRecurrence>;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatUntil(until: Date, allDay: boolean): string {
  const date = `${pad(until.getUTCFullYear(), 4)}${pad(until.getUTCMonth() + 1)}${pad(until.getUTCDate())}`;
  if (allDay) return date;
  return `${date}T${pad(until.getUTCHours())}${pad(until.getUTCMinutes())}${pad(until.getUTCSeconds())}Z`;
}

/** Parses an RRULE UNTIL value (DATE, UTC DATE-TIME or floating DATE-TIME, read as UTC). */
export function parseRruleDate(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The RRULE value (without "RRULE:") for a structured recurrence. UNTIL is UTC for timed events (RFC 5545). */
export function recurrenceToRrule(recurrence: TRecurrence, allDay: boolean): string {
  const parts = [`FREQ=${recurrence.freq.toUpperCase()}`];
  if (recurrence.interval && recurrence.interval > 1) parts.push(`INTERVAL=${recurrence.interval}`);
  if (recurrence.byDay?.length) {
    const order = (d: string) => WEEKDAYS.indexOf(d.slice(-2) as TWeekday);
    parts.push(`BYDAY=${[...recurrence.byDay].sort((a, b) => order(a) - order(b)).join(',')}`);
  }
  if (recurrence.count !== undefined) parts.push(`COUNT=${recurrence.count}`);
  if (recurrence.until) parts.push(`UNTIL=${formatUntil(recurrence.until, allDay)}`);
  return parts.join(';');
}

/** RRULE parts as a map (keys upper-case), or null when the text is not `KEY=VALUE;…`. */
export function rruleParts(rrule: string): Map<string, string> | null {
  const parts = new Map<string, string>();
  for (const part of rrule.replace(/^RRULE:/i, '').split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    parts.set(part.slice(0, eq).toUpperCase(), part.slice(eq + 1));
  }
  return parts.has('FREQ') ? parts : null;
}

/** The structured form of an RRULE, or null when the rule says more than the form can (then it is shown as text). */
export function rruleToRecurrence(rrule: string): TRecurrence | null {
  const parts = rruleParts(rrule);
  if (!parts) return null;
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'COUNT', 'UNTIL', 'WKST']);
  if ([...parts.keys()].some((k) => !known.has(k))) return null;
  const freq = ZFrequency.safeParse(parts.get('FREQ')?.toLowerCase());
  if (!freq.success) return null;
  const candidate: Record<string, unknown> = { freq: freq.data };
  if (parts.has('INTERVAL')) candidate.interval = Number(parts.get('INTERVAL'));
  if (parts.has('BYDAY')) candidate.byDay = parts.get('BYDAY')?.split(',');
  if (parts.has('COUNT')) candidate.count = Number(parts.get('COUNT'));
  if (parts.has('UNTIL')) candidate.until = parseRruleDate(parts.get('UNTIL') ?? '');
  const parsed = ZRecurrence.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

// ---------- events ----------

const eventFields = {
  title: z.string().trim().min(1, { error: 'Give the event a title' }).max(EVENT_TITLE_MAX),
  description: z.string().max(EVENT_DESCRIPTION_MAX).nullable().optional(),
  location: z.string().max(EVENT_LOCATION_MAX).nullable().optional(),
  /** All-day events use startDate/endDate (the last day, inclusive); timed events use start/end. */
  allDay: z.boolean().optional(),
  start: ZCalendarInstant.optional(),
  end: ZCalendarInstant.optional(),
  startDate: ZCalendarDate.optional(),
  endDate: ZCalendarDate.optional(),
  /** The zone the event's times repeat in (DST); defaults to the user's time zone. */
  timezone: ZTimezone.optional(),
  recurrence: ZRecurrence.nullable().optional(),
};

export interface EventTimesInput {
  allDay?: boolean | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  startDate?: string | undefined;
  endDate?: string | undefined;
}

/** What is wrong with an event's start and end, per field (empty when nothing). Shared by schema and service. */
export function eventTimesIssues(input: EventTimesInput): { path: string; message: string }[] {
  if (input.allDay) {
    if (!input.startDate) return [{ path: 'startDate', message: 'Choose the first day' }];
    if (!input.endDate) return [{ path: 'endDate', message: 'Choose the last day' }];
    if (input.endDate < input.startDate)
      return [{ path: 'endDate', message: 'The last day cannot be before the first' }];
    if (Date.parse(input.endDate) - Date.parse(input.startDate) > 366 * DAY_MS) {
      return [{ path: 'endDate', message: 'An event can last at most a year' }];
    }
    return [];
  }
  if (!input.start) return [{ path: 'start', message: 'Choose when it starts' }];
  if (!input.end) return [{ path: 'end', message: 'Choose when it ends' }];
  if (input.end.getTime() < input.start.getTime())
    return [{ path: 'end', message: 'The end cannot be before the start' }];
  if (input.end.getTime() - input.start.getTime() > 366 * DAY_MS) {
    return [{ path: 'end', message: 'An event can last at most a year' }];
  }
  return [];
}

export const ZCreateEventInput = z
  .object(eventFields)
  .strict()
  .superRefine((input, ctx) => {
    for (const issue of eventTimesIssues(input)) ctx.addIssue({ code: 'custom', ...issue, path: [issue.path] });
  });
export type TCreateEventInput = z.infer<typeof ZCreateEventInput>;

/** Which occurrences an edit or a delete applies to. */
export const ZEditScope = z.enum(['series', 'occurrence', 'following']);
export type TEditScope = z.infer<typeof ZEditScope>;

const scopeFields = {
  id: ZId,
  /** Default: the whole series (or the single event). */
  scope: ZEditScope.optional(),
  /**
   * The original start of the occurrence (as events.list returns it in `occurrenceStart`); needed for `occurrence`
   * and `following` on a series, not on a detached occurrence (it knows which one it is).
   */
  occurrenceStart: ZCalendarInstant.optional(),
};

export const ZUpdateEventInput = z
  .object({ ...scopeFields, ...eventFields, title: eventFields.title.optional() })
  .strict();
export type TUpdateEventInput = z.infer<typeof ZUpdateEventInput>;

export const ZDeleteEventInput = z.object(scopeFields).strict();
export type TDeleteEventInput = z.infer<typeof ZDeleteEventInput>;

export const ZListEventsInput = z
  .object({ from: ZCalendarInstant, to: ZCalendarInstant })
  .strict()
  .refine((r) => r.to.getTime() > r.from.getTime(), { error: '"to" must be after "from"', path: ['to'] })
  .refine((r) => r.to.getTime() - r.from.getTime() <= MAX_RANGE_DAYS * DAY_MS, {
    error: `A range can span at most ${MAX_RANGE_DAYS} days`,
    path: ['to'],
  });
export type TListEventsInput = z.infer<typeof ZListEventsInput>;

/** A stored event: a single event, a series, or a detached occurrence of a series. */
export const ZEvent = z.object({
  id: ZId,
  title: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  allDay: z.boolean(),
  /** Timed: the instants. All-day: UTC midnight of the first day and of the day after the last. */
  start: z.date(),
  end: z.date(),
  /** All-day only: the first and the last day (inclusive). */
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  timezone: z.string(),
  rrule: z.string().nullable(),
  /** The rule in the form's terms, or null when there is none or it says more than the form can. */
  recurrence: ZRecurrence.nullable(),
  exdates: z.array(z.date()),
  /** Extra dates of the series (RDATE), from an imported file. */
  rdates: z.array(z.date()),
  /** The revision (SEQUENCE): one more on every change of its time or rule. */
  sequence: z.number().int().min(0),
  icsUid: z.string(),
  /** A detached occurrence: the original start it replaces, and its series. */
  recurrenceId: z.date().nullable(),
  seriesId: z.string().nullable(),
  /** Set for an event of a subscribed calendar: read-only, replaced on each refresh. */
  subscriptionId: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TEvent = z.infer<typeof ZEvent>;

/** One occurrence in a range: a single event, an occurrence of a series, or a detached occurrence. */
export const ZOccurrence = z.object({
  /** The stored event this occurrence comes from (the series, or the detached occurrence itself). */
  eventId: ZId,
  /** The series it belongs to, if any. */
  seriesId: ZId.nullable(),
  /** For occurrences of a series: its original start, which identifies it for update/delete. */
  occurrenceStart: z.date().nullable(),
  detached: z.boolean(),
  title: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  allDay: z.boolean(),
  start: z.date(),
  end: z.date(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  timezone: z.string(),
  /** The series' rule (also on its detached occurrences). */
  rrule: z.string().nullable(),
  /** The subscribed calendar it comes from (read-only), or null for the user's own events. */
  subscriptionId: ZId.nullable(),
});
export type TOccurrence = z.infer<typeof ZOccurrence>;

/**
 * How far a capped answer goes. Every list that expands occurrences holds at most a fixed number of them (and of
 * text), walking in start order and stopping at the cap, so it says whether it stopped early and where: every
 * occurrence that starts before `completeUntil` is in the answer (some starting at it may be too). `completeUntil`
 * is the range's end when nothing was left out.
 */
export const ZTruncation = z.object({ truncated: z.boolean(), completeUntil: z.date() });
export type TTruncation = z.infer<typeof ZTruncation>;

/** events.list: the occurrences of the range, sorted by start, up to the caps. */
export const ZOccurrenceList = ZTruncation.extend({ items: z.array(ZOccurrence) });
export type TOccurrenceList = z.infer<typeof ZOccurrenceList>;

export const ZImportIcsInput = z
  .object({
    ics: z
      .string()
      .min(1, { error: 'The file is empty' })
      .max(ICS_MAX_CHARS, { error: `The file is too large (at most ${ICS_MAX_CHARS / 1_000_000} MB)` }),
  })
  .strict();
export type TImportIcsInput = z.infer<typeof ZImportIcsInput>;

export const ZImportReport = z.object({
  /** Events (series, single events and detached occurrences) created, changed, and found as they were. */
  imported: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.array(z.object({ uid: z.string().nullable(), summary: z.string().nullable(), reason: z.string() })),
  /** Things imported with a caveat (an unknown time zone, extra dates that were dropped, …). */
  warnings: z.array(z.string()),
});
export type TImportReport = z.infer<typeof ZImportReport>;

export const ZExportIcs = z.object({ ics: z.string(), filename: z.string() });
export type TExportIcs = z.infer<typeof ZExportIcs>;

export const ZFeed = z.object({
  /** The secret address calendar apps subscribe to. Anyone with it can read the calendar. */
  url: z.string(),
  path: z.string(),
  /** The feed also lists open tasks' due dates as all-day events. */
  includeTasks: z.boolean(),
});
export type TFeed = z.infer<typeof ZFeed>;

export const ZUpdateFeedInput = z.object({ includeTasks: z.boolean() }).strict();
export type TUpdateFeedInput = z.infer<typeof ZUpdateFeedInput>;

// ---------- the agenda: events, tasks due and finished workouts ----------

/** The agenda takes the same range as events.list (at most 400 days). */
export const ZAgendaInput = ZListEventsInput;
export type TAgendaInput = TListEventsInput;

const agendaBase = {
  /** Unique within one answer (kind and id, plus the occurrence's start for a series). */
  key: z.string(),
  title: z.string(),
  /** The day it is listed under, in the user's time zone ('YYYY-MM-DD'). */
  date: z.string(),
  allDay: z.boolean(),
  /** Timed items: the instants; all-day items: null. */
  start: z.date().nullable(),
  end: z.date().nullable(),
  /** Where the web app shows it. */
  link: z.string(),
};

export const ZAgendaItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), ...agendaBase, occurrence: ZOccurrence }),
  z.object({
    kind: z.literal('task'),
    ...agendaBase,
    taskId: ZId,
    projectId: ZId.nullable(),
    priority: z.number().int(),
  }),
  z.object({ kind: z.literal('workout'), ...agendaBase, sessionId: ZId }),
]);
export type TAgendaItem = z.infer<typeof ZAgendaItem>;

/** The agenda: its items in agenda order, up to the caps (items after `completeUntil` are left out with it). */
export const ZAgenda = ZTruncation.extend({ items: z.array(ZAgendaItem) });
export type TAgenda = z.infer<typeof ZAgenda>;

// ---------- plain language ----------

const DAY_NAMES: Record<TWeekday, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
const ORDINALS: Record<string, string> = {
  '1': 'first',
  '2': 'second',
  '3': 'third',
  '4': 'fourth',
  '5': 'fifth',
  '-1': 'last',
};
const UNIT: Record<TFrequency, [string, string]> = {
  daily: ['day', 'days'],
  weekly: ['week', 'weeks'],
  monthly: ['month', 'months'],
  yearly: ['year', 'years'],
};

const listJoin = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/**
 * "Every 2 weeks on Monday and Thursday, until 30 June 2024" — what a recurrence means, in words. `formatDate`
 * writes the UNTIL date (the caller's locale and zone).
 */
export function describeRecurrence(recurrence: TRecurrence, formatDate: (date: Date) => string): string {
  const interval = recurrence.interval ?? 1;
  const [one, many] = UNIT[recurrence.freq];
  let text = interval === 1 ? `Every ${one}` : `Every ${interval} ${many}`;
  if (recurrence.byDay?.length) {
    const days = recurrence.byDay.map((d) => {
      const m = /^([+-]?\d)?([A-Z]{2})$/.exec(d);
      const name = DAY_NAMES[(m?.[2] ?? 'MO') as TWeekday];
      const position = m?.[1] ? ORDINALS[m[1].replace('+', '')] : undefined;
      return position ? `the ${position} ${name}` : name;
    });
    text += ` on ${listJoin(days)}`;
  }
  if (recurrence.count !== undefined) text += recurrence.count === 1 ? ', once' : `, ${recurrence.count} times`;
  if (recurrence.until) text += `, until ${formatDate(recurrence.until)}`;
  return text;
}
