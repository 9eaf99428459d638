import {
  type AnyProcedure,
  type AnyRouter,
  getErrorShape,
  getTRPCErrorFromUnknown,
  type inferRouterContext,
  TRPCError,
  transformTRPCResponse,
} from '@trpc/server';
import {
  getHTTPStatusCode,
  type HTTPBaseHandlerOptions,
  resolveResponse,
  type TRPCRequestInfo,
} from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isKeptSerialization, keptAnswerJson } from '../trpc/transformer.js';

export interface TrpcRouteOptions<TRouter extends AnyRouter>
  extends Pick<
    HTTPBaseHandlerOptions<TRouter, FastifyRequest>,
    'router' | 'maxBatchSize' | 'responseMeta' | 'onError'
  > {
  prefix: string;
  createContext(request: FastifyRequest, reply: FastifyReply): inferRouterContext<TRouter>;
  /** Answer plain JSON GETs of queries without tRPC's Fetch round trip (default true; tests compare both). */
  fastQueries?: boolean;
}

// What tRPC reads from a request's headers (content type, response format); nothing else is copied.
const FORWARDED_HEADERS = ['content-type', 'accept', 'trpc-accept'] as const;

/**
 * Serves a tRPC router on Fastify: `<prefix>/:path`, GET for queries, POST for mutations and batches.
 *
 * The official adapter turns every request into a full Fetch `Request` (all headers copied, an AbortController
 * wired to the socket) and answers with `reply.send(Response)`, which Fastify pipes through a web stream: on a small
 * JSON answer that glue cost more CPU than the procedure itself (bench/api-latency.ts). Here the Request carries
 * only what tRPC reads, the context is built from the Fastify request directly, and the answer — always a complete
 * JSON document for the links our clients use — is sent as one string. A streamed answer (`trpc-accept:
 * application/jsonl`, which tRPC marks chunked) is still piped through.
 *
 * Queries by GET — what both our clients send for every read, one or a batch — skip the Fetch objects altogether
 * (`answerQueries`): the same steps as tRPC's resolveResponse for that case, with tRPC's own exported pieces
 * (error shape, transformer, status), minus building a Request, its abort signals and a Response
 * to read back. Anything else (mutations, JSON lines, unknown procedures, odd headers) goes through resolveResponse.
 *
 * Why it stays: bench/api-latency.ts measures tRPC's own path beside this one in every run (interleaved). On
 * PostgreSQL this route answered journal.get 2.3 times as often (840 vs 365 req/s, p50 5 vs 15 ms, a loaded host);
 * on PGlite the embedded database is the bottleneck and the two are alike. It relies on tRPC's exported functions and
 * on the router's `_def` (what tRPC's own adapters read); trpc-route.test.ts pins both and compares the two paths'
 * answers byte for byte.
 */
export function registerTrpcRoute<TRouter extends AnyRouter>(app: FastifyInstance, options: TrpcRouteOptions<TRouter>) {
  return app.register(async (scope) => {
    // tRPC parses the body itself (batches, superjson); Fastify hands it over as text, within its bodyLimit.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.all(`${options.prefix}/:path`, async (request: FastifyRequest<{ Params: { path: string } }>, reply) => {
      const plan = options.fastQueries === false ? null : planQueries(options.router, request, options.maxBatchSize);
      if (plan) return answerQueries(plan, options, request, reply);
      const headers = new Headers();
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') headers.set(name, value);
      }
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
      const req = new Request(`http://localhost${request.url}`, {
        method: request.method,
        headers,
        ...(hasBody ? { body: typeof request.body === 'string' ? request.body : '' } : {}),
      });
      const response = await resolveResponse<TRouter>({
        router: options.router,
        req,
        path: request.params.path,
        error: null,
        ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
        ...(options.responseMeta ? { responseMeta: options.responseMeta } : {}),
        createContext: async () => options.createContext(request, reply),
        onError: (error) => options.onError?.({ ...error, req: request }),
      });

      reply.status(response.status);
      // A streamed answer says so (chunked); Node's HTTP server does the chunking itself for a piped body.
      const streamed = response.headers.get('transfer-encoding') === 'chunked';
      for (const [name, value] of response.headers) if (name !== 'transfer-encoding') reply.header(name, value);
      return reply.send(streamed ? response : await response.text());
    });
  });
}

interface QueryPlan {
  isBatch: boolean;
  paths: string[];
  /** The `input` search parameter, still JSON text. */
  input: string | null;
}

/**
 * Whether tRPC would treat this request as plain queries answered with one JSON document, and which: a GET
 * without a body type other than JSON, not asking for JSON lines, every path a query of the router, a batch
 * within the size limit. `null` sends it down tRPC's own path (which also words every refusal).
 */
