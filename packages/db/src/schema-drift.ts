import type { Selectable } from 'kysely';
import type { DB } from './database.js';

type SelectType<T, C extends keyof T> = Selectable<T>[C & keyof Selectable<T>];
type NonNull<V> = Exclude<V, null>;

/** The SQL types a TypeScript column type may be stored as. */
type SqlTypeFor<V> = [NonNull<V>] extends [Date]
  ? 'timestamptz'
  : [NonNull<V>] extends [number]
    ? 'int2' | 'int4' | 'int8' | 'float8' | 'numeric'
    : [NonNull<V>] extends [boolean]
      ? 'bool'
      : [NonNull<V>] extends [string]
        ? 'text' | 'uuid' | 'date' | 'numeric' // numeric: the driver reads exact decimals as strings
        : [NonNull<V>] extends [readonly unknown[]]
          ? `_${string}` | 'jsonb' // a PostgreSQL array, or a JSON array of objects
          : 'jsonb';

type ColumnSpec<T, C extends keyof T> = {
  type: SqlTypeFor<SelectType<T, C>>;
  nullable: null extends SelectType<T, C> ? true : false;
};

/**
 * What the `Database` type says each table looks like, spelled out so that a test can compare it with the
 * migrated schema. The mapped type makes the compiler reject this object when it disagrees with `DB` (a missing
 * table or column, a wrong nullability, a type of another kind); the test rejects it when it disagrees with the
 * migrations. Together they keep the type and the schema from drifting apart.
 */
export type SchemaSpec = { [T in keyof DB]: { [C in keyof DB[T]]-?: ColumnSpec<DB[T], C> } };
