/**
 * Inputs for the router walk, derived from each procedure's zod input schema (through its JSON Schema), so that
 * they follow the schemas as modules change: a valid sample (found by asking zod itself), and malformed variants.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The parts of a JSON Schema (draft 2020-12, as zod 4 emits it) the walk reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

export type Parser = z.ZodType;

export function toJsonSchema(parser: Parser): JsonSchema {
  return z.toJSONSchema(parser, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Follows a local `$ref` (zod emits them for recursive and reused schemas). */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    const name = /^#\/\$defs\/(.+)$/.exec(current.$ref)?.[1];
    const target = name ? root.$defs?.[name] : current.$ref === '#' ? root : undefined;
    if (!target) throw new Error(`cannot resolve ${current.$ref}`);
    current = target;
  }
  if (current.allOf?.length) {
    // Merge object parts (zod emits allOf for intersections).
    const merged: JsonSchema = { properties: {}, required: [] };
    for (const part of current.allOf) {
      const p = resolve(part, root);
      Object.assign(merged, { ...p, properties: merged.properties, required: merged.required });
      Object.assign(merged.properties as object, p.properties);
      merged.required?.push(...(p.required ?? []));
    }
    return merged;
  }
  return current;
}

export function types(schema: JsonSchema): string[] {
  if (schema.type) return Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.enum) return [...new Set(schema.enum.map((v) => (v === null ? 'null' : typeof v)))];
  if (schema.const !== undefined) return [schema.const === null ? 'null' : typeof schema.const];
  return [];
}

export function acceptsNull(schema: JsonSchema, root: JsonSchema): boolean {
  const s = resolve(schema, root);
  const options = s.anyOf ?? s.oneOf;
  if (options) return options.some((o) => acceptsNull(o, root));
  const t = types(s);
  return t.length === 0 || t.includes('null');
}

function fitLength(text: string, schema: JsonSchema): string {
  let value = text;
  const min = schema.minLength ?? 0;
  while (value.length < min) value += value || 'x';
  return schema.maxLength !== undefined ? value.slice(0, Math.max(schema.maxLength, min)) : value;
}

function numberCandidates(schema: JsonSchema, integer: boolean): number[] {
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : undefined);
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : undefined);
  const picks = [low, high, 1, 0, 5, 100, integer ? 3 : 2.5].filter((v): v is number => v !== undefined);
  return [...new Set(picks.filter((v) => (low === undefined || v >= low) && (high === undefined || v <= high)))];
}

const STRING_SAMPLES = [
  'walk sample',
  'Europe/Berlin',
  '2024-01-15',
  'walker@example.com',
  'https://example.com/walk',
  '09:30',
  'abc',
];

function stringCandidates(schema: JsonSchema): unknown[] {
  switch (schema.format) {
    case 'uuid':
      return [randomUUID()];
    case 'email':
      return ['walker@example.com'];
    case 'date':
      return ['2024-01-15'];
    case 'date-time':
      return ['2024-01-15T09:30:00.000Z', '2024-01-15T09:30:00Z'];
    case 'time':
      return ['09:30:00', '09:30'];
    case 'uri':
    case 'url':
      return ['https://example.com/walk'];
  }
  const samples = STRING_SAMPLES.map((s) => fitLength(s, schema));
  if (schema.pattern) {
    const re = new RegExp(schema.pattern);
    samples.sort((a, b) => Number(re.test(b)) - Number(re.test(a)));
  }
  return [...new Set(samples)];
}

/**
 * Builds a value for `schema`. `choices` says which candidate to take at each path (the solver moves it along
 * when zod objects); `counts` records how many candidates each path had.
 */
