/**
 * How the panel talks to the API: the procedure list, and an untyped tRPC client (any path, any input) that
 * sends what the web app sends — same-origin cookies and the CSRF header — or, when an API key is given, only
 * `Authorization: Bearer <key>`, the way a personal script calls.
 */
import { createTRPCUntypedClient, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { ProcedureDescription } from './schema';

export async function fetchProcedures(): Promise<ProcedureDescription[]> {
  const response = await fetch('/api/panel/procedures', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`GET /api/panel/procedures answered ${response.status}`);
  return (await response.json()) as ProcedureDescription[];
}

export function createCaller(apiKey: string) {
  const key = apiKey.trim();
  const client = createTRPCUntypedClient({
    links: [
      httpLink({
        url: '/trpc',
        transformer: superjson,
        headers: () => (key ? { authorization: `Bearer ${key}` } : { 'x-lifeos-csrf': '1' }),
        // With a key, leave the session cookies out so the call is exactly what a script would make.
        fetch: (input, init) => fetch(input, { ...init, credentials: key ? 'omit' : 'same-origin' }),
      }),
    ],
  });
  return (procedure: Pick<ProcedureDescription, 'path' | 'type'>, input: unknown): Promise<unknown> => {
    if (procedure.type === 'query') return client.query(procedure.path, input);
    if (procedure.type === 'mutation') return client.mutation(procedure.path, input);
    return Promise.reject(new Error('Subscriptions cannot be run from the panel'));
  };
}

export interface CallError {
  code?: string;
  httpStatus?: number;
  message: string;
  /** Messages per input field, from the server's zod validation. */
  fieldErrors?: Record<string, string[] | undefined>;
}

/** The parts of a failed call worth showing. */
export function describeError(error: unknown): CallError {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as Partial<CallError>;
    return {
      code: data.code,
      httpStatus: data.httpStatus,
      message: error.message,
      ...(data.fieldErrors ? { fieldErrors: data.fieldErrors } : {}),
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
