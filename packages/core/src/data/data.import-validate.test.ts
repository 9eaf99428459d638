import { describe, expect, it } from 'vitest';
import { upgradeDocument, validateDocument } from './data.import-validate.js';
import { DATA_EXPORT_SECTIONS, ZDataExport } from './data.schemas.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = '2026-03-01T08:00:00.000Z';

function emptyDocument(): Record<string, unknown> {
  return {
    format: 'lifeos-export',
    version: 1,
    exportedAt: at,
    settings: {
      displayName: 'Ann',
      timezone: 'Europe/Berlin',
      weekStart: 'monday',
      units: 'metric',
      journalWordGoal: 750,
      theme: 'system',
      icsFeedIncludeTasks: false,
    },
    ...Object.fromEntries(DATA_EXPORT_SECTIONS.map((section) => [section, []])),
  };
}

const pages = (n: number, date: string, text: unknown = 'Some words.') => ({
  id: id(n),
  type: 'morning_pages',
  entryDate: date,
  content: { text },
  createdAt: at,
  updatedAt: at,
});

/** The error message `validateDocument(upgradeDocument(doc))` throws. */
function failure(doc: unknown): string {
  try {
    validateDocument(upgradeDocument(doc));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the document to be refused');
}

describe('upgradeDocument', () => {
  it('checks the format and the version first', () => {
    expect(failure([])).toMatch(/Expected a Life OS export/);
    expect(failure({ ...emptyDocument(), format: 'other' })).toMatch(/^format: Not a Life OS export/);
    expect(failure({ ...emptyDocument(), version: 2, journal: 'broken' })).toMatch(
      /version 2, newer than this Life OS understands \(up to version 1\)/,
    );
    expect(failure({ ...emptyDocument(), version: '1' })).toMatch(/Export version "1" cannot be imported/);
    expect(failure({ ...emptyDocument(), version: 0 })).toMatch(/Export version 0 cannot be imported/);
  });

  it('accepts the current version as it is', () => {
    const doc = emptyDocument();
    expect(upgradeDocument(doc)).toBe(doc);
  });
});

describe('validateDocument', () => {
  it('accepts a valid document and gives back the parsed values', () => {
    const doc = { ...emptyDocument(), journal: [pages(1, '2026-03-01', 'Text\u0007 with a bell')] };
    const parsed = validateDocument(upgradeDocument(doc));
    expect(ZDataExport.safeParse(parsed).success).toBe(true);
    // The journal's own rule strips control characters.
    expect(parsed.journal[0]?.content).toEqual({ text: 'Text with a bell' });
  });

  it('names the first bad path', () => {
    const doc = emptyDocument();
    doc.journal = [pages(1, '2026-03-01'), pages(2, '2026-03-02'), pages(3, '2026-03-03'), pages(4, '2026-13-40')];
    expect(failure(doc)).toMatch(/^journal\[3\]\.entryDate: Expected a date as YYYY-MM-DD/);
    doc.journal = [pages(1, '2026-03-01', 42)];
    expect(failure(doc)).toMatch(/^journal\[0\]\.content\.text: /);
    expect(failure({ ...emptyDocument(), settings: { theme: 'x' } })).toMatch(/^settings\.displayName: /);
    expect(failure({ ...emptyDocument(), tasks: {} })).toBe('tasks: Expected an array');
    expect(failure({ ...emptyDocument(), secrets: [] })).toBe('secrets: Unknown field');
  });

  it('takes reminder preferences in the settings when present (older files lack them), strictly', () => {
    const reminders = {
      taskReminders: true,
      taskTime: '08:30',
      taskOffsetMinutes: 60,
      agendaTime: '07:00',
      quietStart: '22:00',
      quietEnd: '07:00',
      lateWindowMinutes: 120,
    };
    const withReminders = (value: unknown) => {
      const doc = emptyDocument();
      doc.settings = { ...(doc.settings as object), reminders: value };
      return doc;
    };
    expect(validateDocument(upgradeDocument(withReminders(reminders))).settings.reminders).toEqual(reminders);
    expect(validateDocument(upgradeDocument(emptyDocument())).settings.reminders).toBeUndefined();
    expect(failure(withReminders({ ...reminders, emailOffKinds: [] }))).toMatch(/^settings\.reminders/);
    expect(failure(withReminders({ ...reminders, taskTime: '25:00' }))).toMatch(/^settings\.reminders\.taskTime: /);
    expect(failure(withReminders({ ...reminders, quietEnd: null }))).toMatch(/^settings\.reminders\.quietEnd: Quiet/);
  });

  it('refuses rows the database could not store', () => {
    const project = {
      id: id(1),
      name: 'P',
      description: 'bad\u0000byte',
      status: 'active',
      area: null,
      color: null,
      targetDate: null,
      completedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    expect(failure({ ...emptyDocument(), projects: [project] })).toMatch(/^projects\[0\]\.description: .*NUL/);
    expect(
      failure({ ...emptyDocument(), projects: [{ ...project, description: null, createdAt: '0000-01-01T00:00:00Z' }] }),
    ).toMatch(/^projects\[0\]\.createdAt: Dates must lie between the years 1000 and 9999/);
    const weight = { id: id(2), measuredOn: '2026-01-01', weightKg: 1e9, createdAt: at, updatedAt: at };
    expect(failure({ ...emptyDocument(), bodyWeights: [weight] })).toMatch(/^bodyWeights\[0\]\.weightKg: /);
  });

  it('refuses duplicate ids and duplicate unique keys within a section', () => {
    expect(failure({ ...emptyDocument(), journal: [pages(1, '2026-03-01'), pages(1, '2026-03-02')] })).toBe(
      'journal[1].id: Same id as journal[0]',
    );
    expect(failure({ ...emptyDocument(), journal: [pages(1, '2026-03-01'), pages(2, '2026-03-01')] })).toMatch(
      /^journal\[1\]: Duplicate of journal\[0\]/,
    );
  });

  /** An event row of the document, with what a test changes. */
  const eventRow = (over: Record<string, unknown>) => ({
    id: id(1),
    title: 'E',
    description: null,
    location: null,
    startsAt: at,
    endsAt: at,
    allDay: false,
    timezone: 'UTC',
    rrule: null,
    exdates: [],
    icsUid: 'e@x',
    recurrenceId: null,
    seriesId: null,
    createdAt: at,
    updatedAt: at,
    ...over,
  });

  it('leaves repeat rules to be judged per row (a bad one fails its row, not the document)', () => {
    const event = eventRow({ rrule: 'FREQ=SOMETIMES' });
    expect(validateDocument(upgradeDocument({ ...emptyDocument(), events: [event] })).events).toHaveLength(1);
  });

  it('refuses kept calendar lines that would break the event they are written back into', () => {
    const check = (icsKept: string) => () =>
      validateDocument(upgradeDocument({ ...emptyDocument(), events: [eventRow({ icsKept })] }));
    expect(check('BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM')()).toBeTruthy();
    expect(check('X-A:1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected')).toThrow(/open or close an event/);
    expect(check('END:VCALENDAR')).toThrow(/open or close an event/);
  });
});
