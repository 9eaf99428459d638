/**
 * The export as a ZIP archive: the JSON document (what `data.import` reads back) beside the same data in open
 * formats other tools read — the journal as Markdown files, events as an iCalendar file, workouts as a CSV in
 * Strong's shape (which the fitness import reads back) and tasks as a CSV.
 *
 * Streamed: the parts of the export are read once, in order, and each one is written into the archive as it
 * arrives. A ZIP holds one entry after another, so while the JSON entry is being written the other files wait
 * compressed in memory (fflate keeps the chunks of later entries until the earlier ones end); nothing is held
 * uncompressed except one batch of rows, the events (the .ics is written in one piece by the calendar module),
 * and the finished workouts' headers with the sets of the session being written.
 */
import { TZDate } from '@date-fns/tz';
import { format, parseISO } from 'date-fns';
import { deflateSync, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { buildIcsYielding, type ExportableEvent } from '../calendar/calendar.ics-export.js';
import { unparseCsv } from '../common/csv.js';
import { type ExportSession, writeWorkoutCsv } from '../fitness/fitness.csv-export.js';
import type {
  TDailyReflectionContent,
  TMorningPagesContent,
  TWeeklyReviewContent,
} from '../journal/journal.schemas.js';
import { type DataDeps, exportParts, type TExportPart } from './data.export.js';
import {
  DATA_EXPORT_FORMAT,
  DATA_EXPORT_SECTIONS,
  DATA_EXPORT_VERSION,
  type TDataExportSection,
  type TDataRow,
  type TDataSettings,
} from './data.schemas.js';

export const ARCHIVE_FILES = {
  readme: 'README.txt',
  json: 'lifeos-export.json',
  calendar: 'calendar.ics',
  workouts: 'workouts.csv',
  tasks: 'tasks.csv',
  journalDir: 'journal/',
} as const;

export interface ArchiveOptions {
  /** When the export was made: the JSON's `exportedAt` and the files' modification time. */
  now: Date;
  /** Deflate level 0–9 (6, zlib's default, unless a test wants speed). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

/** `lifeos-export-2026-11-25.zip`, dated in the user's time zone. */
export function archiveFilename(now: Date, timeZone: string): string {
  return `lifeos-export-${format(new TZDate(now.getTime(), timeZone), 'yyyy-MM-dd')}.zip`;
}

// ---------- journal as Markdown ----------

type JournalRow = TDataRow<'journal'>;

const TYPE_SLUGS: Record<JournalRow['type'], string> = {
  morning_pages: 'morning-pages',
  daily_reflection: 'daily-reflection',
  weekly_review: 'weekly-review',
};

/** `journal/2026/2026-11-25-morning-pages.md`: one file per entry (an entry is unique per type and day). */
export function journalPath(entry: Pick<JournalRow, 'type' | 'entryDate'>): string {
  return `${ARCHIVE_FILES.journalDir}${entry.entryDate.slice(0, 4)}/${entry.entryDate}-${TYPE_SLUGS[entry.type]}.md`;
}

/** A YAML scalar: numbers, names like `daily_reflection` and ISO dates plain, other text double-quoted. */
const yaml = (value: string | number) =>
  typeof value === 'number' || /^([a-z_]+|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9:]+))?)$/.test(value)
    ? String(value)
    : JSON.stringify(value);

/** A list item whose own line breaks stay inside the item. */
const bullet = (item: string) => `- ${item.replace(/\r?\n/g, '\n  ')}`;
const section = (title: string, items: string[]) =>
  [`## ${title}`, '', ...(items.length > 0 ? items.map(bullet) : ['_Nothing written._']), ''].join('\n');
const longDate = (date: string) => format(parseISO(date), 'EEEE d MMMM yyyy');
const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * An entry as Markdown with front matter (type, date, and the numbers: mood, energy, ratings). No word count: the
 * app's Unicode-aware count costs seconds over ten years of pages, and any reader can count the words itself.
 */
