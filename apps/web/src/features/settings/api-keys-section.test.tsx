import type { TApiKey } from '@lifeos/core/schemas';
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { MockTrpcError, mockTrpc } from '../../test/mock-trpc';
import { ApiKeysSection } from './api-keys-section';
import { NewKeyPanel } from './new-key-panel';

const SECRET = 'lifeos_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u';
const ME = {
  id: '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  username: 'ada',
  email: 'ada@example.com',
  displayName: 'Ada',
};

function renderNewKey(onDone: () => void = () => {}) {
  mockTrpc({ 'auth.me': () => ME });
  render(
    <QueryClientProvider client={queryClient}>
      <NewKeyPanel name="backup" secret={SECRET} onDone={onDone} />
    </QueryClientProvider>,
  );
}

function stubClipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('the new API key panel', () => {
  it('shows the key once, with a warning, and copies it to the clipboard', async () => {
    const writeText = vi.fn(async () => {});
    stubClipboard(writeText);
    const onDone = vi.fn();
    renderNewKey(onDone);

    expect((screen.getByLabelText('New API key') as HTMLInputElement).value).toBe(SECRET);
    expect(screen.getByText(/only time it is shown/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeTruthy();
    expect(screen.getByText('Copied the key to the clipboard.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'I have saved it' }));
    expect(onDone).toHaveBeenCalledOnce();
  });

  it('selects the key for a manual copy when the clipboard is not available', async () => {
    stubClipboard(async () => {
      throw new Error('denied');
    });
    renderNewKey();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText(/the key is selected, press Ctrl\+C/)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('New API key'));
  });

  it('offers the CalDAV server URL and username beside the key, each with its own Copy button', async () => {
    const writeText = vi.fn(async () => {});
    stubClipboard(writeText);
    renderNewKey();
    const panel = screen.getByRole('region', { name: 'Your new API key “backup”' });
    const url = (await within(panel).findByLabelText('Server URL')) as HTMLInputElement;
    expect(url.value).toBe(`${window.location.origin}/dav/`);
    expect((within(panel).getByLabelText('Username') as HTMLInputElement).value).toBe('ada');
    expect(within(panel).getByRole('link', { name: 'Sync with your phone' }).getAttribute('href')).toBe('#caldav');

    // Three buttons, three names: the key's stays "Copy", right after the key's field.
    fireEvent.click(within(panel).getByRole('button', { name: 'Copy' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Copy server URL' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Copy username' }));
    await waitFor(() => expect(writeText.mock.calls).toEqual([[SECRET], [url.value], ['ada']]));
    expect(await within(panel).findByRole('button', { name: 'Copied username' })).toBeTruthy();
    expect(within(panel).getByRole('button', { name: 'Copied' })).toBeTruthy();
  });
});

describe('API keys section', () => {
  it('creates a key, shows it once, and lists it by prefix', async () => {
    const keys: TApiKey[] = [];
    const api = mockTrpc({
      'auth.me': () => ME,
      'apiKeys.list': () => keys,
      'apiKeys.create': (input) => {
        const { name, scope, expiresAt } = input as { name: string; scope: 'read' | 'write'; expiresAt?: Date };
        const apiKey: TApiKey = {
          id: '0b7c4a52-5a0e-4f55-8c1e-2a7b9d0e1f23',
          name,
          prefix: SECRET.slice(0, 13),
          scope,
          modules: {},
          journalText: true,
          createdAt: new Date(),
          lastUsedAt: null,
          expiresAt: expiresAt ?? null,
          revokedAt: null,
        };
        keys.push(apiKey);
        return { key: SECRET, apiKey };
      },
    });
    const writeText = vi.fn(async () => {});
    stubClipboard(writeText);
    render(
      <QueryClientProvider client={queryClient}>
        <ApiKeysSection />
      </QueryClientProvider>,
    );

    expect(await screen.findByText('No API keys yet')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByText('Give the key a name')).toBeTruthy();
    expect(api.callsTo('apiKeys.create')).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'backup script' } });
    fireEvent.change(screen.getByLabelText('Access'), { target: { value: 'write' } });
    fireEvent.change(screen.getByLabelText('Expires'), { target: { value: '30' } });
    fireEvent.click(screen.getByLabelText(/Can read journal text/));
    fireEvent.change(screen.getByLabelText('Journal'), { target: { value: 'none' } });
    fireEvent.change(screen.getByLabelText('Tasks'), { target: { value: 'read' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));

    const shown = (await screen.findByLabelText('New API key')) as HTMLInputElement;
    expect(shown.value).toBe(SECRET);
    const input = api.callsTo('apiKeys.create')[0]?.input as { name: string; scope: string; expiresAt: Date };
    expect(input.name).toBe('backup script');
    expect(input.scope).toBe('write');
    expect(input.expiresAt).toBeInstanceOf(Date);
    expect(input.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    // Modules left "as above" are left out; the journal-text box unticked is a key without journal text.
    expect(input).toMatchObject({ modules: { journal: 'none', tasks: 'read' }, journalText: false });

    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));

    // The list was refetched (narrowly) and shows the key by its prefix, never the key itself.
    const list = await screen.findByRole('list', { name: 'Active API keys' });
    expect(within(list).getByText('backup script')).toBeTruthy();
    expect(within(list).getByText(`${SECRET.slice(0, 13)}…`)).toBeTruthy();
    expect(list.textContent).not.toContain(SECRET);

    // Once dismissed, the key is gone from the page for good.
    fireEvent.click(screen.getByRole('button', { name: 'I have saved it' }));
    expect(screen.queryByLabelText('New API key')).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('shows an error state with a retry when the list fails', async () => {
    let fail = true;
    mockTrpc({
      'apiKeys.list': () => {
        if (fail) throw new MockTrpcError('INTERNAL_SERVER_ERROR', 'Something went wrong on our side');
        return [];
      },
    });
    render(
      <QueryClientProvider client={queryClient}>
        <ApiKeysSection />
      </QueryClientProvider>,
    );
    expect(await screen.findByText('This could not be loaded')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No API keys yet')).toBeTruthy();
  });
});
