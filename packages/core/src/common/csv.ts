/**
 * Writing CSV that a spreadsheet opens safely (CSV injection, see OWASP's "CSV Injection" page): a cell that a
 * spreadsheet would run as a formula gets a leading `'`, which makes it text.
 *
 * papaparse's own `escapeFormulae: true` tests `/^[=+\-@\t\r].*$/`, which misses a formula behind a leading line
 * feed or space (`"\n=cmd|…"`): spreadsheets skip that whitespace and run the formula. Every CSV writer of the
 * project goes through `unparseCsv` so that they all escape by this one rule.
 */
import Papa from 'papaparse';

/**
 * A cell a spreadsheet may take for a formula: one that starts with a tab or carriage return, or that starts, after
 * any whitespace (spaces, tabs, CR, LF), with `=`, `+`, `-` or `@`. A plain number (`-5`, `+1.5`, `-2e3`) is not a
 * formula and is left alone, so that numbers stay numbers for every reader.
 */
export const CSV_FORMULA_PATTERN = /^(?![+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$)(?:[\t\r]|\s*[=+\-@])/;

/** Whether `cell` would be escaped on export. */
export const isCsvFormula = (cell: string) => CSV_FORMULA_PATTERN.test(cell);

/** Takes off the `'` that `unparseCsv` put before a formula-like cell (a cell that merely starts with `'` stays). */
export const unescapeCsvFormula = (cell: string) =>
  cell.startsWith("'") && isCsvFormula(cell.slice(1)) ? cell.slice(1) : cell;

/** Rows (or a header and rows) as CSV lines joined by `\n`, formula-like cells escaped. No trailing newline. */
export function unparseCsv(input: string[][] | { fields: string[]; data: string[][] }): string {
  return Papa.unparse(input, { newline: '\n', escapeFormulae: CSV_FORMULA_PATTERN });
}
