import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkedOnce } from './kept-output.js';
import { serializeAnswer } from './transformer.js';

function countingSchema() {
  let parses = 0;
  const schema = z.object({ name: z.string(), at: z.date() }).refine(() => {
    parses++;
    return true;
  });
  return { schema, parses: () => parses };
}

describe('checkedOnce', () => {
  it('checks a frozen answer once and gives every later call the same frozen copy', async () => {
    const { schema, parses } = countingSchema();
    const output = checkedOnce(schema);
    const answer = Object.freeze({ name: 'kept', at: new Date('2026-03-10T00:00:00Z'), extra: 'stripped' });
    const first = await output.parseAsync(answer);
    expect(first).toEqual({ name: 'kept', at: new Date('2026-03-10T00:00:00Z') });
    expect(Object.isFrozen(first)).toBe(true);
    expect(await output.parseAsync(answer)).toBe(first);
    expect(parses()).toBe(1);
    // And its serialization is kept with it.
    expect(serializeAnswer(first)).toBe(serializeAnswer(first));
  });

  it('parses anything not frozen every time, and refuses a bad answer every time', async () => {
    const { schema, parses } = countingSchema();
    const output = checkedOnce(schema);
    const open = { name: 'fresh', at: new Date() };
    await output.parseAsync(open);
    await output.parseAsync(open);
    expect(parses()).toBe(2);
    const bad = Object.freeze({ name: 42, at: new Date() });
    await expect(output.parseAsync(bad)).rejects.toThrow();
    await expect(output.parseAsync(bad)).rejects.toThrow();
  });

  it('is still the schema for everything else (the panel describes it)', () => {
    const schema = z.object({ name: z.string(), at: z.date() });
    const output = checkedOnce(schema);
    expect(z.toJSONSchema(output, { unrepresentable: 'any' })).toEqual(
      z.toJSONSchema(schema, { unrepresentable: 'any' }),
    );
  });
});
