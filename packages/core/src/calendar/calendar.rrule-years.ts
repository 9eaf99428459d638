/**
 * The tables of one year that calendar.rrule-engine.ts filters candidate days with, ported from python-dateutil's
 * (its `_iterinfo`): the month and day of each day of the year, where months start, the days of BYWEEKNO's weeks and
 * of the n-th weekdays. Days are numbered from 1 January (index 0) and counted in days since 1970.
 */

const DAY_MS = 86_400_000;

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
export const pymod = (a: number, b: number) => ((a % b) + b) % b;
/** Days since 1970-01-01 of a UTC date's day. */
export const dayNumber = (year: number, month: number, day: number) =>
  Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
/** Weekday, 0 = Monday. */
export const weekdayOfDay = (day: number) => pymod(day + 3, 7);

export interface YearInfo {
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

export function yearInfo(year: number, byweekno: number[] | null, wkst: number): YearInfo {
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

/** Days that are the n-th given weekday of their month (or of the year, or of each BYMONTH month, for YEARLY). */
export function nthWeekdayMask(
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
