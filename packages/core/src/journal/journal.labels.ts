// Without zod: the web's dashboard shows these labels, and its first render should not wait for the schema library.
export const JOURNAL_ENTRY_TYPES = ['morning_pages', 'daily_reflection', 'weekly_review'] as const;

/** Human names for the entry types (web, client scripts). */
export const JOURNAL_ENTRY_LABELS: Record<(typeof JOURNAL_ENTRY_TYPES)[number], string> = {
  morning_pages: 'Morning pages',
  daily_reflection: 'Daily reflection',
  weekly_review: 'Weekly review',
};
