/**
 * External calendar subscriptions: an .ics URL fetched now and then on a schedule, whose events are copied into
 * `events` (marked with the subscription's id) so that `events.list` shows them next to the user's own.
 *
 * - Those copies are read-only (events.update/delete refuse them) and are left out of the user's export and feed:
 *   they are someone else's calendar, which the user's other apps can subscribe to directly.
 * - `add` refuses (BAD_REQUEST) what policy refuses — a scheme other than http(s), credentials in the URL, a host
 *   on a loopback or private network (unless CALENDAR_ALLOW_PRIVATE_URLS) — and a duplicate URL (CONFLICT). Any
 *   other failure of the first fetch (DNS, HTTP status, timeout, size, not a calendar) still adds the
 *   subscription, with its error shown, and the schedule keeps retrying: a feed that is down today may be up
 *   tomorrow.
 * - A failing refresh records its error and keeps the last good events; a good one replaces all of the
 *   subscription's events in one transaction; a 304 keeps them as they are.
 * - A good refresh also records, in the same statement as its success, the feed's events it left out and why
 *   (unreadable, a refused repeat rule): the owner sees "N events could not be shown" rather than events that are
 *   silently missing. The first SUBSCRIPTION_SKIPPED_MAX are kept, each cut to bounded lengths, with the total.
 * - Each refresh holds a claim on the row (`locked_until`), so a scheduled refresh on any replica, a "refresh
 *   now" and a first fetch never run for the same subscription at once.
 */
import { calendarSubscriptionsQueries, type DB, type Kysely, type NewEvent } from '@lifeos/db';
import type { Clock } from '../clock.js';
import { userTimeZone } from '../common/time-zone.js';
import { inTransaction } from '../common/transaction.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { type ParsedEvent, parseIcs, type SkippedEvent } from './calendar.ics-import.js';
import { EXDATES_MAX } from './calendar.schemas.js';
import { seriesEnd } from './calendar.series.js';
import {
  assertPublicHost,
  type FetchPolicy,
  fetchCalendar,
  parseFeedUrl,
  UrlNotAllowedError,
} from './subscriptions.fetch.js';
import {
  SKIPPED_REASON_MAX,
  SKIPPED_TEXT_MAX,
  SUBSCRIPTION_SKIPPED_MAX,
  SUBSCRIPTIONS_MAX,
  type TAddSubscriptionInput,
  type TSubscription,
} from './subscriptions.schemas.js';

/** A subscription is refreshed this often when all is well. */
export const REFRESH_INTERVAL_SECONDS = 60 * 60;
/** After a failure: 5 min, 10, 20, … doubling up to a day. */
const RETRY_FIRST_SECONDS = 5 * 60;
const RETRY_MAX_SECONDS = 24 * 60 * 60;
/** How long a claim holds: well beyond a refresh's 10 s fetch plus its write; a crashed holder's claim expires. */
export const CLAIM_SECONDS = 5 * 60;

export interface SubscriptionDeps {
  db: Kysely<DB>;
  clock: Clock;
  /** The fetch policy: CALENDAR_ALLOW_PRIVATE_URLS, and the timeout and size limit (defaults 10 s, 5 MB). */
  fetchPolicy: FetchPolicy;
}

type Claimed = NonNullable<Awaited<ReturnType<typeof calendarSubscriptionsQueries.claimSubscription>>>;

export type RefreshOutcome =
  /**
   * `skipped`: the feed's events left out and why (unreadable, or a rule that is refused: see parseIcs), the first
   * SUBSCRIPTION_SKIPPED_MAX of `skippedTotal`.
   */
  | { status: 'updated'; events: number; skipped: SkippedEvent[]; skippedTotal: number }
  | { status: 'not-modified' }
  | { status: 'failed'; error: string; unexpected?: unknown };

export function retryDelaySeconds(failuresSoFar: number): number {
  return Math.min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** Math.min(failuresSoFar, 20));
}

type ListedRow = Awaited<ReturnType<typeof calendarSubscriptionsQueries.listSubscriptions>>[number];

function toSubscription(row: ListedRow): TSubscription {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    color: row.color,
    lastRefreshedAt: row.lastRefreshedAt,
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt,
    nextRefreshAt: row.nextRefreshAt,
    eventCount: row.eventCount,
    skipped: row.skippedEvents,
    skippedTotal: row.skippedTotal,
    createdAt: row.createdAt,
  };
}

async function getOwn(db: Kysely<DB>, userId: string, id: string): Promise<TSubscription> {
  const [row] = await calendarSubscriptionsQueries.listSubscriptions(db, userId, id);
  if (!row) throw new NotFoundError('Subscription');
  return toSubscription(row);
}