function build(
  schema: JsonSchema,
  root: JsonSchema,
  path: string,
  choices: Map<string, number>,
  counts: Map<string, number>,
  withOptional: Set<string>,
  depth: number,
): unknown {
  const s = resolve(schema, root);
  const candidates: (() => unknown)[] = [];
  const options = s.anyOf ?? s.oneOf;
  if (s.const !== undefined) candidates.push(() => s.const);
  else if (s.enum) for (const v of s.enum) candidates.push(() => v);
  else if (options) {
    for (const [i, option] of options.entries()) {
      candidates.push(() => build(option, root, `${path}|${i}`, choices, counts, withOptional, depth + 1));
    }
  } else {
    const t = types(s);
    for (const type of t.length ? t : ['any']) {
      if (type === 'string') for (const v of stringCandidates(s)) candidates.push(() => v);
      else if (type === 'integer' || type === 'number') {
        for (const v of numberCandidates(s, type === 'integer')) candidates.push(() => v);
      } else if (type === 'boolean')
        candidates.push(
          () => false,
          () => true,
        );
      else if (type === 'null') candidates.push(() => null);
      else if (type === 'array') {
        candidates.push(() => {
          const length = Math.max(s.minItems ?? 0, depth > 4 ? 0 : 1);
          return Array.from({ length }, (_, i) =>
            build(s.prefixItems?.[i] ?? s.items ?? {}, root, `${path}.${i}`, choices, counts, withOptional, depth + 1),
          );
        });
        candidates.push(() => []);
      } else if (type === 'object') {
        candidates.push(() => {
          const required = new Set(s.required ?? []);
          const value: Record<string, unknown> = {};
          for (const [key, property] of Object.entries(s.properties ?? {})) {
            if (!required.has(key) && !withOptional.has(path)) continue;
            value[key] = build(property, root, `${path}.${key}`, choices, counts, withOptional, depth + 1);
          }
          return value;
        });
      } else {
        // Unrepresentable in JSON Schema (a Date, a custom check): try what superjson can carry.
        candidates.push(
          () => new Date('2024-01-15T09:30:00Z'),
          () => 'walk sample',
          () => 1,
          () => ({}),
          () => true,
        );
      }
    }
  }
  counts.set(path, candidates.length);
  const pick = candidates[Math.min(choices.get(path) ?? 0, candidates.length - 1)];
  return pick ? pick() : undefined;
}

export async function accepts(parsers: Parser[], value: unknown): Promise<z.core.$ZodIssue[] | null> {
  for (const parser of parsers) {
    const result = await parser.safeParseAsync(value);
    if (!result.success) return result.error.issues;
  }
  return null;
}

/**
 * A value every input parser accepts, found by building from the JSON Schema and moving to the next candidate
 * wherever zod reports an issue. Undefined when none is found (then give the procedure a sample by hand).
 */
export async function validSample(parsers: Parser[]): Promise<{ value: unknown } | undefined> {
  if (parsers.length === 0) return { value: undefined };
  const root = toJsonSchema(parsers[0] as Parser);
  const choices = new Map<string, number>();
  const withOptional = new Set<string>();
  for (let round = 0; round < 200; round++) {
    const counts = new Map<string, number>();
    const value = build(root, root, '', choices, counts, withOptional, 0);
    const issues = await accepts(parsers, value);
    if (!issues) return { value };
    let progressed = false;
    const bumped = new Set<string>();
    for (const issue of issues) {
      const segments = issue.path.map(String);
      for (let length = segments.length; length >= 0; length--) {
        const key = segments.slice(0, length).reduce((p, segment) => `${p}.${segment}`, '');
        // Candidates of a union live under `key|i`; bump the deepest path that has another one.
        const keys = [...counts.keys()]
          .filter((k) => k === key || k.startsWith(`${key}|`))
          .sort((a, b) => b.length - a.length);
        const target = keys.find((k) => (choices.get(k) ?? 0) + 1 < (counts.get(k) ?? 1));
        if (target) {
          if (!bumped.has(target)) {
            choices.set(target, (choices.get(target) ?? 0) + 1);
            bumped.add(target);
          }
          progressed = true;
          break;
        }
        if (!withOptional.has(key) && counts.has(key)) {
          // A rule across fields (a refine) may want the optional ones too.
          withOptional.add(key);
          progressed = true;
          break;
        }
      }
    }
    if (!progressed) return undefined;
  }
  return undefined;
}

export interface Variant {
  name: string;
  value: unknown;
  /** Raw JSON to send instead of superjson-serializing `value` (which refuses `__proto__` and `constructor`). */
  rawJson?: string;
  /** A house rule that makes this variant a BAD_REQUEST even where zod alone would let it through. */
  rule?: 'max-length' | 'strict-object' | 'no-nul';
  /** The field the variant changes (dotted), if any. */
  field?: string;
}

