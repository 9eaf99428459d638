import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { type DataImportReport, IMPORT_MAX_BYTES } from './data-api';
import { DataSection } from './data-section';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

/** Stubs fetch with one handler per path (the query string is left out of the key). */
function stubFetch(handlers: Record<string, (call: Call) => Response | Promise<Response>>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (resource: RequestInfo | URL, init?: RequestInit) => {
    const url = String(resource);
    const call = { url, init };
    calls.push(call);
    const path = new URL(url, 'http://localhost').pathname;
    const handler = handlers[path];
    if (!handler) throw new Error(`unexpected fetch ${url}`);
    return handler(call);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetch: fetchMock };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderSection() {
  return render(
    <QueryClientProvider client={queryClient}>
      <DataSection />
    </QueryClientProvider>,
  );
}

function stubDownloads() {
  const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:export');
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  const downloads: string[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    downloads.push(this.download);
  });
  return { createObjectURL, downloads };
}

const zero = { created: 0, updated: 0, skipped: 0, failed: 0 };
function report(dryRun: boolean, mode: 'merge' | 'replace' = 'merge'): DataImportReport {
  return {
    dryRun,
    mode,
    counts: {
      settings: { ...zero, skipped: 1 },
      journal: { created: 12, updated: 1, skipped: 3, failed: 0 },
      exercises: zero,
      programs: zero,
      programDays: zero,
      programExercises: zero,
      workoutSessions: { ...zero, created: 2 },
      workoutSets: { ...zero, created: 20, failed: 1 },
      bodyWeights: zero,
      projects: zero,
      tasks: { ...zero, created: 5 },
      captures: zero,
      events: zero,
    },
    conflicts: [{ section: 'journal', id: 'j1', reason: 'Daily reflection on 2026-11-24 differs' }],
    conflictsTotal: 1,
    failures: [{ section: 'workoutSets', id: 's1', reason: 'Unknown session' }],
    failuresTotal: 1,
  };
}

function pick(content: string, name = 'lifeos-export.json') {
  const file = new File([content], name, { type: 'application/json' });
  fireEvent.change(screen.getByLabelText('Export file (JSON)'), { target: { files: [file] } });
  return file;
}

