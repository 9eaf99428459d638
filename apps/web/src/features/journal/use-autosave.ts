import { useCallback, useEffect, useRef, useState } from 'react';
import { errorCode } from '../../lib/trpc';

/**
 * `saved`: the server holds exactly what is on screen. `saving`: typed text on its way (or waiting for the pause
 * in typing that sends it). `offline`: the server could not be reached; the text stays here, in a local draft,
 * and is sent again on a timer and when the browser comes back online. `error`: the server refused it (too long,
 * say); the next keystroke tries again.
 */
export type AutosaveStatus = 'saved' | 'saving' | 'offline' | 'error';

export interface AutosaveOptions {
  /** The text the server holds (what the page loaded). */
  savedText: string;
  /** Text typed earlier that never reached the server (a local draft), to resume with. */
  draft?: string | null;
  /** Sends the text; resolves once the server has stored it. */
  save: (text: string) => Promise<void>;
  /** Keeps unsent text across reloads and crashes (localStorage); null removes it. */
  storeDraft?: (text: string | null) => void;
  /** Whether empty text is worth sending (not before an entry exists). */
  saveEmpty?: boolean;
  delayMs?: number;
  retryMs?: number;
}

export function useAutosave({
  savedText,
  draft,
  save,
  storeDraft,
  saveEmpty = false,
  delayMs = 800,
  retryMs = 5_000,
}: AutosaveOptions) {
  const initial = draft ?? savedText;
  const [text, setTextState] = useState(initial);
  const [status, setStatus] = useState<AutosaveStatus>(initial === savedText ? 'saved' : 'saving');
  const [error, setError] = useState<string | null>(null);

  const textRef = useRef(initial);
  const savedRef = useRef(savedText);
  const inFlight = useRef(false);
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
    if (inFlight.current) return; // the running save sends the newest text when it returns
    const sending = textRef.current;
    if (sending === savedRef.current || (sending.trim() === '' && !saveEmptyRef.current)) {
      if (sending === savedRef.current) {
        storeRef.current?.(null);
        if (mounted.current) setStatus('saved');
      }
      return;
    }
    inFlight.current = true;
    if (mounted.current) setStatus('saving');
    try {
      await saveRef.current(sending);
      savedRef.current = sending;
      inFlight.current = false;
      if (textRef.current !== sending) {
        void flush();
        return;
      }
      storeRef.current?.(null);
      if (mounted.current) {
        setError(null);
        setStatus('saved');
      }
    } catch (failure) {
      inFlight.current = false;
      if (!mounted.current) return;
      if (errorCode(failure) === undefined) {
        // Unreachable: keep everything, try again shortly.
        setStatus('offline');
        timer.current = setTimeout(() => void flush(), retryMs);
      } else {
        setStatus('error');
        setError(failure instanceof Error ? failure.message : 'Not saved');
      }
    }
  }, [retryMs]);

  const setText = useCallback(
    (next: string) => {
      textRef.current = next;
      setTextState(next);
      storeRef.current?.(next === savedRef.current ? null : next);
      setStatus((current) => (current === 'offline' || current === 'error' ? current : 'saving'));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), delayMs);
    },
    [delayMs, flush],
  );

  // A draft from last time goes out as soon as the page opens.
  useEffect(() => {
    if (textRef.current !== savedRef.current) void flush();
  }, [flush]);

  // Never lose typed text: warn before leaving with unsent text, retry when the network comes back, and send
  // what is pending when the editor goes away (the local draft keeps it should that fail too).
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (textRef.current !== savedRef.current) {
        event.preventDefault();
        event.returnValue = '';
      }
    };
    const onOnline = () => void flush();
    window.addEventListener('beforeunload', onBeforeUnload);
    window.addEventListener('online', onOnline);
    mounted.current = true;
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      window.removeEventListener('online', onOnline);
      mounted.current = false;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (textRef.current !== savedRef.current && !inFlight.current) void flush();
    };
  }, [flush]);

  return { text, setText, status, error, flush, dirty: text !== savedRef.current };
}
