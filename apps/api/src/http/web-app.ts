import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const API_PREFIXES = ['/trpc', '/api', '/panel'];

/**
 * Serves the built SPA: hashed assets cached for a year, every other page path falls back to index.html
 * (revalidated on every visit, so a new build is picked up at once). The web build writes `.br` and `.gz` beside each text
 * file; a browser that accepts one gets it (with `Vary: Accept-Encoding`), anyone else the plain file.
 */
export async function registerWebApp(
  app: FastifyInstance,
  options: { webDistDir: string | null; production: boolean },
) {
  const { webDistDir } = options;
  if (webDistDir) {
    await app.register(fastifyStatic, {
      root: webDistDir,
      // One wildcard route rather than one per file: registering ~300 routes cost ~100 ms of every start.
      wildcard: true,
      index: false,
      preCompressed: true,
      // The dev panel's page ships in the same build; it is never served in production.
      allowedPath: (pathName) => !(options.production && pathName.startsWith('/panel')),
      setHeaders: (res, filePath) => {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !API_PREFIXES.some((p) => request.url.startsWith(p));
    if (isPage && webDistDir) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html', webDistDir);
    }
    if (isPage) {
      return reply
        .code(404)
        .type('text/plain')
        .send('The web app is not built. Run `pnpm start` (which builds it) or `pnpm dev` for the Vite dev server.');
    }
    return reply.code(404).send({ error: 'Not Found' });
  });
}
