/** The agenda: the calendar's occurrences, open tasks due and finished workouts of a range, on one list. */
import { type DB, fitnessQueries, type Kysely, tasksQueries } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { userTimeZone } from '../common/time-zone.js';
import { isoDate, localMidnight, toFloating } from './calendar.floating-time.js';
import type { TAgenda, TAgendaInput, TAgendaItem, TOccurrence } from './calendar.schemas.js';
import { listOccurrences } from './calendar.service.js';

interface Deps {
  db: Kysely<DB>;
  clock: Clock;
}

/**
 * The most tasks and the most workouts one agenda lists (a 400-day range of a busy life stays well below); past
 * either, the agenda is cut like the events (MAX_OCCURRENCES_PER_ANSWER) and says where.
 */
export const AGENDA_ITEMS_MAX = 2_000;
/**
 * The most items of one agenda in all. An item carries its occurrence, so it weighs about twice an occurrence of
 * events.list: 2,000 of them cost ~150 ms of serialization in one piece on the loaded 2-core machine, 1,000 half.
 */
export const AGENDA_ANSWER_MAX = 1_000;

export interface AgendaTask {
  id: string;
  projectId: string | null;
  title: string;
  priority: number;
  /** 'YYYY-MM-DD' */
  dueDate: string;
}

export interface AgendaWorkout {
  id: string;
  name: string;
  startedAt: Date;
  finishedAt: Date;
}

/** The day an instant falls on in a time zone. */
export const localDate = (instant: Date, timezone: string) => isoDate(toFloating(instant, timezone));

/** localeCompare's order (the default locale's collation), without building the collation on every call. */
const titleOrder = new Intl.Collator().compare;

const KIND_ORDER: Record<TAgendaItem['kind'], number> = { event: 0, task: 1, workout: 2 };

function eventItem(o: TOccurrence, from: Date, timezone: string): TAgendaItem {
  const first = localDate(from, timezone);
  // A multi-day event that began before the range is listed on the range's first day.
  const date =
    o.allDay && o.startDate
      ? ([o.startDate, first].sort()[1] ?? first)
      : localDate(o.start.getTime() < from.getTime() ? from : o.start, timezone);
  const eventId = o.seriesId && !o.detached ? o.seriesId : o.eventId;
  return {
    kind: 'event',
    key: `event:${o.eventId}:${o.occurrenceStart?.toISOString() ?? ''}`,
    title: o.title,
    date,
    allDay: o.allDay,
    start: o.allDay ? null : o.start,
    end: o.allDay ? null : o.end,
    link: `/calendar?event=${eventId}`,
    occurrence: o,
  };
}

/**
 * Merges the three sources into one list sorted by day (in the viewer's zone); within a day all-day items come
 * first (events, then tasks by priority), then timed ones by start, events before workouts at the same instant.
 */
export function mergeAgenda(
  sources: { occurrences: TOccurrence[]; tasks: AgendaTask[]; workouts: AgendaWorkout[] },
  options: { from: Date; timezone: string },
): TAgendaItem[] {
  const { from, timezone } = options;
  const items: TAgendaItem[] = [
    ...sources.occurrences.map((o) => eventItem(o, from, timezone)),
    ...sources.tasks.map(
      (t): TAgendaItem => ({
        kind: 'task',
        key: `task:${t.id}`,
        title: t.title,
        date: t.dueDate,
        allDay: true,
        start: null,
        end: null,
        link: t.projectId ? `/projects/${t.projectId}` : '/tasks',
        taskId: t.id,
        projectId: t.projectId,
        priority: t.priority,
      }),
    ),
    ...sources.workouts.map(
      (w): TAgendaItem => ({
        kind: 'workout',
        key: `workout:${w.id}`,
        title: w.name,
        date: localDate(w.startedAt, timezone),
        allDay: false,
        start: w.startedAt,
        end: w.finishedAt,
        link: `/fitness/history/${w.id}`,
        sessionId: w.id,
      }),
    ),
  ];
  const priority = (item: TAgendaItem) => (item.kind === 'task' ? -item.priority : 0);
  return items.sort(
    (a, b) =>
      // ISO dates: their code units sort as the days do.
      (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
      Number(b.allDay) - Number(a.allDay) ||
      (a.start?.getTime() ?? 0) - (b.start?.getTime() ?? 0) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      priority(a) - priority(b) ||
      titleOrder(a.title, b.title) ||
      titleOrder(a.key, b.key),
  );
}

/** Where an item sits in time: its start, or the local midnight of its day for all-day items. */
function itemInstant(item: TAgendaItem, timezone: string): Date {
  return item.start ?? localMidnight(item.date, timezone);
}

/**
 * The agenda of [from, to): the event occurrences (as events.list), the open tasks due on a day of the range in
 * the user's time zone, and the workouts finished within it. Each source is capped; when one is cut, the agenda
 * is complete up to the earliest cut (`completeUntil`) and leaves out what lies after it, so that no day shows
 * some of its things and silently not others.
 */
export async function listAgenda(deps: Deps, userId: string, input: TAgendaInput): Promise<TAgenda> {
  const events = await listOccurrences(deps, userId, input, AGENDA_ANSWER_MAX); // checks the range
  const timezone = await userTimeZone(deps.db, userId);
  // One more than listed: whether each source was cut, and where.
  const [taskRows, sessionRows] = await Promise.all([
    tasksQueries.listTasks(deps.db, userId, {
      openOnly: true,
      dueFrom: localDate(input.from, timezone),
      dueTo: localDate(new Date(input.to.getTime() - 1), timezone),
      order: 'due',
      limit: AGENDA_ITEMS_MAX + 1,
    }),
    fitnessQueries.listFinishedSessionsInRange(deps.db, userId, input.from, input.to, AGENDA_ITEMS_MAX + 1),
  ]);
  const cuts = [events.truncated ? events.completeUntil : null];
  const firstTaskLeftOut = taskRows[AGENDA_ITEMS_MAX];
  if (firstTaskLeftOut?.dueDate) cuts.push(localMidnight(firstTaskLeftOut.dueDate, timezone));
  // Workouts come by their finish and are listed by their start: one that started earlier may finish later still,
  // but a workout lasts hours, so the start of the first left out is where the list is complete to.
  const firstSessionLeftOut = sessionRows[AGENDA_ITEMS_MAX];
  if (firstSessionLeftOut) cuts.push(firstSessionLeftOut.startedAt);
  const merged = mergeAgenda(
    {
      occurrences: events.items,
      tasks: taskRows.slice(0, AGENDA_ITEMS_MAX).flatMap((t) => (t.dueDate ? [{ ...t, dueDate: t.dueDate }] : [])),
      workouts: sessionRows
        .slice(0, AGENDA_ITEMS_MAX)
        .flatMap((s) => (s.finishedAt ? [{ ...s, finishedAt: s.finishedAt }] : [])),
    },
    { from: input.from, timezone },
  );
  const firstLeftOut = merged[AGENDA_ANSWER_MAX];
  if (firstLeftOut) cuts.push(itemInstant(firstLeftOut, timezone));
  const completeUntil = cuts.reduce<Date | null>((a, b) => (b && (!a || b < a) ? b : a), null);
  if (!completeUntil) return { items: merged, truncated: false, completeUntil: input.to };
  return {
    items: merged
      .filter((item) => itemInstant(item, timezone).getTime() <= completeUntil.getTime())
      .slice(0, AGENDA_ANSWER_MAX),
    truncated: true,
    completeUntil,
  };
}
