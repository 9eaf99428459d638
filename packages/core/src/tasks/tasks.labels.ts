// Without zod: the web shell's quick capture shows these, and its first render should not wait for the schema library.
export const PRIORITY_LABELS = ['none', 'low', 'medium', 'high'] as const;
