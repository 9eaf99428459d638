/**
 * The one RRULE (RFC 5545) engine of Life OS: events, task repeats, .ics imports, subscriptions, the JSON import and
 * the feed all parse and walk rules with it.
 *
 * It follows the algorithm of python-dateutil, which rrule.js ports (and which the tests use as the oracle): each
 * period of the rule (a year, month, week, day or hour, INTERVAL apart) is a set of candidate days, filtered by the
 * BY* parts, crossed with the times of day, optionally picked by BYSETPOS. rrule.js walks period after period until
 * the year 9999 with no way to stop it, so a rule that never matches (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`) costs
 * ~30 s per call. Here every walk has a budget: steps (periods, candidate days and date-times looked at) and wall
 * time. When it runs out the walk stops and says so (`exhausted`), keeping what it found.
 *
 * Dates are "floating": wall-clock times written as UTC dates. calendar.floating-time.ts turns them into
 * instants. The rule's text is read by calendar.rrule-parse.ts; the year tables are calendar.rrule-years.ts.
 */
import type { ParsedRule, TRuleFrequency } from './calendar.rrule-parse.js';
import { dayNumber, nthWeekdayMask, pymod, weekdayOfDay, yearInfo } from './calendar.rrule-years.js';

const DAY_MS = 86_400_000;
const MAX_YEAR = 9999;

// ---------- walking ----------

export interface WalkBudget {
  /** Periods, candidate days and candidate date-times looked at. */
  maxSteps: number;
  /** Wall time, checked every few hundred steps. */
  maxMs: number;
}

/**
 * What one walk may spend. A never-matching DAILY rule reaches ~140 years ahead in 100,000 steps (further with
 * BYMONTH, whose left-out months are stepped over), a YEARLY one ~270 years; the sparsest real rules (29 February
 * on a Monday, every 28 years) need a few thousand. 5–25 ms of CPU; the wall time is a backstop for a busy machine.
 */
export const WALK_BUDGET: WalkBudget = { maxSteps: 100_000, maxMs: 50 };

export interface WalkResult {
  /** The budget ran out before the rule ended or the visitor stopped the walk. */
  exhausted: boolean;
  /** Steps spent. */
  steps: number;
}

const FREQ_RANK: Record<TRuleFrequency, number> = {
  YEARLY: 0,
  MONTHLY: 1,
  WEEKLY: 2,
  DAILY: 3,
  HOURLY: 4,
  MINUTELY: 5,
  SECONDLY: 6,
};

/**
 * Visits the occurrences (floating dates, in order) of `rule` for a series starting at `dtstart`, up to `until`
 * (floating; null for none) and COUNT, while `visit` returns true and the budget lasts. MINUTELY and SECONDLY rules
 * are not walked (nothing in Life OS uses them; they would spend the budget in minutes).
 */
