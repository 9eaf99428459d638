import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { ZDataImportMode } from '@lifeos/core/schemas';
import { DataImportInvalidError, dataExport, dataImport } from '@lifeos/core/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppServices } from '../services.js';
import { toTRPCError } from '../trpc/errors.js';
import { ImportBodyError, JsonShapeScanner, parseScannedDocument } from './import-body.js';
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
    const { userId } = await authenticateRequest(request, services, { scope: 'read', operation: 'data.export' });
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

  // POST /api/data/import?mode=merge|replace&dryRun=true|false — the document as the JSON body, read by its own
  // parser (import-body.ts) in a scope of its own, so tRPC keeps Fastify's.
  app.register(async (scope) => registerImportRoute(scope, services));
}

/** Reads the body as it arrives, refusing a hostile shape early, then parses it a row at a time. */
function readImportBody(limit: number) {
  return (request: FastifyRequest, payload: NodeJS.ReadableStream) =>
    new Promise<unknown>((resolve, reject) => {
      if (Number(request.headers['content-length']) > limit) {
        reject(new ImportBodyError(413, tooLargeMessage(limit)));
        return;
      }
      const scanner = new JsonShapeScanner();
      const chunks: Buffer[] = [];
      let received = 0;
      const stop = (error?: unknown) => {
        payload.removeListener('data', onData);
        payload.removeListener('end', onEnd);
        payload.removeListener('error', stop);
        if (error !== undefined) reject(error);
      };
      const onData = (chunk: Buffer | string) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        received += bytes.length;
        if (received > limit) return stop(new ImportBodyError(413, tooLargeMessage(limit)));
        try {
          scanner.write(bytes);
        } catch (error) {
          return stop(error);
        }
        chunks.push(bytes);
      };
      const onEnd = () => {
        stop();
        const body = Buffer.concat(chunks, received);
        chunks.length = 0;
        parseScannedDocument(body, scanner.marks).then(resolve, reject);
      };
      payload.on('data', onData);
      payload.on('end', onEnd);
      payload.on('error', stop);
      payload.resume();
    });
}

/** How long, and for how many bytes, a refused import's body is still read and dropped after the answer. */
const LINGER_MS = 2_000;
const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * A body refused part way is usually still arriving. Closing at once (Fastify asks for `connection: close`) resets
 * the connection while the client writes, and a client that is still sending then often loses the answer to the
 * reset: it sees EPIPE instead of the 400 that says what is wrong. So, as web servers do (nginx's lingering close),
 * the rest is read and dropped for a bounded time and amount — nothing is kept — and only then is the connection
 * closed.
 */
function lingerBeforeClosing(raw: IncomingMessage, reply: FastifyReply) {
  if (raw.complete) return;
  // Node would end the socket as soon as the answer is written (Fastify's `connection: close`, or the client's own):
  // it stays open until the body has been read, then closes.
  reply.removeHeader('connection');
  reply.raw.shouldKeepAlive = true;
  const socket = raw.socket;
  let dropped = 0;
  const close = () => socket.destroy();
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) close();
  });
  raw.once('end', () => {
    clearTimeout(timer);
    socket.end();
  });
  raw.resume();
}

const tooLargeMessage = (limit: number) =>
  `The document is too large (the limit is ${Math.round(limit / (1024 * 1024))} MiB, IMPORT_BODY_LIMIT_MB)`;

function registerImportRoute(app: FastifyInstance, services: AppServices) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', readImportBody(services.config.limits.importBodyBytes));
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ImportBodyError) {
      lingerBeforeClosing(request.raw, reply);
      const code = error.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
      return reply.code(error.statusCode).send({ statusCode: error.statusCode, error: code, message: error.message });
    }
    return reply.send(error);
  });
  app.post(
    DATA_IMPORT_ROUTE,
    {
      bodyLimit: services.config.limits.importBodyBytes,
      // Authenticated before the body is read: an anonymous or read-only caller cannot make us parse 256 MiB.
      onRequest: async (request) => {
        const { userId } = await authenticateRequest(request, services, { scope: 'write', operation: 'data.import' });
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
