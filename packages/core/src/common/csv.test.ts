import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { isCsvFormula, unescapeCsvFormula, unparseCsv } from './csv.js';

describe('CSV formula escaping', () => {
  it.each([
    '=cmd|calc',
    '+1+2',
    '-2+3',
    '@SUM(A1)',
    '\tx',
    '\rx',
    // Spreadsheets skip leading whitespace before a formula; papaparse's own pattern does not.
    '\n=HYPERLINK("http://x")',
    '\r\n=1+1',
    '  =1+1',
    '\t@SUM(A1)',
    ' -2+3',
  ])('escapes %j', (cell) => {
    expect(isCsvFormula(cell)).toBe(true);
    expect(Papa.parse<string[]>(unparseCsv([[cell]])).data[0]?.[0]).toBe(`'${cell}`);
  });

  it.each(['-5', '+1.5', '-2e3', '-.5', '40', 'Bench, "wide"', "'quoted", 'tired-', '', 'a\n=b'])(
    'leaves %j alone',
    (cell) => {
      expect(isCsvFormula(cell)).toBe(false);
      expect(Papa.parse<string[]>(unparseCsv([[cell]])).data[0]?.[0] ?? '').toBe(cell);
    },
  );

  it('takes the quote off again only where it put one', () => {
    for (const cell of ['\n=1', '-tired', '=x', "'kept", "'-5", 'plain']) {
      const written = Papa.parse<string[]>(unparseCsv([[cell]])).data[0]?.[0] ?? '';
      expect(unescapeCsvFormula(written)).toBe(cell);
    }
  });
});
