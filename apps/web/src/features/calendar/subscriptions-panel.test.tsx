import type { TSubscription } from '@lifeos/core/schemas';
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { mockTrpc } from '../../test/mock-trpc';
import { SubscriptionsSection } from './subscriptions-panel';

const subscription = (overrides: Partial<TSubscription>): TSubscription => ({
  id: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a01',
  name: 'Team',
  url: 'https://example.com/team.ics',
  color: null,
  lastRefreshedAt: new Date(),
  lastError: null,
  lastErrorAt: null,
  nextRefreshAt: new Date(Date.now() + 60 * 60_000),
  eventCount: 1,
  skipped: [],
  skippedTotal: 0,
  createdAt: new Date(),
  ...overrides,
});

async function renderOpened(subscriptions: TSubscription[]) {
  queryClient.clear();
  mockTrpc({ 'calendar.subscriptions.list': () => subscriptions });
  render(
    <QueryClientProvider client={queryClient}>
      <SubscriptionsSection />
    </QueryClientProvider>,
  );
  // The section loads its list once it is opened.
  const section = screen.getByText('Subscribed calendars').closest('details') as HTMLDetailsElement;
  section.open = true;
  fireEvent(section, new Event('toggle'));
  return within(await screen.findByRole('list', { name: 'Subscribed calendars' }));
}

describe('subscribed calendars', () => {
  it('says how many of the feed’s events could not be shown, and lists each with the reason', async () => {
    const list = await renderOpened([
      subscription({
        skipped: [
          {
            uid: 'never@test',
            summary: 'Every 30 February',
            reason: 'Recurrence rule (RRULE) "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30" never occurs',
          },
          { uid: 'broken@test', summary: null, reason: 'Malformed event: it has no matching END:VEVENT' },
        ],
        skippedTotal: 2,
      }),
    ]);
    const toggle = list.getByText('2 events could not be shown');
    // A native disclosure: a keyboard- and screen-reader-operable toggle, closed until asked.
    expect(toggle.tagName).toBe('SUMMARY');
    const disclosure = toggle.closest('details') as HTMLDetailsElement;
    expect(disclosure.open).toBe(false);
    const items = within(within(disclosure).getByRole('list', { name: 'Events that could not be shown' }))
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual([
      'Every 30 February: Recurrence rule (RRULE) "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30" never occurs',
      'broken@test: Malformed event: it has no matching END:VEVENT',
    ]);
  });

  it('says when the list shows only the first of them', async () => {
    const list = await renderOpened([
      subscription({
        skipped: [{ uid: 'a@test', summary: 'A', reason: 'Unreadable' }],
        skippedTotal: 150,
      }),
    ]);
    expect(list.getByText('150 events could not be shown')).toBeTruthy();
    expect(list.getByText('The first 1:')).toBeTruthy();
  });

  it('says nothing of the kind when every event is shown', async () => {
    const list = await renderOpened([subscription({ name: 'Holidays' })]);
    expect(list.getByText('Holidays')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText(/could not be shown/)).toBeNull());
  });
});
