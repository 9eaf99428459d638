/**
 * The one-click unsubscribe link in every notification email (RFC 8058): `POST /unsubscribe?u=…&k=…&t=…` with the
 * body `List-Unsubscribe=One-Click` (what mail clients send), and `GET` of the same URL for a person, which shows a
 * button that posts it (a link scanner fetching the URL must not unsubscribe anyone). The link's HMAC is its
 * authentication: no cookie is read, so it works from any mail client.
 */
import { notificationsService } from '@lifeos/core/server';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppServices } from '../services.js';

type Query = { u?: string; k?: string; t?: string };

const page = (reply: FastifyReply, status: number, body: string) =>
  reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>Life OS: unsubscribe</title></head><body style="font-family:system-ui;max-width:32rem;margin:3rem auto">` +
        `${body}</body></html>`,
    );

const field = (value: unknown) => (typeof value === 'string' && value.length <= 200 ? value : '');

export function registerUnsubscribe(app: FastifyInstance, services: AppServices): void {
  void app.register(async (scope) => {
    // Mail clients post a form; the body says nothing the query does not, so it is read and ignored (bounded).
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_request, body, done) => done(null, body),
    );
    scope.get<{ Querystring: Query }>('/unsubscribe', async (request, reply) => {
      const { u, k, t } = request.query;
      const kind = field(k).replace(/[^a-z]/g, '');
      const action = `/unsubscribe?${new URLSearchParams({ u: field(u), k: kind, t: field(t) }).toString()}`;
      return page(
        reply,
        200,
        `<h1>Unsubscribe</h1><p>Stop emails of this kind (${kind || 'unknown'}) from Life OS?</p>` +
          `<form method="post" action="${action.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">` +
          `<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
      );
    });
    scope.post<{ Querystring: Query }>('/unsubscribe', async (request, reply) => {
      const { u, k, t } = request.query;
      const done = await notificationsService.unsubscribe(services, { u: field(u), k: field(k), t: field(t) });
      if (!done) return page(reply, 400, '<h1>This link is not valid</h1>');
      return page(
        reply,
        200,
        '<h1>Unsubscribed</h1><p>You will get no more emails of this kind. Settings → Notifications turns them back on.</p>',
      );
    });
  });
}
