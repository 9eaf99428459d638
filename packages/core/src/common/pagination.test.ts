import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  isInstant,
  isLocalDate,
  isUuid,
  keysetPage,
} from './pagination.js';

const ID = '0b9f5a3e-6a47-4c86-9d0b-3f1f5d2a7c11';

describe('keyset cursors', () => {
  it('name the sort key of the last item and read back the same key', () => {
    const page = keysetPage(
      [
        { date: '2026-01-03', id: ID },
        { date: '2026-01-02', id: ID },
        { date: '2026-01-01', id: ID },
      ],
      2,
      (last) => [last.date, last.id],
    );
    expect(page.items).toHaveLength(2);
    expect(decodeCursor(page.nextCursor as string, [isLocalDate, isUuid])).toEqual(['2026-01-02', ID]);
  });

  it('end with a null cursor when no row is left over', () => {
    expect(keysetPage([1, 2], 2, (n) => [String(n)]).nextCursor).toBeNull();
    expect(keysetPage([], 2, (n: number) => [String(n)])).toEqual({ items: [], nextCursor: null });
  });

  it('refuse cursors of another shape, another list or edited by hand', () => {
    const wrong = [
      'not base64 at all!',
      encodeCursor(['2026-01-02']),
      encodeCursor(['2026-01-02', ID, 'extra']),
      encodeCursor(['2026-13-45', ID]),
      encodeCursor([ID, '2026-01-02']),
      Buffer.from('{"date":"2026-01-02"}').toString('base64url'),
      Buffer.from('[1, 2]').toString('base64url'),
    ];
    for (const cursor of wrong) {
      expect(() => decodeCursor(cursor, [isLocalDate, isUuid]), cursor).toThrow(InvalidCursorError);
    }
    expect(() => decodeCursor(encodeCursor(['yesterday', ID]), [isInstant, isUuid])).toThrow(InvalidCursorError);
  });

  it('round-trip any key', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (key) => {
        expect(
          decodeCursor(
            encodeCursor(key),
            key.map(() => () => true),
          ),
        ).toEqual(key);
      }),
    );
  });
});
