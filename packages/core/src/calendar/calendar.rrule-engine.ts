/**
 * The one RRULE (RFC 5545) engine of Life OS: events, task repeats, .ics imports, subscriptions, the JSON import and
 * the feed all parse and walk rules here.
 *
 * It follows the algorithm of python-dateutil, which rrule.js ports (and which the tests use as the oracle): each
 * period of the rule (a year, month, week, day or hour, INTERVAL apart) is a set of candidate days, filtered by the
 * BY* parts, crossed with the times of day, optionally picked by BYSETPOS. rrule.js walks period after period until
 * the year 9999 with no way to stop it, so a rule that never matches (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`) costs
 * ~30 s per call. Here every walk has a budget: steps (periods, candidate days and date-times looked at) and wall
 * time. When it runs out the walk stops and says so (`exhausted`), keeping what it found.
 *
 * Dates are "floating": wall-clock times written as UTC dates. calendar.recurrence.ts turns them into instants.
 */

const DAY_MS = 86_400_000;
const MAX_YEAR = 9999;

export const FREQUENCIES = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY'] as const;
export type TRuleFrequency = (typeof FREQUENCIES)[number];
const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/**
 * Hard bounds of what the parser reads at all (writes are held to tighter ones: RULE_MAX_COUNT and RULE_MAX_INTERVAL
 * in calendar.recurrence.ts).
 */
const PARSE_MAX_INTERVAL = 100_000;
const PARSE_MAX_COUNT = 1_000_000;
const RULE_TEXT_MAX = 1_000;

/** A rule as read from its text; nothing in it depends on the series' start. */
export interface ParsedRule {
  freq: TRuleFrequency;
  interval: number;
  count: number | null;
  /** UNTIL as written: a DATE, a UTC DATE-TIME ("Z") or a floating DATE-TIME; `date` holds its fields as UTC. */
  until: { date: Date; form: 'date' | 'utc' | 'floating' } | null;
  bysetpos: number[] | null;
  bymonth: number[] | null;
  bymonthday: number[] | null;
  byyearday: number[] | null;
  byweekno: number[] | null;
  /** Weekdays 0 (Monday) … 6, with their position (n) in the month or year, 0 for every one. */
  byday: { weekday: number; n: number }[] | null;
  byhour: number[] | null;
  byminute: number[] | null;
  bysecond: number[] | null;
  wkst: number;
}

/** Why a rule text cannot be read. */
export class RuleSyntaxError extends Error {}

function numberList(key: string, value: string, min: number, max: number, zero: boolean): number[] {
  const values = new Set<number>();
  for (const item of value.split(',')) {
    if (!/^[+-]?\d{1,4}$/.test(item)) throw new RuleSyntaxError(`${key} must be a list of numbers`);
    const n = Number(item);
    if (n < min || n > max || (n === 0 && !zero)) {
      throw new RuleSyntaxError(`${key} takes values from ${min} to ${max}${zero || min >= 0 ? '' : ' (not 0)'}`);
    }
    values.add(n);
  }
  return [...values].sort((a, b) => a - b);
}

function positiveInt(key: string, value: string, max: number): number {
  if (!/^\d{1,9}$/.test(value)) throw new RuleSyntaxError(`${key} must be a whole number`);
  const n = Number(value);
  if (n < 1 || n > max) throw new RuleSyntaxError(`${key} must lie between 1 and ${max}`);
  return n;
}

function weekday(key: string, code: string): number {
  const index = WEEKDAY_CODES.indexOf(code as (typeof WEEKDAY_CODES)[number]);
  if (index < 0) throw new RuleSyntaxError(`${key} takes weekdays MO, TU, WE, TH, FR, SA, SU`);
  return index;
}

