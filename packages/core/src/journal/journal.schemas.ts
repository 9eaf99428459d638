import { z } from 'zod';
import { pageInput, pageOf, ZId, ZLocalDate, ZSnippet } from '../common/common.schemas.js';
import { JOURNAL_ENTRY_TYPES } from './journal.labels.js';

// ---------- building blocks ----------

export { JOURNAL_ENTRY_LABELS, JOURNAL_ENTRY_TYPES } from './journal.labels.js';
export const ZJournalEntryType = z.enum(JOURNAL_ENTRY_TYPES);
export type TJournalEntryType = z.infer<typeof ZJournalEntryType>;

/** C0 control characters other than tab, newline and carriage return: never part of what anyone writes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Text as typed, minus invisible control characters (they would also confuse search snippets). */
const text = (max: number, what: string) =>
  z
    .string()
    .max(max, { error: `${what} can be at most ${max.toLocaleString('en')} characters` })
    .transform((value) => value.replace(CONTROL_CHARACTERS, ''));

/** The longest morning pages we keep: about 15,000 words, twenty times the classic 750. */
export const MORNING_PAGES_MAX_CHARS = 100_000;
export const LIST_ITEM_MAX_CHARS = 1_000;
export const LIST_MAX_ITEMS = 30;
export const LIFE_AREA_MAX_CHARS = 40;
export const LIFE_AREAS_MAX = 12;
export const DEFAULT_LIFE_AREAS = ['health', 'work', 'relationships', 'growth', 'fun'] as const;

export const ZJournalTextItem = text(LIST_ITEM_MAX_CHARS, 'An item')
  .transform((value) => value.trim())
  .pipe(z.string().min(1, { error: 'An item cannot be empty' }));

const list = (what: string) =>
  z.array(ZJournalTextItem).max(LIST_MAX_ITEMS, { error: `At most ${LIST_MAX_ITEMS} ${what}` });

export const ZScore5 = z
  .number({ error: 'Pick a number from 1 to 5' })
  .int()
  .min(1, { error: 'Pick a number from 1 to 5' })
  .max(5, { error: 'Pick a number from 1 to 5' });

export const ZLifeAreaRating = z
  .object({
    area: z
      .string()
      .trim()
      .min(1, { error: 'Name the life area' })
      .max(LIFE_AREA_MAX_CHARS, { error: `A life area can be at most ${LIFE_AREA_MAX_CHARS} characters` }),
    score: z
      .number({ error: 'Rate it from 1 to 10' })
      .int()
      .min(1, { error: 'Rate it from 1 to 10' })
      .max(10, { error: 'Rate it from 1 to 10' }),
  })
  .strict();
export type TLifeAreaRating = z.infer<typeof ZLifeAreaRating>;

// ---------- content per entry type ----------

export const ZMorningPagesContent = z.object({ text: text(MORNING_PAGES_MAX_CHARS, 'Morning pages') }).strict();
export type TMorningPagesContent = z.infer<typeof ZMorningPagesContent>;

export const ZDailyReflectionContent = z
  .object({
    wins: list('wins'),
    challenges: list('challenges'),
    gratitude: list('things you are grateful for'),
    mood: ZScore5,
    energy: ZScore5,
    tomorrowFocus: text(LIST_ITEM_MAX_CHARS, "Tomorrow's focus").transform((value) => value.trim()),
  })
  .strict();
export type TDailyReflectionContent = z.infer<typeof ZDailyReflectionContent>;

/**
 * Ratings are an ordered list rather than a record: the areas are the user's own, in the order they keep them,
 * and jsonb would not keep an object's key order.
 */
export const ZWeeklyReviewContent = z
  .object({
    wins: list('wins'),
    lessons: list('lessons'),
    priorities: list('priorities'),
    ratings: z
      .array(ZLifeAreaRating)
      .max(LIFE_AREAS_MAX, { error: `At most ${LIFE_AREAS_MAX} life areas` })
      .refine((ratings) => new Set(ratings.map((r) => r.area.toLowerCase())).size === ratings.length, {
        error: 'Each life area can be rated only once',
      }),
  })
  .strict();
export type TWeeklyReviewContent = z.infer<typeof ZWeeklyReviewContent>;

export type TJournalContent = TMorningPagesContent | TDailyReflectionContent | TWeeklyReviewContent;

// ---------- inputs ----------

/** The entry to write, one variant per type: content is validated by the schema of its type. */
/**
 * The entry's version the text was written on: its `updatedAt` as the writer last saw it, null for "no entry yet".
 * Given, a write over an entry changed since (elsewhere, with other content) is refused with CONFLICT instead of
 * replacing it: two devices editing one day's text offline must not lose either (issue 21). Left out, the write
 * replaces whatever is there (scripts, the import).
 */
const ZBaseUpdatedAt = z.date().nullable().optional();

