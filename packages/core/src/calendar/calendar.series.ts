/**
 * One recurring series: its rule read (remembered) and walked in floating time (calendar.floating-time.ts), its
 * occurrence starts in a range (remembered), its end, and whether a rule may be stored at all. The occurrences of a
 * whole range, merged and capped, are calendar.recurrence.ts's.
 */
import { ValidationError } from '../errors.js';
import { fromFloating, toFloating } from './calendar.floating-time.js';
import { firstOccurrenceFrom, occurrencesBetween, WALK_BUDGET, walkRule } from './calendar.rrule-engine.js';
import { type ParsedRule, parseRule, RuleSyntaxError } from './calendar.rrule-parse.js';
import { rruleParts } from './calendar.schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What expansion needs of a stored event. */
export interface ExpandableEvent {
  id: string;
  title: string;
  description: string | null;
  location: string | null;
  allDay: boolean;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  rrule: string | null;
  exdates: Date[];
  /** Extra dates of the series (RDATE): their starts and, one for one, their ends (null: the series' length). */
  rdates?: Date[];
  rdateEnds?: (Date | null)[];
  recurrenceId: Date | null;
  seriesId: string | null;
  /** Set for a read-only event of a subscribed calendar. */
  subscriptionId?: string | null;
}

/** A rule and the start and end it is walked with, in floating time. */
export interface SeriesWalk {
  rule: ParsedRule;
  dtstart: Date;
  until: Date | null;
}

/** The parsed rule (remembered by its text: the same few rules come back on every read), or the reason it is not. */
function readRule(rrule: string): ParsedRule | RuleSyntaxError {
  let parsed = parsedRules.get(rrule);
  if (parsed === undefined) {
    try {
      parsed = parseRule(rrule);
    } catch (error) {
      parsed = error instanceof RuleSyntaxError ? error : new RuleSyntaxError('cannot be read');
    }
    if (parsedRules.size >= 2_000) parsedRules.clear();
    parsedRules.set(rrule, parsed);
  }
  return parsed;
}
const parsedRules = new Map<string, ParsedRule | RuleSyntaxError>();

/** What is shown of a rule in a message: the rule itself, cut short. */
export function quoteRule(rrule: string): string {
  const text = rrule.replace(/^RRULE:/i, '');
  return `"${text.length > 120 ? `${text.slice(0, 120)}…` : text}"`;
}

/**
 * The rule of a series with its start and UNTIL in floating time (an RRULE's UTC UNTIL is an instant; a DATE
 * UNTIL on a timed series lasts through that day). Throws ValidationError when the rule cannot be read.
 */
export function seriesRule(
  event: Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'timezone' | 'rrule'>,
  /** Only occurrences from this floating time on are wanted: the rule may start later (see fastForward). */
  wantedFrom?: Date,
): SeriesWalk {
  if (!event.rrule) throw new ValidationError('Not a recurring event');
  const rule = readRule(event.rrule);
  if (rule instanceof RuleSyntaxError) {
    throw new ValidationError(`The repeat rule ${quoteRule(event.rrule)} cannot be read: ${rule.message}`, 'rrule');
  }
  const seriesStart = event.allDay ? event.startsAt : toFloating(event.startsAt, event.timezone);
  const dtstart = wantedFrom ? fastForward(seriesStart, rule, wantedFrom) : seriesStart;
  let until = rule.until?.date ?? null;
  if (until && !event.allDay && rule.until?.form === 'utc') until = toFloating(until, event.timezone);
  if (until && !event.allDay && rule.until?.form === 'date') until = new Date(until.getTime() + DAY_MS - 1000);
  return { rule, dtstart, until };
}

/**
 * A later DTSTART that yields the same occurrences from `wantedFrom` on. A walk goes through every period from
 * DTSTART, so a weekly series begun ten years ago cost ~500 steps for each month shown. The start moves by whole
 * periods (INTERVAL × FREQ) to at least one period before `wantedFrom`, which keeps the weekday, the day of the
 * month, the wall-clock time and the INTERVAL phase; the occurrences a shorter first period drops lie before
 * `wantedFrom`. Floating time has no DST, so hours are exact too. Rules where moving is not exact stay as they are:
 * COUNT (counted from the first occurrence) and monthly/yearly series starting after the 28th (adding months would
 * change the day).
 */
