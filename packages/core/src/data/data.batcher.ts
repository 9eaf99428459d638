import { eventLoopSlicer } from '../common/slices.js';

/** Rows per INSERT at most: far below PostgreSQL's 65,535 parameters for the widest table (events, ~18 columns). */
export const BATCH_ROWS = 1_000;
/** Rows in a section's first INSERT: the batch grows from there while its statements stay quick. */
export const BATCH_FIRST_ROWS = 25;
/**
 * How long one INSERT should take. On PGlite the database runs on the server's own thread, so a statement's time is
 * time no other request is served: 1,000 journal entries took 1.9 s there (their search vectors), one entry 0.1 s
 * the first time. A batch slower than this shrinks in proportion, one much quicker doubles, up to BATCH_ROWS.
 */
export const BATCH_TARGET_MS = 60;
/** …and a bound on a batch's size in characters, for long journal entries. */
const BATCH_CHARS = 4_000_000;

/** Collects rows into multi-row INSERTs (exported for its tests). */
export class Batcher<T> {
  private rows: T[] = [];
  private chars = 0;
  private limit = BATCH_FIRST_ROWS;
  /** The batch the database is writing while the next one is prepared (one connection runs them in order). */
  private inFlight: Promise<void> = Promise.resolve();
  /** Pauses between statements and rows, so other requests run between an import's slices. */
  private readonly slice = eventLoopSlicer();
  constructor(
    private readonly flushRows: (rows: T[]) => Promise<void>,
    private readonly size: (row: T) => number = () => 0,
  ) {}
  async add(row: T) {
    this.rows.push(row);
    this.chars += this.size(row);
    if (this.rows.length >= this.limit || this.chars >= BATCH_CHARS) await this.send();
    else await this.slice();
  }
  /**
   * Runs another write of this section once the batch in flight is written, so that batch's failure (not the
   * "transaction aborted" of the write queued behind it) is the error the caller sees.
   */
  async after<A extends unknown[]>(write: (...args: A) => Promise<unknown>, ...args: A): Promise<void> {
    await this.inFlight;
    await this.slice();
    await write(...args);
  }
  /** Sends what is collected and waits until every batch is written (a section's end). */
  async flush() {
    await this.send();
    await this.inFlight;
  }
  /**
   * Waits for the previous batch, then starts this one without waiting for it: Node builds the next batch while
   * PostgreSQL writes this one, instead of each idling while the other works. At most one batch is in flight.
   */
  private async send() {
    await this.inFlight;
    if (this.rows.length === 0) return;
    await this.slice();
    const rows = this.rows;
    this.rows = [];
    this.chars = 0;
    const started = performance.now();
    this.inFlight = this.flushRows(rows).then(() => this.adapt(rows.length, performance.now() - started));
    // Handled here so a failure is never an unhandled rejection; it is rethrown where inFlight is awaited next.
    this.inFlight.catch(() => {});
  }
  /** Sizes the next batch by how long this one took (see BATCH_TARGET_MS). */
  private adapt(rows: number, ms: number) {
    if (ms > BATCH_TARGET_MS) this.limit = Math.max(1, Math.floor((rows * BATCH_TARGET_MS) / ms));
    else if (ms < BATCH_TARGET_MS / 2 && rows >= this.limit) this.limit = Math.min(BATCH_ROWS, this.limit * 2);
  }
}