export function journalMarkdown(entry: JournalRow): string {
  const front: Array<[string, string | number]> = [
    ['type', entry.type],
    ['date', entry.entryDate],
  ];
  const body: string[] = [];
  switch (entry.type) {
    case 'morning_pages': {
      const content: TMorningPagesContent = entry.content;
      body.push(`# Morning pages — ${longDate(entry.entryDate)}`, '', content.text.trimEnd(), '');
      break;
    }
    case 'daily_reflection': {
      const content: TDailyReflectionContent = entry.content;
      front.push(['mood', content.mood], ['energy', content.energy]);
      body.push(
        `# Daily reflection — ${longDate(entry.entryDate)}`,
        '',
        `Mood ${content.mood}/5 · energy ${content.energy}/5`,
        '',
        section('Wins', content.wins),
        section('Challenges', content.challenges),
        section('Grateful for', content.gratitude),
        section("Tomorrow's focus", content.tomorrowFocus ? [content.tomorrowFocus] : []),
      );
      break;
    }
    case 'weekly_review': {
      const content: TWeeklyReviewContent = entry.content;
      body.push(
        `# Weekly review — week of ${longDate(entry.entryDate)}`,
        '',
        section('Wins', content.wins),
        section('Lessons', content.lessons),
        section("Next week's priorities", content.priorities),
        '## Life areas',
        '',
      );
      if (content.ratings.length === 0) body.push('_Nothing rated._', '');
      else {
        body.push('| Area | Rating |', '| --- | ---: |');
        for (const r of content.ratings) body.push(`| ${cell(r.area)} | ${r.score}/10 |`);
        body.push('');
      }
      break;
    }
  }
  front.push(['created', entry.createdAt], ['updated', entry.updatedAt]);
  const ratings =
    entry.type === 'weekly_review' && entry.content.ratings.length > 0
      ? ['ratings:', ...entry.content.ratings.map((r) => `  ${JSON.stringify(r.area)}: ${r.score}`)]
      : [];
  const frontMatter = ['---', ...front.map(([key, value]) => `${key}: ${yaml(value)}`), ...ratings, '---', ''];
  return `${[...frontMatter, ...body].join('\n').trimEnd()}\n`;
}

// ---------- events as iCalendar ----------

