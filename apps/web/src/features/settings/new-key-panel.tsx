import { useId, useRef, useState } from 'react';
import { Panel } from '../../components/panel';

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * The one time a new API key is visible. The key is shown with a Copy button and a warning; if the clipboard is
 * unavailable (plain-HTTP installs are not a secure context), the key is selected for a manual copy.
 */
export function NewKeyPanel({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const inputRef = useRef<HTMLInputElement>(null);
  const warningId = useId();

  const selectKey = () => {
    inputRef.current?.focus();
    inputRef.current?.select();
  };

  const onCopy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      selectKey();
      setCopy('manual');
    }
  };

  return (
    <Panel title={`Your new API key “${name}”`} level={3} className="new-key" focusOnMount>
      <p id={warningId} className="alert alert-warning">
        Copy it now: this is the only time it is shown. Life OS keeps only a fingerprint of it, so if you lose it,
        revoke it and create a new one.
      </p>
      <div className="copy-row">
        <input
          ref={inputRef}
          className="key-value"
          aria-label="New API key"
          aria-describedby={warningId}
          value={secret}
          readOnly
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          data-testid="new-api-key"
        />
        <button type="button" className="button button-primary" onClick={() => void onCopy()}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <output className="form-status" aria-live="polite">
        {copy === 'copied'
          ? 'Copied to the clipboard.'
          : copy === 'manual'
            ? 'Copying is not available here: the key is selected, press Ctrl+C (⌘C on a Mac).'
            : ''}
      </output>
      <p className="muted small">
        Use it from a script:{' '}
        <code>
          createLifeOsClient({'{'} baseUrl, apiKey {'}'})
        </code>{' '}
        from <code>@lifeos/client</code>, or send it as <code>Authorization: Bearer …</code>.
      </p>
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </Panel>
  );
}
