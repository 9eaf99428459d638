import { describe, expect, it } from 'vitest';
import { buildTsQuery, contextFor, hrefFor, quoteLexeme, truncateSnippet } from './search.rules.js';
import { ZSearchAllInput } from './search.schemas.js';

describe('quoteLexeme', () => {
  it('quotes, doubling single quotes and escaping backslashes', () => {
    expect(quoteLexeme('plain')).toBe("'plain'");
    expect(quoteLexeme("it's")).toBe("'it''s'");
    expect(quoteLexeme('a\\b')).toBe("'a\\\\b'");
    expect(quoteLexeme("'&|!:*()\\")).toBe("'''&|!:*()\\\\'");
  });
});

describe('buildTsQuery', () => {
  it('prefix-matches every word, the last one also unstemmed (the SQL side)', () => {
    expect(buildTsQuery('mo')).toEqual({ mode: 'prefix', leading: null, last: "'mo':*" });
    expect(buildTsQuery('  Mountain   vie ')).toEqual({ mode: 'prefix', leading: "'Mountain':*", last: "'vie':*" });
    expect(buildTsQuery('a b c')).toEqual({ mode: 'prefix', leading: "'a':* & 'b':*", last: "'c':*" });
  });

  it('keeps only letters and digits of hostile input, in any script', () => {
    expect(buildTsQuery("'&|!:*()\\")).toBeNull();
    expect(buildTsQuery('&|!')).toBeNull();
    expect(buildTsQuery("foo' & bar:*")).toEqual({ mode: 'prefix', leading: "'foo':*", last: "'bar':*" });
    expect(buildTsQuery('x)|(y')).toEqual({ mode: 'prefix', leading: "'x':*", last: "'y':*" });
    expect(buildTsQuery('\\')).toBeNull();
    expect(buildTsQuery('crème brûlée 日本')).toEqual({
      mode: 'prefix',
      leading: "'crème':* & 'brûlée':*",
      last: "'日本':*",
    });
    expect(buildTsQuery('a\u0000b')).toEqual({ mode: 'prefix', leading: "'a':*", last: "'b':*" });
  });

  it('every lexeme it emits is quoted and free of operators', () => {
    const hostile = ["'", "''", '\\', "\\'", ':*', '!(', '<->', '<2>', '&&', '||', '"', 'a:*b', "a'b\\c"];
    for (const q of hostile) {
      const built = buildTsQuery(q);
      if (built === null || built.mode === 'websearch') continue;
      for (const part of [built.leading ?? '', built.last]) {
        for (const lexeme of part.split(' & ').filter(Boolean)) expect(lexeme).toMatch(/^'[\p{L}\p{N}]+':\*$/u);
      }
    }
  });

  it('caps the number of words and their length', () => {
    const built = buildTsQuery(`${'w '.repeat(20)}${'x'.repeat(100)}`);
    expect(built?.mode).toBe('prefix');
    if (built?.mode !== 'prefix') return;
    expect(built.leading?.split(' & ')).toHaveLength(7);
    expect(built.last).toBe("'w':*");
    expect(buildTsQuery('y'.repeat(100))).toEqual({ mode: 'prefix', leading: null, last: `'${'y'.repeat(64)}':*` });
  });

  it('hands websearch syntax to websearch_to_tsquery as plain text', () => {
    expect(buildTsQuery('"mountain view"')).toEqual({ mode: 'websearch', text: '"mountain view"' });
    expect(buildTsQuery('run -swim')).toEqual({ mode: 'websearch', text: 'run -swim' });
    expect(buildTsQuery('run or swim')).toEqual({ mode: 'websearch', text: 'run or swim' });
    expect(buildTsQuery('well-known')?.mode).toBe('prefix');
    expect(buildTsQuery('orange')?.mode).toBe('prefix');
  });
});

describe('ZSearchAllInput', () => {
  it('refuses blank, too long and unknown keys', () => {
    expect(ZSearchAllInput.safeParse({ q: '   ' }).success).toBe(false);
    expect(ZSearchAllInput.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
    expect(ZSearchAllInput.safeParse({ q: 'x', extra: 1 }).success).toBe(false);
    expect(ZSearchAllInput.safeParse({ q: 'x', limit: 51 }).success).toBe(false);
    expect(ZSearchAllInput.parse({ q: '  tea  ' })).toEqual({ q: 'tea' });
  });
});

describe('hrefFor and contextFor', () => {
  const base = { id: '00000000-0000-4000-8000-000000000001', detail: null, date: null, parentId: null };
  it('links each kind to the page that shows it', () => {
    expect(hrefFor({ ...base, kind: 'journal', detail: 'daily_reflection', date: '2026-03-10' })).toBe(
      '/journal/reflection/2026-03-10',
    );
    expect(hrefFor({ ...base, kind: 'task', parentId: 'p1' })).toBe('/projects/p1');
    expect(hrefFor({ ...base, kind: 'task' })).toBe('/tasks');
    expect(hrefFor({ ...base, kind: 'project' })).toBe(`/projects/${base.id}`);
    expect(hrefFor({ ...base, kind: 'capture' })).toBe('/inbox');
    expect(hrefFor({ ...base, kind: 'event', date: '2026-03-10' })).toBe('/calendar?date=2026-03-10');
  });
  it('says what matters beside the title', () => {
    expect(contextFor({ kind: 'task', detail: 'done', parentName: 'House', recurring: false })).toBe('House · Done');
    expect(contextFor({ kind: 'task', detail: 'todo', parentName: null, recurring: true })).toBe('Repeats');
    expect(contextFor({ kind: 'journal', detail: 'morning_pages', parentName: null, recurring: false })).toBeNull();
  });
});

describe('truncateSnippet', () => {
  it('cuts at a word and keeps the ranges that fit', () => {
    const text = 'alpha beta gamma delta epsilon';
    const cut = truncateSnippet(
      {
        text,
        matches: [
          { start: 6, end: 10 },
          { start: 23, end: 30 },
        ],
      },
      20,
    );
    expect(cut).toEqual({ text: 'alpha beta gamma…', matches: [{ start: 6, end: 10 }] });
    expect(truncateSnippet({ text: 'short', matches: [] }, 20)).toEqual({ text: 'short', matches: [] });
  });
});
