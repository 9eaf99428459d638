/**
 * Which way core's modules may depend on each other (ARCHITECTURE.md, "How one module uses another"), checked over
 * the import graph of packages/core/src: a module uses another only through its public surface — its schemas,
 * service, errors and labels — or through a port named below with its reason; everyone may use `common`. Rules,
 * parts of a split service and helpers stay private to their module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Files of a module that other modules may import beside its public surface, and why. */
const PORTS: Record<string, string> = {
  'calendar/calendar.recurrence.ts': "the recurrence engine's entry: tasks repeat by it, the dashboard expands today",
  'calendar/calendar.series.ts': 'a series and its rule: tasks and the data import check rules as the calendar does',
  'calendar/calendar.rrule-engine.ts': 'the one RRULE engine (bounded walks), which tasks use for their repeats',
  'calendar/calendar.rrule-parse.ts': "the engine's rule parser, for the tasks' repeat rules",
  'calendar/calendar.floating-time.ts':
    "local wall times in a zone, which the dashboard lays out the day with and a task's floating COMPLETED is read in",
  'calendar/calendar.agenda.ts': 'events, tasks and workouts merged into one day, which the dashboard shows',
  'calendar/calendar.ics-export.ts':
    "the data archive writes the calendar in its own format (calendar.ics); a task's VTODO is folded as events are",
  'calendar/calendar.ics-lines.ts':
    "the .ics line reader (unfolding, components, a line's name and value): a task's VTODO keeps lines as events do",
  'fitness/fitness.csv-export.ts': "the data archive writes workouts in fitness' own format (Strong's CSV)",
  'journal/journal.rules.ts': 'word counts: the data import recomputes what it stores as the journal does',
  'auth/auth.tokens.ts': "secrets and their hashes, for the calendar feed's token",
  'calendar/subscriptions.fetch.ts':
    'the SSRF guard (public addresses only, the same opt-in): push endpoints are URLs a browser gave the server',
};

const PUBLIC_SURFACE = /^([a-z-]+)\/\1\.(schemas|service|errors|labels)\.ts$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function crossModuleImports(): { from: string; to: string }[] {
  const found: { from: string; to: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file).split(path.sep).join('/');
    const module = from.split('/')[0];
    if (!from.includes('/')) continue; // the entries (server.ts, schemas.ts) and the root kernel files
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)) {
      const to = path.posix
        .normalize(path.posix.join(path.posix.dirname(from), specifier as string))
        .replace(/\.js$/, '.ts');
      const target = to.split('/')[0];
      if (!to.includes('/') || target === module || target === 'common') continue;
      found.push({ from, to });
    }
  }
  return found;
}

describe("core's modules", () => {
  it('use one another only through their public surface or a named port', () => {
    const wrong = crossModuleImports().filter(({ to }) => !PUBLIC_SURFACE.test(to) && !(to in PORTS));
    expect(wrong.map(({ from, to }) => `${from} imports ${to}`)).toEqual([]);
  });

  it('name only ports that some module uses (the list stays true)', () => {
    const used = new Set(crossModuleImports().map(({ to }) => to));
    expect(Object.keys(PORTS).filter((port) => !used.has(port))).toEqual([]);
  });
});
