import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { theOutbox } from '../../lib/outbox/writes';
import { queryClient } from '../../lib/trpc';
import { mockTrpc } from '../../test/mock-trpc';
import { QuickCapture } from './quick-capture';

const CAPTURE_ID = '6f1c3b52-5a0e-4f55-8c1e-2a7b9d0e1f23';

function api(online: () => boolean) {
  return mockTrpc({
    'captures.parse': () => ({
      title: 'Write the launch post',
      dueDate: null,
      dueTime: null,
      dueAt: null,
      dateText: null,
      labels: ['writing'],
      priority: null,
      project: null,
      newProjectName: 'Launch',
    }),
    'captures.create': (input) => {
      if (!online()) throw new TypeError('Failed to fetch');
      const { text } = input as { text: string };
      const now = new Date();
      return {
        id: CAPTURE_ID,
        text,
        url: null,
        status: 'inbox',
        processedIntoKind: null,
        processedIntoId: null,
        processedAt: null,
        createdAt: now,
        updatedAt: now,
      };
    },
  });
}

function renderShell() {
  const router = createMemoryRouter(
    [
      {
        path: '/',
        element: (
          <>
            <input aria-label="Somewhere else" />
            <QuickCapture />
          </>
        ),
      },
    ],
    { initialEntries: ['/'] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

beforeAll(() => theOutbox().setUser('6f1c3b52-5a0e-4f55-8c1e-2a7b9d0e1f00'));
afterEach(() => window.localStorage.clear());

describe('quick capture', () => {
  it('opens with c (not while typing), shows the proposal, and keeps a capture made offline in the outbox until sent', async () => {
    let online = false;
    const mock = api(() => online);
    renderShell();

    fireEvent.keyDown(screen.getByLabelText('Somewhere else'), { key: 'c' });
    expect(screen.queryByLabelText('What is on your mind?')).toBeNull();
    fireEvent.keyDown(document.body, { key: 'c' });
    const box = await screen.findByLabelText('What is on your mind?');

    fireEvent.change(box, { target: { value: 'Write the launch post +Launch #writing' } });
    await screen.findByText('+Launch (new project)');
    expect(screen.getByText('#writing')).toBeTruthy();

    // Offline, the capture is kept on the device (the outbox) and the dialog closes: nothing typed is lost.
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(screen.queryByLabelText('What is on your mind?')).toBeNull());
    expect(window.localStorage.getItem('lifeos:capture-draft')).toBeNull();
    await waitFor(() => expect(theOutbox().snapshot().pending[0]?.attempts).toBe(1));

    online = true;
    await theOutbox().drain(true);
    await waitFor(() => expect(theOutbox().snapshot().pending).toHaveLength(0));
    const calls = mock.callsTo('captures.create');
    expect(calls.map((c) => c.input)).toEqual([
      { text: 'Write the launch post +Launch #writing' },
      { text: 'Write the launch post +Launch #writing' },
    ]);
    // One write, one key: sent twice, applied once by the server.
    const keys = calls.map((c) => c.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});