/** Reads an RRULE value ("FREQ=WEEKLY;BYDAY=MO", an "RRULE:" prefix allowed). Throws RuleSyntaxError. */
export function parseRule(text: string): ParsedRule {
  if (text.length > RULE_TEXT_MAX) throw new RuleSyntaxError(`longer than ${RULE_TEXT_MAX} characters`);
  const seen = new Map<string, string>();
  for (const part of text
    .trim()
    .replace(/^RRULE:/i, '')
    .split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new RuleSyntaxError(`"${part.slice(0, 40)}" is not KEY=VALUE`);
    const key = part.slice(0, eq).toUpperCase();
    if (seen.has(key)) throw new RuleSyntaxError(`${key.slice(0, 40)} is given twice`);
    seen.set(key, part.slice(eq + 1).toUpperCase());
  }
  const rule: ParsedRule = {
    freq: 'DAILY',
    interval: 1,
    count: null,
    until: null,
    bysetpos: null,
    bymonth: null,
    bymonthday: null,
    byyearday: null,
    byweekno: null,
    byday: null,
    byhour: null,
    byminute: null,
    bysecond: null,
    wkst: 0,
  };
  const freq = seen.get('FREQ');
  if (freq === undefined) throw new RuleSyntaxError('FREQ is missing');
  if (!FREQUENCIES.includes(freq as TRuleFrequency)) throw new RuleSyntaxError(`unknown FREQ "${freq.slice(0, 20)}"`);
  rule.freq = freq as TRuleFrequency;
  for (const [key, value] of seen) {
    switch (key) {
      case 'FREQ':
        break;
      case 'INTERVAL':
        rule.interval = positiveInt(key, value, PARSE_MAX_INTERVAL);
        break;
      case 'COUNT':
        rule.count = positiveInt(key, value, PARSE_MAX_COUNT);
        break;
      case 'UNTIL': {
        const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
        if (!m) throw new RuleSyntaxError('UNTIL must be a date (YYYYMMDD) or a date-time (YYYYMMDDTHHMMSSZ)');
        const [, y, mo, d, h, mi, s, z] = m;
        const fields = [Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)] as const;
        const date = new Date(Date.UTC(...fields));
        if (
          date.getUTCFullYear() !== fields[0] ||
          date.getUTCMonth() !== fields[1] ||
          date.getUTCDate() !== fields[2] ||
          fields[3] > 23 ||
          fields[4] > 59 ||
          fields[5] > 59
        ) {
          throw new RuleSyntaxError('UNTIL is not a real date');
        }
        rule.until = { date, form: h === undefined ? 'date' : z ? 'utc' : 'floating' };
        break;
      }
      case 'BYSETPOS':
        rule.bysetpos = numberList(key, value, -366, 366, false);
        break;
      case 'BYMONTH':
        rule.bymonth = numberList(key, value, 1, 12, false);
        break;
      case 'BYMONTHDAY':
        rule.bymonthday = numberList(key, value, -31, 31, false);
        break;
      case 'BYYEARDAY':
        rule.byyearday = numberList(key, value, -366, 366, false);
        break;
      case 'BYWEEKNO':
        rule.byweekno = numberList(key, value, -53, 53, false);
        break;
      case 'BYHOUR':
        rule.byhour = numberList(key, value, 0, 23, true);
        break;
      case 'BYMINUTE':
        rule.byminute = numberList(key, value, 0, 59, true);
        break;
      case 'BYSECOND':
        rule.bysecond = numberList(key, value, 0, 59, true);
        break;
      case 'BYDAY': {
        const days = new Map<string, { weekday: number; n: number }>();
        for (const item of value.split(',')) {
          const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item);
          if (!m) throw new RuleSyntaxError('BYDAY takes weekdays such as MO, 2TU or -1FR');
          const n = m[1] === undefined ? 0 : Number(m[1]);
          if (m[1] !== undefined && (n === 0 || n < -53 || n > 53)) {
            throw new RuleSyntaxError('A BYDAY position lies between 1 and 53 (or -53 and -1)');
          }
          const day = { weekday: weekday(key, m[2] as string), n };
          days.set(`${day.n} ${day.weekday}`, day);
        }
        rule.byday = [...days.values()];
        break;
      }
      case 'WKST':
        rule.wkst = weekday(key, value);
        break;
      default:
        throw new RuleSyntaxError(`unknown part "${key.slice(0, 40)}"`);
    }
  }
  return rule;
}

// ---------- year tables (dateutil's masks) ----------

const MONTH_DAYS_365 = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_DAYS_366 = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface Masks {
  /** Month (1–12) of each day of the year, 7 days longer for weeks that cross into the next year. */
  month: Int8Array;
  monthDay: Int8Array;
  /** The day of the month counted from its end (-1 is the last). */
  negMonthDay: Int8Array;
  /** First day index of each month, and the year's length last. */
  monthStart: number[];
}

function buildMasks(monthDays: number[]): Masks {
  const len = monthDays.reduce((a, b) => a + b, 0) + 7;
  const month = new Int8Array(len);
  const monthDay = new Int8Array(len);
  const negMonthDay = new Int8Array(len);
  const monthStart = [0];
  let i = 0;
  for (const [m, days] of [...monthDays, 31].entries()) {
    for (let d = 1; d <= days && i < len; d++, i++) {
      month[i] = (m % 12) + 1;
      monthDay[i] = d;
      negMonthDay[i] = d - days - 1;
    }
    if (m < 12) monthStart.push(i);
  }
  return { month, monthDay, negMonthDay, monthStart };
}
const MASKS_365 = buildMasks(MONTH_DAYS_365);
const MASKS_366 = buildMasks(MONTH_DAYS_366);

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const pymod = (a: number, b: number) => ((a % b) + b) % b;
/** Days since 1970-01-01 of a UTC date's day. */
const dayNumber = (year: number, month: number, day: number) => Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
/** Weekday, 0 = Monday. */
const weekdayOfDay = (day: number) => pymod(day + 3, 7);

