import { type TSubscription, ZAddSubscriptionInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { formatDistanceToNow } from 'date-fns';
import { type FormEvent, useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Field, FormError } from '../../components/field';
import { QueryState } from '../../components/states';
import { errorMessage, serverFieldErrors } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';
import { invalidateEvents } from './invalidate';

const ago = (date: Date) => formatDistanceToNow(date, { addSuffix: true });

/** Both the list and the calendar's events change when a subscription is added, refreshed or removed. */
async function invalidate() {
  await Promise.all([queryClient.invalidateQueries(trpc.calendar.subscriptions.pathFilter()), invalidateEvents()]);
}

/**
 * External calendars (.ics URLs): add by URL and name; each shows its last refresh and last error. A disclosure
 * rather than a Panel (closed, it costs the calendar page one line and no request), with the panels' QueryState.
 */
export function SubscriptionsSection() {
  const [open, setOpen] = useState(false);
  const list = useQuery({ ...trpc.calendar.subscriptions.list.queryOptions(), enabled: open });
  return (
    <details className="disclosure panel" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Subscribed calendars</summary>
      <p className="panel-description">
        Add a calendar published as an .ics address (public holidays, a team or school calendar). Its events appear
        read-only next to yours and are refreshed every hour.
      </p>
      <AddSubscriptionForm />
      {open || !list.isPending ? (
        <QueryState
          query={list}
          loading="Loading subscriptions…"
          empty={{
            when: (subscriptions) => subscriptions.length === 0,
            title: 'No subscribed calendars',
            children: "Paste a calendar's address above to add one.",
          }}
        >
          {(subscriptions) => (
            <ul className="subscription-list" aria-label="Subscribed calendars">
              {subscriptions.map((s) => (
                <SubscriptionRow key={s.id} subscription={s} />
              ))}
            </ul>
          )}
        </QueryState>
      ) : null}
    </details>
  );
}

function AddSubscriptionForm() {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [errors, setErrors] = useState<{ name?: string; url?: string; form?: string }>({});
  const add = useMutation(
    trpc.calendar.subscriptions.add.mutationOptions({
      onSuccess: async () => {
        setName('');
        setUrl('');
        await invalidate();
      },
      onError: (error) => {
        const fields = serverFieldErrors(error);
        const fieldName = fields.name?.[0];
        const fieldUrl = fields.url?.[0];
        setErrors(
          fieldName || fieldUrl
            ? { ...(fieldName ? { name: fieldName } : {}), ...(fieldUrl ? { url: fieldUrl } : {}) }
            : { form: errorMessage(error) },
        );
      },
    }),
  );
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = ZAddSubscriptionInput.safeParse({ name, url });
    if (!parsed.success) {
      const next: { name?: string; url?: string } = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if ((field === 'name' || field === 'url') && !next[field]) next[field] = issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    add.mutate(parsed.data);
  };
  return (
    <form className="subscription-form" onSubmit={onSubmit} noValidate aria-label="Add a subscribed calendar">
      <FormError message={errors.form} />
      <Field label="Name" error={errors.name}>
        {(props) => (
          <input {...props} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoComplete="off" />
        )}
      </Field>
      <Field label="Calendar address (.ics URL)" error={errors.url}>
        {(props) => (
          <input
            {...props}
            type="url"
            inputMode="url"
            placeholder="https://example.com/calendar.ics"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            maxLength={2000}
            autoComplete="off"
          />
        )}
      </Field>
      <button type="submit" className="button button-primary" disabled={add.isPending}>
        {add.isPending ? 'Subscribing…' : 'Subscribe'}
      </button>
    </form>
  );
}

function SubscriptionRow({ subscription: s }: { subscription: TSubscription }) {
  const [confirming, setConfirming] = useState(false);
  const refresh = useMutation(trpc.calendar.subscriptions.refresh.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(
    trpc.calendar.subscriptions.remove.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        await invalidate();
      },
    }),
  );
  const failure = refresh.error ?? remove.error;
  return (
    <li className="subscription-row">
      <div className="subscription-main">
        <strong>{s.name}</strong>
        <span className="muted small subscription-url">{s.url}</span>
        <span className="small">
          {s.lastRefreshedAt ? `Updated ${ago(s.lastRefreshedAt)}` : 'Not fetched yet'} · {s.eventCount}{' '}
          {s.eventCount === 1 ? 'event' : 'events'}
        </span>
        {s.lastError ? (
          <span className="field-error small" role="status">
            Last refresh failed{s.lastErrorAt ? ` ${ago(s.lastErrorAt)}` : ''}: {s.lastError}
          </span>
        ) : null}
        <SkippedEvents subscription={s} />
        {failure ? (
          <span className="field-error small" role="alert">
            {errorMessage(failure)}
          </span>
        ) : null}
      </div>
      <div className="row">
        <button
          type="button"
          className="button"
          onClick={() => refresh.mutate({ id: s.id })}
          disabled={refresh.isPending}
          aria-label={`Refresh ${s.name} now`}
        >
          {refresh.isPending ? 'Refreshing…' : 'Refresh now'}
        </button>
        <button
          type="button"
          className="button button-danger-quiet"
          onClick={() => setConfirming(true)}
          aria-label={`Remove ${s.name}`}
        >
          Remove
        </button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Remove “${s.name}”?`}
        confirmLabel="Remove"
        danger
        pending={remove.isPending}
        onConfirm={() => remove.mutate({ id: s.id })}
        onCancel={() => setConfirming(false)}
      >
        <p>Its events disappear from your calendar. You can subscribe again at any time.</p>
      </ConfirmDialog>
    </li>
  );
}

/**
 * The feed's events that the last good refresh could not show (unreadable, a refused repeat rule), so they are not
 * silently missing: a count, and a disclosure listing each with the reason. The server keeps the first 100.
 */
export function SkippedEvents({ subscription: s }: { subscription: Pick<TSubscription, 'skipped' | 'skippedTotal'> }) {
  if (s.skippedTotal === 0) return null;
  return (
    <details className="disclosure subscription-skipped small">
      <summary>
        {s.skippedTotal} {s.skippedTotal === 1 ? 'event' : 'events'} could not be shown
      </summary>
      {s.skipped.length < s.skippedTotal ? <p className="muted">The first {s.skipped.length}:</p> : null}
      <ul className="calendar-report" aria-label="Events that could not be shown">
        {s.skipped.map((e, i) => (
          // The same UID may come twice (a duplicate copy), and the list never changes order while shown.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={i}>
            <strong>{e.summary ?? e.uid ?? 'An event'}</strong>: {e.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}
