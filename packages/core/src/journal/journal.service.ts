import { isDeepStrictEqual } from 'node:util';
import { type DB, journalQueries, type Kysely, settingsQueries } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { addCalendarDays, isWeekStart, localDate, type WeekStart, weekStartOf } from '../common/local-date.js';
import { decodeCursor, isLocalDate, isUuid, keysetPage } from '../common/pagination.js';
import { parseSnippet, SNIPPET_START, SNIPPET_STOP } from '../common/snippets.js';
import { inTransaction } from '../common/transaction.js';
import { NotFoundError } from '../errors.js';
import * as webhooksService from '../webhooks/webhooks.service.js';
import {
  FutureJournalDateError,
  JournalEntryConflictError,
  JournalEntryNotFoundError,
  NotWeekStartError,
} from './journal.errors.js';
import { dailyStreak, entryWordCount, weeklyStreak } from './journal.rules.js';
import {
  JOURNAL_LIST_DEFAULT_LIMIT,
  type TGetJournalEntryInput,
  type TJournalEntry,
  type TJournalEntryType,
  type TJournalHeatmap,
  type TJournalHeatmapInput,
  type TJournalListPage,
  type TJournalSearchResult,
  type TJournalStreaks,
  type TListJournalEntriesInput,
  type TSearchJournalInput,
  type TUpsertJournalEntryInput,
} from './journal.schemas.js';

interface Deps {
  db: Kysely<DB>;
  clock: Clock;
}

interface Calendar {
  timezone: string;
  weekStart: WeekStart;
  today: string;
}

/** The user's time zone and week start, and what day it is there now. */
async function userCalendar(deps: Deps, userId: string): Promise<Calendar> {
  const settings = await settingsQueries.getSettings(deps.db, userId);
  if (!settings) throw new NotFoundError('Settings');
  return {
    timezone: settings.timezone,
    weekStart: settings.weekStart,
    today: localDate(deps.clock.now(), settings.timezone),
  };
}

/** Rows hold content the schemas validated on the way in; the output schema checks it again on the way out. */
function toEntry(row: journalQueries.JournalEntrySelection): TJournalEntry {
  return row as TJournalEntry;
}

/**
 * An entry by type and day. A weekly review is found by any day of its week (so reviews written before a change
 * of week start are still found for their week). Null when nothing is written yet.
 */
export async function getEntry(
  deps: Deps,
  userId: string,
  input: TGetJournalEntryInput,
): Promise<TJournalEntry | null> {
  if (input.type === 'weekly_review') {
    const { weekStart } = await userCalendar(deps, userId);
    const from = weekStartOf(input.date, weekStart);
    const row = await journalQueries.findLatestEntryBetween(
      deps.db,
      userId,
      input.type,
      from,
      addCalendarDays(from, 6),
    );
    return row ? toEntry(row) : null;
  }
  const row = await journalQueries.findEntry(deps.db, userId, input.type, input.date);
  return row ? toEntry(row) : null;
}

/**
 * Creates or replaces the entry of a type and day. Idempotent and autosave-friendly: the same content again
 * changes nothing (not even `updatedAt`). Refuses a date after today in the user's time zone, and a weekly review
 * dated on any day but its week's first (by the user's week start) — the web app always sends the week start.
 */
export async function upsertEntry(deps: Deps, userId: string, input: TUpsertJournalEntryInput): Promise<TJournalEntry> {
  const calendar = await userCalendar(deps, userId);
  if (input.date > calendar.today) throw new FutureJournalDateError(calendar.today);
  if (input.type === 'weekly_review' && !isWeekStart(input.date, calendar.weekStart)) {
    throw new NotWeekStartError(input.date, calendar.weekStart, weekStartOf(input.date, calendar.weekStart));
  }
  const write = async ({ db }: Deps) => {
    const { entry, changed: written } = await journalQueries.upsertEntry(db, {
      userId,
      type: input.type,
      date: input.date,
      content: input.content,
      wordCount: entryWordCount(input.type, input.content),
      now: deps.clock.now(),
    });
    // Ids, the date and the count only: a webhook never carries journal text. The same text again is no save.
    const changed = { type: input.type, date: input.date, wordCount: entry.wordCount };
    if (written)
      await webhooksService.emit({ ...deps, db }, userId, 'journal.saved', {
        id: entry.id,
        object: 'journal_entry',
        changed,
      });
    return toEntry(entry);
  };
  const base = input.baseUpdatedAt;
  if (base === undefined) return inTransaction(deps, write);
  // Compare and write under the row's lock, so a write landing in between cannot slip past the check.
  return inTransaction(deps, async (trx) => {
    const current = await journalQueries.findEntryForUpdate(trx.db, userId, input.type, input.date);
    const stale = current !== undefined && (base === null || current.updatedAt.getTime() !== base.getTime());
    // The same text from both sides is no conflict (a retried save whose answer was lost).
    if (stale && !isDeepStrictEqual(current.content, input.content)) {
      throw new JournalEntryConflictError(current.updatedAt);
    }
    return write(trx);
  });
}

