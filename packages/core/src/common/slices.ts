import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How long a long-running piece of server work (an import's validation and writing) may hold the event loop before
 * it lets other requests run: well under the 250 ms that any other user may wait.
 */
export const SLICE_MS = 20;

/**
 * A pause point for long synchronous loops: call it often (each row); once SLICE_MS have passed since the last pause
 * it waits one turn of the event loop, so I/O and other requests are served in between. Cheap when not due.
 */
export function eventLoopSlicer(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let started = performance.now();
  return () => {
    if (performance.now() - started < sliceMs) return undefined;
    return nextTurn().then(() => {
      started = performance.now();
    });
  };
}
