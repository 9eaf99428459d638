/**
 * The REST face's operations (issue 23, part 3): the common things a script, an iOS Shortcut or Home Assistant does,
 * as plain JSON over `/api/v1/…`. Each names the tRPC procedure it mirrors (`procedure`), and takes that procedure's
 * own zod input and output schemas and its description from the router (`appRouter._def`), so the REST input is
 * parsed, and the OpenAPI document is written, by the very schemas tRPC uses, and core's API-key policy decides by
 * the procedure's name (as MCP does). Like MCP, an operation calls core services through the composition root.
 *
 * The procedure's input object is assembled from the URL path's parameters (`{id}` → the input key named in
 * `pathParams`), and either the query string (GET) or the JSON body (POST).
 */
import {
  calendarService,
  capturesService,
  dashboardService,
  fitnessService,
  searchService,
  tasksService,
} from '@lifeos/core/server';
import type { z } from 'zod';
import { MCP_TOOLS } from '../mcp/mcp-tools.js';
import { appRouter } from '../routers/_app.js';
import type { AppServices } from '../services.js';

export const REST_PREFIX = '/api/v1';

export interface RestOperation {
  /** The OpenAPI operationId. */
  id: string;
  method: 'GET' | 'POST';
  /** Under REST_PREFIX, in OpenAPI's template form (`/tasks/{id}/complete`). */
  path: string;
  /** The tRPC procedure this mirrors: the policy's name for it, and where its schemas and description come from. */
  procedure: string;
  access: 'read' | 'write';
  summary: string;
  /** Path parameter → the input key it fills. */
  pathParams?: Record<string, string>;
  /** The input schema; null when the operation takes none. */
  input: z.ZodType | null;
  output: z.ZodType;
  description: string;
  /** 201 for a POST that creates something, else 200. */
  status: 200 | 201;
  /** Runs with the input already parsed by `input`. */
  run(services: AppServices, userId: string, input: unknown): Promise<unknown>;
}

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: z.ZodType[];
  output?: z.ZodType;
  meta?: { description?: string };
}

const PROCEDURES = appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef } | undefined>;

/** The procedure's definition as the router holds it; a renamed procedure fails at start, not on a request. */
export function procedureDef(path: string): ProcedureDef {
  const procedure = PROCEDURES[path];
  if (!procedure) throw new Error(`REST: there is no procedure ${path}`);
  return procedure._def;
}

/** An operation typed by the input its `run` receives. */
function operation<I>(
  definition: Omit<RestOperation, 'input' | 'output' | 'description' | 'run' | 'status'> & {
    status?: 200 | 201;
    /** Instead of the procedure's input (morning pages append where journal.upsert replaces). */
    input?: z.ZodType;
    description?: string;
    run: (services: AppServices, userId: string, input: I) => Promise<unknown>;
  },
): RestOperation {
  const def = procedureDef(definition.procedure);
  if (!def.output) throw new Error(`REST: ${definition.procedure} declares no output schema`);
  const expected = definition.access === 'read' ? 'query' : 'mutation';
  if (def.type !== expected) throw new Error(`REST: ${definition.procedure} is a ${def.type}, not a ${expected}`);
  return {
    ...definition,
    status: definition.status ?? 200,
    input: definition.input ?? def.inputs[0] ?? null,
    output: def.output,
    description: definition.description ?? def.meta?.description ?? definition.summary,
    run: definition.run as RestOperation['run'],
  };
}

const morningPages = MCP_TOOLS.find((tool) => tool.name === 'write_morning_pages');
if (!morningPages?.input) throw new Error('REST: the MCP tool write_morning_pages is missing');

export const REST_OPERATIONS: readonly RestOperation[] = [
  operation<Parameters<typeof capturesService.createCapture>[2]>({
    id: 'createCapture',
    method: 'POST',
    path: '/captures',
    procedure: 'captures.create',
    access: 'write',
    status: 201,
    summary: 'Add to the inbox',
    run: (services, userId, input) => capturesService.createCapture(services, userId, input),
  }),
  operation<undefined>({
    id: 'getToday',
    method: 'GET',
    path: '/today',
    procedure: 'dashboard.today',
    access: 'read',
    summary: 'Today at a glance',
    run: (services, userId) => dashboardService.today(services, userId),
  }),
  operation<Parameters<typeof tasksService.listTasks>[2]>({
    id: 'listTasks',
    method: 'GET',
    path: '/tasks',
    procedure: 'tasks.list',
    access: 'read',
    summary: 'List tasks',
    run: (services, userId, input) => tasksService.listTasks(services, userId, input),
  }),
  operation<Parameters<typeof tasksService.createTask>[2]>({
    id: 'createTask',
    method: 'POST',
    path: '/tasks',
    procedure: 'tasks.create',
    access: 'write',
    status: 201,
    summary: 'Add a task',
    run: (services, userId, input) => tasksService.createTask(services, userId, input),
  }),
  operation<{ id: string }>({
    id: 'completeTask',
    method: 'POST',
    path: '/tasks/{id}/complete',
    procedure: 'tasks.complete',
    access: 'write',
    pathParams: { id: 'id' },
    summary: 'Complete a task',
    run: (services, userId, input) => tasksService.completeTask(services, userId, input.id),
  }),
  operation<Parameters<typeof calendarService.listOccurrences>[2]>({
    id: 'listEvents',
    method: 'GET',
    path: '/events',
    procedure: 'calendar.events.list',
    access: 'read',
    summary: 'Events between two instants',
    run: (services, userId, input) => calendarService.listOccurrences(services, userId, input),
  }),
  operation<Parameters<typeof calendarService.createEvent>[2]>({
    id: 'createEvent',
    method: 'POST',
    path: '/events',
    procedure: 'calendar.events.create',
    access: 'write',
    status: 201,
    summary: 'Create a calendar event',
    run: (services, userId, input) => calendarService.createEvent(services, userId, input),
  }),
  operation<unknown>({
    id: 'writeMorningPages',
    method: 'POST',
    path: '/journal/morning-pages',
    procedure: 'journal.upsert',
    access: 'write',
    summary: "Write today's morning pages",
    input: morningPages.input,
    description: morningPages.description,
    run: (services, userId, input) => morningPages.run(services, userId, input),
  }),
  operation<Parameters<typeof searchService.searchAll>[2]>({
    id: 'search',
    method: 'GET',
    path: '/search',
    procedure: 'search.all',
    access: 'read',
    summary: 'Search everything',
    run: (services, userId, input) => searchService.searchAll(services, userId, input),
  }),
  operation<Parameters<typeof fitnessService.listExercises>[2]>({
    id: 'listExercises',
    method: 'GET',
    path: '/exercises',
    procedure: 'fitness.exercises.list',
    access: 'read',
    summary: 'Find exercises (their ids, for logging a set)',
    run: (services, userId, input) => fitnessService.listExercises(services, userId, input),
  }),
  operation<Parameters<typeof fitnessService.startSession>[2]>({
    id: 'startWorkout',
    method: 'POST',
    path: '/workouts',
    procedure: 'fitness.sessions.start',
    access: 'write',
    status: 201,
    summary: 'Start a workout',
    run: (services, userId, input) => fitnessService.startSession(services, userId, input),
  }),
  operation<Parameters<typeof fitnessService.logSet>[2]>({
    id: 'logSet',
    method: 'POST',
    path: '/workouts/{id}/sets',
    procedure: 'fitness.sessions.logSet',
    access: 'write',
    pathParams: { id: 'sessionId' },
    status: 201,
    summary: 'Log a set in a workout',
    run: (services, userId, input) => fitnessService.logSet(services, userId, input),
  }),
];
