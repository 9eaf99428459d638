import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Modal } from '../../components/modal';
import { errorMessage } from '../../lib/errors';
import { isOffline, networkStatus } from '../../lib/offline/status';
import { trpc } from '../../lib/trpc';
import { isTypingTarget } from '../../lib/typing-target';
import './captures.css';
import { ParsePreview } from './parse-preview';

/** The key that opens quick capture from any page (when focus is not in a text field). */
export const QUICK_CAPTURE_KEY = 'c';
const DRAFT_KEY = 'lifeos:capture-draft';

function readDraft(): string {
  try {
    return localStorage.getItem(DRAFT_KEY) ?? '';
  } catch {
    return '';
  }
}

function writeDraft(text: string) {
  try {
    if (text) localStorage.setItem(DRAFT_KEY, text);
    else localStorage.removeItem(DRAFT_KEY);
  } catch {
    // Private mode or a full storage: the text still lives in the box.
  }
}

/** The text after the user stopped typing for `delay` ms. */
function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

/**
 * Global quick capture: the topbar button and the `c` shortcut open a small dialog; what is typed is kept as a
 * draft until the API has it, so a failed send (offline, server down) never loses it.
 */
export function QuickCapture() {
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      if (event.key !== QUICK_CAPTURE_KEY || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target) || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      setNotice(null);
      setOpen(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);

  const onCaptured = useCallback(() => {
    setOpen(false);
    setNotice(
      isOffline(networkStatus())
        ? 'Captured on this device; it goes to the inbox once online.'
        : 'Captured to the inbox.',
    );
  }, []);

  return (
    <div className="quick-capture">
      <button
        type="button"
        className="button button-small"
        aria-keyshortcuts={QUICK_CAPTURE_KEY}
        onClick={() => {
          setNotice(null);
          setOpen(true);
        }}
      >
        <span aria-hidden="true">+</span> <span className="quick-capture-label">Capture</span>{' '}
        <kbd className="kbd">{QUICK_CAPTURE_KEY}</kbd>
      </button>
      <output className="quick-capture-notice" aria-live="polite">
        {notice ? (
          <>
            {notice} <Link to="/inbox">Open the inbox</Link>
          </>
        ) : null}
      </output>
      {open ? <CaptureDialog onClose={() => setOpen(false)} onCaptured={onCaptured} /> : null}
    </div>
  );
}

function CaptureDialog({ onClose, onCaptured }: { onClose: () => void; onCaptured: () => void }) {
  const [text, setText] = useState(readDraft);
  const textId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const debounced = useDebounced(text, 250);
  const parse = useQuery({
    ...trpc.captures.parse.queryOptions({ text: debounced }),
    enabled: debounced.trim() !== '',
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  // Through the outbox: a capture made offline is kept on the device and sent when the network is back.
  const create = useMutation({
    // The outbox's code loads with the first capture, not with every page's shell.
    mutationFn: async (input: { text: string }) =>
      (await import('../../lib/outbox/writes')).queueWrite('captures.create', input, {
        label: `Capture “${input.text.trim().slice(0, 60)}”`,
      }),
    networkMode: 'always',
    onSuccess: () => {
      writeDraft('');
      onCaptured();
    },
  });

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const send = () => {
    if (!text.trim() || create.isPending) return;
    create.mutate({ text });
  };

  return (
    <Modal title="Quick capture" onClose={onClose} className="capture-dialog">
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <label htmlFor={textId} className="visually-hidden">
          What is on your mind?
        </label>
        <textarea
          id={textId}
          ref={inputRef}
          className="capture-input"
          rows={3}
          value={text}
          placeholder="Call the dentist tomorrow 9am #health +Home !2"
          aria-describedby={hintId}
          onChange={(event) => {
            setText(event.target.value);
            writeDraft(event.target.value);
            if (create.isError) create.reset();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <p id={hintId} className="field-hint">
          <span className="keys-hint">Enter saves, Shift+Enter adds a line, Escape closes (the text is kept). </span>A
          date, #labels, +project and !priority are proposed when you process it.
        </p>
        {text.trim() && parse.data ? <ParsePreview parsed={parse.data} /> : null}
        {create.isError ? (
          <div className="alert alert-error" role="alert">
            Not saved: {errorMessage(create.error)} Your text is still here.
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="button button-primary" disabled={!text.trim() || create.isPending}>
            {create.isPending ? 'Saving…' : create.isError ? 'Retry' : 'Capture'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
