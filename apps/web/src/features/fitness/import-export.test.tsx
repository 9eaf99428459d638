import type { TCsvImportReport } from '@lifeos/core/schemas';
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { mockTrpc } from '../../test/mock-trpc';
import { CSV_MAX_CHARS, FitnessImportExport } from './import-export';

afterEach(() => {
  queryClient.clear();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function renderSection() {
  return render(
    <QueryClientProvider client={queryClient}>
      <FitnessImportExport />
    </QueryClientProvider>,
  );
}

function pick(text: string) {
  const file = new File([text], 'strong.csv', { type: 'text/csv' });
  fireEvent.change(screen.getByLabelText('Strong or Hevy CSV'), { target: { files: [file] } });
}

const CSV = 'Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n2024-01-01 10:00:00,Push,Bench Press,1,60,5\n';

describe('CSV import and export', () => {
  it('previews a file and shows the report, then imports it', async () => {
    const report = (dryRun: boolean): TCsvImportReport => ({
      dryRun,
      sessions: 3,
      sets: 42,
      alreadyImported: 1,
      exercisesCreated: ['Cable Fly'],
      skippedRows: [{ row: 7, reason: 'No exercise name' }],
      warnings: [{ row: 9, reason: 'RPE 12 is out of range and was left out' }],
    });
    const api = mockTrpc({
      'fitness.import.csv': (input) => report((input as { dryRun: boolean }).dryRun),
    });
    renderSection();
    expect((screen.getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
    pick(CSV);
    const preview = screen.getByRole('button', { name: 'Preview' }) as HTMLButtonElement;
    await waitFor(() => expect(preview.disabled).toBe(false));
    fireEvent.click(preview);

    expect(await screen.findByText('Would import')).toBeTruthy();
    expect(screen.getByText(/3 workouts, 42 sets\./)).toBeTruthy();
    expect(screen.getByText(/1 workout already imported/)).toBeTruthy();
    expect(screen.getByText('Cable Fly')).toBeTruthy();
    expect(screen.getByText('Row 7: No exercise name')).toBeTruthy();
    expect(screen.getByText('Row 9: RPE 12 is out of range and was left out')).toBeTruthy();
    expect(api.callsTo('fitness.import.csv')[0]?.input).toEqual({ csv: CSV, dryRun: true });

    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Imported')).toBeTruthy();
    expect(api.callsTo('fitness.import.csv')[1]?.input).toEqual({ csv: CSV, dryRun: false });
  });

  it('refuses an oversized file without calling the API', async () => {
    const api = mockTrpc({ 'fitness.import.csv': () => ({}) });
    renderSection();
    pick('x'.repeat(CSV_MAX_CHARS + 1));
    expect((await screen.findByRole('alert')).textContent).toMatch(/too large/);
    expect((screen.getByRole('button', { name: 'Preview' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it('downloads the export as a dated CSV file', async () => {
    mockTrpc({ 'fitness.export.csv': () => ({ csv: 'a,b\n1,2\n', filename: 'workouts.csv' }) });
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:csv');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderSection();
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalledOnce());
    const anchor = click.mock.contexts[0] as HTMLAnchorElement;
    expect(anchor.download).toMatch(/^lifeos-workouts-\d{4}-\d{2}-\d{2}\.csv$/);
    const blob = createObjectURL.mock.calls[0]?.[0] as Blob;
    expect(await blob.text()).toBe('a,b\n1,2\n');
  });
});
