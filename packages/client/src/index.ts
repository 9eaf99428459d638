import type { AppRouter } from '@lifeos/api';
import { createTRPCClient, httpBatchLink, type TRPCClient, TRPCClientError } from '@trpc/client';
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
 */
export function createLifeOsClient(options: LifeOsClientOptions): LifeOsClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        transformer: superjson,
        maxItems: 20,
        headers: () => ({
          ...options.headers,
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `NOT_FOUND`, …), or undefined for other errors. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
}