interface YearInfo {
  year: number;
  len: number;
  nextLen: number;
  /** Day number of 1 January. */
  firstDay: number;
  /** Weekday of 1 January. */
  firstWeekday: number;
  masks: Masks;
  /** Days in the weeks of BYWEEKNO, or null without it. */
  weekNo: Uint8Array | null;
}

function yearInfo(year: number, byweekno: number[] | null, wkst: number): YearInfo {
  const len = isLeap(year) ? 366 : 365;
  const firstDay = dayNumber(year, 1, 1);
  const firstWeekday = weekdayOfDay(firstDay);
  const info: YearInfo = {
    year,
    len,
    nextLen: isLeap(year + 1) ? 366 : 365,
    firstDay,
    firstWeekday,
    masks: len === 366 ? MASKS_366 : MASKS_365,
    weekNo: null,
  };
  if (!byweekno) return info;
  // A literal port of dateutil's week-number mask, quirks included, so both agree day for day.
  const mask = new Uint8Array(len + 7);
  const wday = (i: number) => (firstWeekday + i) % 7;
  const firstWkst = pymod(7 - firstWeekday + wkst, 7);
  let no1wkst = firstWkst;
  let wyearlen: number;
  if (no1wkst >= 4) {
    no1wkst = 0;
    wyearlen = len + pymod(firstWeekday - wkst, 7);
  } else wyearlen = len - no1wkst;
  const numweeks = Math.floor(Math.floor(wyearlen / 7) + pymod(wyearlen, 7) / 4);
  const markWeek = (from: number) => {
    let i = from;
    for (let k = 0; k < 7; k++) {
      mask[i] = 1;
      i++;
      if (wday(i) === wkst) break;
    }
  };
  for (let n of byweekno) {
    if (n < 0) n += numweeks + 1;
    if (!(n > 0 && n <= numweeks)) continue;
    let i: number;
    if (n > 1) {
      i = no1wkst + (n - 1) * 7;
      if (no1wkst !== firstWkst) i -= 7 - firstWkst;
    } else i = no1wkst;
    markWeek(i);
  }
  if (byweekno.includes(1)) {
    let i = no1wkst + numweeks * 7;
    if (no1wkst !== firstWkst) i -= 7 - firstWkst;
    if (i < len) markWeek(i);
  }
  if (no1wkst) {
    let lnumweeks: number;
    if (!byweekno.includes(-1)) {
      const lastFirstWeekday = weekdayOfDay(dayNumber(year - 1, 1, 1));
      let lno1wkst = pymod(7 - lastFirstWeekday + wkst, 7);
      const lastLen = isLeap(year - 1) ? 366 : 365;
      let weekst: number;
      if (lno1wkst >= 4) {
        lno1wkst = 0;
        weekst = lastLen + pymod(lastFirstWeekday - wkst, 7);
      } else weekst = len - no1wkst;
      lnumweeks = Math.floor(52 + pymod(weekst, 7) / 4);
    } else lnumweeks = -1;
    if (byweekno.includes(lnumweeks)) for (let i = 0; i < no1wkst; i++) mask[i] = 1;
  }
  info.weekNo = mask;
  return info;
}

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

/** Days that are the n-th given weekday of their month (or of the year, or of each BYMONTH month, for YEARLY). */
function nthWeekdayMask(
  info: YearInfo,
  months: number[] | null,
  nth: readonly { weekday: number; n: number }[],
): Uint8Array {
  const mask = new Uint8Array(info.len);
  const ranges = months
    ? months.map((m) => [info.masks.monthStart[m - 1] as number, info.masks.monthStart[m] as number])
    : [[0, info.len]];
  const wday = (i: number) => (info.firstWeekday + i) % 7;
  for (const [first, end] of ranges as [number, number][]) {
    const last = end - 1;
    for (const { weekday, n } of nth) {
      let i: number;
      if (n < 0) {
        i = last + (n + 1) * 7;
        if (i < 0) continue;
        i -= pymod(wday(i) - weekday, 7);
      } else {
        i = first + (n - 1) * 7;
        i += pymod(7 - wday(i) + weekday, 7);
      }
      if (first <= i && i <= last) mask[i] = 1;
    }
  }
  return mask;
}

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
