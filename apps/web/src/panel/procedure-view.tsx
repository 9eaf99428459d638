import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { type FormEvent, useMemo, useState } from 'react';
import type { CallError } from './api';
import { isFormSchema, type JsonSchema, type ProcedureDescription, pretty, reviveInput } from './schema';
import { zodValidator } from './validator';

/** What the last call of a procedure gave: its value or its error, how long it took, and what was sent. */
export type Outcome =
  | { ok: true; value: unknown; ms: number; input: unknown }
  | { ok: false; error: CallError; ms: number; input: unknown };

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

/** One procedure: its input as a form (rjsf, from its JSON schema) or JSON, a run button, the outcome, its schemas. */
export function ProcedureView({ procedure, draft, onDraft, outcome, onRun }: ProcedureViewProps) {
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
