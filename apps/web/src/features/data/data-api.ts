/**
 * The data routes are plain HTTP, not tRPC: the export streams a file far larger than a tRPC answer, and the import
 * takes a document far larger than tRPC's 1 MiB body. They take the same credentials — the session cookies with
 * the CSRF header (which the API wants on cookie requests, reads included, so a plain link would be refused) —
 * and an expired access token is refreshed once with the same shared refresh the tRPC client uses.
 */
import type { TDataExportSection, TDataImportMode } from '@lifeos/core/schemas';
import { CSRF_HEADERS, refreshSession } from '../../lib/trpc';

export const EXPORT_JSON_URL = '/api/data/export';
export const EXPORT_ZIP_URL = '/api/data/archive';
export const IMPORT_URL = '/api/data/import';

/** The import route's default body limit; a larger file is refused here, before it is uploaded. */
export const IMPORT_MAX_BYTES = 256 * 1024 * 1024;

interface ImportCounts {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

interface ImportIssue {
  section: string;
  id: string;
  reason: string;
}

/**
 * What the import answers (core's data `ZImportReport`). Restated here because the schemas entry also exports the
 * calendar's `DataImportReport`, and of two `export *` of one name neither reaches this package.
 */
export interface DataImportReport {
  dryRun: boolean;
  mode: TDataImportMode;
  counts: Record<TDataExportSection | 'settings', ImportCounts>;
  conflicts: ImportIssue[];
  conflictsTotal: number;
  failures: ImportIssue[];
  failuresTotal: number;
}

export class DataRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DataRequestError';
  }
}

/** Same-origin fetch with the cookies and CSRF header; after a 401, one silent refresh and one retry. */
export async function fetchWithSession(url: string, init: RequestInit = {}): Promise<Response> {
  const send = () =>
    globalThis.fetch(url, {
      ...init,
      credentials: 'same-origin',
      headers: { ...CSRF_HEADERS, ...(init.headers as Record<string, string> | undefined) },
    });
  let response: Response;
  try {
    response = await send();
  } catch {
    throw new DataRequestError('Could not reach Life OS. Check your connection and try again.', 0);
  }
  if (response.status !== 401) return response;
  const outcome = await refreshSession();
  if (outcome === 'expired') throw new DataRequestError('Your session has ended. Sign in again to continue.', 401);
  if (outcome === 'failed')
    throw new DataRequestError('Could not reach Life OS. Check your connection and try again.', 0);
  return send();
}

/** The server's JSON error (`{ message }`) as a sentence, or one that fits the status. */
async function failure(response: Response): Promise<DataRequestError> {
  let message = '';
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON (a proxy's error page): fall back to the status.
  }
  if (!message || response.status >= 500) {
    message =
      response.status === 413
        ? 'The file is too large for this server.'
        : response.status === 401
          ? 'Your session has ended. Sign in again to continue.'
          : response.status === 403
            ? 'Life OS refused the request. Reload the page and try again.'
            : response.status >= 500
              ? 'Something went wrong on our side. Try again in a moment.'
              : message || `The request failed (${response.status}).`;
  }
  return new DataRequestError(message, response.status);
}

/** `attachment; filename="lifeos-export-2026-11-25.zip"` → the file name. */
export function filenameOf(contentDisposition: string | null, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(contentDisposition ?? '');
  return match?.[1] ?? fallback;
}

/**
 * Downloads an export and hands it to the browser as a file. It is read into a Blob first: a link would send the
 * cookies without the CSRF header the API requires, so the browser cannot fetch it on its own.
 */
export async function downloadExport(url: string, fallbackName: string): Promise<string> {
  const response = await fetchWithSession(url);
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const filename = filenameOf(response.headers.get('content-disposition'), fallbackName);
  const objectUrl = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = objectUrl;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked on the next tick: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(objectUrl), 0);
  return filename;
}

/** Sends the file itself as the body (the browser streams it; it is never read into a string here). */
export async function importDocument(
  file: Blob,
  options: { mode: TDataImportMode; dryRun: boolean },
): Promise<DataImportReport> {
  const query = new URLSearchParams({ mode: options.mode, dryRun: String(options.dryRun) });
  const response = await fetchWithSession(`${IMPORT_URL}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: file,
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as DataImportReport;
}