/** The export's event row in the shape the calendar's ICS writer takes. */
export function toExportableEvent(row: TDataRow<'events'>): ExportableEvent {
  return {
    icsUid: row.icsUid,
    title: row.title,
    description: row.description,
    location: row.location,
    allDay: row.allDay,
    startsAt: new Date(row.startsAt),
    endsAt: new Date(row.endsAt),
    timezone: row.timezone,
    rrule: row.rrule,
    exdates: row.exdates.map((d) => new Date(d)),
    recurrenceId: row.recurrenceId === null ? null : new Date(row.recurrenceId),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

// ---------- tasks as CSV ----------

export const TASKS_CSV_HEADER = [
  'Title',
  'Status',
  'Priority',
  'Due date',
  'Project',
  'Labels',
  'Notes',
  'Repeats',
  'Created',
  'Completed',
] as const;

function taskCells(task: TDataRow<'tasks'>, projectNames: Map<string, string>): string[] {
  const repeats = task.rrule ?? (task.repeatAfterDays === null ? '' : `${task.repeatAfterDays} days after completion`);
  return [
    task.title,
    task.status,
    String(task.priority),
    task.dueDate ?? '',
    task.projectId === null ? '' : (projectNames.get(task.projectId) ?? ''),
    task.labels.join(', '),
    task.notes ?? '',
    repeats,
    task.createdAt,
    task.completedAt ?? '',
  ];
}

// ---------- README ----------

export function archiveReadme(now: Date): string {
  return `Life OS export, made ${now.toISOString()}

lifeos-export.json
  Everything in your account (settings, journal, fitness, projects, tasks, inbox, calendar) as one JSON
  document (format "lifeos-export", version ${DATA_EXPORT_VERSION}). This is the file to keep: Settings -> Your data ->
  Import reads it back, into this account or another one, here or on another Life OS.

journal/YYYY/YYYY-MM-DD-<type>.md
  One Markdown file per journal entry (morning pages, daily reflections, weekly reviews), with the date, mood,
  energy and ratings in a front matter block. Readable anywhere; Obsidian and most notes apps open the folder.

calendar.ics
  Your own events (not subscribed calendars) as iCalendar, with repeat rules and exceptions. Import it into
  Google, Apple, Outlook or Thunderbird calendars, or into Life OS (Calendar -> Import).

workouts.csv
  Finished workouts, one row per set, in the CSV shape of the Strong app (weights in kg, distances in km,
  times in your time zone). Fitness -> Import reads it back; so do other apps that import Strong files.

tasks.csv
  Every task with status, priority, due date, project, labels and notes, for spreadsheets.

Only lifeos-export.json restores everything; the other files are copies for other tools.
`;
}

// ---------- the archive ----------

/** A whole small file deflated in one call: cheaper than a streaming deflater per journal entry. */
class WholeFileDeflate extends ZipPassThrough {
  constructor(
    filename: string,
    private readonly level: NonNullable<ArchiveOptions['level']>,
  ) {
    super(filename);
    this.compression = 8;
  }
  protected override process(chunk: Uint8Array, final: boolean) {
    this.ondata(null, deflateSync(chunk, { level: this.level }), final);
  }
}

interface WorkoutHeader {
  name: string;
  startedAt: Date;
  finishedAt: Date;
}

interface SetRow {
  position: number;
  set: ExportSession['sets'][number];
}

/**
 * Writes the parts of an export (settings first, then batches of rows, in document order) as a ZIP archive,
 * yielding its bytes as they are produced.
 */
export async function* exportArchive(
  parts: AsyncIterable<TExportPart>,
  options: ArchiveOptions,
): AsyncGenerator<Uint8Array> {
  const level = options.level ?? 6;
  const encoder = new TextEncoder();
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else pending.push(chunk);
  });
  // Handed on as produced (not joined): when the JSON entry ends, the files waiting behind it come out at once.
  const take = (): Uint8Array[] => {
    if (failure) throw failure;
    return pending.splice(0);
  };

  const addWhole = (filename: string, text: string) => {
    const file = new WholeFileDeflate(filename, level);
    file.mtime = options.now;
    zip.add(file);
    file.push(encoder.encode(text), true);
  };
  const openStream = (filename: string) => {
    const file = new ZipDeflate(filename, { level });
    file.mtime = options.now;
    zip.add(file);
    return {
      write: (text: string) => file.push(encoder.encode(text), false),
      end: (text = '') => file.push(encoder.encode(text), true),
    };
  };

  addWhole(ARCHIVE_FILES.readme, archiveReadme(options.now));

  // The JSON document, written as its parts arrive: the same document `exportJsonChunks` writes.
  const json = openStream(ARCHIVE_FILES.json);
  json.write(
    `{"format":${JSON.stringify(DATA_EXPORT_FORMAT)},"version":${DATA_EXPORT_VERSION},` +
      `"exportedAt":${JSON.stringify(options.now.toISOString())}`,
  );
  let settings: TDataSettings | null = null;
  let openSection: TDataExportSection | null = null;
  let openSectionRows = 0;
  const written = new Set<TDataExportSection>();
  const closeSection = () => {
    if (openSection) json.write(']');
    openSection = null;
  };
  // Sections without rows yield no part, yet the document lists every one, in document order.
  const writeEmptySectionsBefore = (until: TDataExportSection | null) => {
    for (const section of DATA_EXPORT_SECTIONS) {
      if (section === until) break;
      if (written.has(section)) continue;
      written.add(section);
      json.write(`,${JSON.stringify(section)}:[]`);
    }
  };

  const projectNames = new Map<string, string>();
  const exerciseNames = new Map<string, string>();
  const sessions = new Map<string, WorkoutHeader>();
  const events: ExportableEvent[] = [];
  // Opened with their first row (a holder object: they are assigned inside closures).
  const open: { tasks?: ReturnType<typeof openStream>; workouts?: ReturnType<typeof openStream> } = {};
  // Sets arrive grouped by session; the sets of the session being read wait here until the next one begins.
  let currentSession: string | null = null;
  let currentSets: SetRow[] = [];
  let workoutsWritten = 0;
  const flushSession = () => {
    const header = currentSession === null ? undefined : sessions.get(currentSession);
    if (header && currentSets.length > 0 && settings) {
      currentSets.sort((a, b) => a.position - b.position);
      const csv = writeWorkoutCsv([{ ...header, sets: currentSets.map((s) => s.set) }], {
        timeZone: settings.timezone,
      });
      open.workouts ??= openStream(ARCHIVE_FILES.workouts);
      // Every call writes the header line: keep only the first.
      open.workouts.write(workoutsWritten === 0 ? csv : csv.slice(csv.indexOf('\n') + 1));
      workoutsWritten++;
    }
    currentSession = null;
    currentSets = [];
  };

  for await (const part of parts) {
    if (part.section === 'settings') {
      settings = part.value;
      json.write(`,"settings":${JSON.stringify(part.value)}`);
      continue;
    }
    if (!settings) throw new Error('The export must start with the settings');
    if (part.section !== openSection) {
      if (written.has(part.section)) throw new Error(`The export's ${part.section} batches are not together`);
      closeSection();
      writeEmptySectionsBefore(part.section);
      openSection = part.section;
      openSectionRows = 0;
      written.add(part.section);
      json.write(`,${JSON.stringify(part.section)}:[`);
    }
    if (part.rows.length > 0) {
      json.write(`${openSectionRows > 0 ? ',' : ''}${part.rows.map((row) => JSON.stringify(row)).join(',')}`);
      openSectionRows += part.rows.length;
    }

    switch (part.section) {
      case 'journal':
        for (const entry of part.rows) addWhole(journalPath(entry), journalMarkdown(entry));
        break;
      case 'exercises':
        for (const exercise of part.rows) exerciseNames.set(exercise.id, exercise.name);
        break;
      case 'workoutSessions':
        for (const s of part.rows) {
          // Like the fitness CSV export: finished workouts only (one in progress has no duration yet).
          if (s.finishedAt === null) continue;
          sessions.set(s.id, { name: s.name, startedAt: new Date(s.startedAt), finishedAt: new Date(s.finishedAt) });
        }
        break;
      case 'workoutSets':
        for (const row of part.rows) {
          if (!row.completed || !sessions.has(row.sessionId)) continue;
          const exerciseName = 'builtin' in row.exercise ? row.exercise.builtin : exerciseNames.get(row.exercise.id);
          if (exerciseName === undefined) continue;
          if (row.sessionId !== currentSession) {
            flushSession();
            currentSession = row.sessionId;
          }
          currentSets.push({
            position: row.position,
            set: {
              exerciseName,
              isWarmup: row.isWarmup,
              reps: row.reps,
              weightKg: row.weightKg,
              rpe: row.rpe,
              durationS: row.durationS,
              distanceM: row.distanceM,
            },
          });
        }
        break;
      case 'projects':
        for (const project of part.rows) projectNames.set(project.id, project.name);
        break;
      case 'tasks':
        if (part.rows.length === 0) break;
        if (!open.tasks) {
          open.tasks = openStream(ARCHIVE_FILES.tasks);
          open.tasks.write(`${unparseCsv([[...TASKS_CSV_HEADER]])}\n`);
        }
        open.tasks.write(`${unparseCsv(part.rows.map((task) => taskCells(task, projectNames)))}\n`);
        break;
      case 'events':
        for (const event of part.rows) events.push(toExportableEvent(event));
        break;
      default:
        break;
    }
    yield* take();
  }
  if (!settings) throw new Error('The export had no settings');

  closeSection();
  writeEmptySectionsBefore(null);
  json.end('}');

  flushSession();
  if (open.workouts) open.workouts.end();
  else addWhole(ARCHIVE_FILES.workouts, writeWorkoutCsv([], { timeZone: settings.timezone }));
  if (open.tasks) open.tasks.end();
  else addWhole(ARCHIVE_FILES.tasks, `${unparseCsv([[...TASKS_CSV_HEADER]])}\n`);
  addWhole(ARCHIVE_FILES.calendar, await buildIcsYielding(events, { name: 'Life OS' }));
  zip.end();
  yield* take();
}

/**
 * The user's archive, ready to send: the settings are read first (they name the day in the user's time zone for
 * the file name, and a missing user fails here, before any byte is sent), then the rest streams. The export's
 * snapshot transaction stays open until `chunks` is read to the end: call `close()` when the reader stops early
 * (the client went away) — also when `chunks` was never started, which returning it alone would not end.
 */
export async function openUserArchive(
  deps: DataDeps,
  userId: string,
  options: Pick<ArchiveOptions, 'level'> = {},
): Promise<{ filename: string; chunks: AsyncGenerator<Uint8Array>; close(): Promise<void> }> {
  const now = deps.clock.now();
  const parts = exportParts(deps, userId);
  const first = await parts.next();
  if (first.done || first.value.section !== 'settings') {
    await parts.return(undefined);
    throw new Error('The export did not start with the settings');
  }
  const settingsPart = first.value;
  async function* all(): AsyncGenerator<TExportPart> {
    yield settingsPart;
    yield* parts;
  }
  return {
    filename: archiveFilename(now, settingsPart.value.timezone),
    chunks: exportArchive(all(), { now, ...options }),
    close: async () => {
      await parts.return(undefined);
    },
  };
}
