/**
 * Life OS as a CalDAV server's store (RFC 4791, RFC 6578): the user's own calendar and task lists as collections,
 * their events and tasks as calendar object resources, with ETags, CTags and sync tokens taken from the revisions
 * the database's triggers record for every change (dav_sync migration, queries/caldav.ts), whoever made it. The
 * protocol (XML, HTTP methods, headers) is the transport's (apps/api/src/dav/); the objects' text is the calendar's
 * and the tasks' own (calendar.objects.ts, tasks.objects.ts).
 */
import { caldavQueries, type DB, type Kysely } from '@lifeos/db';
import { LRUCache } from 'lru-cache';

type DavResourceRow = caldavQueries.DavResourceRow;

import * as calendarService from '../calendar/calendar.service.js';
import type { Clock } from '../clock.js';
import { eventLoopSlicer } from '../common/slices.js';
import { userTimeZone } from '../common/time-zone.js';
import { inTransaction } from '../common/transaction.js';
import { CalendarDataError } from '../errors.js';
import { ZUpdateProjectInput } from '../projects/projects.schemas.js';
import * as projectsService from '../projects/projects.service.js';
import * as tasksService from '../tasks/tasks.service.js';

export interface CaldavDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/** The calendar's collection; the task lists are 'inbox' and each project's id. */
export const EVENTS_COLLECTION = 'events';
export const INBOX_COLLECTION = 'inbox';

export interface DavCollection {
  /** The collection's name in its URL: 'events', 'inbox' or a project's id. */
  id: string;
  component: 'VEVENT' | 'VTODO';
  displayName: string;
  /** #RRGGBB, or null. */
  color: string | null;
  /** Its latest change (the CTag and the sync token); 0 when nothing in it ever changed. */
  revision: number;
}

export interface DavObjectRef {
  /** The last segment of its href. */
  name: string;
  uid: string;
  /** A strong ETag, quoted. */
  etag: string;
}

export interface DavObject extends DavObjectRef {
  ics: string;
}

export type WriteCondition = { ifMatch?: string | undefined; ifNoneMatch?: string | undefined };

export type PutResult = { status: 'created' | 'updated'; etag: string } | { status: 'precondition-failed' };
export type DeleteResult = 'deleted' | 'not-found' | 'precondition-failed';

/** A sync-collection answer: what changed since the token (every present resource without one), and the new token. */
export interface DavChanges {
  token: string;
  changed: DavObjectRef[];
  /** Names of resources deleted since the token. */
  deleted: string[];
}

/**
 * The name Life OS gives a resource no client named: its UID plus ".ics". Names are kept decoded; the transport
 * percent-encodes them in hrefs.
 */
export const defaultName = (uid: string) => `${uid}.ics`;
const nameOf = (row: DavResourceRow) => row.name ?? defaultName(row.uid);
const etagOf = (row: DavResourceRow) => `"${row.revision}"`;
const refOf = (row: DavResourceRow): DavObjectRef => ({ name: nameOf(row), uid: row.uid, etag: etagOf(row) });

const SYNC_TOKEN_PREFIX = 'urn:x-lifeos:sync:';
export const syncToken = (revision: number) => `${SYNC_TOKEN_PREFIX}${revision}`;

/** A sync token this server did not hand out. */
export class InvalidSyncTokenError extends Error {}

function tokenRevision(token: string): number {
  const match = /^urn:x-lifeos:sync:(\d{1,15})$/.exec(token);
  if (!match) throw new InvalidSyncTokenError('Not a sync token of this server');
  return Number(match[1]);
}

const LIFE_OS_BLUE = '#3B82F6';

const eventsCollection = (revision: number): DavCollection => ({
  id: EVENTS_COLLECTION,
  component: 'VEVENT',
  displayName: 'Life OS',
  color: LIFE_OS_BLUE,
  revision,
});

const inboxCollection = (revision: number): DavCollection => ({
  id: INBOX_COLLECTION,
  component: 'VTODO',
  displayName: 'Inbox',
  color: null,
  revision,
});

const projectCollection = (project: caldavQueries.ProjectCollectionRow): DavCollection => ({
  id: project.id,
  component: 'VTODO',
  displayName: project.name,
  color: project.color && /^#[0-9a-f]{6}$/i.test(project.color) ? project.color : null,
  revision: project.revision,
});

