/**
 * Recurrence expansion: pure functions from stored events to the occurrences in a range.
 *
 * rrule computes in "floating" time: it treats every date as UTC and knows nothing of DST. So a timed series is
 * expanded on its wall-clock times in its own zone (09:00 Europe/Berlin stays 09:00 across the DST change) and each
 * occurrence is turned back into an instant with @date-fns/tz. All-day events are floating dates already (stored
 * as UTC midnight), so they expand as they are.
 */
import { TZDate, tzOffset } from '@date-fns/tz';
import { ValidationError } from '../errors.js';
import {
  firstOccurrenceFrom,
  occurrencesBetween,
  type ParsedRule,
  parseRule,
  RuleSyntaxError,
  WALK_BUDGET,
  walkRule,
} from './calendar.rrule-engine.js';
import { MAX_RANGE_DAYS, type TOccurrence } from './calendar.schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** At most this many occurrences of one series in one range (an HOURLY import over a year is 8,760). */
export const MAX_OCCURRENCES_PER_SERIES = 2_000;

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
  recurrenceId: Date | null;
  seriesId: string | null;
  /** Set for a read-only event of a subscribed calendar. */
  subscriptionId?: string | null;
}

/**
 * The UTC offset (ms) of `timezone` over the UTC day `day` (days since 1970) when it is the same all day, else
 * null. A zone's offset changes a few times a year, so nearly every day is uniform and a conversion within it is
 * one addition: TZDate asks Intl for offsets several times per conversion, which was a tenth of a month's
 * calendar answer (bench/profile.ts). Days before 1970 (offsets with seconds) and days holding a change are left
 * to TZDate.
 */
function uniformDayOffset(timezone: string, day: number): number | null {
  if (!(day >= 0)) return null;
  const key = `${timezone} ${day}`;
  let offset = uniformOffsets.get(key);
  if (offset === undefined) {
    const start = tzOffset(timezone, new Date(day * DAY_MS));
    const end = tzOffset(timezone, new Date((day + 1) * DAY_MS - 1));
    offset = start === end && Number.isInteger(start) ? start * 60_000 : null;
    // Bounded: a year of days in a few dozen zones; a long-running process starts over now and then.
    if (uniformOffsets.size >= 50_000) uniformOffsets.clear();
    uniformOffsets.set(key, offset);
  }
  return offset;
}
const uniformOffsets = new Map<string, number | null>();

/** The wall-clock time of `instant` in `timezone`, written as a UTC date (rrule's floating time). */
export function toFloating(instant: Date, timezone: string): Date {
  const time = instant.getTime();
  const offset = uniformDayOffset(timezone, Math.floor(time / DAY_MS));
  if (offset !== null) return new Date(time + offset);
  const local = new TZDate(time, timezone);
  return new Date(
    Date.UTC(
      local.getFullYear(),
      local.getMonth(),
      local.getDate(),
      local.getHours(),
      local.getMinutes(),
      local.getSeconds(),
      local.getMilliseconds(),
    ),
  );
}

/** The instant at which the floating wall-clock time happens in `timezone`. */
export function fromFloating(floating: Date, timezone: string): Date {
  const wallClock = floating.getTime();
  // The instant lies within a day of the wall-clock time: with the same offset all three days around it, there is
  // no gap or overlap to resolve.
  const day = Math.floor(wallClock / DAY_MS);
  const offset = uniformDayOffset(timezone, day);
  if (
    offset !== null &&
    uniformDayOffset(timezone, day - 1) === offset &&
    uniformDayOffset(timezone, day + 1) === offset
  ) {
    return new Date(wallClock - offset);
  }
  return new Date(
    new TZDate(
      floating.getUTCFullYear(),
      floating.getUTCMonth(),
      floating.getUTCDate(),
      floating.getUTCHours(),
      floating.getUTCMinutes(),
      floating.getUTCSeconds(),
      floating.getUTCMilliseconds(),
      timezone,
    ).getTime(),
  );
}

