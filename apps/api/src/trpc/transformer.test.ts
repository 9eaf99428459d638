import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { apiTransformer, keepSerialization, serializeAnswer } from './transformer.js';

/** What goes on the wire: the text must be superjson's, byte for byte. */
const wire = (value: unknown) => JSON.stringify(serializeAnswer(value));
const superjsonWire = (value: unknown) => JSON.stringify(superjson.serialize(value));

const date = fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true });
// Keys with superjson's escape characters and numeric-looking keys beside ordinary ones.
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('a.b', 'a\\b', '.', '\\', '0', 'x.y\\.z'));

/** Values of the kinds our procedures answer with: JSON plus undefined and Dates, nested. */
const answer = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    date,
  ),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).node;

describe('serializeAnswer', () => {
  it('writes what superjson writes for every answer-shaped value', () => {
    fc.assert(
      fc.property(answer, (value) => {
        expect(wire(value)).toBe(superjsonWire(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the same Date instance at several paths as superjson does (referential equalities)', () => {
    fc.assert(
      fc.property(
        date,
        fc.array(fc.constantFrom('a', 'b.c', 'deep'), { minLength: 2, maxLength: 4 }),
        (shared, places) => {
          const value: Record<string, unknown> = {};
          for (const [index, place] of places.entries()) {
            value[`${place}${index}`] = index % 2 ? { nested: [shared] } : shared;
          }
          expect(wire(value)).toBe(superjsonWire(value));
        },
      ),
    );
    const start = new Date('2026-03-02T08:00:00Z');
    const agenda = { items: [{ start, occurrence: { start } }] };
    expect(wire(agenda)).toBe(superjsonWire(agenda));
    expect(serializeAnswer(agenda).meta?.referentialEqualities).toEqual({
      'items.0.start': ['items.0.occurrence.start'],
    });
  });

  it('leaves everything else to superjson', () => {
    const shared = { id: 1 };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    class Point {
      constructor(readonly x: number) {}
    }
    const others: unknown[] = [
      new Map([['a', 1]]),
      new Set([1, 2]),
      { big: 10n },
      { nan: Number.NaN, infinity: Number.POSITIVE_INFINITY },
      { negativeZero: -0 },
      { invalid: new Date(Number.NaN) },
      { regexp: /x/g },
      { twice: [shared, shared] },
      cyclic,
      new Point(3),
      // biome-ignore lint/suspicious/noSparseArray: a hole is one of the cases
      [1, , 3],
      new Date('2026-01-01T00:00:00Z'),
      undefined,
      null,
      'text',
    ];
    for (const value of others) expect(wire(value)).toBe(superjsonWire(value));
    expect(() => serializeAnswer(JSON.parse('{"__proto__": {"polluted": true}}'))).toThrow(/prototype pollution/);
  });

  it('round-trips through superjson on the client, and never changes the value it was given', () => {
    fc.assert(
      fc.property(answer, (value) => {
        const before = superjsonWire(value);
        const serialized = apiTransformer.output.serialize(value);
        expect(superjsonWire(value)).toBe(before);
        expect(superjson.deserialize(JSON.parse(JSON.stringify(serialized)))).toEqual(
          superjson.deserialize(JSON.parse(superjsonWire(value))),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('kept answers', () => {
  it('are serialized once, to what superjson writes, and the same result is returned again', () => {
    const answer = Object.freeze({ when: new Date('2026-03-10T15:00:00Z'), items: Object.freeze([1, 2]) });
    keepSerialization(answer);
    const first = serializeAnswer(answer);
    expect(JSON.stringify(first)).toBe(superjsonWire(answer));
    expect(serializeAnswer(answer)).toBe(first);
  });

  it('are frozen ones only; anything else is serialized afresh every time', () => {
    expect(() => keepSerialization({ open: true })).toThrow(/frozen/);
    const open = { count: 1 };
    expect(wire(open)).toBe('{"json":{"count":1}}');
    open.count = 2;
    expect(wire(open)).toBe('{"json":{"count":2}}');
    // Frozen but never marked: not kept either.
    const frozen = Object.freeze({ count: 3 });
    expect(serializeAnswer(frozen)).not.toBe(serializeAnswer(frozen));
  });
});
