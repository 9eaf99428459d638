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
