/**
 * MCP over stdio: `pnpm --silent mcp` spawned as an assistant spawns it, driven by the SDK's own client, against
 * its own database (a PGlite data directory, or a fresh PostgreSQL database when TEST_DATABASE_URL is set). The
 * documented command once (pnpm → pnpm → tsx compiles the CLI: ~8 s); the other cases spawn the same CLI as the
 * bundle in dist/ (`node dist/cli.js mcp`, as the Docker image has it), which starts in a fraction of that.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiKeysService, authService, systemClock } from '@lifeos/core/server';
import { createDatabase, migrateToLatest, sql } from '@lifeos/db';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env.js';
import { createServices } from '../src/services.js';
import { API_DIR, ensureBundle } from './bundle.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const REPO_DIR = path.resolve(API_DIR, '../..');

let dataDir: string;
let databaseName: string | undefined;
let databaseUrl: string | undefined;
let key: string;
let readKey: string;

async function admin(statement: string) {
  const server = createDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
  try {
    await sql.raw(statement).execute(server.db);
  } finally {
    await server.close();
  }
}

/** The environment the child sees: this file's database and nothing else of the test runner's. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    DATA_DIR: dataDir,
    SECRET_KEY: 'x'.repeat(48),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extra,
  };
}

/** The composition root over this file's database, as the command line builds it; closed by `work`'s end. */
async function withServices<T>(work: (services: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
  const config = loadConfig(childEnv({ NODE_ENV: 'test' }));
  const database = createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const services = createServices({ database, clock: systemClock, config });
  try {
    return await work(services);
  } finally {
    await database.close();
  }
}

function stdioClient(env: Record<string, string>, command: 'pnpm' | 'bundle' = 'bundle') {
  const transport = new StdioClientTransport({
    ...(command === 'pnpm'
      ? { command: 'pnpm', args: ['--silent', 'mcp'], cwd: REPO_DIR }
      : { command: process.execPath, args: ['dist/cli.js', 'mcp'], cwd: API_DIR }),
    env: childEnv(env),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const client = new Client({ name: 'lifeos-stdio-test', version: '1.0.0' });
  return { client, transport, stderr: () => stderr };
}

beforeAll(async () => {
  await ensureBundle();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-mcp-stdio-'));
  if (TEST_DATABASE_URL) {
    databaseName = `lifeos_mcp_${randomBytes(6).toString('hex')}`;
    await admin(`create database ${databaseName}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
  }
  await withServices(async (services) => {
    await migrateToLatest(services.db);
    const user = await authService.createUser(services, {
      username: 'owner',
      email: 'owner@example.com',
      password: 'correct horse battery staple',
    });
    key = (await apiKeysService.createApiKey(services, user.id, { name: 'desktop', scope: 'write' })).key;
    readKey = (await apiKeysService.createApiKey(services, user.id, { name: 'reader', scope: 'read' })).key;
  });
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (databaseName) await admin(`drop database if exists ${databaseName} with (force)`);
});

describe('pnpm mcp (stdio)', () => {
  it('serves the tools as the key’s user, and what they write is in the database', async () => {
    const { client, transport, stderr } = stdioClient({ LIFEOS_API_KEY: key }, 'pnpm');
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['add_task', 'read_today', 'search']));
      const added = await client.callTool({ name: 'add_task', arguments: { title: 'From the desktop' } });
      expect(added.isError).toBeFalsy();
      const today = await client.callTool({ name: 'read_today', arguments: {} });
      expect((today.structuredContent as { displayName: string }).displayName).toBe('owner');
    } finally {
      await client.close();
    }
    expect(stderr()).toBe('');
    // The child has let go of the database (PGlite's directory is free again) and the task is there.
    const titles = await withServices(async (services) =>
      (await services.db.selectFrom('tasks').select('title').execute()).map((t) => t.title),
    );
    expect(titles).toEqual(['From the desktop']);
  }, 60_000);

  it('gives a read key the read tools only, over stdio too', async () => {
    const { client, transport } = stdioClient({ LIFEOS_API_KEY: readKey });
    await client.connect(transport);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).not.toContain('add_task');
      const refused = await client.callTool({ name: 'add_task', arguments: { title: 'no' } });
      expect(refused.isError).toBe(true);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('refuses to start with a wrong key or none, saying why on standard error', async () => {
    const envs: Record<string, string>[] = [{ LIFEOS_API_KEY: 'lifeos_wrong' }, {}];
    for (const env of envs) {
      const { client, transport, stderr } = stdioClient(env);
      await expect(client.connect(transport)).rejects.toThrow();
      await client.close();
      expect(stderr()).toMatch(/API key/);
    }
  }, 60_000);
});
