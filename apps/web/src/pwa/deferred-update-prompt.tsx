import { lazy, Suspense, useEffect, useState } from 'react';

/** A page that never goes idle still gets its worker after this long. */
const IDLE_TIMEOUT_MS = 3_000;

const PwaUpdatePrompt = lazy(async () => ({ default: (await import('./pwa-update-prompt')).PwaUpdatePrompt }));

/**
 * The service worker's registration and its prompt, loaded once the page has loaded and the browser is next idle:
 * Workbox's runtime and the prompt stay out of the JavaScript the first route waits for (at load, the route's own
 * chunks are often still coming), and the worker's precaching never competes with the first render.
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
    let idle: number | undefined;
    const onLoad = () => {
      idle =
        typeof window.requestIdleCallback === 'function'
          ? window.requestIdleCallback(() => setLoaded(true), { timeout: IDLE_TIMEOUT_MS })
          : window.setTimeout(() => setLoaded(true), 1);
    };
    window.addEventListener('load', onLoad, { once: true });
    return () => {
      window.removeEventListener('load', onLoad);
      if (idle !== undefined) {
        if (typeof window.cancelIdleCallback === 'function') window.cancelIdleCallback(idle);
        else window.clearTimeout(idle);
      }
    };
  }, [loaded]);
  if (!loaded || !('serviceWorker' in navigator)) return null;
  return (
    <Suspense fallback={null}>
      <PwaUpdatePrompt />
    </Suspense>
  );
}
