/** Body weight, one entry a day. */
import { fitnessQueries as q } from '@lifeos/db';
import type { TBodyWeight, TListBodyWeightInput, TLogBodyWeightInput } from './fitness.schemas.js';
import type { FitnessDeps } from './fitness.shared.js';

/** Records the day's body weight (a second entry for the same day replaces the first). */
export async function logBodyWeight(
  deps: FitnessDeps,
  userId: string,
  input: TLogBodyWeightInput,
): Promise<TBodyWeight> {
  const row = await q.upsertBodyWeight(deps.db, userId, input.date, input.weightKg, deps.clock.now());
  return { id: row.id, date: row.measuredOn, weightKg: Number(row.weightKg) };
}

export async function listBodyWeights(
  deps: FitnessDeps,
  userId: string,
  input: TListBodyWeightInput = {},
): Promise<TBodyWeight[]> {
  const rows = await q.listBodyWeights(deps.db, userId, input);
  return rows.map((r) => ({ id: r.id, date: r.measuredOn, weightKg: Number(r.weightKg) }));
}
