import { describe, expect, it } from 'vitest';
import type { TDashboardToday } from '../dashboard/dashboard.schemas.js';
import { deepFreeze } from '../deep-freeze.js';
import type { TJournalEntry } from '../journal/journal.schemas.js';
import type { TSearchResult } from '../search/search.schemas.js';
import {
  type ApiKeyGrant,
  FULL_GRANT,
  modulesOf,
  REDACTED_OPERATIONS,
  redactFor,
  refusalOf,
  withoutJournalText,
} from './api-keys.policy.js';

const grant = (over: Partial<ApiKeyGrant> = {}): ApiKeyGrant => ({
  scope: 'write',
  modules: {},
  journalText: true,
  ...over,
});

describe('refusalOf', () => {
  it('keeps what a key meant before modules: a write key does anything, a read key reads anything', () => {
    expect(refusalOf(grant(), 'journal.upsert', 'write')).toBeNull();
    expect(refusalOf(grant({ scope: 'read' }), 'journal.list', 'read')).toBeNull();
    expect(refusalOf(grant({ scope: 'read' }), 'tasks.create', 'write')).toBe('This API key is read-only');
    expect(refusalOf(grant({ scope: 'read' }), 'auth.logout', 'write')).toBe('This API key is read-only');
    expect(refusalOf(grant({ scope: 'read' }), 'auth.me', 'read')).toBeNull();
  });

  it('lets a module’s own access override the scope, either way', () => {
    const key = grant({ scope: 'read', modules: { tasks: 'write', journal: 'none' } });
    expect(refusalOf(key, 'tasks.create', 'write')).toBeNull();
    expect(refusalOf(key, 'fitness.sessions.start', 'write')).toBe('This API key is read-only');
    expect(refusalOf(key, 'journal.list', 'read')).toBe('This API key has no access to journal');
    const writer = grant({ modules: { calendar: 'read' } });
    expect(refusalOf(writer, 'calendar.events.create', 'write')).toBe('This API key may only read calendar');
    expect(refusalOf(writer, 'calendar.agenda', 'read')).toBeNull();
  });

  it('refuses a key without journal text what cannot answer without it: journal search and the data module', () => {
    const key = grant({ journalText: false });
    expect(refusalOf(key, 'journal.search', 'read')).toBe('This API key may not read journal text');
    expect(refusalOf(key, 'data.export', 'read')).toBe('This API key may not read journal text');
    expect(refusalOf(key, 'data.import', 'write')).toBe('This API key may not read journal text');
    expect(refusalOf(key, 'journal.list', 'read')).toBeNull();
    expect(refusalOf(FULL_GRANT, 'data.export', 'read')).toBeNull();
  });
});

describe('modulesOf', () => {
  it('keeps known modules and values only', () => {
    expect(modulesOf({ tasks: 'write', journal: 'none', bogus: 'write', fitness: 'admin' })).toEqual({
      tasks: 'write',
      journal: 'none',
    });
    expect(modulesOf(null)).toEqual({});
  });
});

describe('redactFor', () => {
  const base = { id: 'e', date: '2026-12-07', wordCount: 3, createdAt: new Date(), updatedAt: new Date() };
  const entries: TJournalEntry[] = [
    { ...base, type: 'morning_pages', content: { text: 'secret' } },
    {
      ...base,
      type: 'daily_reflection',
      content: {
        wins: ['secret'],
        challenges: ['secret'],
        gratitude: ['secret'],
        mood: 4,
        energy: 2,
        tomorrowFocus: 'secret',
      },
    },
    {
      ...base,
      type: 'weekly_review',
      content: {
        wins: ['secret'],
        lessons: ['secret'],
        priorities: ['secret'],
        ratings: [{ area: 'health', score: 7 }],
      },
    },
  ];

  it('takes the text out of every kind of entry and keeps the numbers', () => {
    for (const entry of entries) {
      const redacted = withoutJournalText(entry);
      expect(JSON.stringify(redacted)).not.toContain('secret');
      expect(redacted.wordCount).toBe(3);
    }
    expect(withoutJournalText(entries[1] as TJournalEntry).content).toMatchObject({ mood: 4, energy: 2 });
    expect(withoutJournalText(entries[2] as TJournalEntry).content).toMatchObject({
      ratings: [{ area: 'health', score: 7 }],
    });
  });

  it('leaves journal hits out of search, copies kept answers rather than changing them, and passes others through', () => {
    const key = grant({ journalText: false });
    const hit = (kind: TSearchResult['kind']) => ({ kind }) as TSearchResult;
    expect(redactFor(key, 'search.all', [hit('journal'), hit('task')])).toEqual([hit('task')]);
    const today = deepFreeze({ onThisDay: [{ excerpt: 'secret', wordCount: 5 }] }) as unknown as TDashboardToday;
    expect(JSON.stringify(redactFor(key, 'dashboard.today', today))).not.toContain('secret');
    expect(today.onThisDay[0]?.excerpt).toBe('secret');
    const page = { items: [{ excerpt: 'secret', mood: 3 }], nextCursor: null };
    expect(redactFor(key, 'journal.list', page)).toEqual({ items: [{ excerpt: '', mood: 3 }], nextCursor: null });
    expect(redactFor(key, 'journal.get', null)).toBeNull();
    expect(redactFor(grant(), 'journal.list', page)).toBe(page);
    expect(redactFor(key, 'tasks.list', page)).toBe(page);
    // A key kept from a module sees none of its hits, and a key kept from the journal none of its text.
    const tasksOnly = grant({ scope: 'read', modules: { journal: 'none', calendar: 'none' } });
    expect(redactFor(tasksOnly, 'search.all', [hit('journal'), hit('task'), hit('event'), hit('capture')])).toEqual([
      hit('task'),
      hit('capture'),
    ]);
    expect(redactFor(tasksOnly, 'journal.list', page)).toEqual({ items: [{ excerpt: '', mood: 3 }], nextCursor: null });
    expect(REDACTED_OPERATIONS.sort()).toEqual([
      'dashboard.today',
      'journal.get',
      'journal.list',
      'journal.upsert',
      'search.all',
    ]);
  });
});
