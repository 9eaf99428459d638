import { type Expression, sql } from 'kysely';

/** A row as it arrives inside json_agg: timestamps as ISO text, numerics as numbers. */
export type Json<T> = {
  [K in keyof T]: T[K] extends Date
    ? string
    : T[K] extends Date | null
      ? string | null
      : T[K] extends Date[]
        ? string[]
        : T[K] extends (Date | null)[]
          ? (string | null)[]
          : T[K];
};

/** The rows of `query` as one JSON array (rows keep the query's order), to read several sets in one statement. */
export const asList = (query: Expression<unknown>) => sql`(select coalesce(json_agg(x), '[]'::json) from (${query}) x)`;

export const toDate = (value: string) => new Date(value);
export const toDateOrNull = (value: string | null) => (value === null ? null : new Date(value));
