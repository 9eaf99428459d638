/**
 * Quick-add parsing: what a line typed into the capture box proposes — a due date (chrono-node, read in the
 * user's time zone relative to the clock), `#labels`, a `+project`, a `!priority` — and the title that remains.
 * Pure: the service hands it the clock's instant, the zone and the user's projects; nothing is saved.
 *
 * Tokens: `#label` (letters, digits, - and _), `+project` or `+"Two words"` (matched to a project by name,
 * case-insensitively, with - and _ read as spaces; otherwise proposed as a new project), `!1` `!2` `!3`
 * (low, medium, high; also `!low` `!medium` `!high`).
 */
import { TZDate } from '@date-fns/tz';
import * as chrono from 'chrono-node';
import type { TParsedCapture } from './captures.schemas.js';

export interface ParseContext {
  now: Date;
  timezone: string;
  projects: { id: string; name: string; status: string }[];
}

const LABEL = /(^|\s)#([\p{L}\p{N}][\p{L}\p{N}_-]*)(?=\s|$)/gu;
const PROJECT = /(^|\s)\+(?:"([^"]{1,200})"|([\p{L}\p{N}][\p{L}\p{N}_-]*))(?=\s|$)/u;
const PRIORITY = /(^|\s)!(1|2|3|low|med|medium|high)(?=\s|$)/iu;
const PRIORITY_WORDS: Record<string, number> = { '1': 1, '2': 2, '3': 3, low: 1, med: 2, medium: 2, high: 3 };

const normalName = (name: string) => name.toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
const pad = (n: number) => String(n).padStart(2, '0');

export function parseQuickAdd(text: string, context: ParseContext): TParsedCapture {
  let rest = ` ${text.replace(/\s+/g, ' ')} `;

  const labels: string[] = [];
  rest = rest.replace(LABEL, (_, lead: string, label: string) => {
    const lower = label.toLowerCase().slice(0, 40);
    if (!labels.includes(lower) && labels.length < 20) labels.push(lower);
    return lead;
  });

  let projectName: string | null = null;
  rest = rest.replace(PROJECT, (_, lead: string, quoted: string | undefined, word: string | undefined) => {
    projectName = (quoted ?? word ?? '').trim() || null;
    return lead;
  });

  let priority: number | null = null;
  rest = rest.replace(PRIORITY, (_, lead: string, word: string) => {
    priority = PRIORITY_WORDS[word.toLowerCase()] ?? null;
    return lead;
  });

  // chrono reads the reference's local fields: give it the wall-clock time of the user's zone, as a local Date.
  const wall = new TZDate(context.now.getTime(), context.timezone);
  const reference = new Date(
    wall.getFullYear(),
    wall.getMonth(),
    wall.getDate(),
    wall.getHours(),
    wall.getMinutes(),
    wall.getSeconds(),
  );
  const [found] = chrono.parse(rest, reference, { forwardDate: true });
  let dueDate: string | null = null;
  let dueTime: string | null = null;
  let dueAt: Date | null = null;
  let dateText: string | null = null;
  if (found) {
    const start = found.start;
    const [year, month, day] = [start.get('year'), start.get('month'), start.get('day')] as [number, number, number];
    dueDate = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
    if (start.isCertain('hour')) {
      const [hour, minute] = [start.get('hour') ?? 0, start.get('minute') ?? 0];
      dueTime = `${pad(hour)}:${pad(minute)}`;
      dueAt = new Date(new TZDate(year, month - 1, day, hour, minute, context.timezone).getTime());
    }
    dateText = found.text;
    rest = `${rest.slice(0, found.index)} ${rest.slice(found.index + found.text.length)}`;
  }

  let title = rest.replace(/\s+/g, ' ').trim();
  // "pay rent due friday" → "pay rent": a connecting word left dangling by the date.
  if (found) title = title.replace(/\s+(due|by|on|at)$/i, '');

  let project: TParsedCapture['project'] = null;
  let newProjectName: string | null = null;
  if (projectName) {
    const wanted = normalName(projectName);
    const matches = context.projects.filter((p) => normalName(p.name) === wanted);
    const best = matches.find((p) => p.status !== 'archived') ?? matches[0];
    if (best) project = { id: best.id, name: best.name };
    else newProjectName = (projectName as string).slice(0, 200);
  }

  return {
    title: title.slice(0, 500),
    dueDate,
    dueTime,
    dueAt,
    dateText,
    labels,
    priority,
    project,
    newProjectName,
  };
}