describe('Your data: export', () => {
  it('downloads the ZIP with the session cookies and CSRF header, named as the server says', async () => {
    const { downloads } = stubDownloads();
    const api = stubFetch({
      '/api/data/archive': () =>
        new Response(new Uint8Array([80, 75, 3, 4]), {
          headers: {
            'content-type': 'application/zip',
            'content-disposition': 'attachment; filename="lifeos-export-2026-11-25.zip"',
          },
        }),
    });
    renderSection();
    fireEvent.click(screen.getByRole('button', { name: 'Download ZIP' }));
    expect(await screen.findByText('Saved lifeos-export-2026-11-25.zip.')).toBeTruthy();
    expect(downloads).toEqual(['lifeos-export-2026-11-25.zip']);
    const init = api.calls[0]?.init;
    expect(init?.credentials).toBe('same-origin');
    expect(new Headers(init?.headers).get('x-lifeos-csrf')).toBe('1');
  });

  it('refreshes an expired access token once and retries the download', async () => {
    const { downloads } = stubDownloads();
    let exports = 0;
    const api = stubFetch({
      '/api/data/export': () => {
        exports++;
        return exports === 1
          ? json({ statusCode: 401, error: 'Unauthorized', message: 'Sign in to continue' }, 401)
          : new Response('{}', {
              headers: { 'content-disposition': 'attachment; filename="lifeos-export-2026-11-25.json"' },
            });
      },
      '/trpc/auth.refresh': () => json({ result: { data: { json: { ok: true } } } }),
    });
    renderSection();
    fireEvent.click(screen.getByRole('button', { name: 'Download JSON' }));
    expect(await screen.findByText('Saved lifeos-export-2026-11-25.json.')).toBeTruthy();
    expect(api.calls.map((c) => new URL(c.url, 'http://localhost').pathname)).toEqual([
      '/api/data/export',
      '/trpc/auth.refresh',
      '/api/data/export',
    ]);
    expect(downloads).toEqual(['lifeos-export-2026-11-25.json']);
  });

  it('says so when the export fails', async () => {
    stubDownloads();
    stubFetch({ '/api/data/archive': () => json({ statusCode: 500, error: 'Internal Server Error' }, 500) });
    renderSection();
    fireEvent.click(screen.getByRole('button', { name: 'Download ZIP' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/The export failed: Something went wrong/);
    expect((screen.getByRole('button', { name: 'Download ZIP' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('Your data: import', () => {
  it('previews the file (counts per kind, conflicts, failures), then imports it', async () => {
    const api = stubFetch({
      '/api/data/import': ({ url }) =>
        json(report(new URL(url, 'http://localhost').searchParams.get('dryRun') === 'true')),
    });
    renderSection();
    const importButton = () => screen.getByRole('button', { name: 'Import' }) as HTMLButtonElement;
    expect(importButton().disabled).toBe(true);
    const file = pick('{"format":"lifeos-export"}');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));

    const preview = await screen.findByRole('status', { name: 'Import preview' });
    const table = within(preview).getByRole('table', { name: /Preview — nothing has been written yet/ });
    const journal = within(table).getByRole('row', { name: /Journal entries/ });
    expect(
      within(journal)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['12', '1', '3', '0']);
    expect(within(table).getByRole('row', { name: /Sets/ }).textContent).toContain('20');
    // Kinds with nothing to do are left out.
    expect(within(table).queryByRole('row', { name: /Body weights/ })).toBeNull();
    expect(within(preview).getByText('Journal entries: Daily reflection on 2026-11-24 differs')).toBeTruthy();
    expect(within(preview).getByText('Sets: Unknown session')).toBeTruthy();

    const first = api.calls[0];
    expect(first?.url).toBe('/api/data/import?mode=merge&dryRun=true');
    expect(first?.init?.method).toBe('POST');
    expect(first?.init?.body).toBe(file);
    const headers = new Headers(first?.init?.headers);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('x-lifeos-csrf')).toBe('1');

    expect(importButton().disabled).toBe(false);
    fireEvent.click(importButton());
    const result = await screen.findByRole('status', { name: 'Import result' });
    expect(within(result).getByText(/Done\./)).toBeTruthy();
    expect(within(result).getByRole('table', { name: 'Imported' })).toBeTruthy();
    expect(api.calls[1]?.url).toBe('/api/data/import?mode=merge&dryRun=false');
  });

  it('warns before replacing, and needs a new preview after the mode changes', async () => {
    const api = stubFetch({
      '/api/data/import': ({ url }) => {
        const params = new URL(url, 'http://localhost').searchParams;
        return json(report(params.get('dryRun') === 'true', params.get('mode') as 'merge' | 'replace'));
      },
    });
    renderSection();
    pick('{}');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('status', { name: 'Import preview' });
    expect(screen.queryByRole('note')).toBeNull();

    fireEvent.click(screen.getByRole('radio', { name: /Replace/ }));
    expect(screen.getByRole('note').textContent).toMatch(/deletes this account's journal/);
    expect(screen.queryByRole('status', { name: 'Import preview' })).toBeNull();
    const replace = screen.getByRole('button', { name: 'Replace and import' }) as HTMLButtonElement;
    expect(replace.disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('status', { name: 'Import preview' });
    expect(api.calls[1]?.url).toBe('/api/data/import?mode=replace&dryRun=true');
    await waitFor(() => expect(replace.disabled).toBe(false));
  });

  it('shows the server’s message naming the first bad path, and imports nothing', async () => {
    const api = stubFetch({
      '/api/data/import': () =>
        json(
          {
            statusCode: 400,
            error: 'Bad Request',
            message: 'journal[3].entryDate: Expected a date as YYYY-MM-DD',
          },
          400,
        ),
    });
    renderSection();
    pick('{}');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The file could not be imported.');
    expect(alert.textContent).toContain('journal[3].entryDate: Expected a date as YYYY-MM-DD');
    expect((screen.getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
    expect(api.calls).toHaveLength(1);
  });

  it('refuses an empty or oversized file without uploading it', async () => {
    const api = stubFetch({});
    renderSection();
    pick('');
    expect((await screen.findByRole('alert')).textContent).toBe('The file is empty.');
    const big = new File(['{}'], 'big.json', { type: 'application/json' });
    Object.defineProperty(big, 'size', { value: IMPORT_MAX_BYTES + 1 });
    fireEvent.change(screen.getByLabelText('Export file (JSON)'), { target: { files: [big] } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/too large/);
    expect((screen.getByRole('button', { name: 'Preview' }) as HTMLButtonElement).disabled).toBe(true);
    expect(api.fetch).not.toHaveBeenCalled();
  });
});
