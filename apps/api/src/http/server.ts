import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCors, { type FastifyCorsOptionsDelegate } from '@fastify/cors';
import { type Clock, RateLimitedError, systemClock } from '@lifeos/core/server';
import type { Database } from '@lifeos/db';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { registerDav } from '../dav/dav-routes.js';
import type { AppConfig } from '../env.js';
import { createJobRunner, type JobRunnerOptions } from '../jobs/index.js';
import type { JobRunner } from '../jobs/runner.js';
import { MCP_PATH, registerMcp } from '../mcp/mcp-routes.js';
import { registerApiDocs } from '../rest/rest-docs.js';
import { registerRest } from '../rest/rest-routes.js';
import { type AppRouter, appRouter } from '../routers/_app.js';
import { type AppServices, createServices } from '../services.js';
import { createContextFactory } from '../trpc/context.js';
import { redactFeedPath, registerCalendarFeed } from './calendar-feed.js';
import { registerDataArchive } from './data-archive.js';
import { registerDataRoutes } from './data-routes.js';
import { registerHealth } from './health.js';
import { registerPanel } from './panel.js';
import { registerTrpcRoute, type TrpcRouteOptions } from './trpc-route.js';
import { registerUnsubscribe } from './unsubscribe.js';
import { registerWebApp } from './web-app.js';

export interface BuildServerOptions {
  config: AppConfig;
  database: Database;
  clock?: Clock;
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream;
  /** The built web app; defaults to apps/web/dist beside this app. `null` serves no web app. */
  webDistDir?: string | null;
}

export interface LifeOsServer {
  app: FastifyInstance;
  /** The composition root the routes were built with; the jobs take the same. */
  services: AppServices;
  /**
   * Starts the background job runner on the same services (main.ts, once listening; tests leave it off unless they
   * test it). `stopGraceMs`: how long shutdown waits for running jobs before handing them back (10 s).
   */
  startJobs(options?: JobRunnerOptions & { stopGraceMs?: number }): JobRunner;
  /**
   * Stops accepting and stops claiming jobs, lets in-flight requests and running jobs finish (jobs still running
   * after the grace time are handed back to the queue), then closes the database.
   */
  shutdown(): Promise<void>;
}

/** The API's tRPC route: the router, the request context, the batch limit, Retry-After and error logging. */
export function appTrpcRoute(services: AppServices): TrpcRouteOptions<AppRouter> {
  return {
    prefix: '/trpc',
    router: appRouter,
    createContext: createContextFactory(services),
    maxBatchSize: services.config.limits.maxBatchSize,
    responseMeta({ errors }) {
      const limited = errors.find((e) => e.cause instanceof RateLimitedError)?.cause as RateLimitedError | undefined;
      return limited ? { headers: { 'retry-after': String(limited.retryAfterSeconds) } } : {};
    },
    onError({ error, path, req }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      else if (error.code === 'SERVICE_UNAVAILABLE')
        req.log.warn({ err: error.cause?.message, path }, 'database unavailable');
    },
  };
}

const defaultWebDist = () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/http (tsx) or dist (bundle): both sit under apps/api.
  const candidates = [path.resolve(here, '../../../web/dist'), path.resolve(here, '../../web/dist')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? null;
};

/** The path of a request without its query string, which may carry tRPC inputs. */
export function redactUrl(url: string): string {
  // The calendar feed's path holds its secret token.
  return redactFeedPath(url.split('?')[0] ?? url);
}

