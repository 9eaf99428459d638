import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { queryClient } from './lib/trpc';
import { routes } from './router';
import { blankDashboard } from './test/dashboard-fixtures';
import { mockTrpc } from './test/mock-trpc';

const me = {
  id: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a00',
  username: 'ada',
  email: 'ada@example.com',
  displayName: 'Ada',
};

/** The whole app's routes in memory, at `path`. */
function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

describe('the dashboard route', () => {
  it('asks for dashboard.today with the navigation, in a request of its own, and only once; settings with the session', async () => {
    vi.spyOn(document, 'cookie', 'get').mockReturnValue('lifeos_session=1');
    let answerSessionCheck = () => {};
    const sessionChecked = new Promise<void>((resolve) => {
      answerSessionCheck = resolve;
    });
    const api = mockTrpc({
      'auth.me': async () => {
        await sessionChecked;
        return me;
      },
      'settings.get': () => ({ theme: 'system', weekStart: 'monday', units: 'metric', timezone: 'UTC' }),
      'dashboard.today': () => blankDashboard(),
    });
    renderApp('/');

    // The session check has not answered, so neither the shell nor the page has mounted: the day's data is on its
    // way all the same.
    await expect.poll(() => api.callsTo('dashboard.today').length).toBe(1);
    expect(screen.queryByRole('heading', { level: 1 })).toBeNull();
    const urls = api.fetch.mock.calls.map(([resource]) => new URL(String(resource), 'http://localhost'));
    const todayRequest = urls.find((url) => url.pathname.includes('dashboard.today'));
    // Not batched with the session check, which would make the shell wait for the slowest call.
    expect(todayRequest?.pathname).toBe('/trpc/dashboard.today');
    expect(todayRequest?.searchParams.get('batch')).toBeNull();
    // The settings the shell reads (the theme) ride along with the session check instead of a round trip later.
    expect(
      urls.some(
        (url) => url.pathname === '/trpc/auth.me,settings.get' || url.pathname === '/trpc/settings.get,auth.me',
      ),
    ).toBe(true);

    answerSessionCheck();
    expect(await screen.findByRole('region', { name: 'Start here' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toMatch(/, Ada$/);
    // Mounting the page and the shell did not fetch them a second time.
    expect(api.callsTo('dashboard.today')).toHaveLength(1);
    expect(api.callsTo('settings.get')).toHaveLength(1);
  });

  it('does not ask for it without a session: the visitor is sent to sign in', async () => {
    const api = mockTrpc({
      'auth.setupStatus': () => ({ needsSetup: false, signupOpen: false }),
      'dashboard.today': () => blankDashboard(),
    });
    const router = renderApp('/');
    await expect.poll(() => router.state.location.pathname).toBe('/login');
    expect(api.callsTo('dashboard.today')).toHaveLength(0);
  });
});