/** 'YYYY-MM-DD' of a UTC-midnight date. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** UTC midnight of a 'YYYY-MM-DD' date. */
export function utcMidnight(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/** Midnight of a 'YYYY-MM-DD' date in `timezone`. */
export function localMidnight(date: string, timezone: string): Date {
  return fromFloating(utcMidnight(date), timezone);
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

const durationOf = (event: Pick<ExpandableEvent, 'startsAt' | 'endsAt'>) =>
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
  const key = walkFromSeriesStart
    ? null
    : `${event.rrule}|${event.startsAt.getTime()}|${event.timezone}|${event.allDay}|${floatingFrom.getTime()}|${floatingTo.getTime()}|${limit}`;
  let found = key === null ? undefined : rememberedStarts.get(key);
  if (found && key !== null) {
    // Most recently used last: the first key is the one to forget.
    rememberedStarts.delete(key);
    rememberedStarts.set(key, found);
  } else {
    // A stored rule that cannot be read (old data) has no occurrences; it does not break the whole answer.
    if (readRule(event.rrule ?? '') instanceof RuleSyntaxError) return { starts: [], exhausted: false };
    const { rule, dtstart, until } = seriesRule(event, walkFromSeriesStart ? undefined : floatingFrom);
    const walk = occurrencesBetween(rule, dtstart, until, floatingFrom, floatingTo, limit);
    found = {
      times: walk.dates.map((date) => (event.allDay ? date : fromFloating(date, event.timezone)).getTime()),
      exhausted: walk.exhausted,
    };
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
const rememberedStarts = new Map<string, { times: number[]; exhausted: boolean }>();

/** Occurrence starts of a series in a floating range (see seriesOccurrences). */
export function seriesStarts(event: ExpandableEvent, floatingFrom: Date, floatingTo: Date, limit: number): Date[] {
  return seriesOccurrences(event, floatingFrom, floatingTo, limit).starts;
}

/** Whether `start` is an occurrence of the series (or the start of the single event), ignoring exceptions. */
export function isOccurrenceStart(event: ExpandableEvent, start: Date): boolean {
  if (!event.rrule) return event.startsAt.getTime() === start.getTime();
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

/**
 * When the last occurrence of a series ends, or null when it never does (or is too far to compute within the
 * walk's budget). For a single event, its end. Used to skip finished series in range queries, so it may err late,
 * never early.
 */
export function seriesEnd(event: Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'endsAt' | 'timezone' | 'rrule'>) {
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

export interface ExpandOptions {
  /** The zone all-day events' days are placed in when matching them against the range. */
  viewerTimezone?: string;
  /** At most this many occurrences of one series (MAX_OCCURRENCES_PER_SERIES). */
  maxPerSeries?: number;
  /** At most this many occurrences in all (MAX_OCCURRENCES_PER_ANSWER). */
  maxOccurrences?: number;
  /** At most about this many characters of text in all (MAX_ANSWER_TEXT_CHARS). */
  maxTextChars?: number;
}

/**
 * At most this many occurrences in one answer (events.list, the agenda). 5,000 daily series over 400 days are
 * 2,000,000 occurrences, gigabytes once serialized: the walk stops here instead, and says where. Measured on the
 * 2-core machine under load, 5,000 occurrences cost ~220 ms of serialization and ~80 ms of output validation, each
 * in one piece that stalls the server; 2,000 stay well under 250 ms in all (about 800 kB of JSON).
 */
export const MAX_OCCURRENCES_PER_ANSWER = 2_000;
/**
 * At most about this many characters of occurrences in one answer: a description may hold 20,000, so 5,000
 * occurrences of long-described series would still be 100 MB. Each occurrence counts its text plus
 * OCCURRENCE_FIXED_CHARS for its other fields, close to its JSON size.
 */
export const MAX_ANSWER_TEXT_CHARS = 4_000_000;
const OCCURRENCE_FIXED_CHARS = 400;
/** The expansion gives the event loop back after this long, when it runs in yielding mode. */
const SLICE_MS = 10;

/** [from, to) holds the occurrence [start, end); a zero-length occurrence counts when it starts in the range. */
function overlaps(start: Date, end: Date, from: Date, to: Date) {
  if (start.getTime() >= to.getTime()) return false;
  return end.getTime() > from.getTime() || (end.getTime() === start.getTime() && start.getTime() >= from.getTime());
}

/** The range a caller may ask for: `to` after `from`, at most MAX_RANGE_DAYS apart. */
export function assertRange(from: Date, to: Date) {
  if (!(to.getTime() > from.getTime())) throw new ValidationError('"to" must be after "from"');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new ValidationError(`A range can span at most ${MAX_RANGE_DAYS} days`);
  }
}

/** The occurrences of a range up to the caps, and how far they are complete. */
export interface OccurrencePage {
  items: TOccurrence[];
  truncated: boolean;
  /** Every occurrence starting before this instant is in `items`; the range's end when nothing was left out. */
  completeUntil: Date;
}

/** localeCompare's order (the default locale's collation), without building the collation on every call. */
const titleOrder = new Intl.Collator().compare;

/** Answer order: by start, all-day events first, then by title. */
const byAnswerOrder = (a: TOccurrence, b: TOccurrence) =>
  a.start.getTime() - b.start.getTime() || Number(b.allDay) - Number(a.allDay) || titleOrder(a.title, b.title);

/**
 * One source of occurrences in answer order: a series walked lazily, in walks of growing length (each walk starts
 * at the range again: seriesStarts is remembered by its limit, and re-walking keeps the floating-time rules in one
 * place), or the single events, sorted once.
 */
interface Source {
  /** The next occurrence, or a stop: the start of the first occurrence of a series beyond its cap. */
  head: TOccurrence | null;
  stop: boolean;
  advance(): void;
}

const textChars = (o: TOccurrence) =>
  OCCURRENCE_FIXED_CHARS +
  o.title.length +
  (o.description?.length ?? 0) +
  (o.location?.length ?? 0) +
  (o.rrule?.length ?? 0);

/** A binary min-heap of sources by their heads (answer order; a stop before an occurrence at the same start). */
class SourceHeap {
  readonly #items: Source[] = [];
  get size() {
    return this.#items.length;
  }
  #less(a: Source, b: Source) {
    const x = a.head as TOccurrence;
    const y = b.head as TOccurrence;
    const order = byAnswerOrder(x, y);
    return order < 0 || (order === 0 && a.stop && !b.stop);
  }
  peek(): Source | undefined {
    return this.#items[0];
  }
  push(source: Source) {
    const items = this.#items;
    items.push(source);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(items[i] as Source, items[parent] as Source)) break;
      [items[i], items[parent]] = [items[parent] as Source, items[i] as Source];
      i = parent;
    }
  }
  pop(): Source | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < items.length && this.#less(items[left] as Source, items[least] as Source)) least = left;
        if (right < items.length && this.#less(items[right] as Source, items[least] as Source)) least = right;
        if (least === i) break;
        [items[i], items[least]] = [items[least] as Source, items[i] as Source];
        i = least;
      }
    }
    return top;
  }
}

