/**
 * Reading an RRULE (RFC 5545) from its text, for calendar.rrule-engine.ts to walk: every part is checked against the
 * RFC's ranges and the hard bounds below, and a rule that cannot be read says why (RuleSyntaxError).
 */
export const FREQUENCIES = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY'] as const;
export type TRuleFrequency = (typeof FREQUENCIES)[number];
const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/**
 * Hard bounds of what the parser reads at all (writes are held to tighter ones: RULE_MAX_COUNT and RULE_MAX_INTERVAL
 * in calendar.series.ts).
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
