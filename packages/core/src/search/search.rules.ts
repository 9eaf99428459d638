/**
 * The pure parts of search.all: turning what the user typed into a tsquery safely, and into links and context.
 * Free of I/O so that hostile input is tested as plain functions.
 */

import type { TSnippet } from '../common/common.schemas.js';
import { JOURNAL_ENTRY_LABELS, type TJournalEntryType } from '../journal/journal.schemas.js';

/**
 * A tsquery to bind as a parameter: PostgreSQL's websearch syntax when the user wrote some (a "quoted phrase",
 * -excluded, `or`), otherwise a prefix query so that a palette searching as the user types finds "mountain" at
 * "mo". Matches the shape packages/db's searchAll takes.
 */
export type SearchTsQuery =
  | { mode: 'websearch'; text: string }
  | { mode: 'prefix'; leading: string | null; last: string };

/** Enough for any real search; more words only make the query slower, not better. */
export const SEARCH_MAX_WORDS = 8;
const WORD_MAX_CHARS = 64;
const WORD = /[\p{L}\p{N}]+/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
const WEBSEARCH_SYNTAX = /"|(?:^|\s)-[\p{L}\p{N}]|\sor\s/iu;

/**
 * A lexeme in tsquery syntax: single-quoted, with quotes doubled and backslashes escaped, so that no character
 * the user typed can become a tsquery operator. (The words reaching here are letters and digits already; the
 * quoting is what makes that not matter.)
 */
export function quoteLexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** What to ask the database for, or null when `q` holds nothing searchable (punctuation only). */
export function buildTsQuery(q: string): SearchTsQuery | null {
  const text = q.replace(CONTROL_CHARACTERS, ' ').trim();
  if (text === '') return null;
  if (WEBSEARCH_SYNTAX.test(text)) return { mode: 'websearch', text };
  const words = (text.normalize('NFC').match(WORD) ?? [])
    .slice(0, SEARCH_MAX_WORDS)
    .map((word) => word.slice(0, WORD_MAX_CHARS));
  const last = words.pop();
  if (last === undefined) return null;
  return {
    mode: 'prefix',
    leading: words.length > 0 ? words.map((w) => `${quoteLexeme(w)}:*`).join(' & ') : null,
    last: `${quoteLexeme(last)}:*`,
  };
}

/** The URL path segment of each journal entry type (the web's routes). */
const JOURNAL_SEGMENT: Record<TJournalEntryType, string> = {
  morning_pages: 'morning-pages',
  daily_reflection: 'reflection',
  weekly_review: 'review',
};

export interface HrefParts {
  kind: 'journal' | 'task' | 'project' | 'capture' | 'event';
  id: string;
  detail: string | null;
  date: string | null;
  parentId: string | null;
}

/**
 * Where the web app shows a result. Tasks have no page of their own: a project's task opens its project, any
 * other task the task views; an event opens the calendar at its day.
 */
export function hrefFor(row: HrefParts): string {
  switch (row.kind) {
    case 'journal': {
      const segment = JOURNAL_SEGMENT[row.detail as TJournalEntryType] ?? 'morning-pages';
      return `/journal/${segment}${row.date ? `/${row.date}` : ''}`;
    }
    case 'task':
      return row.parentId ? `/projects/${row.parentId}` : '/tasks';
    case 'project':
      return `/projects/${row.id}`;
    case 'capture':
      return '/inbox';
    case 'event':
      return row.date ? `/calendar?date=${row.date}` : '/calendar';
  }
}

const STATUS_LABELS: Record<string, string> = {
  done: 'Done',
  doing: 'In progress',
  on_hold: 'On hold',
  completed: 'Completed',
  archived: 'Archived',
  processed: 'Processed',
};

/** The journal entry's title: its type. */
export function journalTitle(type: string | null): string {
  return JOURNAL_ENTRY_LABELS[type as TJournalEntryType] ?? 'Journal entry';
}

/** A short line beside the title: a task's project and state, a finished project, a repeating event. */
export function contextFor(row: {
  kind: HrefParts['kind'];
  detail: string | null;
  parentName: string | null;
  recurring: boolean;
}): string | null {
  const parts: string[] = [];
  if (row.kind === 'task' && row.parentName) parts.push(row.parentName);
  const status = row.kind !== 'journal' && row.detail ? STATUS_LABELS[row.detail] : undefined;
  if (status) parts.push(status);
  if (row.recurring) parts.push('Repeats');
  return parts.length > 0 ? parts.join(' · ') : null;
}

/**
 * Cuts a snippet to at most `max` characters at a word boundary, keeping the match ranges that still fit (a
 * capture's text is its title and may be a long paragraph).
 */
export function truncateSnippet(snippet: TSnippet, max: number): TSnippet {
  if (snippet.text.length <= max) return snippet;
  const space = snippet.text.lastIndexOf(' ', max - 1);
  const cut = space > max / 2 ? space : max - 1;
  return {
    text: `${snippet.text.slice(0, cut)}…`,
    matches: snippet.matches.filter((m) => m.start < cut).map((m) => ({ start: m.start, end: Math.min(m.end, cut) })),
  };
}
