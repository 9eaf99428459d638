/**
 * The MCP tools: what people ask an assistant to do in Life OS. Each calls a core service through the composition
 * root, never tRPC, and names the tRPC procedure it mirrors (`operation`): its input is that procedure's zod schema,
 * and core's API-key policy decides by that name whether a key may call it and what of its answer the key may see
 * (mcp-server.ts applies it to every tool alike).
 */
import {
  ZAgenda,
  ZAgendaInput,
  ZCapture,
  ZCompleteTaskResult,
  ZCreateCaptureInput,
  ZCreateEventInput,
  ZCreateTaskInput,
  ZDashboardToday,
  ZEvent,
  ZExercise,
  ZExerciseRecords,
  ZIdInput,
  ZJournalEntry,
  ZListExercisesInput,
  ZListTasksInput,
  ZLocalDate,
  ZLogSetInput,
  ZMorningPagesContent,
  ZSearchAllInput,
  ZSearchResult,
  ZStartSessionInput,
  ZTask,
  ZUpsertJournalEntryInput,
  ZWeekFacts,
  ZWeekFactsInput,
  ZWorkoutSession,
} from '@lifeos/core/schemas';
import {
  agendaService,
  calendarService,
  capturesService,
  dashboardService,
  fitnessService,
  journalService,
  searchService,
  tasksService,
} from '@lifeos/core/server';
import { z } from 'zod';
import type { AppServices } from '../services.js';

export interface McpTool {
  name: string;
  title: string;
  /** Written for a model: when to use the tool, what it needs, what it answers. */
  description: string;
  /** The tRPC procedure this tool does what of: the policy's name for it (module, redaction). */
  operation: string;
  access: 'read' | 'write';
  /** The procedure's input schema (parsed here as tRPC would), or null for a tool without input. */
  input: z.ZodType | null;
  /** The procedure's output schema, for the tool's outputSchema; `key` names it when the answer is not an object. */
  output: { schema: z.ZodType; key?: string };
  /** Runs with input already parsed by `input`. */
  run(services: AppServices, userId: string, input: unknown): Promise<unknown>;
}

/** A tool whose `run` is typed by its input schema. */
function tool<I extends z.ZodType | null>(
  definition: Omit<McpTool, 'input' | 'run'> & {
    input: I;
    run: (
      services: AppServices,
      userId: string,
      input: I extends z.ZodType ? z.output<I> : undefined,
    ) => Promise<unknown>;
  },
): McpTool {
  return definition as McpTool;
}

/** Writing today's morning pages from an assistant: the text, and whether it replaces the page or goes after it. */
const ZWriteMorningPagesInput = ZMorningPagesContent.extend({
  mode: z
    .enum(['append', 'replace'])
    .default('append')
    .describe('append (default): after what is written today, as a new paragraph; replace: instead of it'),
  date: ZLocalDate.optional().describe("The day's page to write (YYYY-MM-DD); default: today in the user's zone"),
}).strict();