/** The user's collections: the calendar, the inbox's tasks, and each project's tasks. */
export async function listCollections(deps: CaldavDeps, userId: string): Promise<DavCollection[]> {
  const [revisions, projects] = await Promise.all([
    caldavQueries.revisionsOf(deps.db, userId, [EVENTS_COLLECTION, INBOX_COLLECTION]),
    caldavQueries.projectCollections(deps.db, userId),
  ]);
  return [
    eventsCollection(revisions.get(EVENTS_COLLECTION) ?? 0),
    inboxCollection(revisions.get(INBOX_COLLECTION) ?? 0),
    ...projects.map(projectCollection),
  ];
}

/** The project of a task list ('inbox': none). */
const projectOf = (collection: string) => (collection === INBOX_COLLECTION ? null : collection);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One collection, or null when the user has none of that name (another user's project is none of theirs). Every
 * request to a collection or an object asks: one indexed statement, whatever the user holds.
 */
export async function findCollection(deps: CaldavDeps, userId: string, id: string): Promise<DavCollection | null> {
  if (id === EVENTS_COLLECTION || id === INBOX_COLLECTION) {
    const revision = await caldavQueries.collectionRevision(deps.db, userId, id);
    return id === EVENTS_COLLECTION ? eventsCollection(revision) : inboxCollection(revision);
  }
  if (!UUID.test(id)) return null;
  const [project] = await caldavQueries.projectCollections(deps.db, userId, id);
  // Hrefs are compared as written: the collection's name is the id as Life OS spells it (lower case).
  return project && project.id === id ? projectCollection(project) : null;
}

/** Every present object of a collection, without its text (PROPFIND Depth 1). */
export async function listObjects(deps: CaldavDeps, userId: string, collection: string): Promise<DavObjectRef[]> {
  return (await caldavQueries.listResources(deps.db, userId, collection)).map(refOf);
}

/** The UID a default name stands for, or null when the name is not one. */
const uidOfDefaultName = (name: string): string | null =>
  name.endsWith('.ics') ? name.slice(0, -'.ics'.length) : null;

/** The present resources the names address, by name: a name a client gave, or a default name (one query). */
async function resolveNames(
  db: Kysely<DB>,
  userId: string,
  collection: string,
  names: string[],
): Promise<Map<string, DavResourceRow>> {
  const found = new Map<string, DavResourceRow>();
  const byUid = new Map<string, string>();
  for (const name of names) {
    const uid = uidOfDefaultName(name);
    if (uid !== null) byUid.set(uid, name);
  }
  const wanted = new Set(names);
  const rows = await caldavQueries.findResourcesByNamesOrUids(db, userId, collection, names, [...byUid.keys()]);
  for (const row of rows) {
    const name = byUid.get(row.uid);
    if (name !== undefined && !row.deleted && (row.name === null || row.name === name)) found.set(name, row);
  }
  // A name a client gave wins over a default name that happens to read the same.
  for (const row of rows) {
    if (row.name !== null && !row.deleted && wanted.has(row.name)) found.set(row.name, row);
  }
  return found;
}

async function objectTexts(
  deps: CaldavDeps,
  userId: string,
  collection: string,
  uids: string[],
  shape: calendarService.ObjectTextShape,
): Promise<Map<string, string>> {
  if (collection === EVENTS_COLLECTION) return calendarService.eventObjectsIcs(deps.db, userId, uids, shape);
  return tasksService.taskObjectsIcs(deps.db, userId, projectOf(collection), uids);
}

/** Names looked up and written per round: each round's rows are read and turned into text in a few milliseconds. */
const OBJECTS_PER_ROUND = 250;

/**
 * Events' whole text by user, UID and revision. A revision is a change record (every write to the UID's rows takes
 * a new one, whoever writes), and the text is written from those rows alone, so a text found here is the one the rows
 * would give: a multiget of objects some client fetched before (another phone, a retry) reads no event and writes
 * no iCalendar. Tasks are left out: their text also shows labels and parents that change without the task.
 */
const eventTexts = new LRUCache<string, string>({
  maxSize: 32 * 2 ** 20,
  sizeCalculation: (text, key) => text.length + key.length,
});
const textKey = (userId: string, row: DavResourceRow) => `${userId}\n${row.uid}\n${row.revision}`;

/**
 * The objects of these names (calendar-multiget, GET); names that address nothing are left out. `shape`: an event's
 * text expanded or limited to a range, as a report's calendar-data asks (tasks are always whole).
 */
export async function getObjects(
  deps: CaldavDeps,
  userId: string,
  collection: string,
  names: string[],
  shape: calendarService.ObjectTextShape = null,
): Promise<DavObject[]> {
  const objects: DavObject[] = [];
  // Between rounds, a turn of the event loop once SLICE_MS have passed: on PGlite a query answers through promises
  // alone (it runs on this thread), so without this thousands of objects were one 300 ms stall for everyone else.
  const slice = eventLoopSlicer();
  for (let start = 0; start < names.length; start += OBJECTS_PER_ROUND) {
    await slice();
    const round = names.slice(start, start + OBJECTS_PER_ROUND);
    const rows = await resolveNames(deps.db, userId, collection, round);
    const cached = collection === EVENTS_COLLECTION && shape === null;
    const texts = new Map<string, string>();
    const unread = new Map<string, DavResourceRow>();
    for (const row of rows.values()) {
      const text = cached ? eventTexts.get(textKey(userId, row)) : undefined;
      if (text === undefined) unread.set(row.uid, row);
      else texts.set(row.uid, text);
    }
    if (unread.size > 0) {
      for (const [uid, text] of await objectTexts(deps, userId, collection, [...unread.keys()], shape)) {
        texts.set(uid, text);
        const row = unread.get(uid);
        // Read after the revision: a write in between gives newer text under a revision no one asks for again.
        if (cached && row) eventTexts.set(textKey(userId, row), text);
      }
    }
    for (const name of round) {
      const row = rows.get(name);
      const ics = row ? texts.get(row.uid) : undefined;
      if (row && ics !== undefined) objects.push({ ...refOf(row), name, ics });
    }
  }
  return objects;
}

/**
 * The objects with an occurrence in the range (calendar-query with a time-range), or all of them without one. Task
 * lists are not filtered by time: a task's due date is a day, and every client asks for all of them.
 */
export async function queryObjects(
  deps: CaldavDeps,
  userId: string,
  collection: string,
  range: { from: Date; to: Date | null } | null,
): Promise<DavObjectRef[]> {
  const rows = await caldavQueries.listResources(deps.db, userId, collection);
  if (!range || collection !== EVENTS_COLLECTION) return rows.map(refOf);
  const uids = await calendarService.eventUidsInRange(deps.db, userId, range);
  return (uids ? rows.filter((row) => uids.has(row.uid)) : rows).map(refOf);
}

/** What changed since a sync token (RFC 6578); without one, every present object. */
export async function changesSince(
  deps: CaldavDeps,
  userId: string,
  collection: string,
  token: string | null,
): Promise<DavChanges> {
  const since = token ? tokenRevision(token) : null;
  const latest = await caldavQueries.collectionRevision(deps.db, userId, collection);
  if (since !== null && since > latest) throw new InvalidSyncTokenError('The sync token is from the future');
  const rows =
    since === null
      ? await caldavQueries.listResources(deps.db, userId, collection)
      : await caldavQueries.listChangesSince(deps.db, userId, collection, since);
  // The latest revision is read first: a change committed between the two reads is listed and seen again next time.
  return {
    token: syncToken(Math.max(latest, ...rows.map((row) => row.revision))),
    changed: rows.filter((row) => !row.deleted).map(refOf),
    deleted: rows.filter((row) => row.deleted).map(nameOf),
  };
}

function conditionFails(target: DavResourceRow | undefined, condition: WriteCondition): boolean {
  if (condition.ifNoneMatch !== undefined) {
    if (condition.ifNoneMatch.trim() === '*') return target !== undefined;
    const tags = condition.ifNoneMatch.split(',').map((tag) => tag.trim());
    if (target && tags.includes(etagOf(target))) return true;
  }
  if (condition.ifMatch !== undefined) {
    if (!target) return true;
    if (condition.ifMatch.trim() === '*') return false;
    const tags = condition.ifMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    return !tags.includes(etagOf(target));
  }
  return false;
}

/**
 * Stores a client's object under `name` (PUT): created or replaced as a whole, all in one transaction with the
 * If-Match / If-None-Match check, so two phones saving at once cannot both win. Refuses (CalendarDataError) what
 * cannot be stored, with the precondition to report.
 */
export async function putObject(
  deps: CaldavDeps,
  userId: string,
  collection: string,
  name: string,
  ics: string,
  condition: WriteCondition,
): Promise<PutResult> {
  const timezone = await userTimeZone(deps.db, userId);
  const isCalendar = collection === EVENTS_COLLECTION;
  const object = isCalendar
    ? calendarService.parseEventObject(ics, timezone)
    : { uid: '', task: tasksService.parseVtodo(ics, { timezone, now: deps.clock.now() }) };
  const uid = 'task' in object ? object.task.uid : object.uid;
  return inTransaction(deps, async (tx) => {
    const { db } = tx;
    await caldavQueries.lockRevisions(db, userId);
    const target = (await resolveNames(db, userId, collection, [name])).get(name);
    if (conditionFails(target, condition)) return { status: 'precondition-failed' };
    if (target && target.uid !== uid) {
      throw new CalendarDataError(`This resource holds ${target.uid}; its UID cannot change`, 'no-uid-conflict');
    }
    if (!target) {
      const [sameUid] = await caldavQueries.findResources(db, userId, collection, [uid]);
      if (sameUid && !sameUid.deleted) {
        throw new CalendarDataError(`An object with this UID already exists as ${nameOf(sameUid)}`, 'no-uid-conflict');
      }
      await caldavQueries.forgetDeletedName(db, userId, collection, name);
    }
    if ('task' in object) await tasksService.saveTaskObject(tx, userId, projectOf(collection), object.task, name);
    else await calendarService.saveEventObject({ ...deps, db }, userId, object, name);
    const [saved] = await caldavQueries.findResources(db, userId, collection, [uid]);
    if (!saved) throw new Error('The saved object has no change record');
    return { status: target ? 'updated' : 'created', etag: etagOf(saved) };
  });
}

/** Deletes the object named `name` (DELETE), with its If-Match check in the same transaction. */
export async function deleteObject(
  deps: CaldavDeps,
  userId: string,
  collection: string,
  name: string,
  condition: WriteCondition,
): Promise<DeleteResult> {
  return inTransaction(deps, async ({ db }) => {
    await caldavQueries.lockRevisions(db, userId);
    const target = (await resolveNames(db, userId, collection, [name])).get(name);
    if (conditionFails(target, condition)) return target ? 'precondition-failed' : 'not-found';
    if (!target) return 'not-found';
    if (collection === EVENTS_COLLECTION) await calendarService.deleteEventObject({ ...deps, db }, userId, target.uid);
    else await tasksService.deleteTaskObject(db, userId, projectOf(collection), target.uid);
    return 'deleted';
  });
}

export type CollectionPatch = { displayName?: string; color?: string | null };
export type CollectionPatchResult = 'updated' | 'read-only' | { invalid: string };

/**
 * PROPPATCH of a collection's name or colour: a project's task list is its project, renamed or recoloured in Life OS
 * too; the calendar and the inbox are Life OS's own and keep theirs. Colours come as #RRGGBB or #RRGGBBAA (Apple).
 */
export async function updateCollection(
  deps: CaldavDeps,
  userId: string,
  collection: string,
  patch: CollectionPatch,
): Promise<CollectionPatchResult> {
  if (collection === EVENTS_COLLECTION || collection === INBOX_COLLECTION) return 'read-only';
  const color = patch.color === undefined || patch.color === null ? patch.color : patch.color.trim().slice(0, 7);
  const input = ZUpdateProjectInput.safeParse({
    id: collection,
    ...(patch.displayName === undefined ? {} : { name: patch.displayName }),
    ...(color === undefined ? {} : { color }),
  });
  if (!input.success) return { invalid: input.error.issues.map((issue) => issue.message).join('; ') };
  await projectsService.updateProject(deps, userId, input.data);
  return 'updated';
}