function planQueries(
  router: AnyRouter,
  request: FastifyRequest<{ Params: { path: string } }>,
  maxBatchSize: number | undefined,
): QueryPlan | null {
  if (request.method !== 'GET') return null;
  const { headers } = request;
  const contentType = headers['content-type'];
  if (contentType !== undefined && !contentType.startsWith('application/json')) return null;
  if (headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl')) return null;
  const queryAt = request.url.indexOf('?');
  const search = new URLSearchParams(queryAt < 0 ? '' : request.url.slice(queryAt + 1));
  if (search.has('connectionParams')) return null;
  let path: string;
  try {
    path = decodeURIComponent(request.params.path);
  } catch {
    return null;
  }
  const isBatch = search.get('batch') === '1';
  const paths = isBatch ? path.split(',') : [path];
  if (isBatch && maxBatchSize !== undefined && paths.length > maxBatchSize) return null;
  const procedures = router._def.procedures as Record<string, { _def: { type: string } } | undefined>;
  for (const procedurePath of paths) {
    if (!Object.hasOwn(procedures, procedurePath) || procedures[procedurePath]?._def.type !== 'query') return null;
  }
  return { isBatch, paths, input: search.get('input') };
}

// A GET's queries are not cancelled when the client goes away (neither are they on tRPC's path, in effect).
const NEVER_ABORTED = new AbortController().signal;
const STREAM_REFUSED = 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink';

/** Whether tRPC would call this answer a stream (an async iterable, or a non-array object holding promises/iterables). */
function isDataStream(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const isAsync = (v: unknown) =>
    v !== null &&
    typeof v === 'object' &&
    (Symbol.asyncIterator in v || typeof (v as { then?: unknown }).then === 'function');
  return Symbol.asyncIterator in value || Object.values(value).some(isAsync);
}

async function answerQueries<TRouter extends AnyRouter>(
  plan: QueryPlan,
  options: TrpcRouteOptions<TRouter>,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { router } = options;
  const config = router._def._config;
  const ctx = options.createContext(request, reply);

  // Read lazily and once, as tRPC does: a procedure without input never parses it; a parse failure is the
  // procedure's BAD_REQUEST, not the whole request's.
  let inputs: Record<number, unknown> | undefined;
  let reading: Promise<Record<number, unknown>> | undefined;
  const readInputs = () => {
    reading ??= (async () => {
      try {
        inputs = decodeInputs(plan, config.transformer.input.deserialize);
        return inputs;
      } catch (cause) {
        if (cause instanceof TRPCError) throw cause;
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: cause instanceof Error ? cause.message : 'Invalid input',
          cause,
        });
      }
    })();
    return reading;
  };

  const procedures = router._def.procedures as Record<string, AnyProcedure>;
  const calls: TRPCRequestInfo['calls'] = plan.paths.map((path, index) => ({
    path,
    batchIndex: index,
    procedure: procedures[path] ?? null,
    getRawInput: async () => (await readInputs())[index],
    result: () => inputs?.[index],
  }));
  const outcomes = await Promise.all(
    calls.map(async (call): Promise<{ response: TRPCResponse; error?: TRPCError }> => {
      let error: TRPCError;
      try {
        // Called as resolveResponse calls it (planQueries made sure it is a query): through callTRPCProcedure
        // the router would ride along in the options tRPC copies at every middleware.
        const procedure = call.procedure as AnyProcedure;
        const data: unknown = await procedure({
          path: call.path,
          getRawInput: call.getRawInput,
          ctx,
          type: 'query',
          signal: NEVER_ABORTED,
          batchIndex: call.batchIndex,
        });
        if (!isDataStream(data)) return { response: { result: { data } } };
        error = new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: STREAM_REFUSED });
      } catch (cause) {
        error = getTRPCErrorFromUnknown(cause);
        options.onError?.({ error, path: call.path, input: call.result(), ctx, type: 'query', req: request });
      }
      const shape = getErrorShape({ config, ctx, error, input: call.result(), path: call.path, type: 'query' });
      return { response: { error: shape }, error };
    }),
  );

  const responses = outcomes.map((outcome) => outcome.response);
  const untransformed = plan.isBatch ? responses : (responses[0] as TRPCResponse);
  let status = getHTTPStatusCode(untransformed);
  reply.header('vary', 'trpc-accept, accept');
  reply.header('content-type', 'application/json');
  const meta = options.responseMeta?.({
    ctx,
    info: {
      isBatchCall: plan.isBatch,
      accept: null,
      type: 'query',
      calls,
      connectionParams: null,
      signal: NEVER_ABORTED,
      url: null,
    },
    paths: plan.paths,
    type: 'query',
    data: responses,
    errors: outcomes.flatMap((outcome) => (outcome.error ? [outcome.error] : [])),
    eagerGeneration: false,
  });
  if (meta?.headers) {
    const entries = meta.headers instanceof Headers ? [...meta.headers] : Object.entries(meta.headers);
    for (const [name, value] of entries) if (value !== undefined) reply.header(name, value);
  }
  if (meta?.status) status = meta.status;
  reply.status(status);
  return reply.send(responseJson(transformTRPCResponse(config, untransformed)));
}

/**
 * `JSON.stringify` of the transformed response(s), with a kept answer's text (checkedOnce) written once rather than on
 * every call: 30 KiB of dashboard text was a fifth of a kept dashboard's CPU.
 */
function responseJson(transformed: unknown): string {
  if (!Array.isArray(transformed)) return oneResponseJson(transformed);
  return `[${transformed.map(oneResponseJson).join(',')}]`;
}

function oneResponseJson(response: unknown): string {
  const result = (response as { result?: { data?: unknown } }).result;
  const data = result?.data;
  const onlyData =
    result !== undefined && Object.keys(response as object).length === 1 && Object.keys(result).length === 1;
  return onlyData && isKeptSerialization(data)
    ? `{"result":{"data":${keptAnswerJson(data)}}}`
    : JSON.stringify(response);
}

/** The inputs by call index, decoded by the transformer (superjson), as tRPC's JSON content handler does. */
function decodeInputs(plan: QueryPlan, deserialize: (value: unknown) => unknown): Record<number, unknown> {
  const decoded: Record<number, unknown> = Object.create(null);
  if (!plan.input) return decoded;
  const parsed: unknown = JSON.parse(plan.input);
  if (!plan.isBatch) {
    decoded[0] = deserialize(parsed);
    return decoded;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: '"input" needs to be an object when doing a batch call' });
  }
  for (const index of plan.paths.keys()) {
    const input = (parsed as Record<number, unknown>)[index];
    if (input !== undefined) decoded[index] = deserialize(input);
  }
  return decoded;
}
