import type { TOccurrence } from '@lifeos/core/schemas';
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { MockTrpcError, mockTrpc } from '../../test/mock-trpc';
import { CalendarPage } from './calendar-page';

function renderCalendar() {
  const router = createMemoryRouter([{ path: '/calendar', Component: CalendarPage }], {
    initialEntries: ['/calendar'],
  });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

const now = new Date();
const occurrence = (title: string, start: Date): TOccurrence => ({
  eventId: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a01',
  seriesId: null,
  occurrenceStart: null,
  detached: false,
  title,
  description: null,
  location: null,
  allDay: false,
  start,
  end: new Date(start.getTime() + 30 * 60_000),
  startDate: null,
  endDate: null,
  timezone: 'UTC',
  rrule: null,
  subscriptionId: null,
});
const settings = { weekStart: 'monday', timezone: 'UTC' };

describe('calendar page', () => {
  it('says when the server cut the list, up to when it is complete, and how to see more', async () => {
    queryClient.clear();
    const completeUntil = new Date(now.getFullYear(), now.getMonth(), 1, 9, 30);
    mockTrpc({
      'settings.get': () => settings,
      'calendar.events.list': () => ({
        items: [occurrence('Standup', new Date(completeUntil.getTime() - 60 * 60_000))],
        truncated: true,
        completeUntil,
      }),
    });
    renderCalendar();
    const notice = await screen.findByText(/Showing events up to/);
    // Announced without taking focus.
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain(
      completeUntil.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    );
    expect(notice.textContent).toContain('narrow the range to see more');
    expect(await screen.findByRole('button', { name: /Standup/ })).toBeTruthy();
  });

  it('says nothing of the kind when the list is complete', async () => {
    queryClient.clear();
    mockTrpc({
      'settings.get': () => settings,
      'calendar.events.list': (input) => ({
        items: [occurrence('Standup', now)],
        truncated: false,
        completeUntil: (input as { to: Date }).to,
      }),
    });
    renderCalendar();
    expect(await screen.findByRole('button', { name: /Standup/ })).toBeTruthy();
    expect(screen.queryByText(/Showing events up to/)).toBeNull();
  });

  it('creates an event with the event form: the schema speaks first, then the server next to the field it names', async () => {
    queryClient.clear();
    let refuse = true;
    const mock = mockTrpc({
      'settings.get': () => settings,
      'calendar.events.list': (input) => ({ items: [], truncated: false, completeUntil: (input as { to: Date }).to }),
      'calendar.agenda': () => ({ items: [], truncated: false, completeUntil: now }),
      'calendar.events.create': () => {
        if (refuse) {
          refuse = false;
          throw new MockTrpcError('BAD_REQUEST', 'Invalid input', { location: ['Say where in fewer words'] });
        }
        return {};
      },
    });
    renderCalendar();
    fireEvent.click(await screen.findByRole('button', { name: 'New event' }));
    const form = within(await screen.findByRole('form', { name: 'Event' }));
    fireEvent.click(form.getByRole('button', { name: 'Save event' }));
    expect(await form.findByText('Give the event a title')).toBeTruthy();
    expect(mock.callsTo('calendar.events.create')).toHaveLength(0);

    fireEvent.change(form.getByLabelText('Title'), { target: { value: 'Weekly sync' } });
    fireEvent.change(form.getByLabelText('Repeats'), { target: { value: 'weekly' } });
    fireEvent.change(form.getByLabelText('Location'), { target: { value: 'Room 4' } });
    fireEvent.click(form.getByRole('button', { name: 'Save event' }));
    expect(await form.findByText('Say where in fewer words')).toBeTruthy();

    fireEvent.click(form.getByRole('button', { name: 'Save event' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Event' })).toBeNull());
    const [, saved = {}] = mock.callsTo('calendar.events.create').map((c) => c.input as Record<string, unknown>);
    expect(saved).toMatchObject({
      title: 'Weekly sync',
      description: null,
      location: 'Room 4',
      allDay: false,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      recurrence: { freq: 'weekly', interval: 1 },
    });
    expect((saved.end as Date).getTime() - (saved.start as Date).getTime()).toBe(60 * 60_000);
  });
});
