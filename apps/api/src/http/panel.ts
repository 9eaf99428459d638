/**
 * The development-only tRPC panel (DESIGN.md §7): `GET /api/panel/procedures` describes every procedure of the
 * router (path, type, description, JSON Schemas of input and output, who may call it), and `GET /panel` serves
 * the panel page built by the web app (apps/web/panel.html), which renders a form per procedure and runs it.
 *
 * Nothing here is registered in production (server.ts calls `registerPanel` only when NODE_ENV is not
 * production, and the static server refuses `/panel*` there).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnyTRPCRouter } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { appRouter } from '../routers/_app.js';
import { protectedProcedure, sessionProcedure } from '../trpc/init.js';

/** A JSON Schema (draft-07) object, as produced by `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

export interface ProcedureDescription {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  description: string | null;
  /** JSON Schema of what the caller sends (before transforms); `null` when the procedure takes no input. */
  inputSchema: JsonSchema | null;
  /** JSON Schema of the answer; `null` when the procedure declares no `.output()`. */
  outputSchema: JsonSchema | null;
  /** `protected`: needs a session or an API key (read from the procedure's guard middleware). */
  auth?: 'public' | 'protected';
  /** Only a browser session may call it (credential management); API keys are refused. */
  sessionOnly?: boolean;
}

/**
 * Values superjson carries but JSON Schema cannot express are marked with this keyword, so the panel can turn
 * the form's string back into the real value before sending: `'Date'` (an ISO date-time string in the form) or
 * `'BigInt'` (a string of digits).
 */
export const JS_TYPE_KEYWORD = 'x-js-type';

type ZodSchema = z.core.$ZodType;

const isZodSchema = (value: unknown): value is ZodSchema =>
  typeof value === 'object' && value !== null && '_zod' in value;

function toJsonSchema(schema: unknown, io: 'input' | 'output'): JsonSchema {
  if (!isZodSchema(schema)) {
    // A non-zod validator: nothing to describe, so anything goes (the server still validates).
    return { $comment: 'Not a zod schema: no description available' };
  }
  try {
    return z.toJSONSchema(schema, {
      target: 'draft-7',
      io,
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema }) => {
        const type = zodSchema._zod.def.type;
        if (type === 'date') {
          Object.assign(jsonSchema, { type: 'string', format: 'date-time', [JS_TYPE_KEYWORD]: 'Date' });
        } else if (type === 'bigint') {
          Object.assign(jsonSchema, { type: 'string', pattern: '^-?\\d+$', [JS_TYPE_KEYWORD]: 'BigInt' });
        }
      },
    }) as JsonSchema;
  } catch (error) {
    return { $comment: `Could not convert this schema: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Several `.input()` calls are merged by tRPC; objects merge their properties, anything else must match all. */
function inputJsonSchema(inputs: readonly unknown[]): JsonSchema | null {
  if (inputs.length === 0) return null;
  const schemas = inputs.map((input) => toJsonSchema(input, 'input'));
  if (schemas.length === 1) return schemas[0] ?? null;
  const objects = schemas.every((s) => s.type === 'object' && !s.definitions);
  if (!objects) return { allOf: schemas };
  const { $schema } = schemas[0] ?? {};
  return {
    $schema,
    type: 'object',
    properties: Object.assign({}, ...schemas.map((s) => s.properties ?? {})),
    required: [...new Set(schemas.flatMap((s) => (Array.isArray(s.required) ? s.required : [])))],
    ...(schemas.some((s) => s.additionalProperties === false) ? { additionalProperties: false } : {}),
  };
}

// Compared by identity only.
type Middleware = object;
interface ProcedureDef {
  type: ProcedureDescription['type'];
  meta?: { description?: string };
  inputs: unknown[];
  output?: unknown;
  middlewares: Middleware[];
}

/** The middleware that does a kind of procedure's checks: each base procedure has exactly one (trpc/init.ts). */
function guardOf(base: { _def: { middlewares: Middleware[] } }): Middleware {
  const [guard] = base._def.middlewares;
  if (!guard) throw new Error('a base procedure without its guard middleware');
  return guard;
}
const signedInGuards = [guardOf(protectedProcedure), guardOf(sessionProcedure)];
const sessionGuard = guardOf(sessionProcedure);

/**
 * Every procedure of `router`, sorted by path. Walks the router's flat procedure record, so a new procedure
 * appears here without any edit. Whether a procedure needs authentication is read from its middleware chain:
 * it is protected when it carries the guard of `protectedProcedure` or `sessionProcedure`.
 */
export function describeProcedures(router: AnyTRPCRouter): ProcedureDescription[] {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  return Object.entries(procedures)
    .map(([procedurePath, procedure]): ProcedureDescription => {
      const def = procedure._def;
      const description: ProcedureDescription = {
        path: procedurePath,
        type: def.type,
        description: def.meta?.description ?? null,
        inputSchema: inputJsonSchema(def.inputs ?? []),
        outputSchema: def.output === undefined ? null : toJsonSchema(def.output, 'output'),
      };
      description.auth = def.middlewares.some((m) => signedInGuards.includes(m)) ? 'protected' : 'public';
      description.sessionOnly = def.middlewares.includes(sessionGuard);
      return description;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const notBuiltPage = (webDistDir: string | null) => `The tRPC panel page is not built${
  webDistDir ? ` (no panel.html in ${webDistDir})` : ''
}.

Either build the web app, then restart this server and reload this page:

    pnpm --filter @lifeos/web build

or use the Vite dev server instead: \`pnpm dev\` starts it (http://localhost:5173) next to the API, and
http://localhost:5173/panel serves the panel with live reload, proxying /api and /trpc to this server.

The procedure list the panel shows is at /api/panel/procedures.
`;

export interface PanelOptions {
  /** The built web app (apps/web/dist), which holds panel.html; `null` when it is not built. */
  webDistDir: string | null;
}

/** Development only: the procedure list and the panel page. */
export function registerPanel(app: FastifyInstance, options: PanelOptions) {
  let described: ProcedureDescription[] | undefined;
  app.get('/api/panel/procedures', async () => {
    described ??= describeProcedures(appRouter);
    return described;
  });

  app.get('/panel', async (_request, reply) => {
    const file = options.webDistDir ? path.join(options.webDistDir, 'panel.html') : null;
    if (!file || !existsSync(file)) {
      return reply.code(404).type('text/plain; charset=utf-8').send(notBuiltPage(options.webDistDir));
    }
    // Read per request (development only). Its hashed assets are routed when the server starts, so a rebuild
    // still needs a restart.
    const html = await readFile(file, 'utf8');
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  });
  app.get('/panel/', async (_request, reply) => reply.redirect('/panel'));
}
