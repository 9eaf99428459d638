import { deepFreeze } from '@lifeos/core/server';
import superjson, { type SuperJSONResult } from 'superjson';

/**
 * The API's answers in superjson's wire format, written by a walk that knows the values our procedures return:
 * plain objects and arrays of strings, finite numbers, booleans, null, undefined and valid Dates. superjson's own
 * walker spends most of its time on what those answers never hold (a rule table tried on every leaf, copied path
 * arrays on every node): it was a sixth of a list query's CPU and 1.5 ms of each dashboard (bench/profile.ts).
 *
 * The output is byte for byte what `superjson.serialize` gives (a test compares them on generated values), the
 * same Date instance at several paths included. Anything else — Map, Set, BigInt, NaN, -0, class instances, an object
 * reachable twice, a key superjson refuses — goes to superjson itself, whose output then is the answer.
 */
export function serializeAnswer(value: unknown): SuperJSONResult {
  const kept = typeof value === 'object' && value !== null ? keptSerializations.get(value) : undefined;
  if (kept !== undefined) return kept ?? remember(value as object, serializeFresh(value));
  return serializeFresh(value);
}

/**
 * Answers that are deeply frozen and returned again and again (checkedOnce): serialized once. The value is null
 * until the first serialization.
 */
const keptSerializations = new WeakMap<object, SuperJSONResult | null>();

/** Marks a deeply frozen answer whose serialization may be kept: it can no longer change. */
export function keepSerialization(answer: object): void {
  if (!Object.isFrozen(answer)) throw new Error('only a frozen answer can keep its serialization');
  if (!keptSerializations.has(answer)) keptSerializations.set(answer, null);
}

function remember(answer: object, serialized: SuperJSONResult): SuperJSONResult {
  // Shared by every later call, so nobody may change it either.
  deepFreeze(serialized);
  keptSerializations.set(answer, serialized);
  keptTexts.set(serialized, null);
  return serialized;
}

/** The JSON text of kept answers' serializations, written on first use (null until then). */
const keptTexts = new WeakMap<object, string | null>();

/** Whether this serialized answer is a kept one, whose JSON text `keptAnswerJson` writes once. */
export function isKeptSerialization(serialized: unknown): serialized is SuperJSONResult {
  return typeof serialized === 'object' && serialized !== null && keptTexts.has(serialized);
}

/** `JSON.stringify` of a kept serialized answer, written once. */
export function keptAnswerJson(serialized: SuperJSONResult): string {
  let text = keptTexts.get(serialized);
  if (text === undefined || text === null) {
    text = JSON.stringify(serialized);
    keptTexts.set(serialized, text);
  }
  return text;
}

function serializeFresh(value: unknown): SuperJSONResult {
  const walk = new AnswerWalk();
  try {
    const json = walk.root(value);
    return walk.result(json);
  } catch (error) {
    if (error === UNSUPPORTED) return superjson.serialize(value);
    throw error;
  }
}

/** For `initTRPC.create({ transformer })`: superjson for inputs, the fast walk for answers. */
export const apiTransformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    // An input is always a document JSON.parse has just made for this request: annotated in place, not copied.
    deserialize: (value: SuperJSONResult) => superjson.deserialize(value, { inPlace: true }),
  },
  output: { serialize: serializeAnswer, deserialize: (value: SuperJSONResult) => superjson.deserialize(value) },
};

const UNSUPPORTED = Symbol('left to superjson');
const REFUSED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const escapeKey = (key: string) =>
  key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;

/** superjson's annotation tree: a leaf's `[type]`, or a container's annotations by (escaped) relative path. */
type Annotations = [string] | Record<string, [string]>;

class AnswerWalk {
  /**
   * The annotations of the value visited last. Built bottom-up into one object per annotated container, as
   * superjson does: JavaScript orders integer-like keys first, so the order of `meta.values` depends on it.
   */
  private annotations: Annotations | undefined;
  /** Each Date's paths (as segments) in first-seen order, for `meta.referentialEqualities`. */
  private readonly dates = new Map<Date, string[][]>();
  private readonly containers = new Set<object>();
  private readonly segments: string[] = [];

