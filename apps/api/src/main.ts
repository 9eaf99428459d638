import { createDatabase, migrateToLatest } from '@lifeos/db';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';
import { type AppConfig, EnvError, loadConfig } from './env.js';
import { buildServer } from './http/server.js';

function configOrExit(): AppConfig {
  try {
    const config = loadConfig();
    // Embedded PGlite is one process's: refuse to open it twice (released when this process exits).
    if (!config.databaseUrl) lockDataDir(config.dataDir, 'the Life OS server');
    return config;
  } catch (error) {
    if (error instanceof EnvError || error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main() {
  const config = configOrExit();
  const database = createDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    statementTimeoutMs: config.limits.statementTimeoutMs,
  });
  // Setting up routes needs no database: it overlaps the migration check (and PGlite opening its files). Nothing
  // listens before both are done.
  const [server] = await Promise.all([buildServer({ config, database }), migrateToLatest(database.db)]);

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      server.app.log.info({ signal }, 'shutting down');
      server.shutdown().then(
        () => process.exit(0),
        (error: unknown) => {
          server.app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  await server.app.listen({ port: config.port, host: config.host });
  server.startJobs();
  const where = database.driver === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  server.app.log.info(`Life OS is running on http://${config.host}:${config.port} (${where})`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Life OS failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
