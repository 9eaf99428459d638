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

/** A finished workout's length in whole seconds: its timestamps hold it to the second, so no column does. */
export const durationOf = (session: { startedAt: Date; finishedAt: Date | null }) =>
  session.finishedAt === null ? null : Math.round((session.finishedAt.getTime() - session.startedAt.getTime()) / 1000);
