import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { mockTrpc } from '../../test/mock-trpc';
import { InboxPage } from './inbox-page';

const IDS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];

function capture(id: string, text: string) {
  const now = new Date();
  return {
    id,
    text,
    url: null,
    status: 'inbox',
    processedIntoKind: null,
    processedIntoId: null,
    processedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

function api(dueTime: string | null = null) {
  let inbox = [capture(IDS[0] ?? '', 'Call the dentist tomorrow !3'), capture(IDS[1] ?? '', 'Read the essay')];
  return mockTrpc({
    'captures.list': () => inbox,
    'captures.archive': (input) => {
      const { id } = input as { id: string };
      const found = inbox.find((c) => c.id === id);
      inbox = inbox.filter((c) => c.id !== id);
      return { ...found, status: 'archived' };
    },
    'captures.parse': () => ({
      title: 'Call the dentist',
      dueDate: '2026-03-11',
      dueTime,
      dueAt: null,
      dateText: 'tomorrow',
      labels: [],
      priority: 3,
      project: null,
      newProjectName: null,
    }),
    'projects.list': () => [],
    'captures.process': (input) => {
      const { id } = input as { id: string };
      inbox = inbox.filter((c) => c.id !== id);
      return { capture: { ...capture(id, ''), status: 'processed' }, createdProjectId: null };
    },
  });
}

function renderInbox() {
  const router = createMemoryRouter([{ path: '/inbox', Component: InboxPage }], { initialEntries: ['/inbox'] });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe('the inbox', () => {
  it('moves with j/k, archives with a, and opens a prefilled task form with t', async () => {
    const mock = api();
    renderInbox();
    const list = await screen.findByRole('list', { name: 'Captures' });
    const selected = () => list.querySelector('[aria-current="true"]')?.textContent ?? '';
    expect(selected()).toContain('Call the dentist');

    fireEvent.keyDown(document.body, { key: 'j' });
    await waitFor(() => expect(selected()).toContain('Read the essay'));
    fireEvent.keyDown(document.body, { key: 'a' });
    await screen.findByText('Archived.');
    expect(mock.callsTo('captures.archive').map((c) => c.input)).toEqual([{ id: IDS[1] }]);
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1));
    expect(selected()).toContain('Call the dentist');

    fireEvent.keyDown(document.body, { key: 't' });
    const title = await screen.findByLabelText('Title');
    expect((title as HTMLInputElement).value).toBe('Call the dentist');
    expect((screen.getByLabelText('Due date') as HTMLInputElement).value).toBe('2026-03-11');
    expect((screen.getByLabelText('Priority') as HTMLSelectElement).value).toBe('3');
  });

  it('processes a capture into an all-day event with the calendar’s form, started from the parsed date', async () => {
    const mock = api();
    renderInbox();
    await screen.findByRole('list', { name: 'Captures' });
    fireEvent.keyDown(document.body, { key: 'e' });
    const dialog = within(await screen.findByRole('dialog', { name: 'Make it an event' }));
    const form = within(await dialog.findByRole('form', { name: 'Event' }));
    expect((form.getByLabelText('Title') as HTMLInputElement).value).toBe('Call the dentist');
    expect((form.getByLabelText('All day') as HTMLInputElement).checked).toBe(true);
    expect((form.getByLabelText('First day') as HTMLInputElement).value).toBe('2026-03-11');
    expect((form.getByLabelText('Last day') as HTMLInputElement).value).toBe('2026-03-11');
    // captures.process takes one event: no repeat rule, no notes.
    expect(form.queryByLabelText('Repeats')).toBeNull();
    expect(form.queryByLabelText('Notes')).toBeNull();
    fireEvent.click(form.getByRole('button', { name: 'Add to calendar' }));
    await screen.findByText('Added to the calendar.');
    expect(mock.callsTo('captures.process').map((c) => c.input)).toEqual([
      {
        id: IDS[0],
        into: {
          kind: 'event',
          title: 'Call the dentist',
          location: null,
          allDay: true,
          startDate: '2026-03-11',
          endDate: '2026-03-11',
        },
      },
    ]);
  });

  it('processes a capture that names a time into an hour-long event at that time, in this browser’s zone', async () => {
    const mock = api('12:30');
    renderInbox();
    await screen.findByRole('list', { name: 'Captures' });
    fireEvent.keyDown(document.body, { key: 'e' });
    const form = within(await screen.findByRole('form', { name: 'Event' }));
    expect((form.getByLabelText('All day') as HTMLInputElement).checked).toBe(false);
    expect((form.getByLabelText('Starts') as HTMLInputElement).value).toBe('2026-03-11T12:30');
    expect((form.getByLabelText('Ends') as HTMLInputElement).value).toBe('2026-03-11T13:30');
    fireEvent.change(form.getByLabelText('Location'), { target: { value: 'Dr. Ruiz' } });
    fireEvent.click(form.getByRole('button', { name: 'Add to calendar' }));
    await screen.findByText('Added to the calendar.');
    expect(mock.callsTo('captures.process').map((c) => c.input)).toEqual([
      {
        id: IDS[0],
        into: {
          kind: 'event',
          title: 'Call the dentist',
          location: 'Dr. Ruiz',
          allDay: false,
          start: new Date(2026, 2, 11, 12, 30),
          end: new Date(2026, 2, 11, 13, 30),
          timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        },
      },
    ]);
  });
});
