/**
 * Pure rules of projects and tasks: progress, the due views, and when a repeating task comes round again. Dates
 * are calendar dates ('YYYY-MM-DD') in the user's time zone; steps between them are taken on UTC midnights, where
 * a day is always a day.
 */
import { RRule } from '../calendar/rrule-lib.js';
import { addCalendarDays } from '../journal/journal.rules.js';
import type { TProgress, TTaskDue } from './projects.schemas.js';

const utcMidnight = (date: string) => new Date(`${date}T00:00:00.000Z`);
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export function progress(done: number, total: number): TProgress {
  return { done, total, ratio: total === 0 ? 0 : done / total };
}

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

/** The rule over days, anchored at `anchor` (floating dates: UTC midnights). Throws on a rule rrule cannot read. */
function dayRule(rrule: string, anchor: string): RRule {
  const options = RRule.parseString(rrule.replace(/^RRULE:/i, ''));
  if (options.freq === undefined || options.freq === null) throw new Error('FREQ is missing');
  if (options.freq > RRule.DAILY) throw new Error('Tasks repeat by days');
  return new RRule({
    ...options,
    dtstart: utcMidnight(anchor),
    count: null,
    byhour: null,
    byminute: null,
    bysecond: null,
  });
}

/** Whether rrule can read the rule (the schema has checked its general shape). */
export function isValidTaskRrule(rrule: string): boolean {
  try {
    dayRule(rrule, '2024-01-01').all((_, i) => i < 1);
    return true;
  } catch {
    return false;
  }
}

/** The first day on or after `from` that the rule falls on (the due date of a new repeating task), or null. */
export function firstOccurrence(rrule: string, from: string): string | null {
  const next = dayRule(rrule, from).after(utcMidnight(from), true);
  return next ? isoDate(next) : null;
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
  const next = dayRule(task.rrule, anchor).after(utcMidnight(after), false);
  return next ? isoDate(next) : null;
}
