/**
 * Life OS command line: `pnpm user:create`, `pnpm migrate` and `pnpm mcp` (see the README).
 *   user:create [--username U --email E --display-name N --password-stdin]   (prompts for whatever is missing)
 *   migrate [latest|down|list]
 *   mcp [--key KEY]   MCP over stdio as an API key's user (or LIFEOS_API_KEY)
 */
import { parseArgs } from 'node:util';
import { input, password as passwordPrompt } from '@inquirer/prompts';
import { ZSetupInput } from '@lifeos/core/schemas';
import { authService, systemClock, UserExistsError } from '@lifeos/core/server';
import { createDatabase, createMigrator, migrateToLatest } from '@lifeos/db';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';
import { type AppConfig, EnvError, loadConfig } from './env.js';
import { InvalidMcpKeyError, serveMcpOverStdio } from './mcp/mcp-stdio.js';
import { type AppServices, createServices } from './services.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The composition root over this command's own database connection (the same services the server builds). */
function openServices(config: AppConfig): AppServices {
  if (!config.databaseUrl) {
    // Embedded PGlite cannot be shared with a running server: it would write over the server's files.
    try {
      lockDataDir(config.dataDir, `the command line (${process.argv.slice(2, 3).join(' ')})`);
    } catch (error) {
      if (error instanceof DataDirLockedError) fail(error.message);
      throw error;
    }
  }
  const database = createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return createServices({ database, clock: systemClock, config });
}

async function createUserCommand(config: AppConfig, args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const interactive = process.stdin.isTTY && !values['password-stdin'];
  const ask = async (label: string, given: string | undefined) => {
    if (given !== undefined) return given;
    if (!interactive) fail(`Missing --${label.toLowerCase().replace(/ /g, '-')} (no terminal to ask on)`);
    return input({ message: `${label}:` });
  };
  const username = await ask('Username', values.username);
  const email = await ask('Email', values.email);
  const displayName =
    values['display-name'] ?? (interactive ? await input({ message: 'Display name:', default: username }) : undefined);
  let password: string;
  if (values['password-stdin']) {
    password = await readStdin();
  } else if (interactive) {
    password = await passwordPrompt({ message: 'Password (12–256 characters):', mask: '*' });
    const again = await passwordPrompt({ message: 'Repeat the password:', mask: '*' });
    if (again !== password) fail('The passwords do not match.');
  } else {
    fail('Give the password on standard input with --password-stdin (it is never taken as a flag).');
  }

  const parsed = ZSetupInput.safeParse({ username, email, password, displayName: displayName || undefined });
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));

  const services = openServices(config);
  try {
    await migrateToLatest(services.db);
    const user = await authService.createUser(services, parsed.data);
    process.stdout.write(`Created user ${user.username} <${user.email}>.\n`);
  } catch (error) {
    if (error instanceof UserExistsError) fail(`${error.message}.`);
    throw error;
  } finally {
    await services.database.close();
  }
}

async function migrateCommand(config: AppConfig, args: string[]) {
  const action = args[0] ?? 'latest';
  const { database } = openServices(config);
  try {
    const migrator = createMigrator(database.db);
    if (action === 'latest') {
      const { results } = await migrateToLatest(database.db);
      process.stdout.write(
        results?.length ? results.map((r) => `${r.status}: ${r.migrationName}\n`).join('') : 'Already up to date.\n',
      );
    } else if (action === 'down') {
      const { error, results } = await migrator.migrateDown();
      if (error) throw error;
      process.stdout.write(
        results?.length ? results.map((r) => `undone: ${r.migrationName}\n`).join('') : 'Nothing to undo.\n',
      );
    } else if (action === 'list') {
      for (const m of await migrator.getMigrations()) {
        process.stdout.write(`${m.executedAt ? '[x]' : '[ ]'} ${m.name}\n`);
      }
    } else {
      fail(`Unknown migrate action "${action}" (expected latest, down or list).`);
    }
  } finally {
    await database.close();
  }
}

async function mcpCommand(config: AppConfig, args: string[]) {
  const { values } = parseArgs({ args, options: { key: { type: 'string' } }, strict: true });
  const key = values.key ?? config.mcpApiKey;
  if (!key) fail('Give the API key as LIFEOS_API_KEY (or --key): Settings → API keys.');
  const services = openServices(config);
  try {
    await serveMcpOverStdio(services, key);
  } catch (error) {
    if (error instanceof InvalidMcpKeyError) fail(error.message);
    throw error;
  } finally {
    await services.database.close();
  }
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
  if (command === 'user:create') return createUserCommand(config, args);
  if (command === 'migrate') return migrateCommand(config, args);
  if (command === 'mcp') return mcpCommand(config, args);
  fail(
    'Usage: lifeos user:create [--username U --email E --display-name N --password-stdin] | migrate [latest|down|list]' +
      ' | mcp [--key KEY]',
  );
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
