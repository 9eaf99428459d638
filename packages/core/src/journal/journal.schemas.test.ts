import { describe, expect, it } from 'vitest';
import {
  ZGetJournalEntryInput,
  ZListJournalEntriesInput,
  ZSearchJournalInput,
  ZUpsertJournalEntryInput,
} from './journal.schemas.js';

const reflection = {
  wins: ['shipped the journal'],
  challenges: [],
  gratitude: ['coffee'],
  mood: 4,
  energy: 3,
  tomorrowFocus: 'tests',
};
const review = {
  wins: [],
  lessons: ['sleep'],
  priorities: ['ship'],
  ratings: [
    { area: 'health', score: 7 },
    { area: 'work', score: 10 },
  ],
};

describe('journal entry input', () => {
  it('validates content per type', () => {
    expect(
      ZUpsertJournalEntryInput.safeParse({ type: 'morning_pages', date: '2026-01-10', content: { text: 'hi' } })
        .success,
    ).toBe(true);
    expect(
      ZUpsertJournalEntryInput.safeParse({ type: 'daily_reflection', date: '2026-01-10', content: reflection }).success,
    ).toBe(true);
    expect(
      ZUpsertJournalEntryInput.safeParse({ type: 'weekly_review', date: '2026-01-05', content: review }).success,
    ).toBe(true);
    // The content of another type is refused.
    expect(
      ZUpsertJournalEntryInput.safeParse({ type: 'morning_pages', date: '2026-01-10', content: reflection }).success,
    ).toBe(false);
    expect(
      ZUpsertJournalEntryInput.safeParse({ type: 'weekly_review', date: '2026-01-05', content: { text: 'x' } }).success,
    ).toBe(false);
    expect(
      ZUpsertJournalEntryInput.safeParse({ type: 'diary', date: '2026-01-10', content: { text: 'x' } }).success,
    ).toBe(false);
  });

  it('refuses moods and ratings out of range, duplicate areas and unknown keys', () => {
    const parse = (content: unknown, type = 'daily_reflection') =>
      ZUpsertJournalEntryInput.safeParse({ type, date: '2026-01-05', content }).success;
    expect(parse({ ...reflection, mood: 0 })).toBe(false);
    expect(parse({ ...reflection, mood: 6 })).toBe(false);
    expect(parse({ ...reflection, energy: 2.5 })).toBe(false);
    expect(parse({ ...reflection, extra: true })).toBe(false);
    expect(parse({ ...review, ratings: [{ area: 'fun', score: 11 }] }, 'weekly_review')).toBe(false);
    expect(parse({ ...review, ratings: [{ area: 'fun', score: 0 }] }, 'weekly_review')).toBe(false);
    expect(
      parse(
        {
          ...review,
          ratings: [
            { area: 'Fun', score: 3 },
            { area: 'fun', score: 4 },
          ],
        },
        'weekly_review',
      ),
    ).toBe(false);
    expect(parse({ ...review, ratings: [] }, 'weekly_review')).toBe(true);
  });

  it('trims list items, refuses empty ones, and strips control characters from text', () => {
    const parsed = ZUpsertJournalEntryInput.parse({
      type: 'daily_reflection',
      date: '2026-01-10',
      content: { ...reflection, wins: ['  spaced  '] },
    });
    expect(parsed.content).toMatchObject({ wins: ['spaced'] });
    expect(
      ZUpsertJournalEntryInput.safeParse({
        type: 'daily_reflection',
        date: '2026-01-10',
        content: { ...reflection, wins: ['   '] },
      }).success,
    ).toBe(false);
    const pages = ZUpsertJournalEntryInput.parse({
      type: 'morning_pages',
      date: '2026-01-10',
      content: { text: 'a\u0001b\u0002c\nd\te' },
    });
    expect(pages.content).toEqual({ text: 'abc\nd\te' });
  });

  it('takes real calendar dates only', () => {
    expect(ZGetJournalEntryInput.safeParse({ type: 'morning_pages', date: '2024-02-29' }).success).toBe(true);
    expect(ZGetJournalEntryInput.safeParse({ type: 'morning_pages', date: '2025-02-29' }).success).toBe(false);
    expect(ZGetJournalEntryInput.safeParse({ type: 'morning_pages', date: '2026-13-01' }).success).toBe(false);
    expect(ZGetJournalEntryInput.safeParse({ type: 'morning_pages', date: '10/01/2026' }).success).toBe(false);
  });

  it('bounds lists and searches', () => {
    expect(ZListJournalEntriesInput.safeParse({ from: '2026-02-01', to: '2026-01-01' }).success).toBe(false);
    expect(ZListJournalEntriesInput.safeParse({ limit: 101 }).success).toBe(false);
    expect(ZListJournalEntriesInput.safeParse({ cursor: 'not a cursor!' }).success).toBe(false);
    expect(ZSearchJournalInput.safeParse({ q: '   ' }).success).toBe(false);
    expect(ZSearchJournalInput.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
  });
});
