import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const API_PREFIXES = ['/trpc', '/api', '/panel'];

/**
 * Files of the build that are never a page: when one is missing (an old tab asking for a chunk of the build before,
 * a browser checking for a service worker after it was removed), index.html in its place would be parsed as script
 * or as a manifest and fail confusingly; a 404 says what happened.
 */
const BUILD_FILE = /^\/(?:assets\/|icons\/|sw\.js$|workbox-[\w-]+\.js$|manifest\.webmanifest$)/;

/**
 * Serves the built SPA: hashed assets cached for a year, every other page path falls back to index.html
 * (revalidated on every visit, so a new build is picked up at once). The web build writes `.br` and `.gz` beside each text
 * file; a browser that accepts one gets it (with `Vary: Accept-Encoding`), anyone else the plain file.
 * The service worker (`sw.js`, its `workbox-*.js`) and `manifest.webmanifest` are revalidated on every visit too:
 * a browser looks for a new worker by fetching `sw.js`, and one cached for a while would hold back every update.
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
  if (webDistDir) {
    // The static wildcard would take `/` for the build's folder, which without an index is refused (403) to a
    // client that accepts no encoding (curl, a health probe); with one it found index.html.br by another path.
    app.get('/', (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html', webDistDir));
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?', 1)[0] ?? '';
    const isPage =
      request.method === 'GET' && !API_PREFIXES.some((p) => pathname.startsWith(p)) && !BUILD_FILE.test(pathname);
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
