/**
 * Heavy parts of a page that are not its point (charts, a year's heatmap) render after the page itself: once their
 * place comes near the viewport, their code is fetched, and then they render one at a time in idle time, each in
 * its own task. Rendered together with the page they made one long task that kept a phone from answering a tap for
 * about a second. A same-size placeholder holds their place meanwhile, so nothing moves when they arrive.
 */
import { type ReactNode, startTransition, useEffect, useRef, useState } from 'react';

type Reveal = () => void;

/** How far outside the viewport a slot starts loading, so it is usually drawn before it scrolls into view. */
const NEAR_VIEWPORT = '300px 0px';
/** An idle callback waits at most this long on a page that never goes idle; the slot then renders anyway. */
const IDLE_TIMEOUT_MS = 2_000;

/** Slots not asked to load yet (their place was not near the viewport). */
const notNear = new Set<Reveal>();
/** Slots whose code has loaded, in the order it did, waiting for idle time. */
const ready: Reveal[] = [];
let idleCallbackPending = false;

function whenIdle(callback: () => void) {
  if (typeof window.requestIdleCallback === 'function') {
    window.requestIdleCallback(callback, { timeout: IDLE_TIMEOUT_MS });
  } else {
    window.setTimeout(callback, 1);
  }
}

// One slot per idle callback: two charts drawn in the same callback would be one long task again.
function revealNextWhenIdle() {
  if (idleCallbackPending || ready.length === 0) return;
  idleCallbackPending = true;
  whenIdle(() => {
    idleCallbackPending = false;
    ready.shift()?.();
    revealNextWhenIdle();
  });
}

function markReady(reveal: Reveal) {
  ready.push(reveal);
  revealNextWhenIdle();
}

function forget(reveal: Reveal) {
  notNear.delete(reveal);
  const index = ready.indexOf(reveal);
  if (index >= 0) ready.splice(index, 1);
}

const nearHandlers = new WeakMap<Reveal, () => void>();

// A chart is a tab stop (recharts' keyboard tooltip). Someone moving through the page with the keyboard must meet
// every one of them, not skip those that had not scrolled near yet: the first Tab loads them all.
function loadAllOnTab(event: KeyboardEvent) {
  if (event.key !== 'Tab') return;
  for (const reveal of [...notNear]) nearHandlers.get(reveal)?.();
}

/**
 * Renders `children(loaded)` once its place is near the viewport, `load()` has resolved and the browser is idle;
 * until then an empty box of `height` pixels with `placeholderClassName`. A failed `load` goes to the nearest error
 * boundary, as a failed lazy import would.
 */
export function DeferredRender<T>({
  height,
  placeholderClassName,
  load,
  children,
}: {
  height: number;
  placeholderClassName?: string;
  load: () => Promise<T>;
  children: (loaded: T) => ReactNode;
}) {
  const [loaded, setLoaded] = useState<{ value: T } | null>(null);
  const placeholder = useRef<HTMLDivElement>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const element = placeholder.current;
    if (!element) return;
    let value: T;
    let unmounted = false;
    const reveal: Reveal = () => {
      forget(reveal);
      startTransition(() => setLoaded({ value }));
    };
    let observer: IntersectionObserver | undefined;
    const onNear = () => {
      notNear.delete(reveal);
      observer?.disconnect();
      loadRef.current().then(
        (result) => {
          if (unmounted) return;
          value = result;
          markReady(reveal);
        },
        (error: unknown) => {
          if (unmounted) return;
          setLoaded(() => {
            throw error;
          });
        },
      );
    };
    nearHandlers.set(reveal, onNear);
    notNear.add(reveal);
    document.addEventListener('keydown', loadAllOnTab);
    if (typeof IntersectionObserver === 'function') {
      observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) onNear();
        },
        { rootMargin: NEAR_VIEWPORT },
      );
      observer.observe(element);
    } else {
      onNear();
    }
    return () => {
      unmounted = true;
      observer?.disconnect();
      forget(reveal);
      if (notNear.size === 0) document.removeEventListener('keydown', loadAllOnTab);
    };
  }, []);

  if (loaded) return children(loaded.value);
  return (
    <div
      ref={placeholder}
      className={placeholderClassName}
      style={{ height }}
      aria-hidden="true"
      data-deferred-placeholder=""
    />
  );
}
