import { describe, expect, it } from 'vitest';
import { BATCH_FIRST_ROWS, BATCH_ROWS, BATCH_TARGET_MS, Batcher } from './data.batcher.js';

/** A database stand-in that records what it was sent and lets the test decide when each write finishes. */
function recordingWriter(options: { failOn?: number } = {}) {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const release: (() => void)[] = [];
  const write = (rows: number[]) => {
    batches.push(rows);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const index = batches.length - 1;
    return new Promise<void>((resolve, reject) => {
      release.push(() => {
        inFlight -= 1;
        if (index === options.failOn) reject(new Error(`batch ${index} refused`));
        else resolve();
      });
    });
  };
  const finishAll = async () => {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const next = release.shift();
      if (!next) return;
      next();
    }
  };
  return { write, batches, finishAll, maxInFlight: () => maxInFlight };
}

describe('Batcher', () => {
  it('sends batches in order, growing while writes are quick, one in flight; flush waits for the last', async () => {
    const writer = recordingWriter();
    const batcher = new Batcher<number>(writer.write);
    const total = BATCH_ROWS * 4 + 5;
    const adding = (async () => {
      for (let i = 0; i < total; i++) await batcher.add(i);
      await batcher.flush();
    })();
    await Promise.all([adding, writer.finishAll()]);
    const sizes = writer.batches.map((batch) => batch.length);
    expect(sizes[0]).toBe(BATCH_FIRST_ROWS);
    // Grown (how far depends on how quickly this machine turns the writer's timers), never past BATCH_ROWS.
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(BATCH_FIRST_ROWS * 8);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(BATCH_ROWS);
    expect(writer.batches.flat()).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(writer.maxInFlight()).toBe(1);
  });

  it('shrinks its batches when a write takes longer than BATCH_TARGET_MS (PGlite shares the server thread)', async () => {
    const sizes: number[] = [];
    // 4 ms a row: the first batch takes about 100 ms.
    const batcher = new Batcher<number>(async (rows) => {
      sizes.push(rows.length);
      await new Promise((resolve) => setTimeout(resolve, rows.length * 4));
    });
    for (let i = 0; i < 200; i++) await batcher.add(i);
    await batcher.flush();
    expect(sizes[0]).toBe(BATCH_FIRST_ROWS);
    expect(sizes.reduce((a, b) => a + b)).toBe(200);
    // Later batches fit the target: at most BATCH_TARGET_MS / 4 rows.
    for (const size of sizes.slice(2)) expect(size).toBeLessThanOrEqual(BATCH_TARGET_MS / 4);
  });

  it("surfaces a failed batch's own error, before any write queued behind it runs", async () => {
    const writer = recordingWriter({ failOn: 0 });
    const batcher = new Batcher<number>(writer.write);
    let laterWriteRan = false;
    const work = (async () => {
      for (let i = 0; i < BATCH_ROWS; i++) await batcher.add(i);
      await batcher.after(async () => {
        laterWriteRan = true;
      });
    })();
    const outcome = work.then(
      () => null,
      (error: unknown) => error,
    );
    await writer.finishAll();
    expect(await outcome).toEqual(new Error('batch 0 refused'));
    expect(laterWriteRan).toBe(false);
  });

  it('a failure nobody has awaited yet is not an unhandled rejection, and flush reports it', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const writer = recordingWriter({ failOn: 0 });
      const batcher = new Batcher<number>(writer.write);
      for (let i = 0; i < BATCH_FIRST_ROWS; i++) await batcher.add(i);
      await writer.finishAll();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
      await expect(batcher.flush()).rejects.toThrow('batch 0 refused');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
