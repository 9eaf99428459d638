import { deepFreeze } from '@lifeos/core/server';
import type { z } from 'zod';
import { keepSerialization } from './transformer.js';

/**
 * `.output()` for a procedure whose answers may be kept and returned again (dashboard.today's DashboardCache): a
 * frozen answer is checked against the schema once, and the checked copy — frozen too — is what every later call
 * with that same answer gets, the same object, whose serialization the transformer then keeps as well. A kept
 * dashboard otherwise spent half its time being validated and serialized again (bench/profile.ts).
 *
 * Anything not frozen is parsed every time, as by the schema itself. The schema stays what the panel describes.
 */
export function checkedOnce<Schema extends z.ZodType>(schema: Schema): Schema {
  const checked = new WeakMap<object, unknown>();
  const parseAsync = async (value: unknown) => {
    const kept = typeof value === 'object' && value !== null && Object.isFrozen(value);
    if (kept) {
      const copy = checked.get(value);
      if (copy !== undefined) return copy;
    }
    const parsed = await schema.parseAsync(value);
    if (kept && typeof parsed === 'object' && parsed !== null) {
      deepFreeze(parsed);
      keepSerialization(parsed);
      checked.set(value, parsed);
    }
    return parsed;
  };
  // Everything else (the schema's _zod internals, for the panel's JSON Schema) is the schema's own.
  return Object.create(schema, { parseAsync: { value: parseAsync } }) as Schema;
}
