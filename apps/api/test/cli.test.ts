/**
 * The command line (the bundle in dist/cli.js, built on first use from the same sources `pnpm user:create`
 * and `pnpm migrate` run with tsx), against its own empty database: a PGlite data directory, or a fresh PostgreSQL
 * database when TEST_DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authService, createPasswordHasher, InvalidCredentialsError, systemClock } from '@lifeos/core/server';
import { createDatabase, sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env.js';
import { API_DIR, ensureBundle } from './bundle.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

let dataDir: string;
let databaseName: string | undefined;
let databaseUrl: string | undefined;

/** Runs one statement (create/drop database) on the TEST_DATABASE_URL server. */
async function admin(statement: string) {
  const server = createDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
  try {
    await sql.raw(statement).execute(server.db);
  } finally {
    await server.close();
  }
}

beforeAll(ensureBundle);

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-cli-'));
  if (TEST_DATABASE_URL) {
    databaseName = `lifeos_cli_${randomBytes(6).toString('hex')}`;
    await admin(`create database ${databaseName}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
  }
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (databaseName) await admin(`drop database if exists ${databaseName} with (force)`);
});

/** The environment the CLI sees: this file's database and nothing from the test runner. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extra,
  };
}

function cli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, ['dist/cli.js', ...args], {
    cwd: API_DIR,
    env: cliEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const OWNER = { username: 'owner', email: 'Owner@Example.com', password: 'correct horse battery staple' };
const createArgs = (user: { username: string; email: string }, extra: string[] = []) => [
  'user:create',
  '--username',
  user.username,
  '--email',
  user.email,
  '--password-stdin',
  ...extra,
];

/** Opens the CLI's database in this process (after the CLI exited: PGlite allows one process at a time). */
async function withDatabase<T>(fn: (deps: Parameters<typeof authService.login>[0]) => Promise<T>): Promise<T> {
  const config = loadConfig({ DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const database = createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await fn({
      db: database.db,
      clock: systemClock,
      config: config.auth,
      hasher: createPasswordHasher(config.argon2),
    });
  } finally {
    await database.close();
  }
}

describe('lifeos user:create', () => {
  it('creates a user from flags and a password on standard input (with its trailing newline)', async () => {
    const result = await cli(createArgs(OWNER, ['--display-name', 'The Owner']), { stdin: `${OWNER.password}\n` });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('Created user owner <owner@example.com>.\n');
    // The password is never echoed.
    expect(result.stdout + result.stderr).not.toContain(OWNER.password);
  });

  it('the new user can sign in with that password (and not with another)', async () => {
    await withDatabase(async (deps) => {
      const session = await authService.login(
        deps,
        { identifier: 'owner@example.com', password: OWNER.password },
        { ip: null, userAgent: 'cli test' },
      );
      expect(session.user).toMatchObject({ username: 'owner', email: 'owner@example.com', displayName: 'The Owner' });
      await expect(
        authService.login(deps, { identifier: 'owner', password: `${OWNER.password}!` }, { ip: null, userAgent: null }),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
    });
  });

  it('refuses a username that is taken (in any case), with a clear message and a non-zero exit', async () => {
    const result = await cli(createArgs({ username: 'OWNER', email: 'other@example.com' }), {
      stdin: 'another long password',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe('That username is taken.');
    expect(result.stdout).toBe('');
  });

  it('refuses an email that is registered (in any case)', async () => {
    const result = await cli(createArgs({ username: 'someone', email: 'OWNER@example.COM' }), {
      stdin: 'another long password',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe('That email is already registered.');
  });

  it('refuses a password shorter than 12 characters, naming the rule', async () => {
    const result = await cli(createArgs({ username: 'shorty', email: 'shorty@example.com' }), { stdin: 'short\n' });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe('password: Password must be at least 12 characters');
  });

  it('refuses an invalid username or email with the field and the reason', async () => {
    const result = await cli(createArgs({ username: 'no spaces', email: 'not-an-email' }), {
      stdin: 'a long enough password',
    });
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^username: Username may contain letters/),
      'email: Enter a valid email address',
    ]);
  });

  it('without a terminal, asks for nothing and says which flag is missing', async () => {
    const noEmail = await cli(['user:create', '--username', 'alice', '--password-stdin'], { stdin: 'x' });
    expect(noEmail.code).not.toBe(0);
    expect(noEmail.stderr.trim()).toBe('Missing --email (no terminal to ask on)');

    const noPassword = await cli(['user:create', '--username', 'alice', '--email', 'alice@example.com']);
    expect(noPassword.code).not.toBe(0);
    expect(noPassword.stderr.trim()).toMatch(/--password-stdin/);
  });

  it('an unknown flag or command is refused with usage', async () => {
    const flag = await cli(['user:create', '--password', 'in-the-shell-history']);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toMatch(/Unknown option '--password'/);
    const command = await cli(['frobnicate']);
    expect(command.code).not.toBe(0);
    expect(command.stderr).toMatch(/^Usage: lifeos user:create/);
  });

  it.skipIf(TEST_DATABASE_URL)('refuses to open embedded PGlite that a running server holds', async () => {
    const server = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const lockFile = path.join(dataDir, 'pglite.lock');
    writeFileSync(lockFile, `${server.pid}\nthe Life OS server\n`);
    try {
      const result = await cli(createArgs({ username: 'carol', email: 'carol@example.com' }), {
        stdin: 'a long enough password',
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim()).toBe(
        `The embedded database in ${dataDir} is in use by the Life OS server (pid ${server.pid}). Stop it first` +
          ` (or, if no such process runs, delete ${lockFile}).`,
      );
    } finally {
      server.kill('SIGKILL');
      await new Promise((resolve) => server.on('exit', resolve));
      rmSync(lockFile, { force: true });
    }
  });

  it('a bad environment variable is one line naming it', async () => {
    const result = await cli(createArgs({ username: 'bob', email: 'bob@example.com' }), {
      stdin: 'a long enough password',
      env: { ARGON2_TIME_COST: 'one' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Invalid environment variable ARGON2_TIME_COST: /),
    ]);
  });
});

describe('lifeos migrate', () => {
  it('list shows every migration applied', async () => {
    const result = await cli(['migrate', 'list']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^\[x\] 20261125000000_auth$/m);
    expect(result.stdout).not.toMatch(/^\[ \]/m);
  });

  it('latest on an up-to-date database says so', async () => {
    const result = await cli(['migrate', 'latest']);
    expect(result).toMatchObject({ code: 0, stdout: 'Already up to date.\n' });
  });

  it('refuses an unknown action', async () => {
    const result = await cli(['migrate', 'sideways']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe('Unknown migrate action "sideways" (expected latest, down or list).');
  });
});
