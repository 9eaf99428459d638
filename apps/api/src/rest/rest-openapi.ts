/**
 * The OpenAPI 3.1 document of the REST face, written from the operations' zod schemas (the tRPC procedures' own) by
 * zod 4's `z.toJSONSchema`, whose default dialect, JSON Schema 2020-12, is OpenAPI 3.1's. Built once: the schemas do
 * not change while the process runs.
 *
 * Why not a library: `trpc-to-openapi` wants an `openapi` meta on every procedure in the routers and its own
 * handler beside ours, and does not speak superjson; `zod-openapi` wraps the same `z.toJSONSchema`. What is left to
 * do here is laying the operations out as paths, which is this file.
 */
import { z } from 'zod';
import { REST_OPERATIONS, REST_PREFIX, type RestOperation } from './rest-operations.js';

type JsonSchema = Record<string, unknown>;

export const OPENAPI_PATH = '/api/openapi.json';

/** JSON Schema 2020-12 of a zod schema, as data crosses the wire: dates are ISO 8601 strings. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  const json = z.toJSONSchema(inner, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') {
        ctx.jsonSchema.type = 'string';
        ctx.jsonSchema.format = 'date-time';
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** An operation's input as an object schema, split into what the path carries and what the query or body does. */
function inputParts(operation: RestOperation) {
  if (!operation.input) return { path: {}, rest: null };
  const schema = jsonSchemaOf(operation.input, 'input');
  const properties = { ...((schema.properties as Record<string, JsonSchema> | undefined) ?? {}) };
  if (schema.type !== 'object') throw new Error(`REST: ${operation.id}'s input is not an object`);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const path: Record<string, JsonSchema> = {};
  for (const [param, key] of Object.entries(operation.pathParams ?? {})) {
    path[param] = properties[key] ?? { type: 'string' };
    delete properties[key];
    required.delete(key);
  }
  const rest: JsonSchema = { ...schema, properties };
  if (required.size > 0) rest.required = [...required];
  else delete rest.required;
  return { path, rest };
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ERROR_REF } },
});

function operationObject(operation: RestOperation) {
  const { path, rest } = inputParts(operation);
  const parameters: JsonSchema[] = Object.entries(path).map(([name, schema]) => ({
    name,
    in: 'path',
    required: true,
    schema,
  }));
  if (operation.method === 'GET' && rest) {
    const required = new Set((rest.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries(rest.properties as Record<string, JsonSchema>)) {
      const { description, ...valueSchema } = schema;
      parameters.push({
        name,
        in: 'query',
        required: required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: valueSchema,
      });
    }
  }
  const writes = operation.method === 'POST';
  if (writes) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Applies the request at most once: a repeat with the same key and body within 24 h gets the first answer',
      schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
    });
  }
  return {
    operationId: operation.id,
    summary: operation.summary,
    description: operation.description,
    tags: [operation.procedure.split('.', 1)[0] ?? 'api'],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(writes
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: rest ?? { type: 'object', additionalProperties: false } } },
          },
        }
      : {}),
    responses: {
      [String(operation.status)]: {
        description: 'OK',
        content: { 'application/json': { schema: jsonSchemaOf(operation.output, 'output') } },
      },
      '400': errorResponse('The input is not valid: the message says what is wrong'),
      '401': errorResponse('No API key, or one that is not valid'),
      '403': errorResponse("Outside the key's permissions"),
      ...(operation.pathParams ? { '404': errorResponse('Not found (or not yours)') } : {}),
      ...(writes
        ? {
            '409': errorResponse('The Idempotency-Key was used for another request, or its request is still running'),
            '413': errorResponse('The body is over the size limit'),
            '415': errorResponse('The body is not application/json'),
          }
        : {}),
      '429': errorResponse('Too many wrong API keys from this address: wait for Retry-After seconds'),
    },
  };
}

function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of REST_OPERATIONS) {
    const path = `${REST_PREFIX}${operation.path}`;
    paths[path] = { ...paths[path], [operation.method.toLowerCase()]: operationObject(operation) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Life OS API',
      version: '1.0.0',
      description:
        'The REST face of Life OS: plain JSON, dates as YYYY-MM-DD, instants as ISO 8601. Authenticate with an API ' +
        'key (Settings → API keys) as `Authorization: Bearer <key>`; its permissions apply as on every other door ' +
        '(tRPC, /mcp, /dav). POST bodies are application/json.',
    },
    // Relative to where the document is served, so it holds behind any host name or proxy.
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from Settings → API keys (lifeos_…)',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            statusCode: { type: 'integer' },
            error: { type: 'string' },
            message: { type: 'string' },
          },
          required: ['statusCode', 'error', 'message'],
        },
      },
    },
  };
}

let built: ReturnType<typeof buildDocument> | undefined;

/** The document, built on first use. */
export function openApiDocument() {
  built ??= buildDocument();
  return built;
}
