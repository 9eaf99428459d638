// @vitest-environment node
/**
 * The web app's rooms (ARCHITECTURE.md, "The web app"), checked over the import graph of apps/web/src:
 *  - a feature imports another feature only through its public entry (`../tasks`, its index.ts), never a file
 *    inside it: what two features share is in lib/ or components/, or is the owner's public entry;
 *  - lib/ and components/ are below the features: they import no feature and no route, and lib/ (no UI) no
 *    component;
 *  - a public entry only re-exports, so the build drops what an importer does not use (vite.config.ts marks the
 *    entries side-effect-free).
 * Static imports and re-exports, side-effect imports (stylesheets) and import() all count. The router and routes/
 * compose the pages and may import a page module directly (each lazy route is its own chunk).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Every module a source names: `import … from`, `export … from`, `import '…'` and `import('…')`. */
function specifiers(source: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? ''));
}

/** `features/<name>/<rest>` of a path under src/, or null. */
function featureOf(file: string): { name: string; rest: string } | null {
  const match = /^features\/([^/]+)(?:\/(.*))?$/.exec(file);
  return match ? { name: match[1] ?? '', rest: match[2] ?? '' } : null;
}

const isPublicEntry = (rest: string) => rest === '' || /^index(\.tsx?)?$/.test(rest);
const room = (file: string) => file.split('/')[0] ?? '';

const stripComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const REEXPORT = /^export\s+(?:type\s+)?(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?)\s+from\s+['"]\.\/[^'"]+['"]$/;

/**
 * What breaks the rules in a set of files (paths relative to src/, with `/`; sources as text): one line per
 * offending import or statement.
 */
function importViolations(files: Record<string, string>): string[] {
  const violations: string[] = [];
  for (const [file, source] of Object.entries(files)) {
    const from = featureOf(file);
    for (const specifier of specifiers(source)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.posix.join(path.posix.dirname(file), specifier);
      const to = featureOf(target);
      if (from && to && to.name !== from.name && !isPublicEntry(to.rest)) {
        violations.push(
          `${file} imports ${target}: another feature's own file (use its public entry '../${to.name}', or move what both need to lib/ or components/)`,
        );
      }
      const fromRoom = room(file);
      if ((fromRoom === 'lib' || fromRoom === 'components') && (to || /^(routes\/|router|main)/.test(target))) {
        violations.push(`${file} imports ${target}: ${fromRoom}/ is below the features and routes`);
      }
      if (fromRoom === 'lib' && room(target) === 'components') {
        violations.push(`${file} imports ${target}: lib/ holds no UI and imports no component`);
      }
    }
    if (from && /^index\.tsx?$/.test(from.rest)) {
      for (const statement of stripComments(source).split(';')) {
        const code = statement.trim();
        if (code && !REEXPORT.test(code)) {
          violations.push(
            `${file}: a public entry only re-exports from its feature's files, found: ${code.slice(0, 60)}`,
          );
        }
      }
    }
  }
  return violations;
}

function sources(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(ts|tsx)$/.test(entry)) continue;
    files[entry.split(path.sep).join('/')] = readFileSync(path.join(SRC, entry), 'utf8');
  }
  return files;
}

describe('the web app’s import rules', () => {
  it('hold for every file in apps/web/src', () => {
    const files = sources();
    expect(Object.keys(files).length).toBeGreaterThan(100);
    expect(importViolations(files)).toEqual([]);
  });

  it('catch a feature reaching into another, the lower rooms reaching up, and an entry with code of its own', () => {
    const violations = importViolations({
      'features/projects/project-page.tsx': [
        "import { TaskForm } from '../tasks';",
        "import { TaskLine } from '../tasks/index';",
        "import { repeatChoice } from '../tasks/task-form';",
        "import {\n  formatDue,\n  invalidateTasks,\n} from '../tasks/task-bits';",
        "import '../captures/captures.css';",
        "const charts = () => import('../dashboard/dashboard-charts');",
        "import { trpc } from '../../lib/trpc';",
        "import { ProgressBar } from './project-bits';",
      ].join('\n'),
      'features/tasks/index.ts': "/** The entry. */\nexport { TaskForm } from './task-form';\nconst hidden = 1;",
      'components/panel.tsx': "import { Panel } from '../features/settings';",
      'lib/units.ts': "import { Panel } from '../components/panel';\nimport { routes } from '../router';",
    });
    expect(violations).toEqual([
      expect.stringContaining('features/projects/project-page.tsx imports features/tasks/task-form:'),
      expect.stringContaining('features/projects/project-page.tsx imports features/tasks/task-bits:'),
      expect.stringContaining('features/projects/project-page.tsx imports features/captures/captures.css:'),
      expect.stringContaining('features/projects/project-page.tsx imports features/dashboard/dashboard-charts:'),
      expect.stringContaining('features/tasks/index.ts: a public entry only re-exports'),
      expect.stringContaining('components/panel.tsx imports features/settings:'),
      expect.stringContaining('lib/units.ts imports components/panel: lib/ holds no UI'),
      expect.stringContaining('lib/units.ts imports router:'),
    ]);
  });
});
