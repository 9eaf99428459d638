/// <reference types="vite-plugin-pwa/react" />

import { useRegisterSW } from 'virtual:pwa-register/react';
import { useState } from 'react';
import { UpdatePrompt } from './update-prompt';

/** How often an open app asks whether a new version was deployed: a tab left open for days still hears of it. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * Registers the service worker (vite-plugin-pwa, `registerType: 'prompt'`) and offers a new version once it waits.
 * The waiting worker is told to take over only when the user clicks Reload; the page then reloads on its
 * `controllerchange`, so the whole page is the new version.
 */
export function PwaUpdatePrompt() {
  const [reloading, setReloading] = useState(false);
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      setInterval(() => {
        if (document.visibilityState === 'visible' && navigator.onLine) void registration.update();
      }, UPDATE_CHECK_MS);
    },
  });
  return (
    <UpdatePrompt
      open={needRefresh}
      reloading={reloading}
      onReload={() => {
        setReloading(true);
        void updateServiceWorker(true);
      }}
      onDismiss={() => setNeedRefresh(false)}
    />
  );
}
