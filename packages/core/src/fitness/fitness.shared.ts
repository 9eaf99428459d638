/** What the parts of the fitness service (fitness.service.ts lists them) share; not exported beyond them. */
import type { DB, Kysely } from '@lifeos/db';
import type { Clock } from '../clock.js';

export interface FitnessDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/** numeric columns arrive as exact decimal strings. */
export const num = (value: string | number | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