export async function buildServer(options: BuildServerOptions): Promise<LifeOsServer> {
  const { config, database } = options;
  const clock = options.clock ?? systemClock;
  const state = { shuttingDown: false };

  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Never a password, token or key in a log line: no bodies, no query strings, no auth headers.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      },
    },
    bodyLimit: config.limits.bodyBytes,
    requestTimeout: config.limits.requestTimeoutMs,
    // A hop count trusts that many proxies in front of us; X-Forwarded-For is ignored unless configured.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    routerOptions: { maxParamLength: 5000 },
  });

  // A body over the limit is refused by Fastify before tRPC sees it; answer tRPC callers in tRPC's own error shape
  // so the typed client reports PAYLOAD_TOO_LARGE rather than an unreadable response.
  app.setErrorHandler((error, request, reply) => {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' && request.url.startsWith('/trpc')) {
      const limit = `${Math.round(config.limits.bodyBytes / 1024)} KiB`;
      return reply.code(413).send({
        error: {
          json: {
            message: `The request is too large (the limit is ${limit})`,
            code: TRPC_ERROR_CODES_BY_KEY.PAYLOAD_TOO_LARGE,
            data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 },
          },
        },
      });
    }
    // Anything else: Fastify's own handling (status from the error, no stack in production).
    return reply.send(error);
  });

  await app.register(fastifyCookie);
  // Built once: @fastify/helmet rebuilt this middleware (and re-parsed the policy) on every request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        ...(config.cookieSecure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: config.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error) => done(error instanceof Error ? error : undefined)),
  );
  // CalDAV is for calendar apps, never for pages of other sites: no CORS there, and its OPTIONS answers say what
  // DAV it speaks (clients check) instead of being taken as preflights. MCP is for assistants, not pages: no CORS.
  const isDavPath = (url: string) =>
    url.startsWith('/dav') || url.startsWith('/.well-known/') || url.startsWith(MCP_PATH);
  await app.register(
    fastifyCors,
    (): FastifyCorsOptionsDelegate => (request, callback) =>
      callback(null, isDavPath(request.url) ? { origin: false } : { origin: config.appOrigins, credentials: true }),
  );
  // Judged by the matched route too: `/%74rpc/…` reaches the tRPC route but does not start with `/trpc`.
  const isApi = (request: FastifyRequest) =>
    [request.url, request.routeOptions.url ?? ''].some((url) => url.startsWith('/trpc') || url.startsWith('/api'));
  app.addHook('onSend', async (request, reply) => {
    if (isApi(request)) reply.header('cache-control', 'no-store');
  });
  // The API speaks JSON only. tRPC's multipart parser streams the body past Fastify's bodyLimit (a huge form would
  // be buffered whole, before any auth check), and multipart is what a cross-site <form> can send.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !isApi(request)) return;
    const type = request.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return reply.code(415).send({ error: 'Unsupported Media Type', message: 'Send application/json' });
    }
  });

  const services = createServices({ database, clock, config });

  // The API's answers from 1 KiB on (JSON, the calendar feed), brotli or gzip as the client accepts: the
  // dashboard's 30 KiB travel as ~6, a ten-year export as a fifth. In their own scope: the web app's assets are
  // precompressed at build time and served as they are.
  await app.register(async (api) => {
    // Answers only: a compressed request body would be a way past the body limits' intent (a small upload inflating
    // to gigabytes), so requests still arrive as plain JSON.
    await api.register(fastifyCompress, { threshold: 1024, encodings: ['br', 'gzip'], globalDecompression: false });
    await registerTrpcRoute(api, appTrpcRoute(services));
    registerCalendarFeed(api, services);
    registerDataArchive(api, services);
    registerDataRoutes(api, services);
    // REST for scripts, Shortcuts and Home Assistant, and its OpenAPI document (rest/rest-routes.ts).
    await registerRest(api, services);
  });
  // CalDAV for phones and desktop calendars: Basic auth with API keys, never cookies (dav/dav-routes.ts).
  registerDav(app, services);
  // MCP for assistants: Bearer API keys, never cookies (mcp/mcp-routes.ts).
  registerMcp(app, services);
  // The API reference at /api/docs, outside the compression scope: its script goes precompressed (rest/rest-docs.ts).
  await registerApiDocs(app);
  registerUnsubscribe(app, services);
  registerHealth(app, database, state);
  const webDistDir = options.webDistDir === undefined ? defaultWebDist() : options.webDistDir;
  if (config.nodeEnv !== 'production') registerPanel(app, { webDistDir });
  await registerWebApp(app, { webDistDir, production: config.nodeEnv === 'production' });

  let jobs: JobRunner | undefined;
  let jobsGraceMs = 10_000;
  const startJobs = (jobOptions: JobRunnerOptions & { stopGraceMs?: number } = {}) => {
    if (!jobs) {
      const { stopGraceMs, ...runnerOptions } = jobOptions;
      jobsGraceMs = stopGraceMs ?? jobsGraceMs;
      jobs = createJobRunner(services, app.log, runnerOptions);
      jobs.start();
    }
    return jobs;
  };
  let closed: Promise<void> | undefined;
  const shutdown = () => {
    closed ??= (async () => {
      state.shuttingDown = true;
      await Promise.all([app.close(), jobs?.stop(jobsGraceMs)]);
      await database.close();
    })();
    return closed;
  };
  return { app, services, startJobs, shutdown };
}
