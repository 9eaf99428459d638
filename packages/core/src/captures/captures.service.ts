import { capturesQueries, type DB, type Kysely, projectsQueries } from '@lifeos/db';
import * as calendarService from '../calendar/calendar.service.js';
import type { Clock } from '../clock.js';
import { localDate } from '../common/local-date.js';
import { userTimeZone } from '../common/time-zone.js';
import { inTransaction } from '../common/transaction.js';
import { MORNING_PAGES_MAX_CHARS } from '../journal/journal.schemas.js';
import * as journalService from '../journal/journal.service.js';
import * as projectsService from '../projects/projects.service.js';
import * as tasksService from '../tasks/tasks.service.js';
import * as webhooksService from '../webhooks/webhooks.service.js';
import { CaptureAlreadyProcessedError, CaptureNotFoundError, JournalNoteTooLongError } from './captures.errors.js';
import { parseQuickAdd } from './captures.parse.js';
import {
  CAPTURE_LIST_DEFAULT_LIMIT,
  type TCapture,
  type TCreateCaptureInput,
  type TListCapturesInput,
  type TParseCaptureInput,
  type TParsedCapture,
  type TProcessCaptureInput,
  type TProcessCaptureResult,
} from './captures.schemas.js';

export interface CapturesDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/**
 * One insert (and its webhook deliveries, in the same transaction) and nothing else: a capture must never wait on
 * (or be lost to) anything slower.
 */
export async function createCapture(deps: CapturesDeps, userId: string, input: TCreateCaptureInput): Promise<TCapture> {
  return inTransaction(deps, async (tx) => {
    const capture = await capturesQueries.insertCapture(tx.db, {
      userId,
      text: input.text,
      url: input.url ?? null,
      now: deps.clock.now(),
    });
    await webhooksService.emit(tx, userId, 'capture.created', { id: capture.id, object: 'capture' });
    return capture;
  });
}

export async function listCaptures(deps: CapturesDeps, userId: string, input: TListCapturesInput): Promise<TCapture[]> {
  return capturesQueries.listCaptures(
    deps.db,
    userId,
    input?.status ?? 'inbox',
    input?.limit ?? CAPTURE_LIST_DEFAULT_LIMIT,
  );
}

export async function archiveCapture(deps: CapturesDeps, userId: string, id: string): Promise<TCapture> {
  const capture = await capturesQueries.findCapture(deps.db, userId, id);
  if (!capture) throw new CaptureNotFoundError();
  // A processed capture stays processed: its link to what it became is the point.
  if (capture.status === 'processed') throw new CaptureAlreadyProcessedError();
  const archived = await capturesQueries.setStatus(deps.db, userId, id, 'archived', deps.clock.now());
  if (!archived) throw new CaptureNotFoundError();
  return archived;
}

/** Deletes the capture; a task made from it keeps existing (its source_capture_id is cleared by the database). */
export async function deleteCapture(deps: CapturesDeps, userId: string, id: string): Promise<void> {
  if (!(await capturesQueries.deleteCapture(deps.db, userId, id))) throw new CaptureNotFoundError();
}

/** The capture's first line, as a title (at most 500 characters). */
function defaultTitle(capture: TCapture): string {
  const firstLine = capture.text.split('\n').find((line) => line.trim() !== '') ?? capture.text;
  return firstLine.trim().slice(0, 500);
}

/** The whole capture as a note: its text and link. */
function noteOf(capture: TCapture): string {
  return capture.url ? `${capture.text}\n${capture.url}` : capture.text;
}

/**
 * Turns a capture into a task, a calendar event or a journal note, in one transaction with the capture's row
 * locked: what it becomes is created through its own module's service, the capture is marked processed and linked
 * to it (and a task links back through `sourceCaptureId`). A capture already processed is a CONFLICT (also when
 * two calls race: the second waits for the lock, then sees it processed).
 */
export async function processCapture(
  deps: CapturesDeps,
  userId: string,
  input: TProcessCaptureInput,
): Promise<TProcessCaptureResult> {
  return inTransaction(deps, async (tx) => {
    const trx = tx.db;
    const capture = await capturesQueries.findCapture(trx, userId, input.id, { lock: true });
    if (!capture) throw new CaptureNotFoundError();
    if (capture.status === 'processed') throw new CaptureAlreadyProcessedError();
    const into = input.into;
    let target: { kind: 'task' | 'event' | 'journal'; id: string };
    let createdProjectId: string | null = null;
    switch (into.kind) {
      case 'task': {
        let projectId = into.projectId ?? null;
        if (into.newProjectName) {
          const existing = await projectsQueries.findProjectsByName(trx, userId, into.newProjectName);
          const reuse = existing.find((p) => p.status !== 'archived');
          if (reuse) projectId = reuse.id;
          else {
            projectId = (await projectsService.createProject(tx, userId, { name: into.newProjectName })).id;
            createdProjectId = projectId;
          }
        }
        const title = into.title ?? defaultTitle(capture);
        const notes =
          into.notes !== undefined ? into.notes : title === capture.text.trim() ? capture.url : noteOf(capture);
        const task = await tasksService.createTask(tx, userId, {
          title,
          notes,
          projectId,
          dueDate: into.dueDate ?? null,
          labels: into.labels,
          priority: into.priority,
          sourceCaptureId: capture.id,
        });
        target = { kind: 'task', id: task.id };
        break;
      }
      case 'event': {
        const event = await calendarService.createEvent(tx, userId, {
          title: into.title ?? defaultTitle(capture),
          description: noteOf(capture),
          location: into.location ?? null,
          allDay: into.allDay,
          start: into.start,
          end: into.end,
          startDate: into.startDate,
          endDate: into.endDate,
          timezone: into.timezone,
        });
        target = { kind: 'event', id: event.id };
        break;
      }
      case 'journal': {
        const timezone = await userTimeZone(trx, userId);
        const date = into.date ?? localDate(deps.clock.now(), timezone);
        const existing = await journalService.getEntry(tx, userId, { type: 'morning_pages', date });
        const before = existing?.type === 'morning_pages' ? existing.content.text : '';
        const text = before.trim() === '' ? noteOf(capture) : `${before.replace(/\s+$/, '')}\n\n${noteOf(capture)}`;
        if (text.length > MORNING_PAGES_MAX_CHARS) throw new JournalNoteTooLongError(MORNING_PAGES_MAX_CHARS);
        const entry = await journalService.upsertEntry(tx, userId, {
          type: 'morning_pages',
          date,
          content: { text },
        });
        target = { kind: 'journal', id: entry.id };
        break;
      }
    }
    const processed = await capturesQueries.markProcessed(trx, userId, capture.id, {
      ...target,
      now: deps.clock.now(),
    });
    return { capture: processed, into: target, createdProjectId };
  });
}

/** The quick-add proposal for a line of text; saves nothing. */
export async function parseCapture(
  deps: CapturesDeps,
  userId: string,
  input: TParseCaptureInput,
): Promise<TParsedCapture> {
  const timezone = await userTimeZone(deps.db, userId);
  const projects = /(^|\s)\+\S/.test(input.text) ? await projectsQueries.projectNames(deps.db, userId) : [];
  return parseQuickAdd(input.text, { now: deps.clock.now(), timezone, projects });
}
