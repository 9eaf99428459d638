import { type LoaderFunctionArgs, type RouteObject, redirect } from 'react-router';
import { prefetchDashboard } from './features/dashboard/dashboard-query';
import { hasSessionFlag, loginPath } from './lib/session';
import { errorCode, queryClient, trpc } from './lib/trpc';
import { AppLoading, RouteError } from './routes/route-error';

/**
 * A loader's call goes out even when the browser says it is offline: a query would wait (paused) for the network,
 * and the page with it; failing, the route's error page says what happened.
 */
const ASK_NOW = { networkMode: 'always' } as const;

/** The shell needs a signed-in user; without one, first run goes to setup and everything else to login. */
export async function requireUser({ request }: LoaderFunctionArgs) {
  if (hasSessionFlag()) {
    // The shell needs the settings (the theme) as soon as it mounts: asked in the same request as the session check
    // rather than one round trip later.
    void queryClient.prefetchQuery(trpc.settings.get.queryOptions());
    try {
      // From the device's copy when there is one (an installed app opened offline starts on it).
      await queryClient.ensureQueryData({ ...trpc.auth.me.queryOptions(), ...ASK_NOW });
      return null;
    } catch (error) {
      if (errorCode(error) !== 'UNAUTHORIZED') throw error;
    }
  }
  const status = await queryClient.fetchQuery({ ...trpc.auth.setupStatus.queryOptions(), ...ASK_NOW });
  const url = new URL(request.url);
  throw redirect(status.needsSetup ? '/setup' : loginPath(url.pathname + url.search));
}

/** The login page: not before the owner exists. */
export async function loginGuard() {
  const status = await queryClient.fetchQuery({ ...trpc.auth.setupStatus.queryOptions(), staleTime: 0, ...ASK_NOW });
  if (status.needsSetup) throw redirect('/setup');
  return null;
}

/** First-run setup while no user exists; afterwards the same page is sign-up, only when ALLOW_SIGNUP opens it. */
export async function setupGuard() {
  const status = await queryClient.fetchQuery({ ...trpc.auth.setupStatus.queryOptions(), staleTime: 0, ...ASK_NOW });
  if (!status.signupOpen) throw redirect('/login');
  return null;
}

/** Every page is its own chunk; the first paint only loads the router, the data layer and the page it needs. */
export const routes: RouteObject[] = [
  {
    // The root: a pathless layout that shows a calm loading screen while the first page's data arrives.
    HydrateFallback: AppLoading,
    ErrorBoundary: RouteError,
    children: [
      {
        path: '/setup',
        loader: setupGuard,
        lazy: async () => ({ Component: (await import('./routes/setup-page')).SetupPage }),
        ErrorBoundary: RouteError,
      },
      {
        path: '/login',
        loader: loginGuard,
        lazy: async () => ({ Component: (await import('./routes/login-page')).LoginPage }),
        ErrorBoundary: RouteError,
      },
      {
        path: '/',
        loader: requireUser,
        lazy: async () => ({ Component: (await import('./routes/shell')).Shell }),
        ErrorBoundary: RouteError,
        children: [
          {
            ErrorBoundary: RouteError,
            children: [
              {
                index: true,
                loader: prefetchDashboard,
                lazy: async () => ({ Component: (await import('./routes/dashboard-page')).DashboardPage }),
              },
              {
                path: 'journal',
                children: [
                  {
                    index: true,
                    lazy: async () => ({ Component: (await import('./features/journal/today-page')).JournalTodayPage }),
                  },
                  {
                    path: 'morning-pages/:date?',
                    lazy: async () => ({
                      Component: (await import('./features/journal/morning-pages-page')).MorningPagesPage,
                    }),
                  },
                  {
                    path: 'reflection/:date?',
                    lazy: async () => ({
                      Component: (await import('./features/journal/reflection-page')).ReflectionPage,
                    }),
                  },
                  {
                    path: 'review/:date?',
                    lazy: async () => ({ Component: (await import('./features/journal/review-page')).ReviewPage }),
                  },
                  {
                    path: 'history',
                    lazy: async () => ({
                      Component: (await import('./features/journal/history-page')).JournalHistoryPage,
                    }),
                  },
                ],
              },
              {
                path: 'fitness',
                children: [
                  {
                    index: true,
                    lazy: async () => ({ Component: (await import('./features/fitness/workout-page')).WorkoutPage }),
                  },
                  {
                    path: 'workout/:sessionId',
                    lazy: async () => ({
                      Component: (await import('./features/fitness/live-workout-page')).LiveWorkoutPage,
                    }),
                  },
                  {
                    path: 'history',
                    lazy: async () => ({
                      Component: (await import('./features/fitness/history-page')).FitnessHistoryPage,
                    }),
                  },
                  {
                    path: 'history/:sessionId',
                    lazy: async () => ({
                      Component: (await import('./features/fitness/session-detail-page')).SessionDetailPage,
                    }),
                  },
                  {
                    path: 'exercises',
                    lazy: async () => ({
                      Component: (await import('./features/fitness/exercises-page')).ExercisesPage,
                    }),
                  },
                  {
                    path: 'programs',
                    lazy: async () => ({ Component: (await import('./features/fitness/programs-page')).ProgramsPage }),
                  },
                  {
                    path: 'programs/:programId',
                    lazy: async () => ({
                      Component: (await import('./features/fitness/program-editor-page')).ProgramEditorPage,
                    }),
                  },
                  {
                    path: 'progress',
                    lazy: async () => ({ Component: (await import('./features/fitness/progress-page')).ProgressPage }),
                  },
                ],
              },
              {
                path: 'projects',
                children: [
                  {
                    index: true,
                    lazy: async () => ({ Component: (await import('./features/projects/projects-page')).ProjectsPage }),
                  },
                  {
                    path: ':projectId',
                    lazy: async () => ({ Component: (await import('./features/projects/project-page')).ProjectPage }),
                  },
                ],
              },
              {
                path: 'tasks',
                lazy: async () => ({ Component: (await import('./features/tasks/tasks-page')).TasksPage }),
              },
              {
                path: 'inbox',
                lazy: async () => ({ Component: (await import('./features/captures/inbox-page')).InboxPage }),
              },
              {
                path: 'calendar',
                lazy: async () => ({ Component: (await import('./features/calendar/calendar-page')).CalendarPage }),
              },
              {
                path: 'settings',
                lazy: async () => ({ Component: (await import('./features/settings/settings-page')).SettingsPage }),
              },
              { path: '*', lazy: async () => ({ Component: (await import('./routes/not-found')).NotFoundPage }) },
            ],
          },
        ],
      },
    ],
  },
];