export const LONG_STRING = 'x'.repeat(100 * 1024);

function deepNesting(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function setAt(base: unknown, path: string[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> =
    base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  if (remove && rest.length === 0) delete copy[head];
  else copy[head] = setAt(copy[head], rest, value, remove);
  return copy;
}

/** Malformed variants of a valid `base` for `schema`: wrong shapes at the top and wrong values in every field. */
export function malformedVariants(schema: JsonSchema, base: unknown): Variant[] {
  const root = schema;
  const variants: Variant[] = [
    { name: 'null', value: null },
    { name: 'a number', value: 42 },
    { name: 'a string', value: 'not an object' },
    { name: 'a boolean', value: true },
    { name: 'an empty array', value: [] },
    { name: 'the input in an array', value: [base] },
    { name: 'the input nested in an object', value: { input: base } },
    { name: 'an empty object', value: {} },
    { name: 'a 100 KB string', value: LONG_STRING },
    { name: '500 levels of nesting', value: deepNesting(500) },
  ];
  const top = resolve(schema, root);
  if (types(top).includes('object') || top.properties) {
    const objectBase = base && typeof base === 'object' && !Array.isArray(base) ? base : {};
    const fields = JSON.stringify(objectBase).slice(1, -1);
    variants.push(
      { name: 'an unknown key', value: { ...objectBase, unexpectedKey: 'surprise' }, rule: 'strict-object' },
      {
        name: 'a __proto__ key',
        value: undefined,
        rawJson: `{"json":{"__proto__":{"polluted":"yes"}${fields ? `,${fields}` : ''}}}`,
      },
      {
        name: 'a constructor.prototype key',
        value: undefined,
        rawJson: JSON.stringify({ json: { ...objectBase, constructor: { prototype: { polluted: 'yes' } } } }),
      },
    );
  }

  const visit = (fieldSchema: JsonSchema, path: string[], required: boolean, depth: number) => {
    const s = resolve(fieldSchema, root);
    const at = path.join('.');
    const t = types(s);
    const current = path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], base);
    const push = (name: string, value: unknown, remove = false, rule?: Variant['rule']) =>
      variants.push({
        name: `${at}: ${name}`,
        value: setAt(base, path, value, remove),
        field: at,
        ...(rule ? { rule } : {}),
      });
    if (required) push('missing', undefined, true);
    if (!acceptsNull(s, root)) push('null', null);
    push('a 100 KB string', LONG_STRING, false, t.includes('string') ? 'max-length' : undefined);
    push('a NUL character', 'before\u0000after', false, 'no-nul');
    push('a lone surrogate', 'before\ud800after');
    push('in an array', [current]);
    push('nested in an object', { nested: { deeper: current } });
    if (t.includes('string')) push('a number instead of a string', 12_345);
    if (t.includes('integer') || t.includes('number')) {
      push('a string instead of a number', '12');
      push('Infinity', Number.POSITIVE_INFINITY);
      push('NaN', Number.NaN);
      push('1e308', 1e308);
      push('-1e308', -1e308);
      push('2^53 + 2', 2 ** 53 + 2);
      push('-1', -1);
      if (t.includes('integer')) push('a fraction', 1.5);
    }
    if (t.includes('boolean')) push('a string instead of a boolean', 'yes');
    if (t.includes('array')) push('a string instead of an array', 'not an array');
    if (t.includes('object')) push('a string instead of an object', 'not an object');
    if (s.enum) push('an unknown enum value', 'definitely-not-a-member');
    if (s.format === 'uuid') push('not a uuid', 'not-a-uuid');
    if (s.format === 'date' || s.format === 'date-time') push('not a date', '2024-13-45');
    if (depth < 3 && s.properties) {
      const nestedRequired = new Set(s.required ?? []);
      for (const [key, property] of Object.entries(s.properties)) {
        visit(property, [...path, key], nestedRequired.has(key), depth + 1);
      }
    }
  };
  if (top.properties) {
    const required = new Set(top.required ?? []);
    for (const [key, property] of Object.entries(top.properties)) visit(property, [key], required.has(key), 0);
  }
  return variants;
}
