/**
 * Search snippets: the database marks a match in a headline (ts_headline) with two control characters no stored
 * text can hold; this turns that into plain text plus the matched ranges (journal search and the search palette).
 */
import type { TSnippet } from './common.schemas.js';

/** What the database puts around a match in a headline: control characters no stored text can hold. */
export const SNIPPET_START = '\u0001';
export const SNIPPET_STOP = '\u0002';

/** Turns a marked-up headline into plain text plus the ranges that matched. */
export function parseSnippet(marked: string): TSnippet {
  let text = '';
  const matches: { start: number; end: number }[] = [];
  let start: number | null = null;
  for (const char of marked) {
    if (char === SNIPPET_START) start = text.length;
    else if (char === SNIPPET_STOP) {
      if (start !== null && text.length > start) matches.push({ start, end: text.length });
      start = null;
    } else text += char;
  }
  return collapse(text, matches);
}

/** Collapses runs of white space (ts_headline leaves some) and trims, moving the match ranges along. */
function collapse(text: string, matches: { start: number; end: number }[]): TSnippet {
  const position: number[] = [];
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      if (out.length > 0 && !out.endsWith(' ')) {
        position.push(out.length);
        out += ' ';
      } else position.push(-1);
    } else {
      position.push(out.length);
      out += char;
    }
  }
  if (out.endsWith(' ')) out = out.slice(0, -1);
  const moved: { start: number; end: number }[] = [];
  for (const m of matches) {
    const kept = position.slice(m.start, m.end).filter((p) => p >= 0 && p < out.length);
    if (kept.length > 0) moved.push({ start: kept[0] as number, end: (kept[kept.length - 1] as number) + 1 });
  }
  return { text: out, matches: moved };
}
