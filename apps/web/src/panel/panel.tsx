import { useCallback, useEffect, useMemo, useState } from 'react';
import { createCaller, describeError, fetchProcedures } from './api';
import { type Outcome, ProcedureView } from './procedure-view';
import { type ProcedureDescription, routerOf } from './schema';

type Identity = { state: 'unknown' } | { state: 'anonymous'; reason: string } | { state: 'signed-in'; me: unknown };

const selectedFromHash = () => decodeURIComponent(window.location.hash.slice(1));

/** The dev panel: every procedure by router, filterable, who is calling, and the chosen one's form and result. */
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
