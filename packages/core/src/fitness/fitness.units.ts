/**
 * Weights are stored in kilograms (numeric(9,4) in the database) and shown in the user's units. The pound is
 * defined as exactly 0.45359237 kg, so a weight entered in pounds is stored to 4 decimals of a kilogram
 * (±0.00005 kg, i.e. ±0.00011 lb) and shown again, rounded to the display precision, as the same pounds.
 * Pure functions: safe for the browser.
 */
export const KG_PER_LB = 0.45359237;
/** Decimals of a kilogram kept in storage. */
export const STORED_KG_DECIMALS = 4;
/** Decimals shown to the user (kg or lb). */
export const DISPLAY_DECIMALS = 2;

export type WeightUnit = 'kg' | 'lb';

/** Rounds half away from zero to `decimals`, free of binary artefacts such as 1.005 → 1.00. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  return (Math.sign(value) * Math.round(scaled)) / factor;
}

/** Pounds to kilograms, at the precision the database keeps. */
export function lbToKg(lb: number): number {
  return roundTo(lb * KG_PER_LB, STORED_KG_DECIMALS);
}

/** Kilograms to pounds, at display precision. */
export function kgToLb(kg: number): number {
  return roundTo(kg / KG_PER_LB, DISPLAY_DECIMALS);
}

/** A weight as entered in `unit`, in stored kilograms. */
export function toKg(value: number, unit: WeightUnit): number {
  return unit === 'kg' ? roundTo(value, STORED_KG_DECIMALS) : lbToKg(value);
}

/** A stored weight in `unit`, at display precision. */
export function fromKg(kg: number, unit: WeightUnit): number {
  return unit === 'kg' ? roundTo(kg, DISPLAY_DECIMALS) : kgToLb(kg);
}

/** The weight unit for the settings' `units`. */
export function weightUnitFor(units: 'metric' | 'imperial'): WeightUnit {
  return units === 'imperial' ? 'lb' : 'kg';
}
