import { z } from 'zod';
import { ZId, ZLocalDate, ZSnippet } from '../common/common.schemas.js';

export const SEARCH_KINDS = ['journal', 'task', 'project', 'capture', 'event'] as const;
export const ZSearchKind = z.enum(SEARCH_KINDS);
export type TSearchKind = z.infer<typeof ZSearchKind>;

/** Group headings in the web's palette and in scripts' output, in the order the kinds are listed. */
export const SEARCH_KIND_LABELS: Record<TSearchKind, string> = {
  journal: 'Journal',
  task: 'Tasks',
  project: 'Projects',
  capture: 'Inbox',
  event: 'Calendar',
};

export const SEARCH_QUERY_MAX_CHARS = 200;
export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;
/** No kind may fill the whole list: a word common in the journal must still leave room for the one task. */
export const SEARCH_PER_KIND_LIMIT = 8;

/**
 * Blank (or whitespace-only) `q` is refused as BAD_REQUEST, like journal.search: a caller that searches as the
 * user types simply does not call with an empty box. A `q` of punctuation only is valid and finds nothing.
 */
export const ZSearchAllInput = z
  .object({
    q: z
      .string()
      .trim()
      .min(1, { error: 'Type something to search for' })
      .max(SEARCH_QUERY_MAX_CHARS, { error: `A search can be at most ${SEARCH_QUERY_MAX_CHARS} characters` }),
    limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT).optional(),
  })
  .strict();
export type TSearchAllInput = z.infer<typeof ZSearchAllInput>;

export const ZSearchResult = z.object({
  kind: ZSearchKind,
  id: ZId,
  /** The title with its matches (a journal entry's title is its type, e.g. "Morning pages"). */
  title: ZSnippet,
  /** Where the body matched (notes, description, the entry's text, a capture's URL); empty text if no body. */
  snippet: ZSnippet,
  /** Journal entry date, task due date, project target date, event's first day in its own time zone. */
  date: ZLocalDate.nullable(),
  /** When a capture came in, or when an event (the first of a series) starts. */
  at: z.date().nullable(),
  /** A short human line: the task's project, a status ("Done", "Archived"), "Repeats". */
  context: z.string().nullable(),
  /** The web app's route that shows the result. */
  href: z.string(),
  /** Higher is better; comparable across kinds (title matches weigh more than body matches). */
  rank: z.number(),
});
export type TSearchResult = z.infer<typeof ZSearchResult>;
