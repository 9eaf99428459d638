import { TRPCClientError } from '@trpc/client';
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { errorCode } from './trpc';

/** A sentence a person can act on, for any failed call. */
export function errorMessage(error: unknown): string {
  const code = errorCode(error);
  if (code === 'INTERNAL_SERVER_ERROR') return 'Something went wrong on our side. Try again in a moment.';
  if (code === undefined) {
    if (error instanceof TRPCClientError || error instanceof TypeError) {
      return 'Could not reach Life OS. Check your connection and try again.';
    }
    return error instanceof Error ? error.message : 'Something went wrong.';
  }
  return error instanceof Error && error.message ? error.message : 'Something went wrong.';
}

/** Zod's flattened field errors that the API attaches to BAD_REQUEST answers. */
export function serverFieldErrors(error: unknown): Record<string, string[] | undefined> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = error.data as { fieldErrors?: Record<string, string[] | undefined> } | undefined;
  return data?.fieldErrors ?? {};
}

/**
 * Shows a failed submission in the form: each server field error next to its field (when the form has that
 * field), anything else as the form's own error (`errors.root.server`). Returns true when a field got an error.
 */
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): boolean {
  const fieldErrors = serverFieldErrors(error);
  let first = true;
  let applied = false;
  for (const field of fields) {
    const message = fieldErrors[field]?.[0];
    if (!message) continue;
    setError(field, { type: 'server', message }, { shouldFocus: first });
    first = false;
    applied = true;
  }
  if (!applied) setError('root.server', { type: 'server', message: errorMessage(error) });
  return applied;
}
