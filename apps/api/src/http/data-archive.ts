import { Readable } from 'node:stream';
import { dataArchive } from '@lifeos/core/server';
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../services.js';
import { authenticateRequest } from './request-auth.js';

export const DATA_ARCHIVE_ROUTE = '/api/data/archive';

/**
 * GET /api/data/archive — the user's export as a ZIP (the JSON document, the journal as Markdown, calendar.ics,
 * workouts.csv, tasks.csv), streamed as it is written. Same credentials as a tRPC query: the session cookie (with
 * the CSRF header the web app sends) or `Authorization: Bearer` with any API key.
 */
export function registerDataArchive(app: FastifyInstance, services: AppServices) {
  app.get(DATA_ARCHIVE_ROUTE, async (request, reply) => {
    const { userId } = await authenticateRequest(request, services, { scope: 'read', operation: 'data.export' });
    const archive = await dataArchive.openUserArchive(services, userId);
    const body = Readable.from(archive.chunks, { objectMode: false });
    // Ends the export's snapshot transaction however the response ends (finished, failed, or the client left).
    body.once('close', () => {
      archive.close().catch((error: unknown) => request.log.error({ err: error }, 'closing the export failed'));
    });
    body.once('error', (error) => request.log.error({ err: error }, 'archive export failed'));
    return reply
      .type('application/zip')
      .header('content-disposition', `attachment; filename="${archive.filename}"`)
      .send(body);
  });
}
