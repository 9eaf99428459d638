/**
 * A stand-in for the API in component tests: stubs `fetch` and answers tRPC's wire format (batched and single
 * calls, superjson) from plain handler functions, recording every call with its decoded input and headers.
 */
import superjson from 'superjson';
import { vi } from 'vitest';

export class MockTrpcError extends Error {
  constructor(
    readonly code: keyof typeof HTTP_STATUS,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

const HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
} as const;

const JSON_RPC_CODE = {
  BAD_REQUEST: -32600,
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  NOT_FOUND: -32004,
  CONFLICT: -32009,
  TOO_MANY_REQUESTS: -32029,
  INTERNAL_SERVER_ERROR: -32603,
} as const;

export type Handler = (input: unknown) => unknown;

export interface RecordedCall {
  path: string;
  input: unknown;
  headers: Headers;
}

type WireInput = { json: unknown; meta?: unknown } | undefined;

function decode(wire: WireInput): unknown {
  return wire && 'json' in wire
    ? superjson.deserialize(wire as Parameters<typeof superjson.deserialize>[0])
    : undefined;
}

export function mockTrpc(handlers: Record<string, Handler>) {
  const calls: RecordedCall[] = [];
  const fetchMock = vi.fn(async (resource: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(resource), 'http://localhost');
    const paths = decodeURIComponent(url.pathname.replace(/^\/trpc\//, '')).split(',');
    const batch = url.searchParams.get('batch') === '1';
    const raw = init?.method === 'POST' ? init.body : url.searchParams.get('input');
    const parsed = typeof raw === 'string' && raw !== '' ? JSON.parse(raw) : undefined;
    const headers = new Headers(init?.headers);

    const results = await Promise.all(
      paths.map(async (path, index) => {
        const input = decode(batch ? parsed?.[index] : parsed);
        calls.push({ path, input, headers });
        try {
          const handler = handlers[path];
          if (!handler) throw new MockTrpcError('NOT_FOUND', `No mock for ${path}`);
          return { ok: true as const, body: { result: { data: superjson.serialize(await handler(input)) } } };
        } catch (error) {
          if (!(error instanceof MockTrpcError)) throw error;
          const shape = {
            message: error.message,
            code: JSON_RPC_CODE[error.code],
            data: { code: error.code, httpStatus: HTTP_STATUS[error.code], path, fieldErrors: error.fieldErrors },
          };
          return { ok: false as const, status: HTTP_STATUS[error.code], body: { error: superjson.serialize(shape) } };
        }
      }),
    );
    const failed = results.filter((r) => !r.ok);
    const status = failed.length === 0 ? 200 : failed.length === results.length ? (failed[0]?.status ?? 500) : 207;
    const body = batch ? results.map((r) => r.body) : results[0]?.body;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    fetch: fetchMock,
    /** The calls made to one procedure. */
    callsTo: (path: string) => calls.filter((c) => c.path === path),
  };
}