  root(value: unknown): unknown {
    return this.visit(value);
  }

  result(json: unknown): SuperJSONResult {
    const values = this.annotations;
    const equalities = this.referentialEqualities();
    if (!values && !equalities) return { json: json as SuperJSONResult['json'] };
    // Written in superjson's key order (values, referentialEqualities, v): the same text on the wire.
    const meta: Record<string, unknown> = {};
    if (values) meta.values = values;
    if (equalities) meta.referentialEqualities = equalities;
    meta.v = 1;
    return { json: json as SuperJSONResult['json'], meta: meta as SuperJSONResult['meta'] };
  }

  /** The value as JSON wants it (the same reference when nothing inside changes); sets `annotations`. */
  private visit(value: unknown): unknown {
    this.annotations = undefined;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        // NaN, ±Infinity and -0 are annotated by superjson.
        if (!Number.isFinite(value) || Object.is(value, -0)) throw UNSUPPORTED;
        return value;
      case 'undefined':
        // superjson writes it as null and marks the path.
        this.annotations = ['undefined'];
        return null;
      case 'object':
        break;
      default:
        throw UNSUPPORTED;
    }
    if (value === null) return value;
    if (value instanceof Date) return this.visitDate(value);
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null) throw UNSUPPORTED;
    // Reachable twice (or a cycle): superjson marks it; rare enough to leave to it.
    if (this.containers.has(value)) throw UNSUPPORTED;
    this.containers.add(value);
    return Array.isArray(value) ? this.visitArray(value) : this.visitObject(value as Record<string, unknown>);
  }

  private visitArray(array: unknown[]): unknown[] {
    let copy: unknown[] | undefined;
    let inner: Record<string, [string]> | undefined;
    const { segments } = this;
    for (let index = 0; index < array.length; index++) {
      // A hole: superjson's Object.entries skips it; its output array would keep the hole too.
      if (!(index in array)) throw UNSUPPORTED;
      const item = array[index];
      const key = String(index);
      segments.push(key);
      const out = this.visit(item);
      segments.pop();
      if (this.annotations) inner = nest(inner, key, this.annotations);
      if (out !== item) {
        copy ??= array.slice();
        copy[index] = out;
      }
    }
    this.annotations = inner;
    return copy ?? array;
  }

  private visitObject(object: Record<string, unknown>): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined;
    let inner: Record<string, [string]> | undefined;
    const { segments } = this;
    for (const key of Object.keys(object)) {
      if (REFUSED_KEYS.has(key)) throw UNSUPPORTED;
      const item = object[key];
      segments.push(key);
      const out = this.visit(item);
      segments.pop();
      if (this.annotations) inner = nest(inner, escapeKey(key), this.annotations);
      if (out !== item) {
        copy ??= { ...object };
        copy[key] = out;
      }
    }
    this.annotations = inner;
    return copy ?? object;
  }

  private visitDate(date: Date): string {
    const time = date.getTime();
    if (Number.isNaN(time)) throw UNSUPPORTED;
    const sighting = this.segments.slice();
    const seen = this.dates.get(date);
    if (seen) seen.push(sighting);
    else this.dates.set(date, [sighting]);
    this.annotations = ['Date'];
    return date.toISOString();
  }

  /** As superjson writes them: per instance seen more than once, its shortest path → the others. */
  private referentialEqualities(): Record<string, string[]> | undefined {
    let result: Record<string, string[]> | undefined;
    for (const sightings of this.dates.values()) {
      if (sightings.length < 2) continue;
      const [first, ...others] = [...sightings].sort((a, b) => a.length - b.length).map(pathOf);
      if (first === undefined) continue;
      result ??= {};
      result[first] = others;
    }
    return result;
  }
}

const pathOf = (segments: string[]) => segments.map(escapeKey).join('.');

/** A child's annotations under its (escaped) key, in its container's annotation object. */
function nest(inner: Record<string, [string]> | undefined, key: string, child: Annotations): Record<string, [string]> {
  const into = inner ?? {};
  if (Array.isArray(child)) into[key] = child;
  else for (const path of Object.keys(child)) into[`${key}.${path}`] = child[path] as [string];
  return into;
}
