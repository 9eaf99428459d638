/**
 * One MCP server for one authenticated caller: the tools (mcp-tools.ts), two resources and two prompts. Every tool
 * and resource goes through the same two calls of core's API-key policy — may this key run the operation, and
 * what of its answer may it see — so no tool decides its own permissions. The transports (mcp-routes.ts over
 * Streamable HTTP, mcp-stdio.ts) authenticate the key and hand the caller in.
 */

import { type ApiKeyGrant, AppError, apiKeyPolicy, dashboardService, journalService } from '@lifeos/core/server';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { ZodError, z } from 'zod';
import { inputProblem, parseInput } from '../http/plain-input.js';
import type { AppServices } from '../services.js';
import { MCP_TOOLS, type McpTool } from './mcp-tools.js';

export interface McpCaller {
  userId: string;
  grant: ApiKeyGrant;
}

export interface McpLogger {
  error(details: object, message: string): void;
}

export const MCP_SERVER_INFO = { name: 'life-os', version: '0.1.0' };

/** JSON Schema (draft-07, which every client's validator reads) of a zod schema; dates travel as ISO strings. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  const json = z.toJSONSchema(inner, {
    io,
    target: 'draft-7',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') {
        ctx.jsonSchema.type = 'string';
        ctx.jsonSchema.format = 'date-time';
      }
    },
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

const outputSchemaOf = (tool: McpTool) => {
  const schema = tool.output.key ? z.object({ [tool.output.key]: tool.output.schema }) : tool.output.schema;
  return jsonSchemaOf(schema, 'output');
};

/** The tools as listed, built once: their JSON Schemas do not change while the process runs. */
const LISTED: readonly { tool: McpTool; listed: Tool }[] = MCP_TOOLS.map((tool) => ({
  tool,
  listed: {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: (tool.input
      ? jsonSchemaOf(tool.input, 'input')
      : { type: 'object', properties: {}, additionalProperties: false }) as Tool['inputSchema'],
    outputSchema: outputSchemaOf(tool) as Tool['outputSchema'],
    annotations: { readOnlyHint: tool.access === 'read', destructiveHint: false, openWorldHint: false },
  },
}));
const BY_NAME = new Map(LISTED.map((entry) => [entry.tool.name, entry.tool]));

/** What an answer looks like on the wire: JSON, dates as ISO strings. */
const asJson = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value ?? null));

const errorResult = (message: string): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text: message }],
});

function failure(error: unknown, log: McpLogger, what: string): CallToolResult {
  if (error instanceof ZodError) return errorResult(z.prettifyError(error));
  if (error instanceof AppError) return errorResult(error.message);
  log.error({ err: error, tool: what }, 'mcp tool failed');
  return errorResult('Something went wrong on our side');
}

// ---------- resources ----------

interface McpResource {
  uri: string;
  name: string;
  title: string;
  description: string;
  operation: string;
  read(services: AppServices, userId: string): Promise<unknown>;
}

/** How many journal entries the "recent entries" resource lists. */
const RECENT_ENTRIES = 10;

const RESOURCES: readonly McpResource[] = [
  {
    uri: 'lifeos://today',
    name: 'today',
    title: 'Today at a glance',
    description: "The user's dashboard for today (the same as the read_today tool), as JSON.",
    operation: 'dashboard.today',
    read: (services, userId) => dashboardService.today(services, userId),
  },
  {
    uri: 'lifeos://journal/recent',
    name: 'recent-journal',
    title: 'Recent journal entries',
    description: `The ${RECENT_ENTRIES} latest journal entries: type, date, word count, mood and an excerpt, as JSON.`,
    operation: 'journal.list',
    read: (services, userId) => journalService.listEntries(services, userId, { limit: RECENT_ENTRIES }),
  },
];

// ---------- prompts ----------

