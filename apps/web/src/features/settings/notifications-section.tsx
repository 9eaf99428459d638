import type { TChannel, TChannels, TReminderPreferences, TUpdateReminderPreferencesInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../components/field';
import { Panel } from '../../components/panel';
import { errorMessage } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';

/** The VAPID public key (URL-safe base64) as the bytes `pushManager.subscribe` takes. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

const pushSupported = () =>
  typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof window.PushManager !== 'undefined';

/** A name for this device in the channel list: the browser and platform, roughly. */
function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const platform = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return platform ? `${browser} on ${platform}` : browser;
}

/**
 * Settings → Notifications: where reminders reach you (Web Push on this device, email) with each channel's status
 * and a test, and when they come (task reminders, the daily agenda, quiet hours, the late window after downtime).
 */
export function NotificationsSection() {
  const channels = useQuery(trpc.notifications.channels.queryOptions());
  const preferences = useQuery(trpc.reminders.preferences.queryOptions());
  return (
    <Panel
      id="notifications"
      title="Notifications"
      description="Reminders for tasks with a due date and a daily agenda, on this device and by email."
      query={channels}
      loading="Loading notification channels…"
    >
      {(data) => (
        <div className="stack">
          <ChannelList data={data} />
          {preferences.data ? <PreferencesForm preferences={preferences.data} /> : null}
        </div>
      )}
    </Panel>
  );
}

