// Body weight, one entry a day. Every query is scoped by the caller's user id.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.js';

/** PGlite reads `date` as a Date (pg is told to keep the string): spell it out the same on both. */
const measuredOnText = sql<string>`to_char(measured_on, 'YYYY-MM-DD')`.as('measuredOn');

export async function upsertBodyWeight(
  db: Kysely<DB>,
  userId: string,
  measuredOn: string,
  weightKg: number,
  now: Date,
) {
  return db
    .insertInto('bodyWeights')
    .values({ userId, measuredOn, weightKg })
    .onConflict((oc) => oc.columns(['userId', 'measuredOn']).doUpdateSet({ weightKg, updatedAt: now }))
    .returning(['id', measuredOnText, 'weightKg'])
    .executeTakeFirstOrThrow();
}

export async function listBodyWeights(db: Kysely<DB>, userId: string, range: { from?: string; to?: string }) {
  let query = db.selectFrom('bodyWeights').select(['id', measuredOnText, 'weightKg']).where('userId', '=', userId);
  if (range.from) query = query.where('measuredOn', '>=', range.from);
  if (range.to) query = query.where('measuredOn', '<=', range.to);
  return query.orderBy('measuredOn', 'desc').limit(5000).execute();
}
