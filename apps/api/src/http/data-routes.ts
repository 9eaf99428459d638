import { Readable } from 'node:stream';
import { ZDataImportMode } from '@lifeos/core/schemas';
import { DataImportInvalidError, dataExport, dataImport } from '@lifeos/core/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppServices } from '../trpc/context.js';
import { toTRPCError } from '../trpc/errors.js';
import { authenticateRequest } from './request-auth.js';

export const DATA_EXPORT_ROUTE = '/api/data/export';
export const DATA_IMPORT_ROUTE = '/api/data/import';

const ZImportQuery = z
  .object({
    mode: ZDataImportMode,
    dryRun: z.enum(['true', 'false']).default('false'),
  })
  .strict();

/** Who sent an import request, established before its (possibly large) body is read. */
const importCaller = new WeakMap<FastifyRequest, string>();

/**
 * The export document and its restore over plain HTTP, for documents larger than tRPC's 1 MiB body limit and for
 * scripts (`curl -H "Authorization: Bearer …"`). Same credentials and CSRF rule as tRPC; errors are JSON
 * `{ error, message, path? }` with the status tRPC would use for the same failure.
 */
export function registerDataRoutes(app: FastifyInstance, services: AppServices) {
  // GET /api/data/export — streamed piece by piece as the rows are read, so memory stays bounded.
  app.get(DATA_EXPORT_ROUTE, async (request, reply) => {
    const { userId } = await authenticateRequest(request, services, { scope: 'read' });
    const date = services.clock.now().toISOString().slice(0, 10);
    const chunks = dataExport.exportJsonChunks(services, userId);
    // The first two pieces open the snapshot and read the settings: a failure there still gets a real status,
    // rather than a 200 whose body breaks off.
    const head: string[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const next = await chunks.next();
        if (!next.done) head.push(next.value);
      }
    } catch (error) {
      await chunks.return(undefined);
      throw error;
    }
    async function* document() {
      // However the response ends (finished, failed, or the client went away), the export's transaction ends too.
      try {
        yield* head;
        yield* chunks;
      } finally {
        await chunks.return(undefined);
      }
    }
    const body = Readable.from(document(), { objectMode: false });
    body.once('error', (error) => request.log.error({ err: error }, 'data export failed'));
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="lifeos-export-${date}.json"`)
      .send(body);
  });

  // POST /api/data/import?mode=merge|replace&dryRun=true|false — the document as the JSON body.
  app.post(
    DATA_IMPORT_ROUTE,
    {
      bodyLimit: services.config.limits.importBodyBytes,
      // Authenticated before the body is read: an anonymous or read-only caller cannot make us parse 256 MiB.
      onRequest: async (request) => {
        const { userId } = await authenticateRequest(request, services, { scope: 'write' });
        importCaller.set(request, userId);
      },
    },
    async (request, reply) => {
      const userId = importCaller.get(request) as string;
      const query = ZImportQuery.safeParse(request.query);
      if (!query.success) {
        const issue = query.error.issues[0];
        return reply.code(400).send({
          error: 'BAD_REQUEST',
          message: `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'Invalid value'}`,
        });
      }
      try {
        const report = await dataImport.importDocument(services, userId, request.body, {
          mode: query.data.mode,
          dryRun: query.data.dryRun === 'true',
        });
        // A replace restores the display name too: the next request must not see the cached one.
        services.callerCache.clear();
        return reply.send(report);
      } catch (error) {
        const mapped = toTRPCError(error);
        if (!mapped) throw error;
        if (mapped.code === 'INTERNAL_SERVER_ERROR') throw error;
        return reply.code(getHTTPStatusCodeFromError(mapped)).send({
          error: mapped.code,
          message: mapped.message,
          ...(error instanceof DataImportInvalidError ? { path: error.path } : {}),
        });
      }
    },
  );
}