const ZUpsertJournalEntryVariant = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('morning_pages'),
      date: ZLocalDate,
      content: ZMorningPagesContent,
      baseUpdatedAt: ZBaseUpdatedAt,
    })
    .strict(),
  z
    .object({
      type: z.literal('daily_reflection'),
      date: ZLocalDate,
      content: ZDailyReflectionContent,
      baseUpdatedAt: ZBaseUpdatedAt,
    })
    .strict(),
  z
    .object({
      type: z.literal('weekly_review'),
      date: ZLocalDate,
      content: ZWeeklyReviewContent,
      baseUpdatedAt: ZBaseUpdatedAt,
    })
    .strict(),
]);

/**
 * One entry per user, type and date. A weekly review's date is the first day of its week by the user's week
 * start (the service refuses any other day with BAD_REQUEST); no entry may be dated after today in the user's
 * time zone. On the wire it is one plain object (what the panel and the router walk describe); parsed, it is the
 * variant of its type, so a reflection's content under `morning_pages` is a BAD_REQUEST.
 */
export const ZUpsertJournalEntryInput = z
  .object({
    type: ZJournalEntryType,
    date: ZLocalDate,
    content: z.union([ZMorningPagesContent, ZDailyReflectionContent, ZWeeklyReviewContent]),
    baseUpdatedAt: ZBaseUpdatedAt,
  })
  .strict()
  .pipe(ZUpsertJournalEntryVariant);
export type TUpsertJournalEntryInput = z.infer<typeof ZUpsertJournalEntryInput>;

export const ZGetJournalEntryInput = z.object({ type: ZJournalEntryType, date: ZLocalDate }).strict();
export type TGetJournalEntryInput = z.infer<typeof ZGetJournalEntryInput>;

export const JOURNAL_LIST_DEFAULT_LIMIT = 20;
export const ZListJournalEntriesInput = z
  .object({
    type: ZJournalEntryType.optional(),
    from: ZLocalDate.optional(),
    to: ZLocalDate.optional(),
    ...pageInput,
  })
  .strict()
  .refine((input) => !input.from || !input.to || input.from <= input.to, {
    error: '"from" must not be after "to"',
    path: ['to'],
  });
export type TListJournalEntriesInput = z.infer<typeof ZListJournalEntriesInput>;

export const ZSearchJournalInput = z
  .object({
    q: z.string().trim().min(1, { error: 'Type something to search for' }).max(200),
    limit: z.number().int().min(1).max(50).optional(),
  })
  .strict();
export type TSearchJournalInput = z.infer<typeof ZSearchJournalInput>;

export const ZJournalHeatmapInput = z.object({ year: z.number().int().min(1900).max(2200) }).strict();
export type TJournalHeatmapInput = z.infer<typeof ZJournalHeatmapInput>;

// ---------- outputs ----------

const entryBase = {
  id: ZId,
  date: ZLocalDate,
  wordCount: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
};

export const ZJournalEntry = z.discriminatedUnion('type', [
  z.object({ ...entryBase, type: z.literal('morning_pages'), content: ZMorningPagesContent }),
  z.object({ ...entryBase, type: z.literal('daily_reflection'), content: ZDailyReflectionContent }),
  z.object({ ...entryBase, type: z.literal('weekly_review'), content: ZWeeklyReviewContent }),
]);
export type TJournalEntry = z.infer<typeof ZJournalEntry>;

export const ZJournalListEntry = z.object({
  id: ZId,
  type: ZJournalEntryType,
  date: ZLocalDate,
  wordCount: z.number().int(),
  /** The first few hundred characters of the entry's text, plain. */
  excerpt: z.string(),
  /** Daily reflections only. */
  mood: z.number().int().nullable(),
  updatedAt: z.date(),
});
export type TJournalListEntry = z.infer<typeof ZJournalListEntry>;

export const ZJournalListPage = pageOf(ZJournalListEntry);
export type TJournalListPage = z.infer<typeof ZJournalListPage>;

export const ZJournalSearchResult = z.object({
  id: ZId,
  type: ZJournalEntryType,
  date: ZLocalDate,
  rank: z.number(),
  snippet: ZSnippet,
});
export type TJournalSearchResult = z.infer<typeof ZJournalSearchResult>;

export const ZJournalStreak = z.object({
  /** Consecutive days (weeks for the weekly review) up to today, or up to yesterday while today is still open. */
  current: z.number().int(),
  longest: z.number().int(),
  /** The latest day (or week start) written. */
  lastDate: ZLocalDate.nullable(),
  /** Whether today's entry (this week's, for the review) is written. */
  doneInPeriod: z.boolean(),
});
export type TJournalStreak = z.infer<typeof ZJournalStreak>;

export const ZJournalStreaks = z.object({
  /** Today in the user's time zone. */
  today: ZLocalDate,
  /** The first day of this week by the user's week start (the date of this week's review). */
  weekStart: ZLocalDate,
  timezone: z.string(),
  streaks: z.object({
    morning_pages: ZJournalStreak,
    daily_reflection: ZJournalStreak,
    weekly_review: ZJournalStreak,
  }),
});
export type TJournalStreaks = z.infer<typeof ZJournalStreaks>;

export const ZJournalHeatmap = z.object({
  year: z.number().int(),
  days: z.array(z.object({ date: ZLocalDate, count: z.number().int(), wordCount: z.number().int() })),
});
export type TJournalHeatmap = z.infer<typeof ZJournalHeatmap>;
