/**
 * Raw tRPC calls over HTTP, for tests that must control every header and byte (security checks, the router walk):
 * the wire format the tRPC client speaks (superjson), without its types.
 */
import superjson from 'superjson';
import { APP_ORIGIN } from './harness.js';

/** The headers the web app sends with every request. */
export const PAGE_HEADERS: Record<string, string> = { origin: APP_ORIGIN, 'x-lifeos-csrf': '1' };

export type ProcedureType = 'query' | 'mutation';

export interface CallResult {
  /** HTTP status of the whole response. */
  status: number;
  headers: Headers;
  /** tRPC error code (`UNAUTHORIZED`, …), or undefined on success or when the answer is not tRPC's. */
  code: string | undefined;
  message: string | undefined;
  /** The deserialized result on success. */
  data: unknown;
  /** The answer exactly as received (parsed JSON, or text). */
  body: unknown;
}

interface Envelope {
  result?: { data?: unknown };
  error?: unknown;
}

function readEnvelope(envelope: Envelope | undefined): Pick<CallResult, 'code' | 'message' | 'data'> {
  if (envelope?.error !== undefined) {
    const error = superjson.deserialize(envelope.error as never) as {
      message?: string;
      data?: { code?: string };
    } | null;
    return { code: error?.data?.code, message: error?.message, data: undefined };
  }
  if (envelope?.result) {
    return { code: undefined, message: undefined, data: superjson.deserialize(envelope.result.data as never) };
  }
  return { code: undefined, message: undefined, data: undefined };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface CallOptions {
  type: ProcedureType;
  /** Omitted when undefined. */
  input?: unknown;
  /** Sent as the input exactly as given (already superjson-shaped JSON), instead of `input`. */
  rawInput?: string;
  headers?: Record<string, string>;
  /** Defaults to the global fetch; pass a browser's cookie fetch to send its cookies. */
  fetch?: typeof fetch;
}

function encodeInput(input: unknown): string {
  return JSON.stringify(superjson.serialize(input));
}

/** One procedure call: a GET for a query, a JSON POST for a mutation. */
export async function call(baseUrl: string, path: string, options: CallOptions): Promise<CallResult> {
  const doFetch = options.fetch ?? fetch;
  const encoded = options.rawInput ?? (options.input === undefined ? undefined : encodeInput(options.input));
  let response: Response;
  if (options.type === 'query') {
    const query = encoded === undefined ? '' : `?input=${encodeURIComponent(encoded)}`;
    response = await doFetch(`${baseUrl}/trpc/${path}${query}`, { headers: options.headers ?? {} });
  } else {
    response = await doFetch(`${baseUrl}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      ...(encoded === undefined ? {} : { body: encoded }),
    });
  }
  const body = await readBody(response);
  const envelope = body && typeof body === 'object' && !Array.isArray(body) ? (body as Envelope) : undefined;
  return { status: response.status, headers: response.headers, body, ...readEnvelope(envelope) };
}

/** Several calls of one type in one batched HTTP request, as httpBatchLink sends them. */
export async function batch(
  baseUrl: string,
  calls: { path: string; input?: unknown }[],
  options: Omit<CallOptions, 'input'>,
): Promise<{ status: number; results: CallResult[] }> {
  const doFetch = options.fetch ?? fetch;
  const inputs = Object.fromEntries(
    calls.flatMap((c, index) => (c.input === undefined ? [] : [[String(index), superjson.serialize(c.input)]])),
  );
  const url = `${baseUrl}/trpc/${calls.map((c) => c.path).join(',')}?batch=1`;
  const response =
    options.type === 'query'
      ? await doFetch(`${url}&input=${encodeURIComponent(JSON.stringify(inputs))}`, { headers: options.headers ?? {} })
      : await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify(inputs),
        });
  const body = await readBody(response);
  if (!Array.isArray(body)) throw new Error(`expected a batch answer, got ${response.status} ${JSON.stringify(body)}`);
  return {
    status: response.status,
    results: body.map((item) => ({
      status: response.status,
      headers: response.headers,
      body: item,
      ...readEnvelope(item as Envelope),
    })),
  };
}
