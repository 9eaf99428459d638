/** The MCP SDK's own client over real HTTP, for the mcp*.test.ts files. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { TestServer } from './harness.js';

/** A connected client acting with `key` (none: no Authorization header at all). */
export async function mcpClient(server: Pick<TestServer, 'url'>, key?: string): Promise<Client> {
  const client = new Client({ name: 'lifeos-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: key ? { headers: { authorization: `Bearer ${key}` } } : {},
  });
  await client.connect(transport);
  return client;
}

/** Calls a tool; the SDK checks structured output against the tool's outputSchema. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** A tool's structured answer, failing the test on a tool error. */
export async function answer<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = await call(client, name, args);
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** The text of a tool error. */
export const errorText = (result: CallToolResult) =>
  result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');

/** A resource's JSON, as the client reads it. */
export async function resourceJson<T = Record<string, unknown>>(client: Client, uri: string): Promise<T> {
  const { contents } = await client.readResource({ uri });
  const first = contents[0];
  if (!first || !('text' in first)) throw new Error(`${uri} has no text`);
  return JSON.parse(first.text) as T;
}
