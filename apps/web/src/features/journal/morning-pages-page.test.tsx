import { QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOutbox, theOutbox } from '../../lib/outbox/writes';
import { queryClient } from '../../lib/trpc';
import { MockTrpcError, mockTrpc } from '../../test/mock-trpc';
import { MorningPagesPage } from './morning-pages-page';

const USER_ID = '0b7c4a52-5a0e-4f55-8c1e-2a7b9d0e1f23';
const DRAFT_KEY = `lifeos.journal.draft.${USER_ID}.2026-03-10`;

const THEIRS_AT = new Date('2026-03-10T09:00:00Z');

function api(options: { online: () => boolean; savedText?: string; changedElsewhere?: () => boolean }) {
  return mockTrpc({
    'auth.me': () => ({ id: USER_ID, username: 'ada', email: 'ada@example.com', displayName: 'Ada' }),
    'settings.get': () => ({
      username: 'ada',
      email: 'ada@example.com',
      displayName: 'Ada',
      timezone: 'UTC',
      weekStart: 'monday',
      units: 'metric',
      journalWordGoal: 5,
      theme: 'system',
    }),
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
    'journal.get': () =>
      options.savedText === undefined
        ? null
        : {
            id: USER_ID,
            type: 'morning_pages',
            date: '2026-03-10',
            content: { text: options.savedText },
            wordCount: 1,
            createdAt: new Date(),
            updatedAt: options.changedElsewhere?.() ? THEIRS_AT : new Date('2026-03-10T08:00:00Z'),
          },
    'journal.upsert': (input) => {
      if (!options.online()) throw new TypeError('Failed to fetch');
      const base = (input as { baseUpdatedAt?: Date | null }).baseUpdatedAt;
      if (options.changedElsewhere?.() && base?.getTime() !== THEIRS_AT.getTime()) {
        throw new MockTrpcError('CONFLICT', 'This entry was changed elsewhere');
      }
      const { content } = input as { content: { text: string } };
      return {
        id: USER_ID,
        type: 'morning_pages',
        date: '2026-03-10',
        content,
        wordCount: 2,
        createdAt: new Date(),
        updatedAt: new Date(),
      };
    },
  });
}

function renderPage() {
  const router = createMemoryRouter([{ path: '/journal/morning-pages/:date?', Component: MorningPagesPage }], {
    initialEntries: ['/journal/morning-pages'],
  });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

beforeAll(() => startOutbox(USER_ID));
afterEach(() => window.localStorage.clear());

describe('the morning pages editor', () => {
  it('keeps typed text while offline, says so, and saves it once the network is back', async () => {
    let online = false;
    const mock = api({ online: () => online });
    renderPage();
    const editor = (await screen.findByLabelText(/Morning pages for/)) as HTMLTextAreaElement;
    expect(screen.getByText('Saved')).toBeTruthy();

    fireEvent.change(editor, { target: { value: 'Hello there, world' } });
    expect(screen.getByText('Saving…')).toBeTruthy();
    expect(screen.getByText('3')).toBeTruthy(); // live word count against the goal of 5
    await screen.findByText('Offline — kept on this device', {}, { timeout: 3000 });
    // Queued in the outbox (IndexedDB), which survives a reload.
    expect(
      theOutbox()
        .snapshot()
        .pending.map((w) => w.input),
    ).toMatchObject([{ type: 'morning_pages', content: { text: 'Hello there, world' }, baseUpdatedAt: null }]);
    expect(editor.value).toBe('Hello there, world');
    expect(window.localStorage.getItem(DRAFT_KEY)).toBe('Hello there, world');

    online = true;
    await act(async () => {
      window.dispatchEvent(new Event('online'));
    });
    await screen.findByText('Saved', {}, { timeout: 3000 });
    const sent = mock.callsTo('journal.upsert').map((c) => (c.input as { content: { text: string } }).content.text);
    expect(sent.at(-1)).toBe('Hello there, world');
    expect(window.localStorage.getItem(DRAFT_KEY)).toBeNull();
  });

  it('resumes a draft that never reached the server, and sends it', async () => {
    window.localStorage.setItem(DRAFT_KEY, 'saved words and more typed later');
    const mock = api({ online: () => true, savedText: 'saved words' });
    renderPage();
    const editor = (await screen.findByLabelText(/Morning pages for/)) as HTMLTextAreaElement;
    expect(editor.value).toBe('saved words and more typed later');
    await waitFor(() => expect(mock.callsTo('journal.upsert')).toHaveLength(1));
    await screen.findByText('Saved');
    expect(window.localStorage.getItem(DRAFT_KEY)).toBeNull();
  });

  it('offers keep mine, keep theirs or both when the pages changed elsewhere, and sends the choice on their version', async () => {
    let elsewhere = false;
    const mock = api({ online: () => true, savedText: 'first lines', changedElsewhere: () => elsewhere });
    renderPage();
    const editor = (await screen.findByLabelText(/Morning pages for/)) as HTMLTextAreaElement;
    elsewhere = true; // the desktop saved 'first lines' anew meanwhile
    fireEvent.change(editor, { target: { value: 'first lines, on the phone' } });
    await screen.findByText('Changed elsewhere', {}, { timeout: 3000 });
    expect(editor.value).toBe('first lines, on the phone');
    const refused = theOutbox().snapshot().refused;
    expect(refused).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'Keep both' }));
    await screen.findByText('Saved', {}, { timeout: 3000 });
    expect(editor.value).toBe('first lines\n\nfirst lines, on the phone');
    const last = mock.callsTo('journal.upsert').at(-1)?.input as { content: { text: string }; baseUpdatedAt: Date };
    expect(last.content.text).toBe('first lines\n\nfirst lines, on the phone');
    expect(last.baseUpdatedAt).toEqual(THEIRS_AT);
    // The refused write is settled by the choice, not left behind.
    expect(theOutbox().snapshot().refused).toHaveLength(0);
  });
});
