import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queryClient, trpc } from '../../lib/trpc';
import './settings.css';

const DISMISSED_KEY = 'lifeos.timeZonePromptDismissed';

/** The device's time zone as the browser names it; null when it names none. */
function deviceTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** Whether the person already said "keep" for this device zone (per browser: each device may be elsewhere). */
function dismissedFor(zone: string): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === zone;
  } catch {
    return false;
  }
}

/**
 * When this device is in another time zone than the account (a trip, or an account made before setup sent the
 * browser's zone), offers to switch: "today", streaks and reminders follow the account's zone. Shown until the person
 * switches or keeps it for this device zone.
 */
export function TimeZonePrompt() {
  const device = deviceTimeZone();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const [dismissed, setDismissed] = useState(() => (device ? dismissedFor(device) : true));
  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(),
    }),
  );
  const account = settings.data?.timezone;
  if (!device || !account || dismissed || account === device || update.isSuccess) return null;

  const keep = () => {
    try {
      localStorage.setItem(DISMISSED_KEY, device);
    } catch {
      // Private mode: the prompt comes back next time, which is harmless.
    }
    setDismissed(true);
  };
  return (
    <section className="time-zone-prompt" aria-label="Time zone">
      <p>
        This device is in <strong>{device.replaceAll('_', ' ')}</strong>; Life OS counts your days in{' '}
        <strong>{account.replaceAll('_', ' ')}</strong>.
      </p>
      <div className="time-zone-prompt-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={update.isPending}
          onClick={() => update.mutate({ timezone: device })}
        >
          Use {device.replaceAll('_', ' ')}
        </button>
        <button type="button" className="button" onClick={keep}>
          Keep {account.replaceAll('_', ' ')}
        </button>
      </div>
      {update.isError ? (
        <p role="alert" className="field-error">
          Could not switch: {update.error.message}
        </p>
      ) : null}
    </section>
  );
}