export async function deleteEntry(deps: Deps, userId: string, id: string): Promise<void> {
  if (!(await journalQueries.deleteEntry(deps.db, userId, id))) throw new JournalEntryNotFoundError();
}

// ---------- lists and search ----------

function afterKey(cursor: string): { date: string; id: string } {
  const [date, id] = decodeCursor(cursor, [isLocalDate, isUuid]) as [string, string];
  return { date, id };
}

/** Newest first, a page at a time (keyset pagination: stable while entries are added or removed). */
export async function listEntries(
  deps: Deps,
  userId: string,
  input: TListJournalEntriesInput,
): Promise<TJournalListPage> {
  const limit = input.limit ?? JOURNAL_LIST_DEFAULT_LIMIT;
  const rows = await journalQueries.listEntries(deps.db, userId, {
    type: input.type,
    from: input.from,
    to: input.to,
    after: input.cursor ? afterKey(input.cursor) : undefined,
    limit: limit + 1,
  });
  return keysetPage(rows, limit, (last) => [last.date, last.id]);
}

export async function searchEntries(
  deps: Deps,
  userId: string,
  input: TSearchJournalInput,
): Promise<TJournalSearchResult[]> {
  const rows = await journalQueries.searchEntries(deps.db, userId, input.q, input.limit ?? 20, {
    start: SNIPPET_START,
    stop: SNIPPET_STOP,
  });
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    date: row.date,
    rank: row.rank,
    snippet: parseSnippet(bestHeadline(row.headline)),
  }));
}

/** The headline is the content with every string shortened and marked: take the strings with a match first. */
function bestHeadline(headline: unknown): string {
  const strings: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(headline);
  const matched = strings.filter((s) => s.includes(SNIPPET_START));
  return (matched.length > 0 ? matched : strings.filter((s) => s.trim() !== '')).slice(0, 2).join(' … ');
}

// ---------- streaks and heatmap ----------

/**
 * Current and longest streaks per type, in the user's time zone as it is set now. Reads only the distinct
 * (type, date) pairs, from the unique index.
 */
export async function getStreaks(deps: Deps, userId: string): Promise<TJournalStreaks> {
  const calendar = await userCalendar(deps, userId);
  const dates: Record<TJournalEntryType, string[]> = { morning_pages: [], daily_reflection: [], weekly_review: [] };
  for (const row of await journalQueries.entryDates(deps.db, userId)) dates[row.type].push(row.date);
  return {
    today: calendar.today,
    weekStart: weekStartOf(calendar.today, calendar.weekStart),
    timezone: calendar.timezone,
    streaks: {
      morning_pages: dailyStreak(dates.morning_pages, calendar.today),
      daily_reflection: dailyStreak(dates.daily_reflection, calendar.today),
      weekly_review: weeklyStreak(dates.weekly_review, calendar.today, calendar.weekStart),
    },
  };
}

/** Entries and words per day of a year, for a calendar heatmap (days without entries are left out). */
export async function getHeatmap(deps: Deps, userId: string, input: TJournalHeatmapInput): Promise<TJournalHeatmap> {
  const year = String(input.year).padStart(4, '0');
  const days = await journalQueries.dayCounts(deps.db, userId, `${year}-01-01`, `${year}-12-31`);
  return { year: input.year, days };
}
