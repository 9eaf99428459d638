import { zodResolver } from '@hookform/resolvers/zod';
import {
  type TWebhookDelivery,
  type TWebhookEndpoint,
  type TWebhookEventType,
  WEBHOOK_EVENT_TYPES,
  ZCreateWebhookEndpointInput,
} from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Field, FormError } from '../../components/field';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { applyServerErrors, errorMessage } from '../../lib/errors';
import { formatDate, formatDateTime } from '../../lib/format';
import { queryClient, trpc } from '../../lib/trpc';
import { CopyField } from './copy-field';
import './webhooks-section.css';

const EVENT_LABELS: Record<TWebhookEventType, string> = {
  'task.created': 'Task created',
  'task.completed': 'Task completed',
  'capture.created': 'Inbox item added',
  'workout.finished': 'Workout finished',
  'journal.saved': 'Journal entry saved (date and word count, never its text)',
  'event.created': 'Calendar event created',
  'event.updated': 'Calendar event changed',
  'event.deleted': 'Calendar event deleted',
  'reminder.sent': 'Reminder sent',
};

const STATUS_LABELS: Record<TWebhookDelivery['status'], string> = {
  pending: 'Waiting',
  retrying: 'Retrying',
  succeeded: 'Delivered',
  failed: 'Failed',
  skipped: 'Skipped',
};

const NEW_ENDPOINT_DEFAULTS = { url: '', eventTypes: [] as TWebhookEventType[] };

const invalidateEndpoints = () => queryClient.invalidateQueries(trpc.webhooks.list.queryFilter());

export function WebhooksSection() {
  const endpoints = useQuery(trpc.webhooks.list.queryOptions());
  const [secret, setSecret] = useState<{ url: string; secret: string; rotated: boolean } | null>(null);
  return (
    <Panel
      id="webhooks"
      title="Webhooks"
      description="Life OS can tell another service when something happens: it POSTs a small JSON message (ids, dates and counts, never what you wrote) signed by the Standard Webhooks scheme, and retries when the receiver is down."
    >
      {secret ? (
        <NewSecretPanel {...secret} onDone={() => setSecret(null)} />
      ) : (
        <CreateEndpointForm onCreated={(url, value) => setSecret({ url, secret: value, rotated: false })} />
      )}
      <h3 className="subheading">Your endpoints</h3>
      <QueryState
        query={endpoints}
        loading="Loading webhook endpoints…"
        empty={{
          when: (list) => list.length === 0,
          title: 'No webhook endpoints yet',
          children: <p>Add one above to send events to another service.</p>,
        }}
      >
        {(list) => (
          <ul className="list" aria-label="Webhook endpoints">
            {list.map((endpoint) => (
              <EndpointItem
                key={endpoint.id}
                endpoint={endpoint}
                onRotated={(value) => setSecret({ url: endpoint.url, secret: value, rotated: true })}
              />
            ))}
          </ul>
        )}
      </QueryState>
    </Panel>
  );
}

/** The one time a signing secret is visible: after adding an endpoint or rotating its secret. */
function NewSecretPanel({
  url,
  secret,
  rotated,
  onDone,
}: {
  url: string;
  secret: string;
  rotated: boolean;
  onDone: () => void;
}) {
  return (
    <Panel title="Your new signing secret" level={3} focusOnMount>
      <p className="alert alert-warning">
        Copy it now: this is the only time it is shown.
        {rotated ? ' The previous secret keeps signing beside it for 24 hours, so the receiver can switch over.' : ''}
      </p>
      <p className="muted small webhook-url">For {url}</p>
      <CopyField label="Signing secret" value={secret} noun="secret" />
      <p className="muted small">
        Check each message with the <code>standardwebhooks</code> library (Node or Python): see the README’s Webhooks
        section.
      </p>
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </Panel>
  );
}

