import type { AnyRouter, inferRouterContext } from '@trpc/server';
import { type HTTPBaseHandlerOptions, resolveResponse } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface TrpcRouteOptions<TRouter extends AnyRouter>
  extends Pick<
    HTTPBaseHandlerOptions<TRouter, FastifyRequest>,
    'router' | 'maxBatchSize' | 'responseMeta' | 'onError'
  > {
  prefix: string;
  createContext(request: FastifyRequest, reply: FastifyReply): inferRouterContext<TRouter>;
}

// What tRPC reads from a request's headers (content type, response format); nothing else is copied.
const FORWARDED_HEADERS = ['content-type', 'accept', 'trpc-accept'] as const;

/**
 * Serves a tRPC router on Fastify: `<prefix>/:path`, GET for queries, POST for mutations and batches.
 *
 * The official adapter turns every request into a full Fetch `Request` (all headers copied, an AbortController
 * wired to the socket) and answers with `reply.send(Response)`, which Fastify pipes through a web stream: on a small
 * JSON answer that glue cost more CPU than the procedure itself (bench/api-latency.ts). Here the Request carries
 * only what tRPC reads, the context is built from the Fastify request directly, and the answer — always a complete
 * JSON document for the links our clients use — is sent as one string. A streamed answer (`trpc-accept:
 * application/jsonl`, which tRPC marks chunked) is still piped through.
 */
export function registerTrpcRoute<TRouter extends AnyRouter>(app: FastifyInstance, options: TrpcRouteOptions<TRouter>) {
  return app.register(async (scope) => {
    // tRPC parses the body itself (batches, superjson); Fastify hands it over as text, within its bodyLimit.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.all(`${options.prefix}/:path`, async (request: FastifyRequest<{ Params: { path: string } }>, reply) => {
      const headers = new Headers();
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') headers.set(name, value);
      }
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
      const req = new Request(`http://localhost${request.url}`, {
        method: request.method,
        headers,
        ...(hasBody ? { body: typeof request.body === 'string' ? request.body : '' } : {}),
      });
      const response = await resolveResponse<TRouter>({
        router: options.router,
        req,
        path: request.params.path,
        error: null,
        ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
        ...(options.responseMeta ? { responseMeta: options.responseMeta } : {}),
        createContext: async () => options.createContext(request, reply),
        onError: (error) => options.onError?.({ ...error, req: request }),
      });

      reply.status(response.status);
      // A streamed answer says so (chunked); Node's HTTP server does the chunking itself for a piped body.
      const streamed = response.headers.get('transfer-encoding') === 'chunked';
      for (const [name, value] of response.headers) if (name !== 'transfer-encoding') reply.header(name, value);
      return reply.send(streamed ? response : await response.text());
    });
  });
}
