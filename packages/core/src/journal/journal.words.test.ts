import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, segmentWordCount } from './journal.rules.js';

const samples = [
  '',
  'Three pages, every morning.',
  "Don't stop: it's 5 o'clock (really) — \"quoted\" words... and e.g. 3.14 or 1,000 or 80's.",
  "rock'n'roll a1'b ab1c'd 'tis dogs' end. ,lead -- – —",
  '日本語の文章を書きます。 中文句子 한국어 문장',
  'naïve café Ünïcödé wörds, ελληνικά, кириллица',
  'emoji 👍🏽 and 👨‍👩‍👧 family, #hashtag @mention https://example.com/a?b=c',
  'tabs\tand\nnew lines\r\nand\u00a0nbsp and\u2003em space and zero\ufeffwidth',
  'combining e\u0301 and \u0301 mark',
  'a-b a_b a.b a:b a/b 12:30 3-4 $5 50% #1',
];

describe('countWords (the fast path) agrees with Unicode word segmentation', () => {
  it.each(samples)('counts %j as the segmenter does', (text) => {
    expect(countWords(text)).toBe(segmentWordCount(text));
  });

  it('on generated text', () => {
    const piece = fc.constantFrom(
      'word',
      "it's",
      'x1',
      '3.5',
      'a.b',
      '—',
      ',',
      '"q"',
      '(p)',
      'é',
      '日本',
      '👍',
      '\ufeff',
    );
    const gap = fc.constantFrom(' ', '  ', '\n', '\t', '', '\u00a0');
    const text = fc.array(fc.tuple(piece, gap), { maxLength: 30 }).map((parts) => parts.flat().join(''));
    fc.assert(
      fc.property(text, (value) => countWords(value) === segmentWordCount(value)),
      { numRuns: 300 },
    );
  });
});
