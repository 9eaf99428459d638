import type { WeightUnit } from '../../lib/units';

/** The bar and the plates of a common gym, per unit. */
export const BAR_WEIGHT: Record<WeightUnit, number> = { kg: 20, lb: 45 };
export const PLATES: Record<WeightUnit, readonly number[]> = {
  kg: [25, 20, 15, 10, 5, 2.5, 1.25],
  lb: [45, 35, 25, 10, 5, 2.5],
};

export interface PlateLoad {
  bar: number;
  /** Plates on each side, heaviest first. */
  perSide: number[];
  /** What the plates cannot make up (total − bar − 2 × plates); 0 when the weight loads exactly. */
  remainder: number;
  /** The total is lighter than the bar. */
  belowBar: boolean;
}

/** Greedy plate loading (exact for the usual plate sets) for a barbell total in the user's unit. */
export function platesFor(total: number, unit: WeightUnit, bar = BAR_WEIGHT[unit]): PlateLoad {
  if (!(total >= bar)) return { bar, perSide: [], remainder: 0, belowBar: true };
  // Work in hundredths so 2.5 and 1.25 add up without binary drift.
  let side = Math.round(((total - bar) / 2) * 100);
  const perSide: number[] = [];
  for (const plate of PLATES[unit]) {
    const p = Math.round(plate * 100);
    while (side >= p) {
      perSide.push(plate);
      side -= p;
    }
  }
  return { bar, perSide, remainder: (side * 2) / 100, belowBar: false };
}