export function walkRule(
  rule: ParsedRule,
  dtstart: Date,
  until: Date | null,
  visit: (date: Date) => boolean,
  budget: WalkBudget = WALK_BUDGET,
  /** Nothing after this floating time is wanted: the walk ends at the first period that starts later. */
  horizon: Date | null = null,
): WalkResult {
  const rank = FREQ_RANK[rule.freq];
  if (rank > FREQ_RANK.HOURLY) return { exhausted: false, steps: 0 };
  const start = dtstart.getTime();
  if (!Number.isFinite(start)) return { exhausted: false, steps: 0 };
  const startMs = pymod(start, 1000);
  const startDay = Math.floor(start / DAY_MS);
  const startOfDay = start - startDay * DAY_MS;
  const startHour = Math.floor(startOfDay / 3_600_000);
  const startMinute = Math.floor(startOfDay / 60_000) % 60;
  const startSecond = Math.floor(startOfDay / 1000) % 60;
  const startDate = new Date(startDay * DAY_MS);
  const startYear = startDate.getUTCFullYear();
  const startMonth = startDate.getUTCMonth() + 1;
  const startMonthDay = startDate.getUTCDate();
  const untilTime = until ? until.getTime() : Number.POSITIVE_INFINITY;
  // A rule that matches nothing is walked no further than its caller looks.
  const lastPeriodStart = Math.min(untilTime, horizon ? horizon.getTime() : Number.POSITIVE_INFINITY);

  // dateutil's defaults: the parts the rule leaves out come from the start.
  let bymonth = rule.bymonth;
  let bymonthday = rule.bymonthday;
  let byday = rule.byday;
  if (!rule.byweekno && !rule.byyearday && !bymonthday && !byday) {
    if (rule.freq === 'YEARLY') {
      bymonth ??= [startMonth];
      bymonthday = [startMonthDay];
    } else if (rule.freq === 'MONTHLY') bymonthday = [startMonthDay];
    else if (rule.freq === 'WEEKLY') byday = [{ weekday: weekdayOfDay(startDay), n: 0 }];
  }
  const plainWeekdays = byday?.filter((d) => d.n === 0 || rank > FREQ_RANK.MONTHLY).map((d) => d.weekday) ?? [];
  const nthWeekdays = rank > FREQ_RANK.MONTHLY ? [] : (byday?.filter((d) => d.n !== 0) ?? []);
  const byhour = rule.byhour ?? (rank < FREQ_RANK.HOURLY ? [startHour] : null);
  const byminute = rule.byminute ?? [startMinute];
  const bysecond = rule.bysecond ?? [startSecond];

  const monthOk = bymonth ? table(13, bymonth) : null;
  const weekdayOk = plainWeekdays.length ? table(7, plainWeekdays) : null;
  const monthDayOk = bymonthday
    ? table(
        63,
        bymonthday.map((d) => d + 31),
      )
    : null;
  const yearDayOk = rule.byyearday
    ? table(
        733,
        rule.byyearday.map((d) => d + 366),
      )
    : null;
  const hourOk = byhour ? table(24, byhour) : null;
  const wkst = rule.wkst;
  const interval = rule.interval;

  let steps = 0;
  const deadline = performance.now() + budget.maxMs;
  const spend = (n: number) => {
    steps += n;
    return steps > budget.maxSteps || ((steps & 0xff) < n && performance.now() > deadline);
  };
  let left = rule.count ?? Number.POSITIVE_INFINITY;
  // Returns false to end the walk.
  const emit = (time: number): boolean => {
    if (time > untilTime) return false;
    if (time < start) return true;
    if (!visit(new Date(time))) return false;
    left--;
    return left > 0;
  };

  // The counter: year and month for YEARLY/MONTHLY, a day number (and hour) for the others.
  let year = startYear;
  let month = startMonth;
  let day = startDay;
  let hour = startHour;
  let info = yearInfo(year, rule.byweekno, wkst);
  let nthKey = '';
  let nthMask: Uint8Array | null = null;

  const timesOfDay = (hours: readonly number[]) => {
    const times: number[] = [];
    for (const h of hours)
      for (const m of byminute) for (const s of bysecond) times.push(h * 3_600_000 + m * 60_000 + s * 1000 + startMs);
    return times;
  };
  const dailyTimes = rank < FREQ_RANK.HOURLY ? timesOfDay(byhour as number[]) : [];
  let times = rank < FREQ_RANK.HOURLY ? dailyTimes : hourOk && !hourOk[hour] ? [] : timesOfDay([hour]);

  const days: number[] = [];
  const positions: number[] = [];
  for (;;) {
    if (spend(1)) return { exhausted: true, steps };
    if (year !== info.year) info = yearInfo(year, rule.byweekno, wkst);
    const { len, masks } = info;
    const periodStart =
      rule.freq === 'YEARLY'
        ? info.firstDay * DAY_MS
        : rule.freq === 'MONTHLY'
          ? (info.firstDay + (masks.monthStart[month - 1] as number)) * DAY_MS
          : rule.freq === 'HOURLY'
            ? day * DAY_MS + hour * 3_600_000
            : day * DAY_MS;
    if (periodStart > lastPeriodStart) return { exhausted: false, steps };
    if (nthWeekdays.length) {
      const key = `${year} ${rule.freq === 'YEARLY' ? 0 : month}`;
      if (key !== nthKey) {
        nthKey = key;
        nthMask = nthWeekdayMask(info, rule.freq === 'YEARLY' ? (bymonth ?? null) : [month], nthWeekdays);
      }
    }
    // The candidate days of this period, as indexes into the year.
    let from: number;
    let to: number;
    if (rule.freq === 'YEARLY') {
      from = 0;
      to = len;
    } else if (rule.freq === 'MONTHLY') {
      from = masks.monthStart[month - 1] as number;
      to = masks.monthStart[month] as number;
    } else if (rule.freq === 'WEEKLY') {
      from = day - info.firstDay;
      to = from;
      for (let j = 0; j < 7; j++) {
        to++;
        if ((info.firstWeekday + to) % 7 === wkst) break;
      }
    } else {
      from = day - info.firstDay;
      to = from + 1;
    }
    if (spend(to - from)) return { exhausted: true, steps };
    days.length = 0;
    let lastFiltered = false;
    for (let i = from; i < to; i++) {
      lastFiltered =
        (monthOk !== null && !monthOk[masks.month[i] as number]) ||
        (info.weekNo !== null && !info.weekNo[i]) ||
        (weekdayOk !== null && !weekdayOk[(info.firstWeekday + i) % 7]) ||
        (nthMask !== null && !nthMask[i]) ||
        (monthDayOk !== null &&
          !monthDayOk[(masks.monthDay[i] as number) + 31] &&
          !monthDayOk[(masks.negMonthDay[i] as number) + 31]) ||
        (yearDayOk !== null &&
          (i < len
            ? !yearDayOk[i + 1 + 366] && !yearDayOk[i - len + 366]
            : !yearDayOk[i + 1 - len + 366] && !yearDayOk[i - len - info.nextLen + 366]));
      if (!lastFiltered) days.push(i);
    }
    const base = info.firstDay * DAY_MS;
    if (rule.bysetpos) {
      positions.length = 0;
      if (times.length && days.length) {
        for (const pos of rule.bysetpos) {
          const dayPos = pos < 0 ? Math.floor(pos / times.length) : Math.floor((pos - 1) / times.length);
          const timePos = pymod(pos < 0 ? pos : pos - 1, times.length);
          const index = dayPos < 0 ? days[days.length + dayPos] : days[dayPos];
          if (index === undefined) continue;
          const time = base + index * DAY_MS + (times[timePos] as number);
          if (!positions.includes(time)) positions.push(time);
        }
        positions.sort((a, b) => a - b);
      }
      if (spend(positions.length)) return { exhausted: true, steps };
      for (const time of positions) if (!emit(time)) return { exhausted: false, steps };
    } else {
      for (const index of days) {
        if (spend(times.length)) return { exhausted: true, steps };
        for (const t of times) if (!emit(base + index * DAY_MS + t)) return { exhausted: false, steps };
      }
    }

    // The next period.
    switch (rule.freq) {
      case 'YEARLY':
        year += interval;
        break;
      case 'MONTHLY': {
        const m = month - 1 + interval;
        year += Math.floor(m / 12);
        month = (m % 12) + 1;
        break;
      }
      case 'WEEKLY':
        day += -pymod(weekdayOfDay(day) - wkst, 7) + interval * 7;
        break;
      case 'DAILY':
        day += interval;
        break;
      default: {
        // HOURLY: past a day the filters refused, go on from its last period; skip hours BYHOUR does not hold.
        if (lastFiltered) hour += Math.floor((23 - hour) / interval) * interval;
        for (;;) {
          hour += interval;
          day += Math.floor(hour / 24);
          hour %= 24;
          if (!hourOk || hourOk[hour]) break;
          // Hours BYHOUR never holds (INTERVAL=24;BYHOUR=5 from 08:00) would be skipped forever: the walk ends where
          // its caller stops looking, as it does for periods.
          if (day * DAY_MS + hour * 3_600_000 > lastPeriodStart) return { exhausted: false, steps };
          if (spend(1)) return { exhausted: true, steps };
        }
        times = timesOfDay([hour]);
      }
    }
    if (monthOk && (rule.freq === 'DAILY' || rule.freq === 'WEEKLY')) {
      // Whole periods in months BYMONTH leaves out hold nothing: step over them, keeping the INTERVAL's phase.
      const date = new Date(day * DAY_MS);
      let y = date.getUTCFullYear();
      let m = date.getUTCMonth() + 1;
      if (!monthOk[m]) {
        do {
          m = (m % 12) + 1;
          if (m === 1) y++;
        } while (!monthOk[m]);
        const target = dayNumber(y, m, 1);
        const stride = rule.freq === 'DAILY' ? interval : 7 * interval;
        const periods =
          rule.freq === 'DAILY' ? Math.ceil((target - day) / stride) : Math.floor((target - day) / stride);
        if (periods > 0) day += periods * stride;
      }
    }
    if (rank >= FREQ_RANK.WEEKLY) {
      if (day - info.firstDay >= info.len || day < info.firstDay) {
        const date = new Date(day * DAY_MS);
        year = date.getUTCFullYear();
      }
    }
    if (year > MAX_YEAR) return { exhausted: false, steps };
  }
}

