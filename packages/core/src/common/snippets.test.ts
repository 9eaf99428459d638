import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SNIPPET_STOP as E, parseSnippet, SNIPPET_START as S } from './snippets.js';

describe('search snippets', () => {
  it('turns markers into plain text and match ranges', () => {
    const snippet = parseSnippet(`I went ${S}running${E} in the ${S}park${E}`);
    expect(snippet.text).toBe('I went running in the park');
    expect(snippet.matches.map((m) => snippet.text.slice(m.start, m.end))).toEqual(['running', 'park']);
  });

  it('keeps markup the user wrote as text, and collapses white space', () => {
    const snippet = parseSnippet(`  <script>alert(1)</script>   ${S}hello${E}\n\n world  `);
    expect(snippet.text).toBe('<script>alert(1)</script> hello world');
    expect(snippet.matches.map((m) => snippet.text.slice(m.start, m.end))).toEqual(['hello']);
  });

  it('always returns ranges inside the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(S, E, ' ', '\n')), { maxLength: 30 }),
        (parts) => {
          const { text, matches } = parseSnippet(parts.join(''));
          for (const m of matches) {
            expect(m.start).toBeGreaterThanOrEqual(0);
            expect(m.end).toBeGreaterThan(m.start);
            expect(m.end).toBeLessThanOrEqual(text.length);
          }
          expect(text).not.toContain(S);
          expect(text).not.toContain(E);
        },
      ),
    );
  });
});
