/**
 * The job runner's rules, pure: how long a failed job waits before its next attempt, and which slot of a recurring
 * schedule a moment falls in (the slot names the job, so every replica enqueues the same one).
 */

export interface Backoff {
  /** The wait after the first failure; each further failure doubles it. */
  baseMs: number;
  /** The longest wait. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 10_000, maxMs: 6 * 3_600_000 };

/**
 * The wait before the next attempt after `attempts` failed ones: exponential, capped, with "equal jitter" (half
 * fixed, half random) so that jobs failing together — one channel down for a thousand reminders — do not all come
 * back in the same second, while every job still waits at least half its step.
 */
export function retryDelayMs(attempts: number, backoff: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random) {
  const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 40)));
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random(), 0), 1));
}

/** When a job that failed its `attempts`-th attempt runs again: null when that was its last (it is dead). */
export function nextAttemptAt(
  job: { attempts: number; maxAttempts: number },
  now: Date,
  backoff: Backoff = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): Date | null {
  if (job.attempts >= job.maxAttempts) return null;
  return new Date(now.getTime() + retryDelayMs(job.attempts, backoff, random));
}

const MINUTE_MS = 60_000;

/** A recurring schedule as written beside a job kind: `every 5 min`, `every 30 s`, `hourly`, `daily`. */
export type ScheduleText = `every ${number} ${'s' | 'min' | 'h'}` | 'hourly' | 'daily';

/** A schedule's period in milliseconds; throws on a schedule it cannot read (a programming error). */
export function schedulePeriodMs(schedule: ScheduleText): number {
  if (schedule === 'hourly') return 60 * MINUTE_MS;
  if (schedule === 'daily') return 24 * 60 * MINUTE_MS;
  const match = /^every (\d+) (s|min|h)$/.exec(schedule);
  const count = Number(match?.[1]);
  if (!match || !Number.isInteger(count) || count < 1) throw new Error(`Unreadable schedule: ${schedule}`);
  const unit = match[2] === 's' ? 1_000 : match[2] === 'min' ? MINUTE_MS : 60 * MINUTE_MS;
  const period = count * unit;
  // Slots are counted from the epoch: a period that does not divide a day would drift across days.
  if ((24 * 60 * MINUTE_MS) % period !== 0 && period % (24 * 60 * MINUTE_MS) !== 0) {
    throw new Error(`A schedule's period must divide a day: ${schedule}`);
  }
  return period;
}

/**
 * The slot of a schedule that `now` falls in (UTC, counted from the epoch, so every replica agrees) and its key:
 * enqueueing the slot's job under that key on several replicas makes one job.
 */
export function scheduleSlot(schedule: ScheduleText, now: Date): { startsAt: Date; key: string } {
  const period = schedulePeriodMs(schedule);
  const startsAt = new Date(Math.floor(now.getTime() / period) * period);
  return { startsAt, key: `slot:${startsAt.toISOString()}` };
}
