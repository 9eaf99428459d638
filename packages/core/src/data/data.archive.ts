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
import { format } from 'date-fns';
import { deflateSync, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { buildIcsYielding, type ExportableEvent } from '../calendar/calendar.ics-export.js';
import { unparseCsv } from '../common/csv.js';
import { type ExportSession, writeWorkoutCsv } from '../fitness/fitness.csv-export.js';
import {
  ARCHIVE_FILES,
  archiveReadme,
  journalMarkdown,
  journalPath,
  TASKS_CSV_HEADER,
  taskCells,
  toExportableEvent,
} from './data.archive-files.js';
import { type DataDeps, exportParts, type TExportPart } from './data.export.js';
import {
  DATA_EXPORT_FORMAT,
  DATA_EXPORT_SECTIONS,
  DATA_EXPORT_VERSION,
  type TDataExportSection,
  type TDataSettings,
} from './data.schemas.js';

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

type WorkoutHeader = Omit<ExportSession, 'sets'>;

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
          sessions.set(s.id, {
            name: s.name,
            startedAt: new Date(s.startedAt),
            finishedAt: new Date(s.finishedAt),
            notes: s.notes,
            exerciseNotes: s.exerciseNotes ?? [],
          });
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
              position: row.position,
              exerciseName: row.sourceName ?? exerciseName,
              setType: row.setType ?? (row.isWarmup ? 'warmup' : 'normal'),
              note: row.note ?? null,
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