function fastForward(dtstart: Date, rule: ParsedRule, wantedFrom: Date): Date {
  if (rule.count != null) return dtstart;
  const interval = rule.interval;
  if (wantedFrom.getTime() <= dtstart.getTime()) return dtstart;
  if (rule.freq === 'DAILY' || rule.freq === 'WEEKLY' || rule.freq === 'HOURLY') {
    const periodMs = (rule.freq === 'HOURLY' ? 3_600_000 : (rule.freq === 'DAILY' ? 1 : 7) * DAY_MS) * interval;
    const periods = Math.floor((wantedFrom.getTime() - dtstart.getTime()) / periodMs) - 1;
    return periods > 0 ? new Date(dtstart.getTime() + periods * periodMs) : dtstart;
  }
  if ((rule.freq === 'MONTHLY' || rule.freq === 'YEARLY') && dtstart.getUTCDate() <= 28) {
    const periodMonths = (rule.freq === 'MONTHLY' ? 1 : 12) * interval;
    const elapsedMonths =
      (wantedFrom.getUTCFullYear() - dtstart.getUTCFullYear()) * 12 + wantedFrom.getUTCMonth() - dtstart.getUTCMonth();
    const periods = Math.floor(elapsedMonths / periodMonths) - 1;
    if (periods <= 0) return dtstart;
    const moved = new Date(dtstart);
    moved.setUTCMonth(moved.getUTCMonth() + periods * periodMonths);
    return moved;
  }
  return dtstart;
}

/** Tests compare expansion with and without fastForward (and the memo of starts); nothing else turns them off. */
let walkFromSeriesStart = false;
export function expandWithoutFastForward<T>(run: () => T): T {
  walkFromSeriesStart = true;
  try {
    return run();
  } finally {
    walkFromSeriesStart = false;
  }
}

export const durationOf = (event: Pick<ExpandableEvent, 'startsAt' | 'endsAt'>) =>
  event.endsAt.getTime() - event.startsAt.getTime();

/** The occurrence starts of one series in a range, and whether the walk's budget ran out before the range's end. */
export interface SeriesOccurrences {
  starts: Date[];
  /** The walk stopped early (its budget ran out): `starts` may miss occurrences. */
  exhausted: boolean;
}

/**
 * Occurrence starts (instants) of a series whose floating start lies in [floatingFrom, floatingTo], at most
 * `limit`; the walk is budgeted (WALK_BUDGET) and says when it stopped early.
 *
 * Remembered by everything the answer depends on (the rule, the series' start, zone and all-day flag, the range and
 * the limit): the same ranges come back all day long (today on the dashboard, this week, this month). A pure
 * function's memo, never stale; bounded. A walk the step budget cut short is remembered too, so a hostile stored
 * rule costs its budget once, not on every read.
 */
export function seriesOccurrences(
  event: ExpandableEvent,
  floatingFrom: Date,
  floatingTo: Date,
  limit: number,
): SeriesOccurrences {
  const extra = event.rdates?.length ? `|${event.rdates.map((d) => d.getTime()).join(',')}` : '';
  const key = walkFromSeriesStart
    ? null
    : `${event.rrule}|${event.startsAt.getTime()}|${event.timezone}|${event.allDay}|${floatingFrom.getTime()}|${floatingTo.getTime()}|${limit}${extra}`;
  let found = key === null ? undefined : rememberedStarts.get(key);
  if (found && key !== null) {
    // Most recently used last: the first key is the one to forget.
    rememberedStarts.delete(key);
    rememberedStarts.set(key, found);
  } else {
    // A stored rule that cannot be read (old data) has no occurrences; it does not break the whole answer.
    if (readRule(event.rrule ?? '') instanceof RuleSyntaxError) return { starts: [], exhausted: false };
    const { rule, dtstart, until } = seriesRule(event, walkFromSeriesStart ? undefined : floatingFrom);
    // The tests' reference walk (from the series' start) is not cut by the clock: on a busy machine 50 ms of wall
    // time ran out before its few thousand steps did, and an empty reference is no reference.
    const budget = walkFromSeriesStart
      ? { maxSteps: WALK_BUDGET.maxSteps, maxMs: Number.POSITIVE_INFINITY }
      : undefined;
    const walk = occurrencesBetween(rule, dtstart, until, floatingFrom, floatingTo, limit, budget);
    const times = walk.dates.map((date) => (event.allDay ? date : fromFloating(date, event.timezone)).getTime());
    found = { times: withExtraDates(event, times, floatingFrom, floatingTo, limit), exhausted: walk.exhausted };
    // A walk cut short by the clock (a busy machine) is not remembered: the next one may finish.
    if (key !== null && (!walk.exhausted || walk.steps > WALK_BUDGET.maxSteps)) {
      if (rememberedStarts.size >= REMEMBERED_STARTS) {
        const oldest = rememberedStarts.keys().next().value;
        if (oldest !== undefined) rememberedStarts.delete(oldest);
      }
      rememberedStarts.set(key, found);
    }
  }
  return { starts: found.times.map((time) => new Date(time)), exhausted: found.exhausted };
}
const REMEMBERED_STARTS = 5_000;