/**
 * The occurrences of `events` that overlap [from, to), sorted by start (then all-day first, then title), up to the
 * caps: at most `maxPerSeries` of one series, `maxOccurrences` in all and about `maxTextChars` of text. A series'
 * exception dates and its detached occurrences (events whose `recurrenceId` names an occurrence) replace the
 * generated ones.
 *
 * The series are merged in start order, each walked only as far as the merge needs it, so the work is bounded by
 * the caps and the number of series, never by series × range. A generator: it yields now and then so that a caller
 * can give the event loop back (expandOccurrencesYielding); expandOccurrences runs it through.
 */
function* expandSteps(
  events: ExpandableEvent[],
  from: Date,
  to: Date,
  options: ExpandOptions,
): Generator<void, OccurrencePage, void> {
  assertRange(from, to);
  const viewerTimezone = options.viewerTimezone ?? 'UTC';
  const perSeries = options.maxPerSeries ?? MAX_OCCURRENCES_PER_SERIES;
  const maxOccurrences = options.maxOccurrences ?? MAX_OCCURRENCES_PER_ANSWER;
  const maxTextChars = options.maxTextChars ?? MAX_ANSWER_TEXT_CHARS;
  let sliceStart = performance.now();
  const timeToYield = () => performance.now() - sliceStart > SLICE_MS;

  const replaced = new Map<string, Set<number>>();
  for (const event of events) {
    if (event.seriesId && event.recurrenceId) {
      const set = replaced.get(event.seriesId) ?? new Set<number>();
      set.add(event.recurrenceId.getTime());
      replaced.set(event.seriesId, set);
    }
  }
  const inRange = (event: ExpandableEvent, start: Date, end: Date) => {
    if (!event.allDay) return overlaps(start, end, from, to);
    return overlaps(
      localMidnight(isoDate(start), viewerTimezone),
      localMidnight(isoDate(end), viewerTimezone),
      from,
      to,
    );
  };
  const occurrence = (event: ExpandableEvent, start: Date, end: Date, occurrenceStart: Date | null): TOccurrence => ({
    eventId: event.id,
    seriesId: event.rrule ? event.id : event.seriesId,
    occurrenceStart,
    detached: event.recurrenceId !== null,
    title: event.title,
    description: event.description,
    location: event.location,
    allDay: event.allDay,
    start,
    end,
    startDate: event.allDay ? isoDate(start) : null,
    endDate: event.allDay ? isoDate(new Date(Math.max(start.getTime(), end.getTime() - DAY_MS))) : null,
    timezone: event.timezone,
    rrule: event.rrule,
    subscriptionId: event.subscriptionId ?? null,
  });
  const seriesRules = new Map(events.filter((e) => e.rrule).map((e) => [e.id, e.rrule]));
  const series = events.filter((e) => e.rrule);

  const singles: TOccurrence[] = [];
  for (const event of events) {
    if (event.rrule || !inRange(event, event.startsAt, event.endsAt)) continue;
    const o = occurrence(event, event.startsAt, event.endsAt, event.recurrenceId);
    if (event.seriesId) o.rrule = seriesRules.get(event.seriesId) ?? null;
    singles.push(o);
  }
  singles.sort(byAnswerOrder);
  let next = 0;
  const singleSource: Source = {
    head: singles[0] ?? null,
    stop: false,
    advance() {
      next++;
      this.head = singles[next] ?? null;
    },
  };

  // The first walk of each series is as long as its share of the answer (at least a few occurrences, at most its
  // cap): one walk for a calendar of a few series, a short one each for thousands.
  const firstWalk = Math.min(perSeries + 1, Math.max(8, Math.ceil((2 * maxOccurrences) / Math.max(1, series.length))));
  const seriesSource = (event: ExpandableEvent): Source => {
    const duration = durationOf(event);
    // Search a little wider in floating time (zone offsets, all-day days in the viewer's zone), then filter exactly.
    const margin = 2 * DAY_MS;
    const floatFrom = new Date(
      (event.allDay ? from.getTime() : toFloating(from, event.timezone).getTime()) - duration - margin,
    );
    const floatTo = new Date((event.allDay ? to.getTime() : toFloating(to, event.timezone).getTime()) + margin);
    const excluded = new Set(event.exdates.map((d) => d.getTime()));
    const detached = replaced.get(event.id);
    let limit = firstWalk;
    let walk = seriesOccurrences(event, floatFrom, floatTo, limit);
    let index = 0;
    let taken = 0;
    const source: Source = {
      head: null,
      stop: false,
      advance() {
        if (this.stop) {
          this.head = null;
          return;
        }
        for (;;) {
          if (index >= walk.starts.length) {
            if (walk.exhausted) {
              // The walk's budget ran out (a rule stored before rules were checked): the series is known only up
              // to its last occurrence found, and so is the answer.
              const last = walk.starts.at(-1)?.getTime() ?? 0;
              const at = new Date(Math.max(last + 1, from.getTime()));
              this.head = occurrence(event, at, at, at);
              this.stop = true;
              return;
            }
            if (walk.starts.length < limit) {
              this.head = null;
              return;
            }
            limit *= 4;
            walk = seriesOccurrences(event, floatFrom, floatTo, limit);
            continue;
          }
          const start = walk.starts[index++] as Date;
          if (excluded.has(start.getTime()) || detached?.has(start.getTime())) continue;
          const end = new Date(start.getTime() + duration);
          if (!inRange(event, start, end)) continue;
          this.head = occurrence(event, start, end, start);
          // One beyond the series' cap: the answer is complete only up to it.
          this.stop = taken === perSeries;
          taken++;
          return;
        }
      },
    };
    source.advance();
    return source;
  };

  const heap = new SourceHeap();
  if (singleSource.head) heap.push(singleSource);
  for (const event of series) {
    const source = seriesSource(event);
    if (source.head) heap.push(source);
    if (timeToYield()) {
      yield;
      sliceStart = performance.now();
    }
  }

  const items: TOccurrence[] = [];
  let chars = 0;
  for (;;) {
    const source = heap.peek();
    const head = source?.head;
    if (!source || !head) return { items, truncated: false, completeUntil: to };
    chars += textChars(head);
    if (source.stop || items.length >= maxOccurrences || chars > maxTextChars) {
      return { items, truncated: true, completeUntil: head.start };
    }
    items.push(head);
    heap.pop();
    source.advance();
    if (source.head) heap.push(source);
    if (timeToYield()) {
      yield;
      sliceStart = performance.now();
    }
  }
}

/** The occurrences of [from, to) up to the caps (expandSteps), in one go: for small inputs and tests. */
export function expandOccurrences(
  events: ExpandableEvent[],
  from: Date,
  to: Date,
  options: ExpandOptions = {},
): OccurrencePage {
  const steps = expandSteps(events, from, to, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same as expandOccurrences, giving the event loop back every SLICE_MS (setImmediate): thousands of series are
 * a few hundred milliseconds of walking, during which the server must go on answering other requests.
 */
export async function expandOccurrencesYielding(
  events: ExpandableEvent[],
  from: Date,
  to: Date,
  options: ExpandOptions = {},
): Promise<OccurrencePage> {
  const steps = expandSteps(events, from, to, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
