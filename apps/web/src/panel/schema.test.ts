import { describe, expect, it } from 'vitest';
import { isFormSchema, type JsonSchema, pretty, reviveInput, routerOf } from './schema';
import { zodValidator } from './validator';

const date = { type: 'string', format: 'date-time', 'x-js-type': 'Date' };

const schema: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    expiresAt: date,
    until: { anyOf: [date, { type: 'null' }] },
    dates: { type: 'array', items: date },
    nested: { $ref: '#/definitions/Nested' },
    big: { type: 'string', pattern: '^-?\\d+$', 'x-js-type': 'BigInt' },
  },
  required: ['name'],
  additionalProperties: false,
  definitions: { Nested: { type: 'object', properties: { at: date } } },
};

describe('reviveInput', () => {
  it('turns date-time strings of Date fields into Dates, wherever they sit', () => {
    const revived = reviveInput(schema, {
      name: '2030-01-01T00:00:00.000Z',
      expiresAt: '2030-01-02T03:04:00.000Z',
      until: '2031-01-01T00:00:00.000Z',
      dates: ['2032-01-01T00:00:00.000Z'],
      nested: { at: '2033-01-01T00:00:00.000Z' },
      big: '12345678901234567890',
    }) as Record<string, unknown>;
    expect(revived.name).toBe('2030-01-01T00:00:00.000Z');
    expect(revived.expiresAt).toEqual(new Date('2030-01-02T03:04:00.000Z'));
    expect(revived.until).toEqual(new Date('2031-01-01T00:00:00.000Z'));
    expect(revived.dates).toEqual([new Date('2032-01-01T00:00:00.000Z')]);
    expect(revived.nested).toEqual({ at: new Date('2033-01-01T00:00:00.000Z') });
    expect(revived.big).toBe(12345678901234567890n);
  });

  it('keeps nulls and unparseable strings (the server reports them), and drops empty optional fields', () => {
    expect(reviveInput(schema, { name: 'x', until: null, expiresAt: 'soon', big: undefined })).toEqual({
      name: 'x',
      until: null,
      expiresAt: 'soon',
    });
  });

  it('leaves input alone when there is no schema', () => {
    expect(reviveInput(null, { a: '2030-01-01T00:00:00Z' })).toEqual({ a: '2030-01-01T00:00:00Z' });
  });
});

describe('zodValidator', () => {
  it('validates without generating code and reports errors per field', () => {
    const { errors, errorSchema } = zodValidator.validateFormData({ name: '', extra: 1 }, schema);
    expect(errors.map((e) => e.property).sort()).toEqual(['.extra', '.name']);
    expect((errorSchema as { name?: { __errors?: string[] } }).name?.__errors?.[0]).toMatch(/>=1/);
    expect(zodValidator.validateFormData({ name: 'ok', expiresAt: '2030-01-02T03:04:00.000Z' }, schema).errors).toEqual(
      [],
    );
  });

  it('resolves $refs of sub-schemas against the root schema', () => {
    const sub = { $ref: '#/definitions/Nested' };
    expect(zodValidator.isValid(sub, { at: '2030-01-02T03:04:00.000Z' }, schema)).toBe(true);
    expect(zodValidator.isValid(sub, { at: 'not a date' }, schema)).toBe(false);
  });
});

describe('helpers', () => {
  it('groups by router and prints superjson values', () => {
    expect(routerOf('auth.sessions.list')).toBe('auth.sessions');
    expect(routerOf('health')).toBe('');
    expect(pretty({ at: new Date('2030-01-01T00:00:00.000Z'), n: 1n, s: new Set([1]) })).toBe(
      '{\n  "at": "2030-01-01T00:00:00.000Z",\n  "n": "1n",\n  "s": [\n    1\n  ]\n}',
    );
    expect(isFormSchema(schema)).toBe(true);
    expect(isFormSchema({ $comment: 'Not a zod schema' })).toBe(false);
  });
});