function CreateEndpointForm({ onCreated }: { onCreated: (url: string, secret: string) => void }) {
  const form = useForm({ resolver: zodResolver(ZCreateWebhookEndpointInput), defaultValues: NEW_ENDPOINT_DEFAULTS });
  const create = useMutation(trpc.webhooks.create.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (input) => {
    try {
      const { endpoint, secret } = await create.mutateAsync(input);
      form.reset(NEW_ENDPOINT_DEFAULTS);
      onCreated(endpoint.url, secret);
    } catch (error) {
      applyServerErrors(error, form.setError, ['url', 'eventTypes']);
      return;
    }
    void invalidateEndpoints();
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Add a webhook endpoint">
      <FormError message={errors.root?.server?.message} />
      <Field
        label="URL"
        error={errors.url?.message}
        hint="Where the events are POSTed, e.g. https://example.com/hooks/lifeos"
      >
        {(props) => <input {...props} {...form.register('url')} type="url" autoComplete="off" />}
      </Field>
      <fieldset className="webhook-events" aria-describedby={errors.eventTypes ? 'webhook-events-error' : undefined}>
        <legend>Events</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} className="checkbox-row">
            <input type="checkbox" value={type} {...form.register('eventTypes')} />
            {EVENT_LABELS[type]}
          </label>
        ))}
      </fieldset>
      {errors.eventTypes ? (
        <p id="webhook-events-error" className="field-error" role="alert">
          {errors.eventTypes.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={isSubmitting}>
          {isSubmitting ? 'Adding…' : 'Add endpoint'}
        </button>
      </div>
    </form>
  );
}

function EndpointItem({ endpoint, onRotated }: { endpoint: TWebhookEndpoint; onRotated: (secret: string) => void }) {
  const [confirming, setConfirming] = useState<'delete' | 'rotate' | null>(null);
  const [showLog, setShowLog] = useState(false);
  const update = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: invalidateEndpoints }));
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: async () => {
        await invalidateEndpoints();
        setConfirming(null);
      },
    }),
  );
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: async ({ secret }) => {
        await invalidateEndpoints();
        setConfirming(null);
        onRotated(secret);
      },
    }),
  );
  const pending = confirming === 'delete' ? remove : rotate;
  return (
    <li className={endpoint.enabled ? 'list-item' : 'list-item list-item-inactive'}>
      <div className="list-main">
        <p className="list-title webhook-url">
          {endpoint.url}
          {endpoint.enabled ? null : <span className="badge badge-muted">Off</span>}
          {endpoint.previousSecretExpiresAt ? (
            <span className="badge" title={`Until ${formatDateTime(endpoint.previousSecretExpiresAt)}`}>
              Two secrets
            </span>
          ) : null}
        </p>
        <p className="list-meta">
          <span>{endpoint.eventTypes.join(', ')}</span>
          <span>Added {formatDate(endpoint.createdAt)}</span>
        </p>
        {update.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(update.error)}
          </p>
        ) : null}
        <div className="form-actions">
          <button
            type="button"
            className="button button-small"
            aria-expanded={showLog}
            onClick={() => setShowLog((shown) => !shown)}
          >
            {showLog ? 'Hide deliveries' : 'Deliveries'}
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={update.isPending}
            onClick={() => update.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}
          >
            {endpoint.enabled ? 'Turn off' : 'Turn on'}
          </button>
          <button type="button" className="button button-small" onClick={() => setConfirming('rotate')}>
            Rotate secret
          </button>
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => setConfirming('delete')}
            aria-label={`Delete ${endpoint.url}`}
          >
            Delete
          </button>
        </div>
        {showLog ? <DeliveryLog endpointId={endpoint.id} /> : null}
      </div>
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === 'delete' ? 'Delete this endpoint?' : 'Rotate the signing secret?'}
        confirmLabel={confirming === 'delete' ? 'Delete endpoint' : 'Rotate secret'}
        danger={confirming === 'delete'}
        pending={pending.isPending}
        onConfirm={() =>
          confirming === 'delete' ? remove.mutate({ id: endpoint.id }) : rotate.mutate({ id: endpoint.id })
        }
        onCancel={() => setConfirming(null)}
      >
        <p>
          {confirming === 'delete'
            ? 'No more events go to it, and its delivery log is deleted with it.'
            : 'A new secret is shown once. The current one keeps signing beside it for 24 hours.'}
        </p>
        {pending.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(pending.error)}
          </p>
        ) : null}
      </ConfirmDialog>
    </li>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions({ endpointId, limit: 50 }));
  const replay = useMutation(
    trpc.webhooks.replay.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.webhooks.deliveries.queryFilter({ endpointId })),
    }),
  );
  return (
    <QueryState
      query={deliveries}
      loading="Loading deliveries…"
      empty={{ when: (list) => list.length === 0, title: 'Nothing sent yet', children: null }}
    >
      {(list) => (
        <div className="webhook-log-wrap">
          {replay.isError ? (
            <p className="field-error" role="alert">
              {errorMessage(replay.error)}
            </p>
          ) : null}
          <table className="webhook-log" aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Answer</th>
                <th scope="col">Time</th>
                <th scope="col">Attempts</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id}>
                  <td title={d.id}>{formatDateTime(d.lastAttemptAt ?? d.createdAt)}</td>
                  <td>{d.eventType}</td>
                  <td>
                    {STATUS_LABELS[d.status]}
                    {d.error ? <span className="muted small"> — {d.error}</span> : null}
                  </td>
                  <td>{d.responseStatus ?? '—'}</td>
                  <td>{d.latencyMs === null ? '—' : `${d.latencyMs} ms`}</td>
                  <td>{d.attempts}</td>
                  <td>
                    {d.status === 'failed' ? (
                      <button
                        type="button"
                        className="button button-small"
                        disabled={replay.isPending}
                        onClick={() => replay.mutate({ id: d.id })}
                      >
                        Replay
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </QueryState>
  );
}
