import { useCallback, useEffect, useRef, useState } from 'react';
import { isOffline, useNetworkStatus } from '../../lib/offline/status';
import { errorCode } from '../../lib/trpc';

/**
 * `saved`: the server holds exactly what is on screen. `saving`: typed text on its way (or waiting for the pause in
 * typing that sends it). `offline`: the text is queued on this device (the outbox, IndexedDB) and goes out when the
 * network is back, even after a reload. `conflict`: the entry was changed elsewhere since this text was started; the
 * writer chooses what to keep. `error`: the server refused it (too long, say); the next keystroke tries again.
 */
export type AutosaveStatus = 'saved' | 'saving' | 'offline' | 'conflict' | 'error';

export interface AutosaveOptions {
  /** The text the server holds (what the page loaded). */
  savedText: string;
  /** Text typed earlier that never reached the server (a local draft), to resume with. */
  draft?: string | null;
  /**
   * Queues the text (the outbox keeps and sends it, retrying while offline); resolves once the server has stored it,
   * rejects when the server refuses it.
   */
  save: (text: string) => Promise<void>;
  /** Keeps typed text across reloads until it is queued (localStorage); null removes it. */
  storeDraft?: (text: string | null) => void;
  /** Whether empty text is worth sending (not before an entry exists). */
  saveEmpty?: boolean;
  delayMs?: number;
}

export function useAutosave({ savedText, draft, save, storeDraft, saveEmpty = false, delayMs = 800 }: AutosaveOptions) {
  const initial = draft ?? savedText;
  const [text, setTextState] = useState(initial);
  const [status, setStatus] = useState<AutosaveStatus>(initial === savedText ? 'saved' : 'saving');
  const [error, setError] = useState<string | null>(null);
  const network = useNetworkStatus();

  const textRef = useRef(initial);
  const savedRef = useRef(savedText);
  /** The newest text handed to the outbox and not yet stored by the server. */
  const queuedRef = useRef<string | null>(null);
  const waiting = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const saveRef = useRef(save);
  saveRef.current = save;
  const storeRef = useRef(storeDraft);
  storeRef.current = storeDraft;
  const saveEmptyRef = useRef(saveEmpty);
  saveEmptyRef.current = saveEmpty;
  const mounted = useRef(true);

  const flush = useCallback(async (): Promise<void> => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    const sending = textRef.current;
    if (sending === (queuedRef.current ?? savedRef.current)) {
      if (waiting.current === 0 && mounted.current) setStatus('saved');
      return;
    }
    if (sending.trim() === '' && !saveEmptyRef.current) return;
    // Queued in order behind any earlier text; the outbox replaces an earlier text it has not sent yet.
    queuedRef.current = sending;
    waiting.current++;
    if (mounted.current) setStatus('saving');
    try {
      await saveRef.current(sending);
      savedRef.current = sending;
      waiting.current--;
      if (waiting.current > 0) return;
      queuedRef.current = null;
      if (textRef.current === sending) storeRef.current?.(null);
      if (!mounted.current) return;
      setError(null);
      setStatus(textRef.current === sending ? 'saved' : 'saving');
    } catch (failure) {
      waiting.current--;
      queuedRef.current = null;
      if (!mounted.current) return;
      setStatus(errorCode(failure) === 'CONFLICT' ? 'conflict' : 'error');
      setError(failure instanceof Error ? failure.message : 'Not saved');
    }
  }, []);

  const setText = useCallback(
    (next: string) => {
      textRef.current = next;
      setTextState(next);
      storeRef.current?.(next === savedRef.current ? null : next);
      setStatus((current) => (current === 'conflict' || current === 'error' ? current : 'saving'));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), delayMs);
    },
    [delayMs, flush],
  );

  /** After a merge: the text on screen is what the server now has (or is about to get). */
  const resolve = useCallback((next: string, stored: boolean) => {
    textRef.current = next;
    setTextState(next);
    if (stored) {
      savedRef.current = next;
      storeRef.current?.(null);
    }
    setError(null);
    setStatus(stored ? 'saved' : 'saving');
  }, []);

  // A draft from last time goes out as soon as the page opens.
  useEffect(() => {
    if (textRef.current !== savedRef.current) void flush();
  }, [flush]);

  // Never lose typed text: queue what is pending when the editor goes away or the page is hidden, and warn before
  // leaving with text not yet queued (the local draft keeps it should that fail too).
  useEffect(() => {
    const unqueued = () => textRef.current !== (queuedRef.current ?? savedRef.current);
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (unqueued()) {
        void flush();
        event.preventDefault();
        event.returnValue = '';
      }
    };
    const onHidden = () => {
      if (document.visibilityState === 'hidden' && unqueued()) void flush();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('visibilitychange', onHidden);
    mounted.current = true;
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('visibilitychange', onHidden);
      mounted.current = false;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (unqueued()) void flush();
    };
  }, [flush]);

  const shown: AutosaveStatus = status === 'saving' && waiting.current > 0 && isOffline(network) ? 'offline' : status;
  return { text, setText, status: shown, error, flush, resolve, dirty: text !== savedRef.current };
}
