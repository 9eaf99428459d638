import { QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { beforeAll, describe, expect, it } from 'vitest';
import { startOutbox } from '../../lib/outbox/writes';
import { queryClient } from '../../lib/trpc';
import { MockTrpcError, mockTrpc } from '../../test/mock-trpc';
import { ReflectionPage } from './reflection-page';

const USER_ID = '1b7c4a52-5a0e-4f55-8c1e-2a7b9d0e1f24';
const OPENED_AT = new Date('2026-03-10T08:00:00Z');
const THEIRS_AT = new Date('2026-03-10T09:00:00Z');

const reflection = (focus: string, updatedAt: Date) => ({
  id: USER_ID,
  type: 'daily_reflection',
  date: '2026-03-10',
  content: { wins: ['a walk'], challenges: [], gratitude: [], mood: 4, energy: 3, tomorrowFocus: focus },
  wordCount: 3,
  createdAt: OPENED_AT,
  updatedAt,
});

describe('the daily reflection', () => {
  beforeAll(() => startOutbox(USER_ID));

  it('refuses to overwrite a reflection changed elsewhere, and lets the writer load theirs or keep theirs', async () => {
    let changedElsewhere = false;
    const api = mockTrpc({
      'journal.streaks': () => ({
        today: '2026-03-10',
        weekStart: '2026-03-09',
        timezone: 'UTC',
        streaks: Object.fromEntries(
          ['morning_pages', 'daily_reflection', 'weekly_review'].map((t) => [
            t,
            { current: 0, longest: 0, lastDate: null, doneInPeriod: false },
          ]),
        ),
      }),
      'journal.get': () => (changedElsewhere ? reflection('theirs', THEIRS_AT) : reflection('mine', OPENED_AT)),
      'journal.upsert': (input) => {
        const { baseUpdatedAt, content } = input as { baseUpdatedAt: Date | null; content: object };
        if (changedElsewhere && baseUpdatedAt?.getTime() !== THEIRS_AT.getTime()) {
          throw new MockTrpcError('CONFLICT', 'This entry was changed elsewhere');
        }
        return { ...reflection('', new Date('2026-03-10T10:00:00Z')), content };
      },
    });
    const router = createMemoryRouter([{ path: '/journal/reflection/:date?', Component: ReflectionPage }], {
      initialEntries: ['/journal/reflection/2026-03-10'],
    });
    render(
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    const focus = (await screen.findByLabelText("Tomorrow's focus")) as HTMLInputElement;
    expect(focus.value).toBe('mine');

    // Another device saves meanwhile; this one's save is refused, not written over theirs.
    changedElsewhere = true;
    fireEvent.change(focus, { target: { value: 'mine, edited' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save reflection' })));
    await screen.findByText('This reflection was changed on another device since you opened it.');
    expect(api.callsTo('journal.upsert')[0]?.input).toMatchObject({ baseUpdatedAt: OPENED_AT });

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Load theirs' })));
    await waitFor(() => expect(focus.value).toBe('theirs'));

    // Writing on theirs now builds on their version, and is saved.
    fireEvent.change(focus, { target: { value: 'theirs, and mine' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save reflection' })));
    await screen.findByText('Saved.');
    expect(api.callsTo('journal.upsert').at(-1)?.input).toMatchObject({
      baseUpdatedAt: THEIRS_AT,
      content: { tomorrowFocus: 'theirs, and mine' },
    });
  });
});