export async function listSubscriptions(deps: Pick<SubscriptionDeps, 'db'>, userId: string): Promise<TSubscription[]> {
  return (await calendarSubscriptionsQueries.listSubscriptions(deps.db, userId)).map(toSubscription);
}

/** Subscribes to a calendar and fetches it once (see the module's comment for what is refused and what is kept). */
export async function addSubscription(
  deps: SubscriptionDeps,
  userId: string,
  input: TAddSubscriptionInput,
): Promise<TSubscription> {
  const url = parseFeedUrl(input.url);
  await assertPublicHost(url, deps.fetchPolicy);
  if ((await calendarSubscriptionsQueries.countSubscriptions(deps.db, userId)) >= SUBSCRIPTIONS_MAX) {
    throw new ValidationError(`You can subscribe to at most ${SUBSCRIPTIONS_MAX} calendars`);
  }
  const row = await calendarSubscriptionsQueries.insertSubscription(
    deps.db,
    { userId, name: input.name, url: url.toString(), color: input.color ?? null },
    CLAIM_SECONDS,
  );
  if (!row) throw new ConflictError('You already subscribe to this calendar');
  await refreshClaimed(deps, {
    id: row.id,
    userId,
    url: row.url,
    etag: null,
    lastModified: null,
    failureCount: 0,
  });
  return getOwn(deps.db, userId, row.id);
}

/** Unsubscribes; the subscription's events go with it. */
export async function removeSubscription(deps: Pick<SubscriptionDeps, 'db'>, userId: string, id: string) {
  if (!(await calendarSubscriptionsQueries.deleteSubscription(deps.db, userId, id))) {
    throw new NotFoundError('Subscription');
  }
}

/**
 * Refreshes now and answers the subscription as it then is (a failure is in `lastError`, not an error of the
 * call). When a refresh of it is already under way elsewhere, answers it as it is without a second fetch.
 */
export async function refreshSubscription(deps: SubscriptionDeps, userId: string, id: string): Promise<TSubscription> {
  const claimed = await calendarSubscriptionsQueries.claimSubscription(deps.db, userId, id, CLAIM_SECONDS);
  if (claimed) await refreshClaimed(deps, claimed);
  return getOwn(deps.db, userId, id);
}

/**
 * The scheduled job's work: claims due subscriptions one at a time (each goes to exactly one claimer, whatever
 * the number of replicas) and refreshes them, at most `max` per run. Returns what happened to each.
 */
export async function refreshDueSubscriptions(
  deps: SubscriptionDeps,
  options: { max?: number } = {},
): Promise<{ id: string; outcome: RefreshOutcome }[]> {
  const done: { id: string; outcome: RefreshOutcome }[] = [];
  const max = options.max ?? 100;
  while (done.length < max) {
    const claimed = await calendarSubscriptionsQueries.claimDueSubscription(deps.db, CLAIM_SECONDS);
    if (!claimed) break;
    done.push({ id: claimed.id, outcome: await refreshClaimed(deps, claimed) });
  }
  return done;
}

/** Fetches a claimed subscription and records the result; releases the claim. Never throws for a feed's fault. */
export async function refreshClaimed(deps: SubscriptionDeps, claimed: Claimed): Promise<RefreshOutcome> {
  const fail = async (error: string, unexpected?: unknown): Promise<RefreshOutcome> => {
    await calendarSubscriptionsQueries.recordFailure(
      deps.db,
      claimed.id,
      error.slice(0, 500),
      retryDelaySeconds(claimed.failureCount),
    );
    return { status: 'failed', error, ...(unexpected === undefined ? {} : { unexpected }) };
  };

  let fetched: Awaited<ReturnType<typeof fetchCalendar>>;
  try {
    fetched = await fetchCalendar(
      claimed.url,
      { etag: claimed.etag, lastModified: claimed.lastModified },
      deps.fetchPolicy,
    );
  } catch (error) {
    if (error instanceof UrlNotAllowedError || error instanceof Error) return fail(error.message);
    return fail('The calendar could not be fetched');
  }
  if (fetched.status === 'not-modified') {
    await calendarSubscriptionsQueries.recordSuccess(deps.db, claimed.id, REFRESH_INTERVAL_SECONDS);
    return { status: 'not-modified' };
  }

  const timezone = await userTimeZone(deps.db, claimed.userId);
  let rows: ReturnType<typeof eventRows>;
  let allSkipped: SkippedEvent[];
  try {
    const parsed = parseIcs(fetched.body, { defaultTimezone: timezone });
    rows = eventRows(parsed.events, claimed);
    allSkipped = [...parsed.skipped, ...rows.skipped];
  } catch (error) {
    return fail(error instanceof ValidationError ? error.message : 'The calendar could not be read');
  }

  const skipped = allSkipped.slice(0, SUBSCRIPTION_SKIPPED_MAX).map(boundSkipped);
  const skippedTotal = allSkipped.length;

  try {
    const count = await inTransaction(deps, async ({ db: trx }) => {
      if (!(await calendarSubscriptionsQueries.subscriptionExists(trx, claimed.userId, claimed.id))) return null;
      await calendarSubscriptionsQueries.deleteSubscriptionEvents(trx, claimed.userId, claimed.id);
      const inserted = await calendarSubscriptionsQueries.insertEvents(trx, rows.masters);
      const seriesIds = new Map(
        inserted.filter((_, i) => rows.masters[i]?.rrule).map((row) => [row.icsUid, row.id] as const),
      );
      await calendarSubscriptionsQueries.insertEvents(
        trx,
        rows.overrides.map((o) => ({ ...o, seriesId: seriesIds.get(o.icsUid) ?? null })),
      );
      await calendarSubscriptionsQueries.recordSuccess(trx, claimed.id, REFRESH_INTERVAL_SECONDS, {
        etag: fetched.etag,
        lastModified: fetched.lastModified,
        skipped,
        skippedTotal,
      });
      return rows.masters.length + rows.overrides.length;
    });
    // Removed while it was being fetched: nothing to record.
    if (count === null) return { status: 'failed', error: 'The subscription was removed' };
    return { status: 'updated', events: count, skipped, skippedTotal };
  } catch (error) {
    if (!(await calendarSubscriptionsQueries.subscriptionExists(deps.db, claimed.userId, claimed.id))) {
      return { status: 'failed', error: 'The subscription was removed' };
    }
    return fail('The calendar’s events could not be stored', error);
  }
}

