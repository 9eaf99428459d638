/**
 * Recurrence expansion: pure functions from stored events to the occurrences in a range, merged in start order up to
 * the caps of one answer. Each series is walked by calendar.series.ts, in floating time (calendar.floating-time.ts).
 */
import { ValidationError } from '../errors.js';
import { isoDate, localMidnight, toFloating } from './calendar.floating-time.js';
import { MAX_RANGE_DAYS, type TOccurrence } from './calendar.schemas.js';
import { durationOf, type ExpandableEvent, seriesOccurrences } from './calendar.series.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** At most this many occurrences of one series in one range (an HOURLY import over a year is 8,760). */
export const MAX_OCCURRENCES_PER_SERIES = 2_000;

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
    // An extra date given as a PERIOD has a length of its own.
    const periodEnds = new Map<number, number>();
    event.rdates?.forEach((d, i) => {
      const end = event.rdateEnds?.[i];
      if (end) periodEnds.set(d.getTime(), end.getTime());
    });
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
          const end = new Date(periodEnds.get(start.getTime()) ?? start.getTime() + duration);
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