/**
 * The rule's starts with the series' extra dates (RDATE) in the same floating range merged in, in order, once each,
 * at most `limit`. The recurrence set is the rule's dates and the extra dates together (RFC 5545 §3.8.5.2).
 */
function withExtraDates(
  event: ExpandableEvent,
  times: number[],
  floatingFrom: Date,
  floatingTo: Date,
  limit: number,
): number[] {
  if (!event.rdates?.length) return times;
  const from = floatingFrom.getTime();
  const to = floatingTo.getTime();
  const extra = event.rdates
    .filter((d) => {
      const floating = (event.allDay ? d : toFloating(d, event.timezone)).getTime();
      return floating >= from && floating <= to;
    })
    .map((d) => d.getTime());
  if (extra.length === 0) return times;
  return [...new Set([...times, ...extra])].sort((a, b) => a - b).slice(0, limit);
}
const rememberedStarts = new Map<string, { times: number[]; exhausted: boolean }>();

/** Occurrence starts of a series in a floating range (see seriesOccurrences). */
export function seriesStarts(event: ExpandableEvent, floatingFrom: Date, floatingTo: Date, limit: number): Date[] {
  return seriesOccurrences(event, floatingFrom, floatingTo, limit).starts;
}

/** Whether `start` is an occurrence of the series (or the start of the single event), ignoring exceptions. */
export function isOccurrenceStart(event: ExpandableEvent, start: Date): boolean {
  if (!event.rrule) return event.startsAt.getTime() === start.getTime();
  if (event.rdates?.some((d) => d.getTime() === start.getTime())) return true;
  const floating = event.allDay ? start : toFloating(start, event.timezone);
  const around = seriesStarts(event, new Date(floating.getTime() - 1000), new Date(floating.getTime() + 1000), 10);
  return around.some((d) => d.getTime() === start.getTime());
}

