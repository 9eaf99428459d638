import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { type CallError, createCaller, describeError, fetchProcedures } from './api';
import { isFormSchema, type JsonSchema, type ProcedureDescription, pretty, reviveInput, routerOf } from './schema';
import { zodValidator } from './validator';

type Outcome =
  | { ok: true; value: unknown; ms: number; input: unknown }
  | { ok: false; error: CallError; ms: number; input: unknown };

type Identity = { state: 'unknown' } | { state: 'anonymous'; reason: string } | { state: 'signed-in'; me: unknown };

const selectedFromHash = () => decodeURIComponent(window.location.hash.slice(1));

export function Panel() {
  const [procedures, setProcedures] = useState<ProcedureDescription[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState(selectedFromHash);
  const [apiKey, setApiKey] = useState('');
  const [apiKeyDraft, setApiKeyDraft] = useState('');
  const [drafts, setDrafts] = useState<Record<string, unknown>>({});
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [identity, setIdentity] = useState<Identity>({ state: 'unknown' });

  useEffect(() => {
    fetchProcedures().then(setProcedures, (error: unknown) =>
      setLoadError(error instanceof Error ? error.message : String(error)),
    );
    const onHashChange = () => setSelected(selectedFromHash());
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const call = useMemo(() => createCaller(apiKey), [apiKey]);

  const refreshIdentity = useCallback(async () => {
    if (!procedures?.some((p) => p.path === 'auth.me')) return;
    try {
      setIdentity({ state: 'signed-in', me: await call({ path: 'auth.me', type: 'query' }, undefined) });
    } catch (error) {
      setIdentity({ state: 'anonymous', reason: describeError(error).message });
    }
  }, [call, procedures]);

  useEffect(() => {
    void refreshIdentity();
  }, [refreshIdentity]);

  const run = async (procedure: ProcedureDescription, input: unknown) => {
    const started = performance.now();
    let outcome: Outcome;
    try {
      const value = await call(procedure, input);
      outcome = { ok: true, value, ms: performance.now() - started, input };
    } catch (error) {
      outcome = { ok: false, error: describeError(error), ms: performance.now() - started, input };
    }
    setOutcomes((previous) => ({ ...previous, [procedure.path]: outcome }));
    if (procedure.path !== 'auth.me') void refreshIdentity();
  };

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const matches = (procedures ?? []).filter(
      (p) => !needle || p.path.toLowerCase().includes(needle) || p.description?.toLowerCase().includes(needle),
    );
    const groups = new Map<string, ProcedureDescription[]>();
    for (const p of matches) groups.set(routerOf(p.path), [...(groups.get(routerOf(p.path)) ?? []), p]);
    return [...groups];
  }, [procedures, filter]);

  const current = procedures?.find((p) => p.path === selected);

  return (
    <div className="tp-layout">
      <aside className="tp-sidebar">
        <header className="tp-brand">
          <h1>Life OS · tRPC panel</h1>
          <p>Development only</p>
        </header>
        <input
          className="tp-filter"
          type="search"
          placeholder="Filter procedures…"
          aria-label="Filter procedures"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
        {loadError && <p className="tp-error-text">Could not load procedures: {loadError}</p>}
        {!procedures && !loadError && <p className="tp-muted">Loading…</p>}
        <nav aria-label="Procedures">
          {visible.map(([group, items]) => (
            <section key={group} className="tp-group">
              <h2>{group || '(root)'}</h2>
              <ul>
                {items.map((p) => (
                  <li key={p.path}>
                    <a
                      href={`#${encodeURIComponent(p.path)}`}
                      className={p.path === selected ? 'tp-active' : undefined}
                      aria-current={p.path === selected ? 'page' : undefined}
                      data-path={p.path}
                      title={p.description ?? undefined}
                    >
                      <span className={`tp-type tp-type-${p.type}`}>{p.type === 'query' ? 'Q' : 'M'}</span>
                      {p.path.slice(group ? group.length + 1 : 0)}
                      {p.auth === 'public' && <span className="tp-lock-open" title="Public" />}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ))}
          {procedures && visible.length === 0 && <p className="tp-muted">No procedure matches “{filter}”.</p>}
        </nav>
      </aside>

      <main className="tp-main">
        <div className="tp-toolbar">
          <IdentityBadge identity={identity} usingKey={apiKey.trim() !== ''} />
          {/* Applied on Enter or when leaving the field, not on every keystroke (each change re-checks who we are). */}
          <form
            className="tp-key"
            onSubmit={(event) => {
              event.preventDefault();
              setApiKey(apiKeyDraft);
            }}
          >
            <label>
              API key (optional)
              <input
                type="password"
                autoComplete="off"
                placeholder="lifeos_… — sent as Authorization: Bearer"
                value={apiKeyDraft}
                onChange={(event) => setApiKeyDraft(event.target.value)}
                onBlur={() => setApiKey(apiKeyDraft)}
              />
            </label>
          </form>
        </div>

        {current ? (
          <ProcedureView
            key={current.path}
            procedure={current}
            draft={drafts[current.path]}
            onDraft={(value) => setDrafts((previous) => ({ ...previous, [current.path]: value }))}
            outcome={outcomes[current.path]}
            onRun={(input) => run(current, input)}
          />
        ) : (
          procedures && (
            <div className="tp-empty">
              {selected ? <p>No procedure called “{selected}”.</p> : null}
              <p>
                Pick one of the {procedures.length} procedures on the left. Calls use this browser's session (sign in
                with <code>auth.login</code>) or the API key above.
              </p>
            </div>
          )
        )}
      </main>
    </div>
  );
}

function IdentityBadge({ identity, usingKey }: { identity: Identity; usingKey: boolean }) {
  if (identity.state === 'unknown') return <span className="tp-identity" />;
  if (identity.state === 'anonymous') {
    return (
      <span className="tp-identity tp-identity-anonymous" title={identity.reason}>
        {usingKey ? 'API key refused' : 'Not signed in'}
      </span>
    );
  }
  const me = identity.me as { username?: string; authMethod?: string; scope?: string };
  return (
    <span className="tp-identity tp-identity-signed-in">
      {me.username ?? 'Signed in'}
      {me.authMethod ? ` · ${me.authMethod}` : ''}
      {me.scope ? ` · ${me.scope}` : ''}
    </span>
  );
}

/** Password-like fields are masked; everything else is what rjsf makes of the schema. */
function uiSchemaFor(schema: JsonSchema | null): UiSchema {
  const properties = (schema?.properties ?? {}) as Record<string, unknown>;
  const ui: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  for (const key of Object.keys(properties)) {
    if (/password/i.test(key)) ui[key] = { 'ui:widget': 'password' };
  }
  return ui;
}

/** The server's per-field messages, shown under the fields (top-level fields only; nested ones are in the JSON). */
function fieldErrorsToErrorSchema(error: CallError | undefined): ErrorSchema | undefined {
  if (!error?.fieldErrors) return undefined;
  const schema: Record<string, { __errors: string[] }> = {};
  for (const [field, messages] of Object.entries(error.fieldErrors)) {
    if (messages?.length) schema[field] = { __errors: messages };
  }
  return schema as ErrorSchema;
}

interface ProcedureViewProps {
  procedure: ProcedureDescription;
  draft: unknown;
  onDraft(value: unknown): void;
  outcome: Outcome | undefined;
  onRun(input: unknown): Promise<void>;
}

function ProcedureView({ procedure, draft, onDraft, outcome, onRun }: ProcedureViewProps) {
  const { inputSchema, outputSchema } = procedure;
  const formable = isFormSchema(inputSchema);
  const [mode, setMode] = useState<'form' | 'json'>(formable ? 'form' : 'json');
  const [jsonText, setJsonText] = useState(() => (draft === undefined ? '{}' : pretty(draft)));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [checkInBrowser, setCheckInBrowser] = useState(true);
  const [running, setRunning] = useState(false);
  const uiSchema = useMemo(() => uiSchemaFor(inputSchema), [inputSchema]);
  const extraErrors = outcome && !outcome.ok ? fieldErrorsToErrorSchema(outcome.error) : undefined;

  const send = async (value: unknown) => {
    setRunning(true);
    try {
      await onRun(inputSchema ? reviveInput(inputSchema, value) : undefined);
    } finally {
      setRunning(false);
    }
  };

  const sendJson = (event: FormEvent) => {
    event.preventDefault();
    try {
      const value: unknown = JSON.parse(jsonText);
      setJsonError(null);
      onDraft(value);
      void send(value);
    } catch (error) {
      setJsonError(error instanceof Error ? error.message : String(error));
    }
  };

  const switchMode = (next: 'form' | 'json') => {
    if (next === 'json') {
      setJsonText(pretty(draft ?? {}));
      setJsonError(null);
    } else {
      try {
        onDraft(JSON.parse(jsonText));
        setJsonError(null);
      } catch (error) {
        setJsonError(`Fix the JSON first: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    setMode(next);
  };

  const runButton = (
    <button type="submit" className="tp-run" disabled={running || procedure.type === 'subscription'}>
      {running ? 'Running…' : procedure.type === 'query' ? 'Run query' : 'Run mutation'}
    </button>
  );

  return (
    <article className="tp-procedure" aria-label={procedure.path}>
      <header>
        <h2>
          <code>{procedure.path}</code>
        </h2>
        <div className="tp-badges">
          <span className={`tp-badge tp-type-${procedure.type}`}>{procedure.type}</span>
          {procedure.auth && (
            <span className={`tp-badge tp-auth-${procedure.auth}`}>
              {procedure.auth === 'public' ? 'public' : procedure.sessionOnly ? 'session only' : 'session or API key'}
            </span>
          )}
        </div>
        {procedure.description && <p className="tp-description">{procedure.description}</p>}
      </header>

      <section className="tp-input">
        <div className="tp-section-head">
          <h3>Input</h3>
          {inputSchema && (
            <div className="tp-tabs" role="tablist">
              <button
                type="button"
                role="tab"
                aria-selected={mode === 'form'}
                disabled={!formable}
                onClick={() => switchMode('form')}
              >
                Form
              </button>
              <button type="button" role="tab" aria-selected={mode === 'json'} onClick={() => switchMode('json')}>
                JSON
              </button>
            </div>
          )}
        </div>

        {!inputSchema && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void send(undefined);
            }}
          >
            <p className="tp-muted">This procedure takes no input.</p>
            {runButton}
          </form>
        )}

        {inputSchema && mode === 'form' && (
          <Form
            className="tp-form"
            schema={inputSchema as RJSFSchema}
            uiSchema={uiSchema}
            validator={zodValidator}
            formData={draft}
            onChange={(event) => onDraft(event.formData)}
            onSubmit={(event) => void send(event.formData)}
            noValidate={!checkInBrowser}
            showErrorList={false}
            extraErrors={extraErrors}
            noHtml5Validate
            focusOnFirstError
            // The messages show under the fields; without a handler rjsf also logs them to the console.
            onError={() => {}}
          >
            <div className="tp-run-row">
              {runButton}
              <label className="tp-check">
                <input
                  type="checkbox"
                  checked={checkInBrowser}
                  onChange={(event) => setCheckInBrowser(event.target.checked)}
                />
                Check input in the browser first (untick to see the server's own validation)
              </label>
            </div>
          </Form>
        )}

        {inputSchema && mode === 'json' && (
          <form onSubmit={sendJson}>
            <textarea
              className="tp-json-input"
              aria-label="Input as JSON"
              spellCheck={false}
              value={jsonText}
              onChange={(event) => setJsonText(event.target.value)}
              rows={Math.min(20, Math.max(6, jsonText.split('\n').length + 1))}
            />
            <p className="tp-muted">
              Date fields take ISO strings (e.g. <code>2030-01-01T00:00:00Z</code>) and are sent as Dates.
            </p>
            {jsonError && <p className="tp-error-text">{jsonError}</p>}
            {runButton}
          </form>
        )}
      </section>

      {outcome && <OutcomeView outcome={outcome} />}

      <details className="tp-schemas">
        <summary>Schemas</summary>
        <h4>Input</h4>
        <pre>{inputSchema ? pretty(inputSchema) : 'none'}</pre>
        <h4>Output</h4>
        <pre>{outputSchema ? pretty(outputSchema) : 'not declared'}</pre>
      </details>
    </article>
  );
}

function OutcomeView({ outcome }: { outcome: Outcome }) {
  const ms = `${outcome.ms.toFixed(0)} ms`;
  return (
    <section className={`tp-outcome ${outcome.ok ? 'tp-ok' : 'tp-failed'}`} aria-live="polite">
      <div className="tp-section-head">
        <h3>{outcome.ok ? 'Result' : `Error${outcome.error.code ? ` · ${outcome.error.code}` : ''}`}</h3>
        <span className="tp-muted">
          {outcome.ok ? '' : outcome.error.httpStatus ? `HTTP ${outcome.error.httpStatus} · ` : ''}
          {ms}
        </span>
      </div>
      {!outcome.ok && <p className="tp-error-text">{outcome.error.message}</p>}
      <pre className="tp-result" data-testid="result">
        {outcome.ok ? pretty(outcome.value) : pretty(outcome.error)}
      </pre>
      {outcome.input !== undefined && (
        <details>
          <summary>Sent input</summary>
          <pre>{pretty(outcome.input)}</pre>
        </details>
      )}
    </section>
  );
}
