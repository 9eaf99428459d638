import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { Panel } from '../../components/panel';
import { trpc } from '../../lib/trpc';
import { CaldavAccount } from './caldav-section';
import { copyStatus, useCopy } from './copy-field';

/**
 * The one time a new API key is visible. The key is shown with a Copy button and a warning; if the clipboard is
 * unavailable (plain-HTTP installs are not a secure context), the key is selected for a manual copy. Beside it are
 * the CalDAV server URL and username, so a phone's account can be filled in with all three while the key is here.
 */
export function NewKeyPanel({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const copy = useCopy(secret);
  const warningId = useId();
  // The shell loaded the signed-in user before any page, so this is normally answered from the cache.
  const me = useQuery(trpc.auth.me.queryOptions());

  return (
    <Panel title={`Your new API key “${name}”`} level={3} className="new-key" focusOnMount>
      <p id={warningId} className="alert alert-warning">
        Copy it now: this is the only time it is shown. Life OS keeps only a fingerprint of it, so if you lose it,
        revoke it and create a new one.
      </p>
      <div className="copy-row">
        <input
          ref={copy.target}
          className="key-value"
          aria-label="New API key"
          aria-describedby={warningId}
          value={secret}
          readOnly
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          data-testid="new-api-key"
        />
        {/* Named just "Copy": it sits right after the field named "New API key". */}
        <button type="button" className="button button-primary" onClick={() => void copy.copy()}>
          {copy.state === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <output className="form-status" aria-live="polite">
        {copyStatus(copy.state, 'key')}
      </output>
      <p className="muted small">
        Use it from a script:{' '}
        <code>
          createLifeOsClient({'{'} baseUrl, apiKey {'}'})
        </code>{' '}
        from <code>@lifeos/client</code>, or send it as <code>Authorization: Bearer …</code>.
      </p>
      {me.data ? (
        <>
          <p className="muted small">
            Or as the password of your phone’s calendar (<a href="#caldav">Sync with your phone</a>), with:
          </p>
          <CaldavAccount username={me.data.username} />
        </>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </Panel>
  );
}