function table(size: number, values: readonly number[]): Uint8Array {
  const t = new Uint8Array(size);
  for (const v of values) t[v] = 1;
  return t;
}

// ---------- queries ----------

// ---------- queries ----------

/**
 * The occurrences in [from, to] (floating, both ends included), at most `limit`; `exhausted` when the budget ran out
 * first (the list may then miss some).
 */
export function occurrencesBetween(
  rule: ParsedRule,
  dtstart: Date,
  until: Date | null,
  from: Date,
  to: Date,
  limit: number,
  budget?: WalkBudget,
): { dates: Date[]; exhausted: boolean; steps: number } {
  const dates: Date[] = [];
  if (limit <= 0) return { dates, exhausted: false, steps: 0 };
  const fromTime = from.getTime();
  const toTime = to.getTime();
  const { exhausted, steps } = walkRule(
    rule,
    dtstart,
    until,
    (date) => {
      const t = date.getTime();
      if (t > toTime) return false;
      if (t >= fromTime) dates.push(date);
      return dates.length < limit;
    },
    budget,
    to,
  );
  return { dates, exhausted, steps };
}

/** The first occurrence at or after `from` (after it when `inclusive` is false), or null; see occurrencesBetween. */
export function firstOccurrenceFrom(
  rule: ParsedRule,
  dtstart: Date,
  until: Date | null,
  from: Date,
  inclusive: boolean,
  budget?: WalkBudget,
): { date: Date | null; exhausted: boolean } {
  let found: Date | null = null;
  const fromTime = from.getTime();
  const { exhausted } = walkRule(
    rule,
    dtstart,
    until,
    (date) => {
      const t = date.getTime();
      if (t > fromTime || (inclusive && t === fromTime)) {
        found = date;
        return false;
      }
      return true;
    },
    budget,
  );
  return { date: found, exhausted };
}
