import { useEffect } from 'react';

/**
 * Keeps the screen on while `active` (a workout in progress: the phone lies on the bench between sets), where the
 * browser has the Screen Wake Lock API and allows it. The browser drops the lock whenever the page is hidden, so it
 * is taken again when the page comes back. Refused (battery saver, an old browser): the screen may dim, nothing else.
 */
export function useWakeLock(active: boolean) {
  useEffect(() => {
    if (!active || !('wakeLock' in navigator)) return;
    let sentinel: WakeLockSentinel | null = null;
    let stopped = false;
    const acquire = async () => {
      if (document.visibilityState !== 'visible' || (sentinel && !sentinel.released)) return;
      try {
        const taken = await navigator.wakeLock.request('screen');
        if (stopped) void taken.release();
        else sentinel = taken;
      } catch {
        // Not allowed now; the next time the page is shown tries again.
      }
    };
    const onVisibility = () => void acquire();
    void acquire();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisibility);
      if (sentinel && !sentinel.released) void sentinel.release();
    };
  }, [active]);
}
