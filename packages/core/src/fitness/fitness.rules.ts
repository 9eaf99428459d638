/**
 * Pure training rules: estimated one-rep max, the progression rule and which program day is due.
 * Browser-safe; the database queries implement the same formulas in SQL (see queries/fitness.ts).
 */
import { roundTo } from './fitness.units.js';

/** Sets with more reps than this give no estimated 1RM: the formulas are not meaningful that far out. */
export const E1RM_MAX_REPS = 12;

/**
 * Epley (1985): 1RM = w · (1 + r / 30). A single rep is its own 1RM (the raw formula would add 3.3 %).
 * Null when the set cannot estimate one (no weight, no reps, or more than E1RM_MAX_REPS).
 */
export function epley1rm(weightKg: number, reps: number): number | null {
  if (!(weightKg > 0) || !Number.isInteger(reps) || reps < 1 || reps > E1RM_MAX_REPS) return null;
  if (reps === 1) return weightKg;
  return roundTo(weightKg * (1 + reps / 30), 2);
}

/** Brzycki (1993): 1RM = w · 36 / (37 − r); same limits as Epley. */
export function brzycki1rm(weightKg: number, reps: number): number | null {
  if (!(weightKg > 0) || !Number.isInteger(reps) || reps < 1 || reps > E1RM_MAX_REPS) return null;
  if (reps === 1) return weightKg;
  return roundTo((weightKg * 36) / (37 - reps), 2);
}

export interface LastWorkingSet {
  reps: number | null;
  weightKg: number | null;
}

export interface ProgressionInput {
  /** The program's target weight, used when the exercise has no history yet. */
  targetWeightKg: number | null;
  /** The top of the rep range; without one the rule cannot tell success and keeps the weight. */
  repMax: number | null;
  incrementKg: number;
  /** The working (non-warm-up, completed) sets of this exercise in the last finished session that had any. */
  lastWorkingSets: LastWorkingSet[];
}

/**
 * The progression rule ("double progression" at its simplest): start from the heaviest working weight of the
 * last session; when every working set of that session reached the top of the rep range, add the exercise's
 * increment; otherwise repeat the weight. With no history (or no weights in it), the program's target weight.
 */
export function proposeWeight(input: ProgressionInput): number | null {
  const weighted = input.lastWorkingSets.filter((s) => s.weightKg !== null);
  if (weighted.length === 0) return input.targetWeightKg;
  const base = Math.max(...weighted.map((s) => s.weightKg as number));
  const allAtTop =
    input.repMax !== null && input.lastWorkingSets.every((s) => s.reps !== null && s.reps >= (input.repMax as number));
  return roundTo(allAtTop ? base + input.incrementKg : base, 4);
}

/**
 * The program day that is due: the one after the day of the last finished session (in program order), cycling
 * back to the first after the last; the first day when the program was never trained or that day is gone.
 */
export function nextDayId(orderedDayIds: readonly string[], lastDayId: string | null): string | null {
  if (orderedDayIds.length === 0) return null;
  const index = lastDayId === null ? -1 : orderedDayIds.indexOf(lastDayId);
  if (index < 0) return orderedDayIds[0] ?? null;
  return orderedDayIds[(index + 1) % orderedDayIds.length] ?? null;
}
