import { zodResolver } from '@hookform/resolvers/zod';
import { API_KEY_MODULES, type TApiKey, ZApiKeyModules, ZCreateApiKeyInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Field, FormError } from '../../components/field';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { applyServerErrors, errorMessage } from '../../lib/errors';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { queryClient, trpc } from '../../lib/trpc';
import { NewKeyPanel } from './new-key-panel';

const EXPIRY_CHOICES = [
  { value: 'never', label: 'Never', days: null },
  { value: '7', label: 'In 7 days', days: 7 },
  { value: '30', label: 'In 30 days', days: 30 },
  { value: '90', label: 'In 90 days', days: 90 },
  { value: '365', label: 'In a year', days: 365 },
] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

const MODULE_LABELS: Record<(typeof API_KEY_MODULES)[number], string> = {
  journal: 'Journal',
  fitness: 'Fitness',
  calendar: 'Calendar',
  projects: 'Projects',
  tasks: 'Tasks',
  captures: 'Inbox',
  dashboard: 'Dashboard',
  search: 'Search',
  settings: 'Settings',
  data: 'Export and import',
};

/** A module's select: '' is "as the access above" (left out of the key's modules). */
const ZModuleChoice = z.enum(['', 'none', 'read', 'write']);

/**
 * The API's schema, with the expiry picked from a list and turned into the Date the API takes, and the per-module
 * selects turned into the overrides the API takes (those left at "as above" are left out).
 */
const ZCreateKeyForm = ZCreateApiKeyInput.extend({
  expiresAt: z
    .enum(EXPIRY_CHOICES.map((c) => c.value) as [string, ...string[]])
    .transform((value) => {
      const days = EXPIRY_CHOICES.find((c) => c.value === value)?.days;
      return days ? new Date(Date.now() + days * DAY_MS) : undefined;
    })
    .pipe(ZCreateApiKeyInput.shape.expiresAt),
  modules: z
    .partialRecord(z.enum(API_KEY_MODULES), ZModuleChoice)
    .transform((choices) => Object.fromEntries(Object.entries(choices).filter(([, access]) => access !== '')))
    .pipe(ZApiKeyModules),
  journalText: z.boolean(),
});

const NEW_KEY_DEFAULTS = {
  name: '',
  scope: 'read' as const,
  expiresAt: 'never',
  modules: {},
  journalText: true,
};

function isActive(key: TApiKey, now: Date) {
  return !key.revokedAt && (!key.expiresAt || key.expiresAt.getTime() > now.getTime());
}

