/**
 * Export documents (the JSON that `POST /api/data/import` reads) built for tests: one valid empty document with the
 * given sections, rows of the kinds the tests need, and a large document of journal entries and captures.
 */
import { DATA_EXPORT_SECTIONS, type TDataExportSection } from '@lifeos/core/schemas';

const STAMPS = { createdAt: '2020-01-01T08:00:00.000Z', updatedAt: '2020-01-01T08:00:00.000Z' };

/** A UUID that says which kind of row it is (`kind`) and which one (`n`): reproducible, never colliding. */
export const rowUuid = (kind: number, n: number) =>
  `${String(kind).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A valid document holding the given sections (every other one empty) and settings in the given zone. */
export function exportDocument(
  sections: Partial<Record<TDataExportSection, unknown[]>> = {},
  timezone = 'Europe/Berlin',
) {
  return {
    format: 'lifeos-export',
    version: 1,
    exportedAt: STAMPS.createdAt,
    settings: {
      displayName: 'Restored',
      timezone,
      weekStart: 'monday',
      units: 'metric',
      journalWordGoal: 750,
      theme: 'system',
      icsFeedIncludeTasks: false,
    },
    ...Object.fromEntries(DATA_EXPORT_SECTIONS.map((section) => [section, sections[section] ?? []])),
  };
}

export function captureRow(id: string, text: string) {
  return {
    id,
    text,
    url: null,
    status: 'inbox',
    processedIntoKind: null,
    processedIntoId: null,
    processedAt: null,
    ...STAMPS,
  };
}

export function eventRow(id: string, fields: { title: string; rrule?: string | null } & Record<string, unknown>) {
  return {
    id,
    description: null,
    location: null,
    startsAt: '2026-01-05T09:00:00.000Z',
    endsAt: '2026-01-05T10:00:00.000Z',
    allDay: false,
    timezone: 'UTC',
    rrule: null,
    exdates: [],
    icsUid: `${id}@test`,
    recurrenceId: null,
    seriesId: null,
    ...STAMPS,
    ...fields,
  };
}

export function taskRow(id: string, fields: { title: string; rrule?: string | null } & Record<string, unknown>) {
  return {
    id,
    projectId: null,
    notes: null,
    status: 'todo',
    priority: 0,
    labels: [],
    dueDate: '2026-12-10',
    position: 0,
    rrule: null,
    repeatAfterDays: null,
    seriesId: null,
    completedAt: null,
    sourceCaptureId: null,
    ...STAMPS,
    ...fields,
  };
}

/**
 * A large valid document: `days` morning pages of ~2.6 KB each, from 2000-01-01 on, and `capturesPerDay` captures
 * per day, then the given events.
 */
export function journalAndCaptures(
  days: number,
  options: { capturesPerDay?: number; captureText?: string; timezone?: string; events?: unknown[] } = {},
) {
  const date = (n: number) => new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  return exportDocument(
    {
      journal: Array.from({ length: days }, (_, n) => ({
        id: rowUuid(1, n),
        type: 'morning_pages',
        entryDate: date(n),
        content: { text: `Day ${n}: ${'the quick brown fox jumps over the lazy dog '.repeat(60)}` },
        ...STAMPS,
      })),
      captures: Array.from({ length: days * (options.capturesPerDay ?? 2) }, (_, n) =>
        captureRow(rowUuid(2, n), `${options.captureText ?? 'capture'} ${n}`),
      ),
      events: options.events ?? [],
    },
    options.timezone,
  );
}
