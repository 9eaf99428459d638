/**
 * MCP over stdio (`pnpm mcp`), for assistants that start a local process instead of calling a server. It acts as
 * one API key (LIFEOS_API_KEY or --key), checked by the same code as every other transport (auth/caller.ts) on
 * every request, so a key revoked in Settings stops working in a running session too. Standard output is the
 * protocol: nothing else may be written there, so errors and logs go to standard error.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { resolveCaller } from '../auth/caller.js';
import { noRequest } from '../auth/request.js';
import type { AppServices } from '../services.js';
import { createMcpServer, type McpCaller } from './mcp-server.js';

export class InvalidMcpKeyError extends Error {
  constructor() {
    super('The API key is not valid: unknown, revoked or expired (Settings → API keys)');
    this.name = 'InvalidMcpKeyError';
  }
}

/** Serves MCP on stdin/stdout as the key's user until stdin closes. */
export async function serveMcpOverStdio(services: AppServices, key: string): Promise<void> {
  const callerOf = async (): Promise<McpCaller | null> => {
    const caller = await resolveCaller(services, { ...noRequest, authorization: `Bearer ${key}` });
    return caller ? { userId: caller.user.id, grant: caller.grant } : null;
  };
  // Refused at start, before a client is told anything: a wrong key is a setup error, not a tool error.
  if (!(await callerOf())) throw new InvalidMcpKeyError();
  const log = {
    error: (details: object, message: string) => process.stderr.write(`${message}: ${JSON.stringify(details)}\n`),
  };
  const server = createMcpServer(
    services,
    async () => {
      const caller = await callerOf();
      if (!caller) throw new McpError(ErrorCode.InvalidRequest, new InvalidMcpKeyError().message);
      return caller;
    },
    log,
  );
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
