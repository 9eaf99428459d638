/** The task form's "Repeat" choices and their mapping to the API's `rrule` / `repeatAfterDays`. Pure functions. */

export const REPEAT_CHOICES = [
  'none',
  'daily',
  'weekdays',
  'weekly',
  'biweekly',
  'monthly',
  'monthlyLast',
  'afterDays',
  'custom',
] as const;
export type RepeatChoice = (typeof REPEAT_CHOICES)[number];

/** RRULE weekday codes, index = Date#getUTCDay(). */
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const WEEKDAY_NAMES: Record<string, string> = {
  SU: 'Sunday',
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
};

export interface TaskRepeat {
  rrule: string | null;
  repeatAfterDays: number | null;
}

/** What the form holds: the choice, the days for "N days after completion", and the rule being edited (kept as is for "Custom rule"). */
export interface RepeatFormState {
  repeat: RepeatChoice;
  repeatDays: string;
  customRrule: string;
}

/** The RRULE weekday code of a YYYY-MM-DD date; Friday without a date. */
export function weekdayOf(dueDate: string | null | undefined): string {
  if (!dueDate || !/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) return 'FR';
  return WEEKDAYS[new Date(`${dueDate}T00:00:00Z`).getUTCDay()] ?? 'FR';
}

/** The weekday of "monthly on the last …": the due date's, else the edited rule's, else Friday. */
function lastWeekdayCode(dueDate: string | null | undefined, previousRrule?: string | null): string {
  if (dueDate) return weekdayOf(dueDate);
  const kept = previousRrule ? /BYDAY=-1(SU|MO|TU|WE|TH|FR|SA)/i.exec(previousRrule)?.[1] : undefined;
  return kept ? kept.toUpperCase() : 'FR';
}

const normalize = (rrule: string) =>
  rrule
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase()
    .split(';')
    .filter((part) => part !== '' && part !== 'INTERVAL=1')
    .sort()
    .join(';');

/** A task's repeat as the form's choice. */
export function repeatToForm(task: Partial<TaskRepeat>): RepeatFormState {
  const base = { repeatDays: '1', customRrule: task.rrule ?? '' };
  if (task.repeatAfterDays) return { ...base, repeat: 'afterDays', repeatDays: String(task.repeatAfterDays) };
  if (!task.rrule) return { ...base, repeat: 'none' };
  const rule = normalize(task.rrule);
  const presets: [string, RepeatChoice][] = [
    ['FREQ=DAILY', 'daily'],
    ['BYDAY=MO,TU,WE,TH,FR;FREQ=WEEKLY', 'weekdays'],
    ['FREQ=WEEKLY', 'weekly'],
    ['FREQ=WEEKLY;INTERVAL=2', 'biweekly'],
    ['FREQ=MONTHLY', 'monthly'],
  ];
  for (const [preset, choice] of presets) if (rule === preset) return { ...base, repeat: choice };
  if (/^BYDAY=-1(SU|MO|TU|WE|TH|FR|SA);FREQ=MONTHLY$/.test(rule)) return { ...base, repeat: 'monthlyLast' };
  return { ...base, repeat: 'custom' };
}

/**
 * The form's choice as the API's fields. "Monthly on the last …" takes its weekday from the due date (Friday
 * without one), or keeps the weekday of the rule being edited when the due date is unset.
 */
export function repeatFromForm(
  state: RepeatFormState,
  dueDate: string | null | undefined,
  previousRrule?: string | null,
): TaskRepeat {
  const rule = (rrule: string): TaskRepeat => ({ rrule, repeatAfterDays: null });
  switch (state.repeat) {
    case 'none':
      return { rrule: null, repeatAfterDays: null };
    case 'daily':
      return rule('FREQ=DAILY');
    case 'weekdays':
      return rule('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
    case 'weekly':
      return rule('FREQ=WEEKLY');
    case 'biweekly':
      return rule('FREQ=WEEKLY;INTERVAL=2');
    case 'monthly':
      return rule('FREQ=MONTHLY');
    case 'monthlyLast':
      return rule(`FREQ=MONTHLY;BYDAY=-1${lastWeekdayCode(dueDate, previousRrule)}`);
    case 'afterDays':
      return { rrule: null, repeatAfterDays: Number(state.repeatDays) };
    case 'custom':
      return state.customRrule.trim() ? rule(state.customRrule.trim()) : { rrule: null, repeatAfterDays: null };
  }
}

const dayOfMonth = (dueDate: string | null | undefined) => {
  const day = dueDate ? Number(dueDate.slice(8, 10)) : Number.NaN;
  if (!day) return null;
  const suffix =
    day % 10 === 1 && day !== 11
      ? 'st'
      : day % 10 === 2 && day !== 12
        ? 'nd'
        : day % 10 === 3 && day !== 13
          ? 'rd'
          : 'th';
  return `${day}${suffix}`;
};

/** The label of a choice in the select (the monthly ones name the due date's day). */
export function repeatLabel(
  choice: RepeatChoice,
  dueDate: string | null | undefined,
  previousRrule?: string | null,
): string {
  switch (choice) {
    case 'none':
      return 'Does not repeat';
    case 'daily':
      return 'Every day';
    case 'weekdays':
      return 'Every weekday (Mon–Fri)';
    case 'weekly':
      return 'Every week';
    case 'biweekly':
      return 'Every 2 weeks';
    case 'monthly':
      return 'Every month on the same day';
    case 'monthlyLast':
      return `Monthly on the last ${WEEKDAY_NAMES[lastWeekdayCode(dueDate, previousRrule)]}`;
    case 'afterDays':
      return 'Some days after completion…';
    case 'custom':
      return 'Custom rule';
  }
}

/** A plain-language line of what a task's repeat means. */
export function describeRepeat(repeat: TaskRepeat, dueDate: string | null | undefined): string {
  if (repeat.repeatAfterDays) {
    const n = repeat.repeatAfterDays;
    return `When you complete it, a new task is due ${n === 1 ? '1 day' : `${n} days`} after the day you completed it.`;
  }
  if (!repeat.rrule) return 'This task does not repeat.';
  const when = (text: string) => `When you complete it, the next one is due ${text}.`;
  const { repeat: choice } = repeatToForm(repeat);
  const weekday = WEEKDAY_NAMES[weekdayOf(dueDate)];
  switch (choice) {
    case 'daily':
      return when('the next day');
    case 'weekdays':
      return when('the next weekday (Monday to Friday)');
    case 'weekly':
      return when(dueDate ? `a week later, on ${weekday}` : 'a week after its due date');
    case 'biweekly':
      return when(dueDate ? `two weeks later, on ${weekday}` : 'two weeks after its due date');
    case 'monthly': {
      const day = dayOfMonth(dueDate);
      return when(day ? `a month later, on the ${day}` : 'a month after its due date, on the same day');
    }
    case 'monthlyLast': {
      const code = /BYDAY=-1(SU|MO|TU|WE|TH|FR|SA)/i.exec(repeat.rrule)?.[1]?.toUpperCase() ?? 'FR';
      return when(`on the next last ${WEEKDAY_NAMES[code]} of a month`);
    }
    default:
      return `Repeats by the rule ${repeat.rrule.replace(/^RRULE:/i, '')}, counted from its due date.`;
  }
}
