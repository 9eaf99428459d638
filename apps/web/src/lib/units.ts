/**
 * Weights and distances in the user's units. The API keeps kilograms and metres; the user types and reads kg or lb,
 * km or mi, converted with the core's exact helpers (225 lb is stored as 102.0582 kg and shown again as 225 lb).
 */
import { fromKg, toKg, type WeightUnit, weightUnitFor } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { trpc } from './trpc';

export type { WeightUnit };

/** The signed-in user's weight unit (kg until settings arrive). */
export function useWeightUnit(): WeightUnit {
  const settings = useQuery(trpc.settings.get.queryOptions());
  return weightUnitFor(settings.data?.units ?? 'metric');
}

/** A stored weight as the number shown in `unit` (2 decimals at most, trailing zeros dropped). */
export function displayWeight(kg: number | null | undefined, unit: WeightUnit): number | null {
  return kg == null ? null : fromKg(kg, unit);
}

/** "102.5 kg", "225 lb"; an em dash for no weight. */
export function formatWeight(kg: number | null | undefined, unit: WeightUnit): string {
  const value = displayWeight(kg, unit);
  return value === null ? '—' : `${value.toLocaleString(undefined, { maximumFractionDigits: 2 })} ${unit}`;
}

/** A number typed in `unit` (empty or not a number: null) as stored kilograms. */
export function parseWeight(raw: string | number | null | undefined, unit: WeightUnit): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const value = typeof raw === 'number' ? raw : Number(String(raw).replace(',', '.'));
  return Number.isFinite(value) ? toKg(value, unit) : null;
}

/** Distance: km for metric users, miles for imperial ones. */
export type DistanceUnit = 'km' | 'mi';
const M_PER_MI = 1609.344;
export const distanceUnitFor = (unit: WeightUnit): DistanceUnit => (unit === 'lb' ? 'mi' : 'km');
export function displayDistance(m: number | null, unit: DistanceUnit): number | null {
  if (m === null) return null;
  return Math.round((m / (unit === 'km' ? 1000 : M_PER_MI)) * 1000) / 1000;
}
export function parseDistance(raw: string, unit: DistanceUnit): number | null {
  if (raw.trim() === '') return null;
  const value = Number(raw.replace(',', '.'));
  return Number.isFinite(value) ? Math.round(value * (unit === 'km' ? 1000 : M_PER_MI) * 100) / 100 : null;
}
