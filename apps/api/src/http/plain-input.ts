/**
 * Reading plain JSON input (a REST request's query string or body, an MCP tool's arguments) with its procedure's zod
 * schema. JSON has no dates and a query string has only text, so where the schema wants a date (and, from the query
 * string, a number or a boolean) and the input holds text, the text is converted and the input parsed again; what
 * does not convert stays the schema's error. tRPC needs none of this: superjson carries its types.
 */
import type { z } from 'zod';

/** How deep an input may nest (the deepest input schema is a few levels), as the tRPC door refuses too. */
const MAX_INPUT_DEPTH = 16;

/** Input PostgreSQL could not store (a NUL character) or of absurd depth, refused before any schema sees it. */
export function inputProblem(value: unknown): string | null {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop() as { value: unknown; depth: number };
    if (typeof next.value === 'string' && next.value.includes('\u0000')) return 'Text cannot contain NUL characters';
    if (next.value !== null && typeof next.value === 'object') {
      if (next.depth >= MAX_INPUT_DEPTH) return 'The input is nested too deeply';
      for (const item of Object.values(next.value)) pending.push({ value: item, depth: next.depth + 1 });
    }
  }
  return null;
}

const valueAt = (root: unknown, path: readonly PropertyKey[]) =>
  path.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? Reflect.get(node, key) : undefined),
    root,
  );

const NUMBER = /^-?\d+(\.\d+)?$/;

/** The text as the type the schema expected, or undefined when it does not read as one. */
function converted(text: string, expected: string, fromQuery: boolean): unknown {
  if (expected === 'date') return new Date(text);
  if (!fromQuery) return undefined;
  if (expected === 'number' && NUMBER.test(text)) return Number(text);
  if (expected === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return undefined;
}

/** Parses `value` (a fresh object of the request's own) with `schema`; throws the ZodError when it does not fit. */
export function parseInput(schema: z.ZodType, value: unknown, source: 'query' | 'body'): unknown {
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    let changed = false;
    for (const issue of result.error.issues) {
      if (issue.code !== 'invalid_type' || issue.path.length === 0) continue;
      const parent = valueAt(value, issue.path.slice(0, -1));
      const key = issue.path[issue.path.length - 1] as PropertyKey;
      if (parent === null || typeof parent !== 'object') continue;
      const text = Reflect.get(parent, key);
      if (typeof text !== 'string') continue;
      const next = converted(text, issue.expected, source === 'query');
      if (next === undefined) continue;
      Reflect.set(parent, key, next);
      changed = true;
    }
    if (!changed) throw result.error;
  }
  throw schema.safeParse(value).error;
}