const PROMPTS = {
  'plan-my-day': {
    title: 'Plan my day',
    description: "Plan today from the user's agenda, tasks, inbox and journal",
    arguments: [{ name: 'focus', description: 'What matters most today, in the user’s words', required: false }],
    text: (args: Record<string, string>) =>
      [
        'Help me plan my day in Life OS.',
        '1. Call read_today for today’s date, agenda, overdue tasks, inbox count, projects and training.',
        '2. Call list_tasks with due "today" and due "overdue".',
        '3. Propose a realistic schedule around my events: the three most important tasks first, what to defer, ' +
          'and whether the inbox needs a pass. Ask before creating or completing anything.',
        args.focus ? `My focus today: ${args.focus}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  },
  'weekly-review': {
    title: 'Weekly review',
    description: 'Review the week: what got done, training, writing and mood, and priorities for the next',
    arguments: [{ name: 'weekStart', description: 'Any day of the week to review (YYYY-MM-DD); default this week' }],
    text: (args: Record<string, string>) =>
      [
        'Lead me through my weekly review in Life OS.',
        `1. Call week_facts with weekStart ${args.weekStart ? `"${args.weekStart}"` : 'set to today (read_today tells it)'}.`,
        '2. Call list_tasks with due "week" and records for training highlights.',
        '3. Summarise wins, what slipped, training and mood; then ask me for my three priorities for next week.',
      ].join('\n'),
  },
} as const;

type PromptName = keyof typeof PROMPTS;
const isPromptName = (name: string): name is PromptName => Object.hasOwn(PROMPTS, name);

/**
 * The server for one caller (stateless: one per HTTP request, or one for a stdio session). `callerOf` answers the
 * caller for each request, so a long stdio session re-checks its key (a revoked key stops working) and refuses
 * with an McpError when it no longer holds.
 */
export function createMcpServer(services: AppServices, callerOf: () => Promise<McpCaller>, log: McpLogger): Server {
  const server = new Server(MCP_SERVER_INFO, {
    capabilities: { tools: {}, resources: {}, prompts: {} },
    instructions:
      'Life OS is the user’s personal OS: journal, tasks, captures (inbox), calendar, fitness. Read today with ' +
      'read_today; dates are YYYY-MM-DD in the user’s zone, instants are ISO 8601.',
  });
  const may = (caller: McpCaller, operation: string, access: 'read' | 'write') =>
    apiKeyPolicy.refusalOf(caller.grant, operation, access) === null;

  // A key sees only the tools it may call: a read-only key gets the read tools.
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const caller = await callerOf();
    return { tools: LISTED.filter(({ tool }) => may(caller, tool.operation, tool.access)).map(({ listed }) => listed) };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const caller = await callerOf();
    const tool = BY_NAME.get(request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `There is no tool named ${request.params.name}`);
    const refusal = apiKeyPolicy.refusalOf(caller.grant, tool.operation, tool.access);
    if (refusal) return errorResult(refusal);
    const problem = inputProblem(request.params.arguments);
    if (problem) return errorResult(problem);
    try {
      const input = tool.input
        ? parseInput(tool.input, structuredClone(request.params.arguments ?? {}), 'body')
        : undefined;
      const answer = apiKeyPolicy.redactFor(
        caller.grant,
        tool.operation,
        await tool.run(services, caller.userId, input),
      );
      const structured = asJson(tool.output.key ? { [tool.output.key]: answer } : answer);
      return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
    } catch (error) {
      return failure(error, log, tool.name);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const caller = await callerOf();
    return {
      resources: RESOURCES.filter((r) => may(caller, r.operation, 'read')).map(({ uri, name, title, description }) => ({
        uri,
        name,
        title,
        description,
        mimeType: 'application/json',
      })),
    };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const caller = await callerOf();
    const resource = RESOURCES.find((r) => r.uri === request.params.uri);
    if (!resource) throw new McpError(ErrorCode.InvalidParams, `There is no resource ${request.params.uri}`);
    const refusal = apiKeyPolicy.refusalOf(caller.grant, resource.operation, 'read');
    if (refusal) throw new McpError(ErrorCode.InvalidRequest, refusal);
    const answer = apiKeyPolicy.redactFor(
      caller.grant,
      resource.operation,
      await resource.read(services, caller.userId),
    );
    return { contents: [{ uri: resource.uri, mimeType: 'application/json', text: JSON.stringify(answer) }] };
  });

  server.setRequestHandler(ListPromptsRequestSchema, () => ({
    prompts: Object.entries(PROMPTS).map(([name, prompt]) => ({
      name,
      title: prompt.title,
      description: prompt.description,
      arguments: [...prompt.arguments],
    })),
  }));

  server.setRequestHandler(GetPromptRequestSchema, (request) => {
    const { name, arguments: args = {} } = request.params;
    if (!isPromptName(name)) throw new McpError(ErrorCode.InvalidParams, `There is no prompt named ${name}`);
    const prompt = PROMPTS[name];
    const text = prompt.text(Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v).slice(0, 500)])));
    return { description: prompt.description, messages: [{ role: 'user', content: { type: 'text', text } }] };
  });

  return server;
}
