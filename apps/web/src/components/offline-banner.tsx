import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { isOffline, lastUpdatedAt, useNetworkStatus } from '../lib/offline/status';
import './offline-banner.css';

/**
 * "Offline — last updated 14:05": shown while the browser has no network or the API did not answer, so what is on
 * screen is known to be the device's copy. A status region (announced, never stealing focus).
 */
export function OfflineBanner() {
  const network = useNetworkStatus();
  const queryClient = useQueryClient();
  const offline = isOffline(network);
  const [updated, setUpdated] = useState(0);
  useEffect(() => {
    if (offline) setUpdated(lastUpdatedAt(queryClient));
  }, [offline, queryClient]);

  return (
    <div className="offline-banner" role="status">
      {offline ? (
        <p className="offline-banner-text">
          <span className="offline-banner-dot" aria-hidden="true" />
          Offline
          {updated > 0
            ? ` — last updated ${new Date(updated).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`
            : ''}
        </p>
      ) : null}
    </div>
  );
}
