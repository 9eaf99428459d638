import { type Database, sql } from '@lifeos/db';
import type { FastifyInstance } from 'fastify';

const HEALTH_TIMEOUT_MS = 2_000;

async function databaseAnswers(database: Database): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_TIMEOUT_MS);
    });
    await Promise.race([sql`select 1`.execute(database.db), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealth(app: FastifyInstance, database: Database, state: { shuttingDown: boolean }) {
  app.get('/api/health/live', async () => ({ status: 'ok' }));
  app.get('/api/health', async (_request, reply) => {
    if (state.shuttingDown) return reply.code(503).send({ status: 'shutting_down', db: 'unknown' });
    const up = await databaseAnswers(database);
    return reply.code(up ? 200 : 503).send(up ? { status: 'ok', db: 'ok' } : { status: 'error', db: 'down' });
  });
}
