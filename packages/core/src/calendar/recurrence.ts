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
import { MAX_RANGE_DAYS, rruleParts, type TOccurrence } from './calendar.schemas.js';
import { RRule, type RRuleOptions } from './rrule-lib.js';

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

/**
 * The rrule object for a series, in floating time. UNTIL is moved into floating time too (an RRULE's UTC UNTIL is
 * an instant). Throws ValidationError when the rule cannot be used.
 */
export function seriesRule(
  event: Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'timezone' | 'rrule'>,
  /** Only occurrences from this floating time on are wanted: the rule may start later (see fastForward). */
  wantedFrom?: Date,
): RRule {
  if (!event.rrule) throw new ValidationError('Not a recurring event');
  const parts = rruleParts(event.rrule);
  if (!parts) throw new ValidationError('Invalid recurrence rule');
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(event.rrule.replace(/^RRULE:/i, ''));
  } catch {
    throw new ValidationError('Invalid recurrence rule');
  }
  const seriesStart = event.allDay ? event.startsAt : toFloating(event.startsAt, event.timezone);
  const dtstart = wantedFrom ? fastForward(seriesStart, options, wantedFrom) : seriesStart;
  let until = options.until ?? null;
  const untilText = parts.get('UNTIL');
  if (until && !event.allDay && untilText?.endsWith('Z')) until = toFloating(until, event.timezone);
  if (until && !event.allDay && untilText && !untilText.includes('T')) {
    // A DATE UNTIL on a timed series: through the end of that day.
    until = new Date(until.getTime() + DAY_MS - 1000);
  }
  try {
    const rule = new RRule({ ...options, dtstart, until, tzid: null });
    rule.after(dtstart, true); // fail here, not later, on a rule rrule cannot compute
    return rule;
  } catch {
    throw new ValidationError('Invalid recurrence rule');
  }
}

/**
 * A later DTSTART that yields the same occurrences from `wantedFrom` on. rrule walks every occurrence from DTSTART,
 * so a weekly series begun ten years ago cost ~500 steps for each month shown. The start moves by whole periods
 * (INTERVAL × FREQ) to at least one period before `wantedFrom`, which keeps the weekday, the day of the month, the
 * wall-clock time and the INTERVAL phase; the occurrences a shorter first period drops lie before `wantedFrom`.
 * Rules where moving is not exact stay as they are: COUNT (counted from the first occurrence), sub-daily
 * frequencies, and monthly/yearly series starting after the 28th (adding months would change the day).
 */
function fastForward(dtstart: Date, options: Partial<RRuleOptions>, wantedFrom: Date): Date {
  if (options.count != null) return dtstart;
  const interval = options.interval ?? 1;
  if (!(interval >= 1) || wantedFrom.getTime() <= dtstart.getTime()) return dtstart;
  if (options.freq === RRule.DAILY || options.freq === RRule.WEEKLY) {
    const periodMs = (options.freq === RRule.DAILY ? 1 : 7) * interval * DAY_MS;
    const periods = Math.floor((wantedFrom.getTime() - dtstart.getTime()) / periodMs) - 1;
    return periods > 0 ? new Date(dtstart.getTime() + periods * periodMs) : dtstart;
  }
  if ((options.freq === RRule.MONTHLY || options.freq === RRule.YEARLY) && dtstart.getUTCDate() <= 28) {
    const periodMonths = (options.freq === RRule.MONTHLY ? 1 : 12) * interval;
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

/**
 * Occurrence starts (instants) of a series whose floating start lies in [floatingFrom, floatingTo].
 *
 * Remembered by everything the answer depends on (the rule, the series' start, zone and all-day flag, the range and
 * the limit): rrule parses the rule and rebuilds its year tables on every walk, and the same ranges come back all
 * day long (today on the dashboard, this week, this month). A pure function's memo, never stale; bounded.
 */
function seriesStarts(event: ExpandableEvent, floatingFrom: Date, floatingTo: Date, limit: number): Date[] {
  const key = walkFromSeriesStart
    ? null
    : `${event.rrule}|${event.startsAt.getTime()}|${event.timezone}|${event.allDay}|${floatingFrom.getTime()}|${floatingTo.getTime()}|${limit}`;
  let starts = key === null ? undefined : rememberedStarts.get(key);
  if (starts && key !== null) {
    // Most recently used last: the first key is the one to forget.
    rememberedStarts.delete(key);
    rememberedStarts.set(key, starts);
  } else {
    const rule = seriesRule(event, walkFromSeriesStart ? undefined : floatingFrom);
    const floating = rule.between(floatingFrom, floatingTo, true, (_date, index) => index < limit);
    starts = floating.map((date) => (event.allDay ? date : fromFloating(date, event.timezone)).getTime());
    if (key !== null) {
      if (rememberedStarts.size >= REMEMBERED_STARTS) {
        const oldest = rememberedStarts.keys().next().value;
        if (oldest !== undefined) rememberedStarts.delete(oldest);
      }
      rememberedStarts.set(key, starts);
    }
  }
  return starts.map((time) => new Date(time));
}
const REMEMBERED_STARTS = 5_000;
const rememberedStarts = new Map<string, number[]>();

/** Whether `start` is an occurrence of the series (or the start of the single event), ignoring exceptions. */
export function isOccurrenceStart(event: ExpandableEvent, start: Date): boolean {
  if (!event.rrule) return event.startsAt.getTime() === start.getTime();
  const floating = event.allDay ? start : toFloating(start, event.timezone);
  const around = seriesStarts(event, new Date(floating.getTime() - 1000), new Date(floating.getTime() + 1000), 10);
  return around.some((d) => d.getTime() === start.getTime());
}

/** The occurrence starts of a series before `before` (for splitting it), at most `limit`. */
export function countOccurrencesBefore(event: ExpandableEvent, before: Date, limit = 100_000): number {
  const rule = seriesRule(event);
  const floatingBefore = event.allDay ? before : toFloating(before, event.timezone);
  let n = 0;
  rule.all((date) => {
    if (date.getTime() >= floatingBefore.getTime() || n >= limit) return false;
    n++;
    return true;
  });
  return n;
}

/**
 * When the last occurrence of a series ends, or null when it never does (or is too far to compute cheaply). For a
 * single event, its end. Used to skip finished series in range queries, so it may err late, never early.
 */
export function seriesEnd(event: Pick<ExpandableEvent, 'allDay' | 'startsAt' | 'endsAt' | 'timezone' | 'rrule'>) {
  if (!event.rrule) return event.endsAt;
  const rule = seriesRule(event);
  const { count, until } = rule.options;
  let lastFloating: Date | null = null;
  if (until) lastFloating = until;
  else if (count) {
    if (count > 10_000) return null;
    const all = rule.all((_d, i) => i < count);
    lastFloating = all.at(-1) ?? rule.options.dtstart;
  } else return null;
  const lastStart = event.allDay ? lastFloating : fromFloating(lastFloating, event.timezone);
  // A day of slack for zone offsets on floating UNTIL values.
  return new Date(lastStart.getTime() + durationOf(event) + DAY_MS);
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
    let starts = seriesStarts(event, floatFrom, floatTo, limit);
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
          if (index >= starts.length) {
            if (starts.length < limit) {
              this.head = null;
              return;
            }
            limit *= 4;
            starts = seriesStarts(event, floatFrom, floatTo, limit);
            continue;
          }
          const start = starts[index++] as Date;
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