/** What is stored and shown of a skipped event: each text cut to its bound (a feed's fields can be long). */
function boundSkipped(e: SkippedEvent): SkippedEvent {
  return {
    uid: e.uid?.slice(0, SKIPPED_TEXT_MAX) ?? null,
    summary: e.summary?.slice(0, SKIPPED_TEXT_MAX) ?? null,
    reason: e.reason.slice(0, SKIPPED_REASON_MAX),
  };
}

/**
 * The parsed events as rows of this subscription: series and single events, then detached occurrences; and the
 * events left out because their rule cannot be expanded.
 */
function eventRows(events: ParsedEvent[], claimed: Claimed) {
  const now = new Date();
  const skipped: SkippedEvent[] = [];
  const cancelled = new Map<string, Date[]>();
  for (const e of events) {
    if (e.recurrenceId && e.cancelled) cancelled.set(e.icsUid, [...(cancelled.get(e.icsUid) ?? []), e.recurrenceId]);
  }
  const row = (e: ParsedEvent, exdates: Date[]): NewEvent | null => {
    let seriesEndsAt: Date | null;
    try {
      seriesEndsAt = seriesEnd(e);
    } catch (error) {
      // A rule that cannot be expanded: left out, as the import skips it, and reported with the rest.
      skipped.push({
        uid: e.icsUid,
        summary: e.title || null,
        reason: error instanceof ValidationError ? error.message : 'Its repeat rule (RRULE) cannot be expanded',
      });
      return null;
    }
    return {
      userId: claimed.userId,
      subscriptionId: claimed.id,
      title: e.title,
      description: e.description,
      location: e.location,
      allDay: e.allDay,
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      timezone: e.timezone,
      rrule: e.rrule,
      exdates,
      rdates: e.rdates,
      rdateEnds: e.rdateEnds,
      sequence: e.sequence,
      seriesEndsAt,
      icsUid: e.icsUid,
      recurrenceId: e.recurrenceId,
      seriesId: null,
      createdAt: now,
      updatedAt: now,
    };
  };
  const masters: NewEvent[] = [];
  const masterUids = new Set<string>();
  for (const e of events) {
    if (e.recurrenceId) continue;
    const exdates = [
      ...new Map([...e.exdates, ...(cancelled.get(e.icsUid) ?? [])].map((d) => [d.getTime(), d])).values(),
    ].sort((a, b) => a.getTime() - b.getTime());
    // Cutting the exceptions would bring cancelled occurrences back: the series is left out instead, and said.
    if (exdates.length > EXDATES_MAX) {
      skipped.push({
        uid: e.icsUid,
        summary: e.title || null,
        reason: `More than ${EXDATES_MAX} exceptions (EXDATE and cancelled occurrences)`,
      });
      continue;
    }
    const r = row(e, exdates);
    if (r) {
      masters.push(r);
      masterUids.add(e.icsUid);
    }
  }
  const overrides: (NewEvent & { icsUid: string })[] = [];
  for (const e of events) {
    if (!e.recurrenceId || e.cancelled) continue;
    const r = row(e, []);
    if (r) overrides.push(r);
  }
  return { masters, overrides, skipped };
}
