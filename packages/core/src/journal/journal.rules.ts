/**
 * The journal's pure rules: word counts, streaks and search snippets. Browser-safe (the web app counts words live
 * with the same function the server stores), and free of I/O so they are tested as plain functions. Dates and
 * weeks come from the shared kernel (`common/local-date.ts`).
 */
import { daysBetween, type WeekStart, weekStartOf } from '../common/local-date.js';
import type {
  TDailyReflectionContent,
  TJournalEntryType,
  TMorningPagesContent,
  TWeeklyReviewContent,
} from './journal.schemas.js';

// ---------- words ----------

// One segmenter per locale, made once; a plain Map, not a cache: callers pass the product's locale ('en') only.
const segmenters = new Map<string, Intl.Segmenter>();

/** Unicode word segmentation (Intl.Segmenter), counting the word-like segments: exact, but tens of µs a word. */
export function segmentWordCount(text: string, locale = 'en'): number {
  let segmenter = segmenters.get(locale);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
    segmenters.set(locale, segmenter);
  }
  let words = 0;
  for (const segment of segmenter.segment(text)) if (segment.isWordLike) words++;
  return words;
}

/*
 * The fast path. A word boundary always falls on both sides of a whitespace character (no UAX #29 rule joins a
 * letter or digit across one), so a text's words are the words of its whitespace-separated tokens. A token of ASCII
 * letters and digits (with at most one apostrophe between letters, as in "don't"), wrapped in common punctuation,
 * is exactly one word, and a token of punctuation only is none; anything else goes to the segmenter. U+FEFF is not
 * whitespace here: segmentation ignores it inside a word. Tested equal to segmentWordCount on generated text.
 */
const WHITESPACE = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const SIMPLE_WORD = /^["([{]*(?:[A-Za-z0-9]*[A-Za-z]'[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+)[.,;:!?"')\]}]*$/;
const NO_WORD = /^[.,;:!?"'()[\]{}\-–—]+$/;

/**
 * Words as a reader would count them, in any script: Unicode word segmentation, so punctuation and runs of spaces
 * count for nothing, and Chinese or Japanese text (written without spaces) counts its words rather than one per
 * sentence. Plain Latin words skip the segmenter, which makes ten years of entries (an import) count in a second
 * rather than minutes.
 */
export function countWords(text: string, locale = 'en'): number {
  let words = 0;
  for (const token of text.split(WHITESPACE)) {
    if (token === '' || NO_WORD.test(token)) continue;
    words += SIMPLE_WORD.test(token) ? 1 : segmentWordCount(token, locale);
  }
  return words;
}

/** Every piece of text an entry holds, in reading order (what is counted, excerpted and searched). */
export function entryTexts(
  type: TJournalEntryType,
  content: TMorningPagesContent | TDailyReflectionContent | TWeeklyReviewContent,
): string[] {
  switch (type) {
    case 'morning_pages':
      return [(content as TMorningPagesContent).text];
    case 'daily_reflection': {
      const c = content as TDailyReflectionContent;
      return [...c.wins, ...c.challenges, ...c.gratitude, c.tomorrowFocus];
    }
    case 'weekly_review': {
      const c = content as TWeeklyReviewContent;
      return [...c.wins, ...c.lessons, ...c.priorities];
    }
  }
}

export function entryWordCount(
  type: TJournalEntryType,
  content: TMorningPagesContent | TDailyReflectionContent | TWeeklyReviewContent,
): number {
  return entryTexts(type, content).reduce((sum, text) => sum + countWords(text), 0);
}

// ---------- streaks ----------

export interface Streak {
  current: number;
  longest: number;
  lastDate: string | null;
  doneInPeriod: boolean;
}

/**
 * Streaks over a set of periods (days, or week starts), each `step` days apart. The current streak is the latest
 * run of consecutive periods if it reaches the current period or the one before it: a day (or week) not written
 * yet does not break the streak until it is over. A run may reach past `current` (written in another time zone
 * before a move west); it still counts.
 */
function streakOver(periods: string[], current: string, step: number): Streak {
  const sorted = [...new Set(periods)].sort();
  if (sorted.length === 0) return { current: 0, longest: 0, lastDate: null, doneInPeriod: false };
  let longest = 0;
  let run = 0;
  let previous: string | undefined;
  for (const period of sorted) {
    run = previous !== undefined && daysBetween(previous, period) === step ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = period;
  }
  const last = sorted[sorted.length - 1] as string;
  const alive = daysBetween(last, current) <= step;
  return { current: alive ? run : 0, longest, lastDate: last, doneInPeriod: sorted.includes(current) };
}

/** Daily types: consecutive local dates, with `today` in the user's time zone. */
export function dailyStreak(dates: string[], today: string): Streak {
  return streakOver(dates, today, 1);
}

/**
 * Weekly review: consecutive weeks. Each review counts for the week that holds its date by the current week
 * start, so reviews keyed by Mondays still line up after the user switches to Sundays.
 */
export function weeklyStreak(dates: string[], today: string, weekStart: WeekStart): Streak {
  return streakOver(
    dates.map((d) => weekStartOf(d, weekStart)),
    weekStartOf(today, weekStart),
    7,
  );
}
