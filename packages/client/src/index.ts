import type { AppRouter } from '@lifeos/api';
import { createTRPCClient, httpBatchLink, httpLink, splitLink, type TRPCClient, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';

export type { AppRouter };
export { TRPCClientError };

export interface LifeOsClientOptions {
  /** Where Life OS runs, e.g. http://localhost:3000 */
  baseUrl: string;
  /** An API key from Settings → API keys (`lifeos_…`). */
  apiKey?: string;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof globalThis.fetch;
}

export type LifeOsClient = TRPCClient<AppRouter>;

/**
 * A client for every Life OS procedure, typed from the server's router: `client.auth.me.query()`,
 * `client.settings.update.mutate({...})`. Dates cross the wire as `Date`.
 *
 * A mutation applied at most once, however often it is sent: `client.captures.create.mutate(input, { context:
 * { idempotencyKey } })` sends it alone with an `Idempotency-Key` header (the header is the request's, so a keyed call
 * is never batched with others).
 */
export function createLifeOsClient(options: LifeOsClientOptions): LifeOsClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/trpc`;
  const headers = () => ({
    ...options.headers,
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  });
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => idempotencyKeyOf(op.context) !== undefined,
        true: httpLink({
          url,
          transformer: superjson,
          headers: ({ op }) => ({ ...headers(), 'idempotency-key': idempotencyKeyOf(op.context) ?? '' }),
          ...fetchOption,
        }),
        false: httpBatchLink({ url, transformer: superjson, maxItems: 20, headers, ...fetchOption }),
      }),
    ],
  });
}

const idempotencyKeyOf = (context: Record<string, unknown>): string | undefined =>
  typeof context.idempotencyKey === 'string' ? context.idempotencyKey : undefined;

/**
 * Plain HTTP routes beside the procedures, for files larger than a procedure's answer or body: the export as one
 * streamed JSON document (what `data.import` and the import route read back), the same plus the journal as
 * Markdown, calendar.ics and CSV files as a ZIP, and the import of a document of any size.
 */
export const DATA_ROUTES = {
  json: '/api/data/export',
  zip: '/api/data/archive',
  import: '/api/data/import',
} as const;

/**
 * Starts downloading an export with the client's API key (any scope) and returns the response once the server
 * has accepted the request; its body streams, so pipe it to a file rather than reading it whole. A refused
 * request throws with the status and the server's message.
 */
export async function fetchExport(options: LifeOsClientOptions, format: 'json' | 'zip'): Promise<Response> {
  const fetcher = options.fetch ?? globalThis.fetch;
  const response = await fetcher(`${options.baseUrl.replace(/\/+$/, '')}${DATA_ROUTES[format]}`, {
    headers: { ...options.headers, ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: unknown } | null;
    const message = typeof body?.message === 'string' ? body.message : response.statusText;
    throw new Error(`Life OS answered ${response.status}: ${message}`);
  }
  return response;
}

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `NOT_FOUND`, …), or undefined for other errors. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
}