function ChannelList({ data }: { data: TChannels }) {
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const subscribe = useMutation(trpc.notifications.subscribePush.mutationOptions());
  const setEmail = useMutation(trpc.notifications.setEmail.mutationOptions());
  const remove = useMutation(trpc.notifications.removeChannel.mutationOptions());
  const sendTest = useMutation(trpc.notifications.sendTest.mutationOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.notifications.pathFilter());
  const email = data.channels.find((c) => c.kind === 'email');

  const run = async (work: () => Promise<unknown>, done: string) => {
    setError(null);
    setMessage(null);
    try {
      await work();
      setMessage(done);
    } catch (err) {
      setError(errorMessage(err));
    }
    await refresh();
  };

  const enablePush = () =>
    run(async () => {
      if ((await Notification.requestPermission()) !== 'granted') {
        throw new Error('Notifications are blocked for this site in the browser’s settings.');
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: applicationServerKey(data.push.publicKey),
      });
      const json = subscription.toJSON();
      await subscribe.mutateAsync({
        endpoint: json.endpoint ?? subscription.endpoint,
        keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
        label: deviceLabel(),
      });
    }, 'Notifications are on for this device.');

  return (
    <div className="stack">
      <FormError message={error ?? undefined} />
      {message ? (
        <p className="alert alert-success" role="status">
          {message}
        </p>
      ) : null}
      <div className="form-actions">
        {pushSupported() ? (
          <button type="button" className="button" onClick={() => void enablePush()}>
            Enable on this device
          </button>
        ) : (
          <p className="field-hint">This browser cannot receive push notifications.</p>
        )}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={Boolean(email)}
            disabled={!data.email.available}
            onChange={(e) =>
              void run(
                () => setEmail.mutateAsync({ enabled: e.target.checked }),
                e.target.checked ? 'Email is on.' : 'Email is off.',
              )
            }
          />{' '}
          Email {data.email.available ? '' : '(not set up on this server)'}
        </label>
      </div>
      {data.channels.length === 0 ? (
        <p className="field-hint">No channel yet: reminders are only listed below.</p>
      ) : (
        <ul className="notification-channels" aria-label="Channels">
          {data.channels.map((channel) => (
            <ChannelRow
              key={channel.id}
              channel={channel}
              onTest={() => void run(() => sendTest.mutateAsync({ channelId: channel.id }), 'Test sent.')}
              onRemove={() => void run(() => remove.mutateAsync({ channelId: channel.id }), 'Removed.')}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function ChannelRow({ channel, onTest, onRemove }: { channel: TChannel; onTest: () => void; onRemove: () => void }) {
  const name = channel.kind === 'email' ? `Email to ${channel.address ?? 'your address'}` : channel.label;
  return (
    <li className="notification-channel">
      <span>{name}</span>{' '}
      {channel.status === 'failing' ? (
        <span className="badge badge-warn">failing: {channel.lastError}</span>
      ) : (
        <span className="badge">ok</span>
      )}{' '}
      <button type="button" className="button button-small" onClick={onTest} aria-label={`Send test to ${name}`}>
        Send test
      </button>{' '}
      <button
        type="button"
        className="button button-small button-danger-quiet"
        onClick={onRemove}
        aria-label={`Remove ${name}`}
      >
        Remove
      </button>
    </li>
  );
}

const OFFSETS = [
  { minutes: 0, label: 'At the time' },
  { minutes: 15, label: '15 minutes before' },
  { minutes: 60, label: '1 hour before' },
  { minutes: 1440, label: '1 day before' },
  { minutes: 2880, label: '2 days before' },
];

function PreferencesForm({ preferences }: { preferences: TReminderPreferences }) {
  const [values, setValues] = useState(preferences);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const update = useMutation(trpc.reminders.updatePreferences.mutationOptions());
  const set = <K extends keyof TReminderPreferences>(key: K, value: TReminderPreferences[K]) => {
    setSaved(false);
    setValues((v) => ({ ...v, [key]: value }));
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const changes: TUpdateReminderPreferencesInput = {};
    for (const key of Object.keys(values) as (keyof TReminderPreferences)[]) {
      if (values[key] !== preferences[key]) Object.assign(changes, { [key]: values[key] });
    }
    // Quiet hours go together: both times, or neither.
    if ('quietStart' in changes || 'quietEnd' in changes) {
      Object.assign(changes, { quietStart: values.quietStart, quietEnd: values.quietEnd });
    }
    setError(null);
    try {
      const result = await update.mutateAsync(changes);
      queryClient.setQueryData(trpc.reminders.preferences.queryKey(), result);
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const time = (value: string) => (value === '' ? null : value);
  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <h3 className="subheading">When</h3>
      <FormError message={error ?? undefined} />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values.taskReminders}
          onChange={(e) => set('taskReminders', e.target.checked)}
        />{' '}
        Remind me of tasks with a due date
      </label>
      <div className="form-grid">
        <Field label="Task reminder time" hint="For tasks due on a day, in your time zone">
          {(p) => (
            <input {...p} type="time" value={values.taskTime} onChange={(e) => set('taskTime', e.target.value)} />
          )}
        </Field>
        <Field label="Remind">
          {(p) => (
            <select
              {...p}
              value={values.taskOffsetMinutes}
              onChange={(e) => set('taskOffsetMinutes', Number(e.target.value))}
            >
              {OFFSETS.map((o) => (
                <option key={o.minutes} value={o.minutes}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Daily agenda at" hint="Empty: no agenda">
          {(p) => (
            <input
              {...p}
              type="time"
              value={values.agendaTime ?? ''}
              onChange={(e) => set('agendaTime', time(e.target.value))}
            />
          )}
        </Field>
        <Field label="Quiet hours from">
          {(p) => (
            <input
              {...p}
              type="time"
              value={values.quietStart ?? ''}
              onChange={(e) => set('quietStart', time(e.target.value))}
            />
          )}
        </Field>
        <Field label="Quiet hours until">
          {(p) => (
            <input
              {...p}
              type="time"
              value={values.quietEnd ?? ''}
              onChange={(e) => set('quietEnd', time(e.target.value))}
            />
          )}
        </Field>
        <Field
          label="Send late for up to (minutes)"
          hint="After the server was down: older reminders are dropped and listed instead"
        >
          {(p) => (
            <input
              {...p}
              type="number"
              min={0}
              max={10080}
              value={values.lateWindowMinutes}
              onChange={(e) => set('lateWindowMinutes', Number(e.target.value))}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          Save
        </button>
        {saved ? <span role="status">Saved.</span> : null}
      </div>
    </form>
  );
}