export function ApiKeysSection() {
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const now = new Date();
  const inactive = keys.data?.filter((k) => !isActive(k, now)) ?? [];

  return (
    <Panel
      id="api-keys"
      title="API keys"
      description="Let your own scripts, your phone’s calendar and your assistant (MCP) call Life OS. A read key can only look; a write key can also change things; each module can be given less or more. Keys cannot manage passwords, sessions or other keys."
    >
      {created ? (
        <NewKeyPanel name={created.name} secret={created.secret} onDone={() => setCreated(null)} />
      ) : (
        <CreateKeyForm onCreated={setCreated} />
      )}
      <h3 className="subheading">Your keys</h3>
      <QueryState
        query={keys}
        loading="Loading API keys…"
        empty={{
          when: (list) => !list.some((k) => isActive(k, now)),
          title: 'No API keys yet',
          children: <p>Create one above to use Life OS from a script.</p>,
        }}
      >
        {(list) => (
          <ul className="list" aria-label="Active API keys">
            {list
              .filter((k) => isActive(k, now))
              .map((key) => (
                <ApiKeyItem key={key.id} apiKey={key} />
              ))}
          </ul>
        )}
      </QueryState>
      {inactive.length > 0 ? (
        <details className="disclosure">
          <summary>Revoked and expired keys ({inactive.length})</summary>
          <ul className="list">
            {inactive.map((key) => (
              <ApiKeyItem key={key.id} apiKey={key} />
            ))}
          </ul>
        </details>
      ) : null}
    </Panel>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (created: { name: string; secret: string }) => void }) {
  const form = useForm({ resolver: zodResolver(ZCreateKeyForm), defaultValues: NEW_KEY_DEFAULTS });
  const create = useMutation(trpc.apiKeys.create.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (input) => {
    try {
      const { key, apiKey } = await create.mutateAsync(input);
      form.reset(NEW_KEY_DEFAULTS);
      onCreated({ name: apiKey.name, secret: key });
    } catch (error) {
      applyServerErrors(error, form.setError, ['name', 'scope', 'expiresAt', 'journalText']);
      return;
    }
    void queryClient.invalidateQueries(trpc.apiKeys.list.queryFilter());
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Create an API key">
      <FormError message={errors.root?.server?.message} />
      <div className="form-grid form-grid-3">
        <Field label="Name" error={errors.name?.message} hint="Where it is used, e.g. “backup script” or “my phone”.">
          {(props) => <input {...props} {...form.register('name')} type="text" autoComplete="off" />}
        </Field>
        <Field label="Access" error={errors.scope?.message}>
          {(props) => (
            <select {...props} {...form.register('scope')}>
              <option value="read">Read only</option>
              <option value="write">Read and write</option>
            </select>
          )}
        </Field>
        <Field label="Expires" error={errors.expiresAt?.message}>
          {(props) => (
            <select {...props} {...form.register('expiresAt')}>
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <label className="checkbox-row">
        <input type="checkbox" {...form.register('journalText')} />
        Can read journal text (without it, entries show their date, word count and mood only)
      </label>
      <details className="disclosure">
        <summary>Access per module</summary>
        <div className="form-grid form-grid-3">
          {API_KEY_MODULES.map((module) => (
            <Field key={module} label={MODULE_LABELS[module]}>
              {(props) => (
                <select {...props} {...form.register(`modules.${module}`)}>
                  <option value="">As above</option>
                  <option value="none">No access</option>
                  <option value="read">Read only</option>
                  <option value="write">Read and write</option>
                </select>
              )}
            </Field>
          ))}
        </div>
      </details>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={isSubmitting}>
          {isSubmitting ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

const ACCESS_LABELS = { none: 'no access', read: 'read only', write: 'read and write' } as const;

/** "Journal: no access, Tasks: read and write" */
function moduleSummary(apiKey: TApiKey) {
  return API_KEY_MODULES.flatMap((module) => {
    const access = apiKey.modules[module];
    return access ? [`${MODULE_LABELS[module]}: ${ACCESS_LABELS[access]}`] : [];
  }).join(', ');
}

function ApiKeyItem({ apiKey }: { apiKey: TApiKey }) {
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.apiKeys.list.queryFilter());
        setConfirming(false);
      },
    }),
  );
  const now = new Date();
  const expired = apiKey.expiresAt !== null && apiKey.expiresAt.getTime() <= now.getTime();
  return (
    <li className={apiKey.revokedAt || expired ? 'list-item list-item-inactive' : 'list-item'}>
      <div className="list-main">
        <p className="list-title">
          {apiKey.name}
          <span className={apiKey.scope === 'write' ? 'badge badge-warn' : 'badge'}>
            {apiKey.scope === 'write' ? 'Read and write' : 'Read only'}
          </span>
          {apiKey.journalText ? null : <span className="badge">No journal text</span>}
          {Object.keys(apiKey.modules).length > 0 ? (
            <span className="badge" title={moduleSummary(apiKey)}>
              Per module
            </span>
          ) : null}
          {apiKey.revokedAt ? <span className="badge badge-muted">Revoked</span> : null}
          {!apiKey.revokedAt && expired ? <span className="badge badge-muted">Expired</span> : null}
        </p>
        <p className="list-meta">
          <code>{apiKey.prefix}…</code>
          <span>Created {formatDate(apiKey.createdAt)}</span>
          <span title={apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : undefined}>
            {apiKey.lastUsedAt ? `Last used ${formatRelative(apiKey.lastUsedAt)}` : 'Never used'}
          </span>
          <span>
            {apiKey.revokedAt
              ? `Revoked ${formatDate(apiKey.revokedAt)}`
              : apiKey.expiresAt
                ? `${expired ? 'Expired' : 'Expires'} ${formatDate(apiKey.expiresAt)}`
                : 'Never expires'}
          </span>
        </p>
      </div>
      {apiKey.revokedAt ? null : (
        <button
          type="button"
          className="button button-small button-danger-quiet"
          onClick={() => setConfirming(true)}
          aria-label={`Revoke ${apiKey.name}`}
        >
          Revoke
        </button>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Revoke “${apiKey.name}”?`}
        confirmLabel="Revoke key"
        danger
        pending={revoke.isPending}
        onConfirm={() => revoke.mutate({ id: apiKey.id })}
        onCancel={() => setConfirming(false)}
      >
        <p>Scripts using this key stop working at once. This cannot be undone.</p>
        {revoke.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(revoke.error)}
          </p>
        ) : null}
      </ConfirmDialog>
    </li>
  );
}
