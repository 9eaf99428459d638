import type { FastifyInstance } from 'fastify';

/** Development-only tRPC panel (see panel.ts in a later change). */
export function registerPanel(app: FastifyInstance) {
  app.get('/panel', async (_request, reply) => reply.type('text/plain').send('panel'));
}
