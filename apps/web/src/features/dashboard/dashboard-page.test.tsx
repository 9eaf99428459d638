import type { TWeekFacts } from '@lifeos/core/schemas';
import { QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { blankDashboard as blank } from '../../test/dashboard-fixtures';
import { MockTrpcError, mockTrpc } from '../../test/mock-trpc';
import { DashboardPage } from './dashboard-page';
import { factLines } from './week-facts-panel';

function renderDashboard() {
  const router = createMemoryRouter([{ path: '/', Component: DashboardPage }], { initialEntries: ['/'] });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe('dashboard page', () => {
  it('greets a new user with where to start and an empty state on every card', async () => {
    mockTrpc({ 'dashboard.today': () => blank() });
    renderDashboard();
    const start = await screen.findByRole('region', { name: 'Start here' });
    expect(within(start).getByRole('link', { name: 'Write your first morning pages' }).getAttribute('href')).toBe(
      '/journal/morning-pages',
    );
    expect(within(start).getByRole('link', { name: 'Log a workout' }).getAttribute('href')).toBe('/fitness');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toMatch(/, Ada$/);
    expect(screen.getByText('Nothing planned today.', { exact: false })).toBeTruthy();
    expect(screen.getByText(/Inbox zero/)).toBeTruthy();
    expect(screen.getByText(/No active projects/)).toBeTruthy();
    expect(screen.getByText(/0 days so far/)).toBeTruthy();
  });

  it('shows the day: journal, agenda, inbox, projects, records and the insight', async () => {
    const data = blank();
    data.journal.morningPages = { words: 320, goal: 750 };
    data.journal.streaks.morning_pages = { current: 4, lastDate: '2026-03-10', doneInPeriod: true };
    data.agenda.items = [
      {
        kind: 'task',
        key: 'task:1',
        title: 'Call the bank',
        date: '2026-03-10',
        allDay: true,
        start: null,
        end: null,
        link: '/tasks',
        taskId: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a01',
        projectId: null,
        priority: 0,
      },
    ];
    data.agenda.overdue = [
      {
        id: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a02',
        title: 'File taxes',
        dueDate: '2026-03-01',
        projectId: null,
        priority: 0,
      },
    ];
    data.inboxCount = 3;
    data.projects = [
      {
        id: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a03',
        name: 'Garden',
        description: null,
        status: 'active',
        area: null,
        color: null,
        targetDate: null,
        completedAt: null,
        createdAt: new Date(),
        updatedAt: new Date(),
        progress: { done: 1, total: 4, ratio: 0.25 },
      },
    ];
    data.fitness.records = [
      {
        exerciseId: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a04',
        exerciseName: 'Squat (Barbell)',
        kind: 'heaviestWeight',
        weightKg: 120,
        reps: 3,
        previousKg: 115,
        sessionId: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a05',
        date: '2026-03-08',
      },
    ];
    data.correlation.sentence = 'Your mood averages 4.1 on days you train and 3.2 on days you don’t.';
    mockTrpc({ 'dashboard.today': () => data });
    renderDashboard();

    const journal = await screen.findByTestId('card-journal');
    expect(within(journal).getByText('320 of 750 words')).toBeTruthy();
    expect(within(journal).getByText('4 days streak')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Start here' })).toBeNull();
    const agenda = screen.getByTestId('card-agenda');
    expect(within(agenda).getByRole('link', { name: 'Call the bank' })).toBeTruthy();
    expect(within(agenda).getByText('Overdue')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Inbox: 3 items to sort' }).getAttribute('href')).toBe('/inbox');
    expect(screen.getByRole('progressbar', { name: 'Garden: 25% done' })).toBeTruthy();
    expect(within(screen.getByTestId('card-records')).getByText(/120 kg × 3 · was 115 kg/)).toBeTruthy();
    expect(screen.getByTestId('insight-sentence').textContent).toContain('4.1');
  });

  it("says when today's events were cut at the server's cap, in the user's zone, and where to see the rest", async () => {
    const data = blank();
    data.timezone = 'Asia/Tokyo';
    data.agenda.items = [
      {
        kind: 'workout',
        key: 'workout:1',
        title: 'Leg day',
        date: '2026-03-10',
        allDay: false,
        start: new Date('2026-03-10T00:00:00Z'),
        end: new Date('2026-03-10T01:00:00Z'),
        link: '/fitness/history/1',
        sessionId: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a03',
      },
    ];
    data.agenda.truncated = true;
    data.agenda.completeUntil = new Date('2026-03-10T00:30:00Z');
    mockTrpc({ 'dashboard.today': () => data });
    renderDashboard();
    const agenda = await screen.findByTestId('card-agenda');
    const notice = within(agenda).getByText(/Showing events up to/);
    expect(notice.getAttribute('role')).toBe('status');
    // 09:30 in Tokyo, where the user lives, whatever the browser's zone.
    expect(notice.textContent).toContain(
      data.agenda.completeUntil.toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: 'Asia/Tokyo',
      }),
    );
    expect(notice.textContent).toContain('open the calendar to see the rest');
  });

  it('draws the year of writing only once its card comes near the viewport, in idle time', async () => {
    const observers: IntersectionObserverCallback[] = [];
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(callback: IntersectionObserverCallback) {
          observers.push(callback);
        }
        observe() {}
        disconnect() {}
      },
    );
    const idleCallbacks: (() => void)[] = [];
    vi.stubGlobal('requestIdleCallback', (callback: () => void) => idleCallbacks.push(callback));
    mockTrpc({ 'dashboard.today': () => blank() });
    renderDashboard();

    const writing = await screen.findByTestId('card-writing');
    const placeholder = writing.querySelector<HTMLElement>('[data-deferred-placeholder]');
    expect(placeholder?.style.height).toBe('150px');
    expect(within(writing).queryByRole('img')).toBeNull();

    await act(async () => {
      for (const observer of observers)
        observer([{ isIntersecting: true } as IntersectionObserverEntry], {} as IntersectionObserver);
    });
    // The heatmap's code is imported first: on a busy machine its first transform alone can take over a second.
    await waitFor(() => expect(idleCallbacks.length).toBeGreaterThan(0), { timeout: 10_000 });
    await act(async () => idleCallbacks.shift()?.());
    expect((await within(writing).findByRole('img', {}, { timeout: 5_000 })).textContent).toContain(
      'Writing days in 2026',
    );
  }, 20_000);

  it('says so when the dashboard cannot be loaded, with a retry', async () => {
    mockTrpc({
      'dashboard.today': () => {
        throw new MockTrpcError('INTERNAL_SERVER_ERROR', 'Something went wrong on our side');
      },
    });
    renderDashboard();
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

describe('factLines', () => {
  it('turns a week into lines for the review, leaving out what did not happen', () => {
    const facts: TWeekFacts = {
      weekStart: '2026-03-09',
      weekEnd: '2026-03-15',
      tasksCompleted: 5,
      completedTitles: [],
      workouts: 1,
      volumeKg: 1500,
      units: 'metric',
      daysWritten: 0,
      wordsWritten: 0,
      moodAverage: 3.5,
      energyAverage: null,
    };
    expect(factLines(facts)).toEqual(['Completed 5 tasks', 'Trained once (1,500 kg lifted)', 'Average mood 3.5/5']);
  });
});

describe('choosing the dashboard cards', () => {
  it('shows only the chosen cards, in their order, and saves a new choice', async () => {
    const data = blank();
    data.cards = ['inbox', 'journal'];
    const calls = mockTrpc({
      'dashboard.today': () => data,
      'settings.update': (input) => ({ ...(input as object) }),
      'settings.get': () => ({}),
    });
    renderDashboard();
    await screen.findByRole('region', { name: 'Inbox' });
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(headings.indexOf('Inbox')).toBeLessThan(headings.indexOf('Journal'));
    expect(screen.queryByRole('region', { name: 'Active projects' })).toBeNull();

    act(() => screen.getByRole('button', { name: 'Choose cards' }).click());
    const dialog = await screen.findByRole('dialog', { name: 'Choose your cards' });
    act(() => within(dialog).getByRole('button', { name: 'Move Journal up' }).click());
    act(() => within(dialog).getByRole('checkbox', { name: 'Active projects' }).click());
    act(() => within(dialog).getByRole('checkbox', { name: 'Inbox' }).click());
    act(() => within(dialog).getByRole('button', { name: 'Save' }).click());
    await waitFor(() => expect(calls.callsTo('settings.update')).toHaveLength(1));
    expect(calls.callsTo('settings.update')[0]?.input).toEqual({
      dashboardCards: ['journal', 'projects'],
    });
  });
});
