import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { hasOfflineCopy } from './lib/offline/last-user';
import { watchNetwork } from './lib/offline/status';
import { clearSessionData, hasSessionFlag, loginPath, PUBLIC_PATHS } from './lib/session';
import { applyTheme, storedTheme } from './lib/theme';
import { onSessionExpired, queryClient } from './lib/trpc';
import { DeferredUpdatePrompt } from './pwa/deferred-update-prompt';
import { routes } from './router';
import './styles.css';

// The last theme this device used, before anything renders (no inline script: the CSP forbids it).
applyTheme(storedTheme());

watchNetwork(queryClient);
// The last user's copy of the data is in the cache before the first loader asks for the session: an installed app
// opened without a network starts on it (the session check answers from the cache).
// Only a device with a copy loads the code that reads it (a first visit and the sign-in page do not), and only while
// the browser holds a session: signed out, whoever signs in next must not see the last user's data.
if (hasSessionFlag() && hasOfflineCopy()) {
  await (await import('./lib/offline/cache')).restoreOfflineCache(queryClient);
}

const router = createBrowserRouter(routes);

// The refresh token is gone or revoked: back to the login page, then forget the signed-out user's data.
// While the router is still starting, the shell's loader does the redirect itself.
onSessionExpired(() => {
  if (!router.state.initialized) return;
  const { pathname, search } = router.state.location;
  if (PUBLIC_PATHS.includes(pathname)) return;
  void router.navigate(loginPath(pathname + search), { replace: true }).then(clearSessionData);
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <DeferredUpdatePrompt />
    </QueryClientProvider>
  </StrictMode>,
);