/** The occurrence starts of a series before `before` (for splitting it), at most `limit` (and the walk's budget). */
export function countOccurrencesBefore(event: ExpandableEvent, before: Date, limit = 100_000): number {
  const { rule, dtstart, until } = seriesRule(event);
  const floatingBefore = (event.allDay ? before : toFloating(before, event.timezone)).getTime();
  let n = 0;
  walkRule(
    rule,
    dtstart,
    until,
    (date) => {
      if (date.getTime() >= floatingBefore || n >= limit) return false;
      n++;
      return true;
    },
    WALK_BUDGET,
    new Date(floatingBefore),
  );
  return n;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

type SplitSeries = Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'endsAt' | 'timezone' | 'rrule'>;

/** A series' rule as parts, or a ValidationError. */
function ruleParts(series: SplitSeries): Map<string, string> {
  const parts = rruleParts(series.rrule ?? '');
  if (!parts) throw new ValidationError('Invalid recurrence rule');
  return parts;
}

/**
 * The rule of a series split at `before` ("this and following"), for the part before it: COUNT becomes the
 * occurrences already had, or UNTIL moves to just before.
 */
export function ruleEndingBefore(series: SplitSeries, before: Date): string {
  const parts = ruleParts(series);
  if (parts.has('COUNT')) {
    parts.set('COUNT', String(countOccurrencesBefore(series as ExpandableEvent, before)));
  } else {
    const last = new Date(before.getTime() - (series.allDay ? DAY_MS : 1000));
    const date = `${pad(last.getUTCFullYear(), 4)}${pad(last.getUTCMonth() + 1)}${pad(last.getUTCDate())}`;
    parts.set(
      'UNTIL',
      series.allDay
        ? date
        : `${date}T${pad(last.getUTCHours())}${pad(last.getUTCMinutes())}${pad(last.getUTCSeconds())}Z`,
    );
  }
  return [...parts].map(([k, v]) => `${k}=${v}`).join(';');
}

/** The rest of a series from `from` on, as the rule for a new series (COUNT reduced by those already had). */
export function ruleFrom(series: SplitSeries, from: Date): string {
  const parts = ruleParts(series);
  if (parts.has('COUNT')) {
    const left = Number(parts.get('COUNT')) - countOccurrencesBefore(series as ExpandableEvent, from);
    parts.set('COUNT', String(Math.max(1, left)));
  }
  return [...parts].map(([k, v]) => `${k}=${v}`).join(';');
}

/**
 * When the last occurrence of a series ends, or null when it never does (or is too far to compute within the
 * walk's budget). For a single event, its end. Used to skip finished series in range queries, so it may err late,
 * never early.
 */
export function seriesEnd(
  event: Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'endsAt' | 'timezone' | 'rrule' | 'rdates' | 'rdateEnds'>,
) {
  const ruleEnd = ruleSeriesEnd(event);
  if (ruleEnd === null || !event.rdates?.length) return ruleEnd;
  // An extra date after the rule's last occurrence ends the series later.
  const duration = durationOf(event);
  let end = ruleEnd.getTime();
  event.rdates.forEach((start, i) => {
    end = Math.max(end, (event.rdateEnds?.[i]?.getTime() ?? start.getTime() + duration) + DAY_MS);
  });
  return new Date(end);
}

function ruleSeriesEnd(event: Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'endsAt' | 'timezone' | 'rrule'>) {
  if (!event.rrule) return event.endsAt;
  const { rule, dtstart, until } = seriesRule(event);
  let lastFloating: Date | null = null;
  if (until) lastFloating = until;
  else if (rule.count) {
    if (rule.count > 10_000) return null;
    let last: Date | null = null;
    const walk = walkRule(rule, dtstart, null, (date) => {
      last = date;
      return true;
    });
    if (walk.exhausted) return null;
    lastFloating = last ?? dtstart;
  } else return null;
  const lastStart = event.allDay ? lastFloating : fromFloating(lastFloating, event.timezone);
  // A day of slack for zone offsets on floating UNTIL values.
  return new Date(lastStart.getTime() + durationOf(event) + DAY_MS);
}

// ---------- what may be stored ----------

/** The frequencies a stored series may have. */
const WRITABLE_FREQUENCIES = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
/** At most this many occurrences in a COUNT (a daily series of 27 years). */
export const RULE_MAX_COUNT = 10_000;
/** At most this many periods between occurrences (INTERVAL). */
export const RULE_MAX_INTERVAL = 1_000;

/**
 * Why `rrule` cannot be stored for a series starting at `startsAt`, or null when it can: a rule that cannot be read,
 * repeats more often than daily, has an absurd COUNT or INTERVAL, or has no occurrence within a walk's budget (it
 * never occurs, or so rarely that it would cost every read the budget). Every write path asks this.
 */
export function recurrenceRuleProblem(
  rrule: string,
  series: Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'timezone'>,
): string | null {
  const rule = readRule(rrule);
  if (rule instanceof RuleSyntaxError) return `cannot be read: ${rule.message}`;
  if (!WRITABLE_FREQUENCIES.has(rule.freq)) {
    return `repeats ${rule.freq.toLowerCase()}; Life OS repeats events daily, weekly, monthly or yearly`;
  }
  if (rule.count !== null && rule.count > RULE_MAX_COUNT) {
    return `repeats more than ${RULE_MAX_COUNT.toLocaleString('en')} times (COUNT)`;
  }
  if (rule.interval > RULE_MAX_INTERVAL) return `has an INTERVAL over ${RULE_MAX_INTERVAL.toLocaleString('en')}`;
  const { dtstart, until } = seriesRule({ ...series, rrule });
  const first = firstOccurrenceFrom(rule, dtstart, until, dtstart, true);
  if (first.date) return null;
  return first.exhausted
    ? 'has no occurrence within a bounded search: it occurs too rarely, if ever'
    : 'never occurs from the start of the event';
}

/** Throws ValidationError (BAD_REQUEST), naming the rule, when `rrule` cannot be stored (recurrenceRuleProblem). */
export function validateRecurrenceRule(
  rrule: string,
  series: Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'timezone'>,
): void {
  const problem = recurrenceRuleProblem(rrule, series);
  if (problem) throw new ValidationError(`The repeat rule ${quoteRule(rrule)} ${problem}`, 'rrule');
}
