/**
 * The archive's files in open formats, each rendered from the export's rows: the journal as Markdown (one file per
 * entry), events in the shape the calendar's ICS writer takes, tasks as CSV cells, and the README that says what
 * each file is. data.archive.ts puts them into the ZIP as the export streams.
 */
import { format, parseISO } from 'date-fns';
import type { ExportableEvent } from '../calendar/calendar.ics-export.js';
import type {
  TDailyReflectionContent,
  TMorningPagesContent,
  TWeeklyReviewContent,
} from '../journal/journal.schemas.js';
import { DATA_EXPORT_VERSION, type TDataRow } from './data.schemas.js';

export const ARCHIVE_FILES = {
  readme: 'README.txt',
  json: 'lifeos-export.json',
  calendar: 'calendar.ics',
  workouts: 'workouts.csv',
  tasks: 'tasks.csv',
  journalDir: 'journal/',
} as const;

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
    rdates: (row.rdates ?? []).map((d) => new Date(d)),
    rdateEnds: (row.rdateEnds ?? []).map((d) => (d === null ? null : new Date(d))),
    sequence: row.sequence ?? 0,
    icsKept: row.icsKept ?? null,
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

export function taskCells(task: TDataRow<'tasks'>, projectNames: Map<string, string>): string[] {
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
