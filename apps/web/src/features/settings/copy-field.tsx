import { useCallback, useRef, useState } from 'react';
import { Field } from '../../components/field';

export type CopyState = 'idle' | 'copied' | 'manual';

type Selectable = HTMLInputElement | HTMLTextAreaElement;

/**
 * Copies a value with the clipboard API. Where the browser refuses (plain-HTTP installs are not a secure context,
 * or the user denied it), the value's field is focused and selected instead, so Ctrl+C still works.
 */
export function useCopy(value: string): {
  state: CopyState;
  /** The ref of the field that shows the value, selected when the clipboard refuses. */
  target: (element: Selectable | null) => void;
  copy: () => Promise<void>;
} {
  const [state, setState] = useState<CopyState>('idle');
  const ref = useRef<Selectable>(null);
  const target = useCallback((element: Selectable | null) => {
    ref.current = element;
  }, []);
  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      ref.current?.focus();
      ref.current?.select();
      setState('manual');
    }
  };
  return { state, target, copy };
}

/** What the live region beside a copy button says; empty until the button was used. */
export function copyStatus(state: CopyState, noun: string): string {
  if (state === 'copied') return `Copied the ${noun} to the clipboard.`;
  if (state === 'manual') return `Copying is not available here: the ${noun} is selected, press Ctrl+C (⌘C on a Mac).`;
  return '';
}

interface CopyFieldProps {
  label: string;
  value: string;
  /** How the status and the button's accessible name call the value ("server URL"). */
  noun: string;
  hint?: string;
  /** A block of text (a configuration file) rather than one line. */
  multiline?: boolean;
}

/**
 * A read-only value with its Copy button. The button reads "Copy"/"Copied" and its accessible name says what it
 * copies, since a screen reader lists several of these buttons side by side.
 */
export function CopyField({ label, value, noun, hint, multiline }: CopyFieldProps) {
  const { state, target, copy } = useCopy(value);
  return (
    <div className="copy-field">
      <Field label={label} hint={hint}>
        {(props) => (
          <div className="copy-row">
            {multiline ? (
              <textarea
                {...props}
                ref={target}
                className="key-value copy-block"
                value={value}
                rows={value.split('\n').length}
                readOnly
                spellCheck={false}
                onFocus={(event) => event.currentTarget.select()}
              />
            ) : (
              <input
                {...props}
                ref={target}
                className="key-value"
                value={value}
                readOnly
                spellCheck={false}
                onFocus={(event) => event.currentTarget.select()}
              />
            )}
            <button type="button" className="button" onClick={() => void copy()}>
              {state === 'copied' ? 'Copied' : 'Copy'}
              <span className="visually-hidden"> {noun}</span>
            </button>
          </div>
        )}
      </Field>
      <output className="form-status" aria-live="polite">
        {copyStatus(state, noun)}
      </output>
    </div>
  );
}
