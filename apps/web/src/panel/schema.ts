/**
 * The procedure list the API describes (apps/api/src/http/panel.ts, `GET /api/panel/procedures`) and the
 * conversion of form values back into what superjson carries.
 */

/** A JSON Schema (draft-07) object. */
export type JsonSchema = { [keyword: string]: unknown };

/** Mirrors `ProcedureDescription` in apps/api/src/http/panel.ts (the web app imports no server module). */
export interface ProcedureDescription {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  description: string | null;
  inputSchema: JsonSchema | null;
  outputSchema: JsonSchema | null;
  auth?: 'public' | 'protected';
  sessionOnly?: boolean;
}

/** Marks values that JSON Schema cannot express: `'Date'` or `'BigInt'` (see JS_TYPE_KEYWORD on the server). */
export const JS_TYPE_KEYWORD = 'x-js-type';

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Follows a local `$ref` (`#/definitions/X`, `#/$defs/X`) within `root`. */
function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; typeof current.$ref === 'string' && depth < 32; depth++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#')) return current;
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isSchema(target) ? target[key] : undefined;
    }
    if (!isSchema(target)) return current;
    current = target;
  }
  return current;
}

function reviveScalar(jsType: unknown, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (jsType === 'Date') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if (jsType === 'BigInt' && /^-?\d+$/.test(value)) return BigInt(value);
  return value;
}

/**
 * Walks `value` along `schema` and turns the strings the form holds for `Date` and `BigInt` fields into those
 * values, so superjson sends a real Date. Properties left `undefined` (empty optional fields) are dropped.
 */
export function reviveInput(schema: JsonSchema | null, value: unknown, root: JsonSchema | null = schema): unknown {
  if (!schema || !root) return value;
  const resolved = resolveRef(schema, root);
  if (resolved[JS_TYPE_KEYWORD]) return reviveScalar(resolved[JS_TYPE_KEYWORD], value);

  // Unions (a nullable date is `anyOf: [date, null]`): the first branch that changes the value wins.
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = resolved[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      if (!isSchema(branch)) continue;
      const revived = reviveInput(branch, value, root);
      if (revived !== value) return revived;
    }
  }

  if (Array.isArray(value)) {
    const { items } = resolved;
    if (Array.isArray(items))
      return value.map((item, i) => reviveInput(isSchema(items[i]) ? items[i] : null, item, root));
    return isSchema(items) ? value.map((item) => reviveInput(items, item, root)) : value;
  }

  if (isPlainObject(value)) {
    const properties = isSchema(resolved.properties) ? resolved.properties : {};
    const additional = isSchema(resolved.additionalProperties) ? resolved.additionalProperties : null;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const propertySchema = properties[key];
      out[key] = reviveInput(isSchema(propertySchema) ? propertySchema : additional, item, root);
    }
    return out;
  }
  return value;
}

/** Whether the schema can be edited as a form (anything else is edited as JSON). */
export function isFormSchema(schema: JsonSchema | null): boolean {
  return !!schema && (typeof schema.type === 'string' || Array.isArray(schema.type) || isSchema(schema.properties));
}

/** Pretty JSON of any value superjson can carry (Dates as ISO strings, BigInts, Maps and Sets spelled out). */
export function pretty(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === 'bigint') return `${item}n`;
      if (item instanceof Map) return Object.fromEntries(item);
      if (item instanceof Set) return [...item];
      return item;
    },
    2,
  );
}

/** `auth.sessions.list` → `auth.sessions`; a root procedure belongs to the empty group. */
export const routerOf = (path: string) => path.split('.').slice(0, -1).join('.');
