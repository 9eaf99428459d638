import { lazy, Suspense, useEffect, useState } from 'react';

const PwaUpdatePrompt = lazy(async () => ({ default: (await import('./pwa-update-prompt')).PwaUpdatePrompt }));

/**
 * The service worker's registration and its prompt, loaded once the page has loaded: Workbox's runtime stays out
 * of the JavaScript the first route waits for, and the worker's precaching never competes with the first render.
 */
export function DeferredUpdatePrompt() {
  const [loaded, setLoaded] = useState(() => document.readyState === 'complete');
  useEffect(() => {
    if (loaded) return;
    // The page may have finished loading between the first render and this effect (a slow device, a busy machine):
    // then no load event comes any more, and the worker would never register.
    if (document.readyState === 'complete') {
      setLoaded(true);
      return;
    }
    const onLoad = () => setLoaded(true);
    window.addEventListener('load', onLoad, { once: true });
    return () => window.removeEventListener('load', onLoad);
  }, [loaded]);
  if (!loaded || !('serviceWorker' in navigator)) return null;
  return (
    <Suspense fallback={null}>
      <PwaUpdatePrompt />
    </Suspense>
  );
}
