import { type DB, type Kysely, searchQueries } from '@lifeos/db';
import { parseSnippet, SNIPPET_START, SNIPPET_STOP } from '../common/snippets.js';
import { buildTsQuery, contextFor, hrefFor, journalTitle, truncateSnippet } from './search.rules.js';
import {
  SEARCH_DEFAULT_LIMIT,
  SEARCH_PER_KIND_LIMIT,
  type TSearchAllInput,
  type TSearchResult,
} from './search.schemas.js';

interface Deps {
  db: Kysely<DB>;
}

/** Long enough for a task or event title; a capture's text is cut to this for its title line. */
const TITLE_MAX_CHARS = 160;

/**
 * One search across the journal, tasks, projects, captures and the user's own events: one SQL statement, each kind
 * capped, ranked together. Snippets are plain text plus match ranges.
 */
export async function searchAll(deps: Deps, userId: string, input: TSearchAllInput): Promise<TSearchResult[]> {
  const query = buildTsQuery(input.q);
  if (!query) return [];
  const limit = input.limit ?? SEARCH_DEFAULT_LIMIT;
  const rows = await searchQueries.searchAll(deps.db, userId, query, {
    perKind: Math.min(limit, SEARCH_PER_KIND_LIMIT),
    limit,
    markers: { start: SNIPPET_START, stop: SNIPPET_STOP },
  });
  return rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    title:
      row.title === null
        ? { text: journalTitle(row.detail), matches: [] }
        : truncateSnippet(parseSnippet(row.title), TITLE_MAX_CHARS),
    snippet: parseSnippet(row.body),
    date: row.date,
    at: row.at,
    context: contextFor(row),
    href: hrefFor(row),
    rank: row.rank,
  }));
}
