import { describe, expect, it } from 'vitest';
import { ImportBodyError, JsonShapeScanner, parseScannedDocument } from './import-body.js';

/** Scans the text in chunks of `size` bytes (so strings, escapes and characters straddle chunk ends), then parses. */
async function read(text: string, size = 7, limits?: ConstructorParameters<typeof JsonShapeScanner>[0]) {
  const body = Buffer.from(text);
  const scanner = new JsonShapeScanner(limits);
  for (let i = 0; i < body.length; i += size) scanner.write(body.subarray(i, i + size));
  return parseScannedDocument(body, scanner.marks);
}

async function refusal(text: string, limits?: ConstructorParameters<typeof JsonShapeScanner>[0]) {
  try {
    await read(text, 5, limits);
  } catch (error) {
    if (error instanceof ImportBodyError) return { status: error.statusCode, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('reading an import body', () => {
  it('builds exactly what JSON.parse builds, whatever the chunking', async () => {
    const docs = [
      {},
      { format: 'lifeos-export', version: 1, journal: [] },
      {
        format: 'lifeos-export',
        settings: { displayName: 'A "quoted" {name} [x], y: z \\ back', weekStart: 'monday' },
        journal: [
          { id: 'a', content: { text: 'naïve — 🙂 ]}{[,:"' } },
          { id: 'b', content: { wins: ['x', 'y'] } },
        ],
        empty: [],
        numbers: [1, -2.5e3, true, null, 'x'],
        nested: [
          [1, 2],
          [3, [4]],
        ],
        last: 'value',
      },
    ];
    for (const doc of docs) {
      for (const size of [1, 3, 64, 1 << 20]) {
        expect(await read(JSON.stringify(doc), size)).toEqual(doc);
        expect(await read(JSON.stringify(doc, null, 2), size)).toEqual(doc);
      }
    }
  });

  it('keeps a member named __proto__ as a plain member (the import then refuses it as unknown)', async () => {
    const doc = (await read('{"__proto__":{"polluted":true},"a":1}')) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
  });

  it('refuses anything but one object with 400', async () => {
    for (const text of ['[1,2]', ' "text" ', '1', '{"a":1} {"b":2}', '{"a":1}]']) {
      expect(await refusal(text)).toEqual({ status: 400, message: 'Expected a Life OS export (one JSON object)' });
    }
  });

  it('refuses malformed JSON with 400', async () => {
    for (const text of [
      '{"a":1,}',
      '{"a":[1,]}',
      '{"a":[,1]}',
      '{"a" 1}',
      '{"a":1',
      '{"a":[1,2}',
      '{"a":1}}',
      '{"a":1} x',
      '{"a":{"b":1}',
      '',
    ]) {
      expect({ text, ...(await refusal(text)) }).toMatchObject({ text, status: 400 });
    }
  });

  it('refuses too deep a nesting, too many values and too large a row while scanning', async () => {
    const limits = { maxDepth: 4, maxValues: 100, maxPieceBytes: 1000, maxRows: 50 };
    expect(await read('{"a":[{"b":[1]}]}', 3, limits)).toEqual({ a: [{ b: [1] }] });
    expect(await refusal('{"a":[{"b":[[1]]}]}', limits)).toEqual({
      status: 400,
      message: 'The document is nested too deeply (the limit is 4)',
    });
    expect(await refusal(`{"a":[${'0,'.repeat(100)}0]}`, { ...limits, maxRows: 1000 })).toEqual({
      status: 413,
      message: 'The document holds too many values (the limit is 100)',
    });
    expect(await refusal(`{"a":["${'x'.repeat(2000)}"]}`, limits)).toMatchObject({ status: 413 });
    expect(await refusal(`{"a":"${'x'.repeat(2000)}"}`, limits)).toMatchObject({ status: 413 });
    expect(await refusal(`{"a":[${'{},'.repeat(60)}{}]}`, { ...limits, maxValues: 1000 })).toEqual({
      status: 413,
      message: 'The document holds too many rows (the limit is 50)',
    });
    // Commas and brackets inside strings are text, not values.
    expect(await read(`{"a":["${'[,'.repeat(300)}"]}`, 3, limits)).toEqual({ a: ['[,'.repeat(300)] });
  });
});
