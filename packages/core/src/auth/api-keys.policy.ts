/**
 * What an API key may do, decided in one place for every transport (tRPC, MCP, the plain HTTP routes): which
 * modules it may read or write, and whether journal text may reach it. An operation is named as its tRPC procedure
 * path (`journal.get`, `search.all`); a transport that is not tRPC (an MCP tool, an HTTP route) names the procedure
 * it mirrors, so a key means the same thing at every door.
 */
import type { TDashboardToday } from '../dashboard/dashboard.schemas.js';
import { ForbiddenError } from '../errors.js';
import type { TJournalEntry, TJournalListPage } from '../journal/journal.schemas.js';
import type { TSearchKind, TSearchResult } from '../search/search.schemas.js';
import {
  API_KEY_MODULES,
  type TApiKeyModule,
  type TApiKeyModuleAccess,
  type TApiKeyModules,
  type TApiKeyScope,
} from './api-keys.schemas.js';

/** A key's permissions as the policy reads them. A browser session holds FULL_GRANT. */
export interface ApiKeyGrant {
  scope: TApiKeyScope;
  modules: TApiKeyModules;
  journalText: boolean;
}

export const FULL_GRANT: ApiKeyGrant = Object.freeze({ scope: 'write', modules: Object.freeze({}), journalText: true });

export type Access = 'read' | 'write';

const MODULES = new Set<string>(API_KEY_MODULES);
const isModule = (name: string): name is TApiKeyModule => MODULES.has(name);

/** The stored jsonb, keeping only known modules and values (a module removed later simply stops counting). */
export function modulesOf(stored: Readonly<Record<string, unknown>> | null | undefined): TApiKeyModules {
  const modules: TApiKeyModules = {};
  for (const [name, access] of Object.entries(stored ?? {})) {
    if (isModule(name) && (access === 'none' || access === 'read' || access === 'write')) modules[name] = access;
  }
  return modules;
}

export function moduleAccess(grant: ApiKeyGrant, module: TApiKeyModule): TApiKeyModuleAccess {
  return grant.modules[module] ?? grant.scope;
}

/**
 * Operations that cannot answer without journal text: a journal search matches inside entries (its hits alone tell
 * what was written), and the data module exports or imports the whole account.
 */
const needsJournalText = (operation: string) => operation === 'journal.search' || operation.startsWith('data.');

/** Why the key may not run the operation, or null when it may. */
export function refusalOf(grant: ApiKeyGrant, operation: string, access: Access): string | null {
  const module = operation.split('.', 1)[0] ?? '';
  if (!isModule(module)) {
    // auth.me and the like: what the scope alone allowed before modules existed.
    return access === 'write' && grant.scope === 'read' ? 'This API key is read-only' : null;
  }
  const granted = moduleAccess(grant, module);
  if (granted === 'none') return `This API key has no access to ${module}`;
  if (access === 'write' && granted === 'read') {
    return grant.modules[module] === undefined ? 'This API key is read-only' : `This API key may only read ${module}`;
  }
  if (!grant.journalText && needsJournalText(operation)) return 'This API key may not read journal text';
  return null;
}

/** Throws ForbiddenError (403 / FORBIDDEN) when the key may not run the operation. */
export function assertAllowed(grant: ApiKeyGrant, operation: string, access: Access): void {
  const refusal = refusalOf(grant, operation, access);
  if (refusal) throw new ForbiddenError(refusal);
}

// ---------- journal text ----------

/** An entry with its text taken out; its type, date, word count, mood, energy and ratings stay. */
export function withoutJournalText(entry: TJournalEntry): TJournalEntry {
  switch (entry.type) {
    case 'morning_pages':
      return { ...entry, content: { text: '' } };
    case 'daily_reflection':
      return {
        ...entry,
        content: { ...entry.content, wins: [], challenges: [], gratitude: [], tomorrowFocus: '' },
      };
    case 'weekly_review':
      return { ...entry, content: { ...entry.content, wins: [], lessons: [], priorities: [] } };
  }
}

/** Whether journal text may reach the key: not without the flag, and not to a key kept from the journal. */
export const readsJournalText = (grant: ApiKeyGrant) => grant.journalText && moduleAccess(grant, 'journal') !== 'none';

/** The module whose access a search hit of each kind needs. */
const SEARCH_KIND_MODULE: Record<TSearchKind, TApiKeyModule> = {
  journal: 'journal',
  task: 'tasks',
  project: 'projects',
  capture: 'captures',
  event: 'calendar',
};

/**
 * How each operation whose answer may hold journal text answers a key that may not read it. Answers keep their
 * shape (typed clients read them as before) with the text emptied. Search also leaves out the hits of every module
 * the key has no access to, and journal hits without journal text, since a hit tells that a word is in an entry.
 * Answers are copied, never changed: some are kept and shared (DashboardCache).
 */
const REDACTORS: Record<string, (output: never, grant: ApiKeyGrant) => unknown> = {
  'journal.get': (entry: TJournalEntry | null, grant) =>
    entry && !readsJournalText(grant) ? withoutJournalText(entry) : entry,
  'journal.upsert': (entry: TJournalEntry, grant) => (readsJournalText(grant) ? entry : withoutJournalText(entry)),
  'journal.list': (page: TJournalListPage, grant) =>
    readsJournalText(grant) ? page : { ...page, items: page.items.map((item) => ({ ...item, excerpt: '' })) },
  'search.all': (results: TSearchResult[], grant) =>
    results.filter(
      (result) =>
        moduleAccess(grant, SEARCH_KIND_MODULE[result.kind]) !== 'none' &&
        (result.kind !== 'journal' || readsJournalText(grant)),
    ),
  'dashboard.today': (today: TDashboardToday, grant) =>
    readsJournalText(grant)
      ? today
      : { ...today, onThisDay: today.onThisDay.map((entry) => ({ ...entry, excerpt: '' })) },
};

/** The operation's answer as this key may see it. */
export function redactFor<T>(grant: ApiKeyGrant, operation: string, output: T): T {
  // Most callers (sessions, keys as they were before permissions) see every answer whole.
  if (grant.journalText && Object.keys(grant.modules).length === 0) return output;
  const redact = REDACTORS[operation] as ((output: T, grant: ApiKeyGrant) => T) | undefined;
  return redact ? redact(output, grant) : output;
}

/** The operations whose answers are redacted (tests walk them). */
export const REDACTED_OPERATIONS = Object.keys(REDACTORS);
