/**
 * Pure rules of tasks: the due views, and when a repeating task comes round again. Dates
 * are calendar dates ('YYYY-MM-DD') in the user's time zone; steps between them are taken on UTC midnights, where
 * a day is always a day.
 */
import { firstOccurrenceFrom } from '../calendar/calendar.rrule-engine.js';
import { type ParsedRule, parseRule, RuleSyntaxError } from '../calendar/calendar.rrule-parse.js';
import { RULE_MAX_INTERVAL } from '../calendar/calendar.series.js';
import { addCalendarDays } from '../common/local-date.js';
import { InvalidRepeatRuleError } from './tasks.errors.js';
import type { TTaskDue } from './tasks.schemas.js';

const utcMidnight = (date: string) => new Date(`${date}T00:00:00.000Z`);
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** The due-date bounds of a due view, relative to today (the user's local date). */
export function dueWindow(due: TTaskDue, today: string): { dueBefore?: string; dueFrom?: string; dueTo?: string } {
  switch (due) {
    case 'overdue':
      return { dueBefore: today };
    case 'today':
      return { dueFrom: today, dueTo: today };
    case 'week':
      return { dueFrom: today, dueTo: addCalendarDays(today, 6) };
  }
}

/** A task's rule over days: no times of day, no COUNT (each occurrence follows from the last one). */
function dayRule(rrule: string): ParsedRule {
  const rule = parseRule(rrule);
  if (rule.freq !== 'DAILY' && rule.freq !== 'WEEKLY' && rule.freq !== 'MONTHLY' && rule.freq !== 'YEARLY') {
    throw new RuleSyntaxError('tasks repeat by days (daily, weekly, monthly or yearly)');
  }
  return { ...rule, count: null, byhour: null, byminute: null, bysecond: null };
}

/** The first day of the rule anchored at `anchor`, after `after` (on it too when `inclusive`); null when none. */
function dayAfter(rule: ParsedRule, anchor: string, after: string, inclusive: boolean): string | null {
  const until = rule.until?.date ?? null;
  // A walk cut short by its budget finds nothing: the rule occurs too rarely to be followed (no next occurrence).
  const { date } = firstOccurrenceFrom(rule, utcMidnight(anchor), until, utcMidnight(after), inclusive);
  return date ? isoDate(date) : null;
}

/**
 * Why a task cannot repeat by `rrule` from `anchor` (its due date or today), or null when it can: the rule cannot be
 * read, or has no day within a walk's budget.
 */
export function taskRuleProblem(rrule: string, anchor: string): string | null {
  let rule: ParsedRule;
  try {
    rule = dayRule(rrule);
  } catch (error) {
    return `cannot be read: ${error instanceof Error ? error.message : 'unknown error'}`;
  }
  if (rule.interval > RULE_MAX_INTERVAL) return `has an INTERVAL over ${RULE_MAX_INTERVAL.toLocaleString('en')}`;
  return dayAfter(rule, anchor, anchor, true) ? null : 'has no day on or after the due date (it never occurs)';
}

/** Whether the rule can be read and falls on a day from `anchor` on. */
export function isValidTaskRrule(rrule: string, anchor = '2024-01-01'): boolean {
  return taskRuleProblem(rrule, anchor) === null;
}

function readDayRule(rrule: string): ParsedRule {
  try {
    return dayRule(rrule);
  } catch (error) {
    throw new InvalidRepeatRuleError(rrule, error instanceof Error ? `cannot be read: ${error.message}` : undefined);
  }
}

/** The first day on or after `from` that the rule falls on (the due date of a new repeating task), or null. */
export function firstOccurrence(rrule: string, from: string): string | null {
  return dayAfter(readDayRule(rrule), from, from, true);
}

export interface Repeating {
  rrule: string | null;
  repeatAfterDays: number | null;
  dueDate: string | null;
}

/**
 * The due date of the occurrence after this one, for a task completed on `completedOn` (the user's local date):
 * - a rule: the first day of the rule after both the task's due date and the day it was completed (anchored at the
 *   due date, so "every 2 weeks" keeps its cadence; done early, the next one is still after the due date; done
 *   late, no occurrence already in the past is created);
 * - N days after completion: `completedOn` + N.
 * Null when the rule has ended (UNTIL); undefined when the task does not repeat.
 */
export function nextDueDate(task: Repeating, completedOn: string): string | null | undefined {
  if (task.repeatAfterDays) return addCalendarDays(completedOn, task.repeatAfterDays);
  if (!task.rrule) return undefined;
  const anchor = task.dueDate ?? completedOn;
  const after = anchor > completedOn ? anchor : completedOn;
  return dayAfter(readDayRule(task.rrule), anchor, after, false);
}
