/**
 * The MCP Inspector's command line (@modelcontextprotocol/inspector-cli, offline: it is a client, nothing to fetch)
 * against /mcp: an independent client lists the tools, calls one, reads a resource and gets a prompt.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startTestServer, type TestServer } from './harness.js';

const require = createRequire(import.meta.url);
/** The inspector's CLI proper (its `bin` is a launcher that may also start the web UI). */
const INSPECTOR = path.join(
  path.dirname(require.resolve('@modelcontextprotocol/inspector-cli/package.json')),
  'build/index.js',
);

let server: TestServer;
let key: string;

async function inspect(...args: string[]) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [INSPECTOR, `${server.url}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${key}`, ...args],
    // It finds its own package.json relative to the working directory (a quirk of 1.0.3), so it runs in its own.
    { timeout: 30_000, cwd: path.dirname(INSPECTOR) },
  );
  return JSON.parse(stdout);
}

beforeAll(async () => {
  server = await startTestServer();
  const owner = await setupOwner(server);
  key = (await owner.client.apiKeys.create.mutate({ name: 'inspector', scope: 'write' })).key;
});
afterAll(() => server.close());

describe('MCP Inspector CLI', () => {
  it('lists the tools, calls one, reads a resource and gets a prompt', async () => {
    const { tools } = await inspect('--method', 'tools/list');
    expect(tools.map((t: { name: string }) => t.name)).toContain('add_capture');
    const called = await inspect(
      '--method',
      'tools/call',
      '--tool-name',
      'add_capture',
      '--tool-arg',
      'text=From the inspector',
    );
    expect(called.isError).toBeFalsy();
    expect(called.structuredContent.text).toBe('From the inspector');
    const resource = await inspect('--method', 'resources/read', '--uri', 'lifeos://today');
    expect(JSON.parse(resource.contents[0].text).inboxCount).toBe(1);
    const prompt = await inspect('--method', 'prompts/get', '--prompt-name', 'weekly-review');
    expect(prompt.messages[0].content.text).toContain('week_facts');
  }, 60_000);
});
