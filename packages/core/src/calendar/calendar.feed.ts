/** The subscription feed: its secret URL (created, rotated, with or without tasks) and the .ics it serves. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { calendarQueries, type DB, type Kysely, tasksQueries } from '@lifeos/db';
import { randomSecret, sha256 } from '../auth/auth.tokens.js';
import { NotFoundError } from '../errors.js';
import { utcMidnight } from './calendar.floating-time.js';
import { buildIcsYielding, type ExportableEvent } from './calendar.ics-export.js';
import type { TFeed, TUpdateFeedInput } from './calendar.schemas.js';
import { DAY_MS, type Deps } from './calendar.shared.js';

export interface FeedConfig {
  /** The server's secret key: feed tokens are derived from it and a per-user nonce. */
  secretKey: Uint8Array;
  /** The origin the feed URL is written with (the first APP_ORIGIN). */
  origin: string;
}

export const FEED_PATH_PREFIX = '/api/calendar/feed/';

const feedToken = (secretKey: Uint8Array, nonce: string) =>
  createHmac('sha256', secretKey).update(`lifeos-ics-feed:${nonce}`).digest('base64url');

const feedOf = (config: FeedConfig, token: string, includeTasks: boolean): TFeed => {
  const path = `${FEED_PATH_PREFIX}${token}.ics`;
  return { path, url: `${config.origin.replace(/\/+$/, '')}${path}`, includeTasks };
};

/**
 * The feed's secret URL, created on the first call. The token is an HMAC of a random per-user nonce with the
 * server's secret key: only its SHA-256 is looked up, so the database alone does not give the URL away, and the
 * same URL can be shown again. (A changed SECRET_KEY makes a new one.)
 */
export async function getFeed(deps: Deps & { feed: FeedConfig }, userId: string): Promise<TFeed> {
  const stored = await calendarQueries.getFeedToken(deps.db, userId);
  if (!stored) throw new NotFoundError('Settings');
  if (stored.icsFeedTokenHash && stored.icsFeedTokenNonce) {
    const token = feedToken(deps.feed.secretKey, stored.icsFeedTokenNonce);
    const expected = Buffer.from(stored.icsFeedTokenHash);
    const actual = Buffer.from(sha256(token));
    if (expected.length === actual.length && timingSafeEqual(expected, actual))
      return feedOf(deps.feed, token, stored.icsFeedIncludeTasks);
  }
  const nonce = randomSecret();
  const token = feedToken(deps.feed.secretKey, nonce);
  if (!stored.icsFeedTokenHash) {
    if (await calendarQueries.setFeedTokenIfUnset(deps.db, userId, sha256(token), nonce))
      return feedOf(deps.feed, token, stored.icsFeedIncludeTasks);
    return getFeed(deps, userId); // a concurrent first call won; show its URL
  }
  await calendarQueries.setFeedToken(deps.db, userId, sha256(token), nonce, deps.clock.now());
  return feedOf(deps.feed, token, stored.icsFeedIncludeTasks);
}

/** A new secret URL; the old one stops working at once. */
export async function rotateFeed(deps: Deps & { feed: FeedConfig }, userId: string): Promise<TFeed> {
  const stored = await calendarQueries.getFeedToken(deps.db, userId);
  if (!stored) throw new NotFoundError('Settings');
  const nonce = randomSecret();
  const token = feedToken(deps.feed.secretKey, nonce);
  await calendarQueries.setFeedToken(deps.db, userId, sha256(token), nonce, deps.clock.now());
  return feedOf(deps.feed, token, stored.icsFeedIncludeTasks);
}

/** Turns the feed's task due dates on or off; the URL stays the same. */
export async function updateFeed(
  deps: Deps & { feed: FeedConfig },
  userId: string,
  input: TUpdateFeedInput,
): Promise<TFeed> {
  await calendarQueries.setFeedIncludeTasks(deps.db, userId, input.includeTasks, deps.clock.now());
  return getFeed(deps, userId);
}

/** The most tasks the feed lists (open tasks with a due date, soonest first). */
export const FEED_TASKS_MAX = 2_000;

/** Open tasks' due dates as all-day events of the feed; the UID names the task, so edits update them in place. */
async function feedTaskEvents(db: Kysely<DB>, userId: string): Promise<ExportableEvent[]> {
  const tasks = await tasksQueries.listTasks(db, userId, {
    openOnly: true,
    dueFrom: '1900-01-01',
    order: 'due',
    limit: FEED_TASKS_MAX,
  });
  return tasks.flatMap((task) => {
    if (!task.dueDate) return [];
    const start = utcMidnight(task.dueDate);
    return [
      {
        icsUid: `task-${task.id}@lifeos`,
        title: task.title,
        description: task.notes,
        location: null,
        allDay: true,
        startsAt: start,
        endsAt: new Date(start.getTime() + DAY_MS),
        timezone: 'UTC',
        rrule: null,
        exdates: [],
        recurrenceId: null,
        createdAt: task.createdAt,
        updatedAt: task.updatedAt,
      },
    ];
  });
}

/** The calendar behind a feed token, as .ics text; null for a token that opens nothing. */
export async function feedIcs(deps: Deps, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const owner = await calendarQueries.findFeedOwnerByTokenHash(deps.db, sha256(token));
  if (!owner) return null;
  const events = await calendarQueries.listAllEvents(deps.db, owner.userId);
  const tasks = owner.icsFeedIncludeTasks ? await feedTaskEvents(deps.db, owner.userId) : [];
  return buildIcsYielding([...events, ...tasks], { name: 'Life OS' });
}
