import { type Clock, calendarService } from '@lifeos/core/server';
import { authQueries, type DB, type Kysely } from '@lifeos/db';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../env.js';

export const FEED_ROUTE_PREFIX = '/api/calendar/feed/';

/** Percent-escapes decoded byte by byte: unlike decodeURIComponent, never throws on a malformed path. */
const decodePercent = (path: string) =>
  path.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/**
 * The feed path with its token replaced, for log lines: the token is the credential. Checked on the path as the
 * router reads it — percent-decoded (`/api/%63alendar/feed/…` reaches the feed), and, to be safe, whatever the
 * case, repeated slashes or an absolute-form target — so that no spelling of the feed path logs its token.
 */
export function redactFeedPath(url: string): string {
  const seen = decodePercent(url)
    .replace(/\/{2,}/g, '/')
    .toLowerCase();
  return seen.includes(FEED_ROUTE_PREFIX) ? `${FEED_ROUTE_PREFIX}[redacted]` : url;
}

/**
 * GET /api/calendar/feed/<token>.ics — the subscription feed calendar apps poll. The token in the path is the only
 * credential (no cookies, no CSRF: it only reads). An unknown token answers 404 and counts against the caller's
 * address in the same database-backed window as failed logins; past LOGIN_MAX_PER_IP misses it answers 429.
 */
export function registerCalendarFeed(
  app: FastifyInstance,
  services: { db: Kysely<DB>; clock: Clock; config: AppConfig },
) {
  app.get<{ Params: { file: string } }>(`${FEED_ROUTE_PREFIX}:file`, async (request, reply) => {
    const token = request.params.file.endsWith('.ics') ? request.params.file.slice(0, -4) : '';
    const ics = token ? await calendarService.feedIcs(services, token) : null;
    if (ics !== null) {
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'inline; filename="life-os.ics"')
        .send(ics);
    }
    const { windowSeconds, maxPerIp } = services.config.auth.throttle;
    const now = services.clock.now();
    const { count, windowStart } = await authQueries.recordAttempt(
      services.db,
      `feed:ip:${request.ip}`,
      now,
      windowSeconds * 1000,
    );
    if (count > maxPerIp) {
      const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
      return reply.code(429).header('retry-after', String(retryAfter)).send({ error: 'Too Many Requests' });
    }
    return reply.code(404).send({ error: 'Not Found' });
  });
}