export const MCP_TOOLS: readonly McpTool[] = [
  tool({
    name: 'add_capture',
    title: 'Add to the inbox',
    description:
      'Capture a thought, idea, link or anything to deal with later into the Life OS inbox. Use it when the user ' +
      'says "remind me", "note that", "save this link" and it is not clearly a task or an event. Answers the capture.',
    operation: 'captures.create',
    access: 'write',
    input: ZCreateCaptureInput,
    output: { schema: ZCapture },
    run: (services, userId, input) => capturesService.createCapture(services, userId, input),
  }),
  tool({
    name: 'add_task',
    title: 'Add a task',
    description:
      'Create a task (title, optional notes, due date YYYY-MM-DD, priority, labels, project id; a repeat as an RRULE ' +
      'or N days after completion). Use for things the user has to do. Answers the task with its id.',
    operation: 'tasks.create',
    access: 'write',
    input: ZCreateTaskInput,
    output: { schema: ZTask },
    run: (services, userId, input) => tasksService.createTask(services, userId, input),
  }),
  tool({
    name: 'complete_task',
    title: 'Complete a task',
    description:
      'Mark a task done by its id (find ids with list_tasks or search). A repeating task keeps this one as history ' +
      'and creates its next occurrence, which the answer names.',
    operation: 'tasks.complete',
    access: 'write',
    input: ZIdInput,
    output: { schema: ZCompleteTaskResult },
    run: (services, userId, input) => tasksService.completeTask(services, userId, input.id),
  }),
  tool({
    name: 'list_tasks',
    title: 'List tasks',
    description:
      'Tasks, filtered: due "overdue", "today" or "week" (open tasks by the user\'s zone), a status, a label or a ' +
      'project id; at most `limit`. Use due: "week" for upcoming tasks.',
    operation: 'tasks.list',
    access: 'read',
    input: ZListTasksInput,
    output: { schema: z.array(ZTask), key: 'tasks' },
    run: (services, userId, input) => tasksService.listTasks(services, userId, input),
  }),
  tool({
    name: 'start_workout',
    title: 'Start a workout',
    description:
      'Start a workout session now (or at startedAt for a past one), empty or from a program day. Answers the ' +
      'session with its id, which log_set needs.',
    operation: 'fitness.sessions.start',
    access: 'write',
    input: ZStartSessionInput,
    output: { schema: ZWorkoutSession },
    run: (services, userId, input) => fitnessService.startSession(services, userId, input),
  }),
  tool({
    name: 'log_set',
    title: 'Log a set',
    description:
      'Log one set in a workout: the session id (from start_workout) and an exercise id (from list_exercises), with ' +
      'reps and weightKg, or durationS / distanceM. Answers the workout with all its sets.',
    operation: 'fitness.sessions.logSet',
    access: 'write',
    input: ZLogSetInput,
    output: { schema: ZWorkoutSession },
    run: (services, userId, input) => fitnessService.logSet(services, userId, input),
  }),
  tool({
    name: 'list_exercises',
    title: 'Find exercises',
    description: 'Exercises by name (q) or muscle, with their ids for log_set.',
    operation: 'fitness.exercises.list',
    access: 'read',
    input: ZListExercisesInput,
    output: { schema: z.array(ZExercise), key: 'exercises' },
    run: (services, userId, input) => fitnessService.listExercises(services, userId, input),
  }),
  tool({
    name: 'records',
    title: 'Personal records',
    description: 'Per exercise: heaviest weight, best estimated 1RM, best set and best session volume.',
    operation: 'fitness.records.list',
    access: 'read',
    input: null,
    output: { schema: z.array(ZExerciseRecords), key: 'records' },
    run: (services, userId) => fitnessService.listRecords(services, userId),
  }),
  tool({
    name: 'write_morning_pages',
    title: "Write today's morning pages",
    description:
      "Write the user's morning pages (free-form journal text) for today, or for `date`: appended after what is " +
      'already written today as a new paragraph (default), or replacing it. Answers the entry with its word count.',
    operation: 'journal.upsert',
    access: 'write',
    input: ZWriteMorningPagesInput,
    output: { schema: ZJournalEntry, key: 'entry' },
    run: async (services, userId, input) => {
      const date = input.date ?? (await journalService.getStreaks(services, userId)).today;
      let text = input.text;
      if (input.mode === 'append') {
        const existing = await journalService.getEntry(services, userId, { type: 'morning_pages', date });
        const before = existing?.type === 'morning_pages' ? existing.content.text.trimEnd() : '';
        if (before) text = `${before}\n\n${text}`;
      }
      // Parsed as journal.upsert parses it: the length limit holds for the whole page.
      const entry = ZUpsertJournalEntryInput.parse({ type: 'morning_pages', date, content: { text } });
      return journalService.upsertEntry(services, userId, entry);
    },
  }),
  tool({
    name: 'create_event',
    title: 'Create a calendar event',
    description:
      'Create a calendar event: title, start and end as ISO instants (or allDay with dates), its IANA time zone, ' +
      'optional location, description and RRULE. Answers the event.',
    operation: 'calendar.events.create',
    access: 'write',
    input: ZCreateEventInput,
    output: { schema: ZEvent },
    run: (services, userId, input) => calendarService.createEvent(services, userId, input),
  }),
  tool({
    name: 'agenda',
    title: 'Upcoming events',
    description:
      'The agenda from `from` to `to` (ISO instants): event occurrences, open tasks due and workouts, by day in the ' +
      "user's zone. Use it for \"what's coming up\"; read_today tells today's date.",
    operation: 'calendar.agenda',
    access: 'read',
    input: ZAgendaInput,
    output: { schema: ZAgenda },
    run: (services, userId, input) => agendaService.listAgenda(services, userId, input),
  }),
  tool({
    name: 'search',
    title: 'Search everything',
    description:
      'Search journal entries, tasks, projects, inbox captures and events at once (prefix words, "quoted phrases", ' +
      '-excluded). Answers ranked results with a snippet, a date and a kind.',
    operation: 'search.all',
    access: 'read',
    input: ZSearchAllInput,
    output: { schema: z.array(ZSearchResult), key: 'results' },
    run: (services, userId, input) => searchService.searchAll(services, userId, input),
  }),
  tool({
    name: 'read_today',
    title: 'Today at a glance',
    description:
      "The user's day: today's date and zone, journal progress and streaks, the agenda (events, tasks due, " +
      "overdue), inbox count, active projects, this week's training and records, mood and weight trends.",
    operation: 'dashboard.today',
    access: 'read',
    input: null,
    output: { schema: ZDashboardToday },
    run: (services, userId) => dashboardService.today(services, userId),
  }),
  tool({
    name: 'week_facts',
    title: 'Facts of a week',
    description:
      'Facts of the week holding `weekStart` (any day of it): tasks done and their titles, workouts and volume, ' +
      'days and words written, average mood and energy. For weekly reviews.',
    operation: 'dashboard.weekFacts',
    access: 'read',
    input: ZWeekFactsInput,
    output: { schema: ZWeekFacts },
    run: (services, userId, input) => dashboardService.weekFacts(services, userId, input),
  }),
];
