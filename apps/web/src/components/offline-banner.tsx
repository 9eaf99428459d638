import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { isOffline, lastUpdatedAt, useNetworkStatus } from '../lib/offline/status';
import { useOutbox } from '../lib/outbox/snapshot';
import { plural } from '../lib/plural';
import './offline-banner.css';

/** The outbox itself, loaded when a refused write is acted on (the banner only reads its snapshot). */
const loadOutbox = () => import('../lib/outbox/writes').then((module) => module.theOutbox());

/**
 * "Offline — last updated 14:05" while the browser has no network or the API did not answer, so what is on screen is
 * known to be the device's copy; "2 changes waiting" while the outbox holds writes. A status region: announced,
 * never stealing focus. Writes the server refused are listed below it, each to try again or discard.
 */
export function OfflineBanner() {
  const network = useNetworkStatus();
  const outbox = useOutbox();
  const queryClient = useQueryClient();
  const offline = isOffline(network);
  const [updated, setUpdated] = useState(0);
  useEffect(() => {
    if (offline) setUpdated(lastUpdatedAt(queryClient));
  }, [offline, queryClient]);
  const waiting = outbox.pending.length;

  return (
    <>
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
        {waiting > 0 ? (
          <p className="offline-banner-waiting">
            {plural(waiting, 'change')} waiting{offline ? ' to be sent' : ', sending…'}
          </p>
        ) : null}
      </div>
      {outbox.refused.length > 0 ? <RefusedWrites writes={outbox.refused} /> : null}
    </>
  );
}

function RefusedWrites({ writes }: { writes: ReturnType<typeof useOutbox>['refused'] }) {
  return (
    <section className="refused-writes" aria-labelledby="refused-writes-title">
      <h2 id="refused-writes-title" className="refused-writes-title">
        {writes.length === 1 ? 'A change was not accepted' : `${writes.length} changes were not accepted`}
      </h2>
      <ul className="refused-writes-list">
        {writes.map((write) => (
          <li key={write.id} className="refused-write">
            <div>
              <strong>{write.label}</strong>
              <p className="small muted">{write.error?.message}</p>
            </div>
            <div className="refused-write-actions">
              {write.href ? (
                <Link className="button button-small" to={write.href}>
                  Fix
                </Link>
              ) : null}
              <button
                type="button"
                className="button button-small"
                onClick={() => void loadOutbox().then((outbox) => outbox.retry(write.id))}
              >
                Try again
              </button>
              <button
                type="button"
                className="button button-small button-danger-quiet"
                onClick={() => void loadOutbox().then((outbox) => outbox.discard(write.id))}
              >
                Discard
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
