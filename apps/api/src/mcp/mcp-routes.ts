/**
 * MCP over Streamable HTTP at /mcp, for assistants (Claude Desktop, editors) that reach the server over the network.
 * Stateless: every POST gets its own server and transport (the SDK's stateless mode, JSON answers), so no session
 * lives between requests and any replica can answer. GET (a server-to-client stream) and DELETE (ending a session)
 * have nothing to do here and answer 405.
 *
 * Authentication is `Authorization: Bearer <api key>` only, read by the same code as the tRPC API
 * (auth/caller.ts), and never cookies: with no ambient credential there is no cross-site request to forge, and
 * CORS is off for /mcp (http/server.ts). A wrong key is throttled per address like a wrong login (as /dav).
 */

import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveCaller } from '../auth/caller.js';
import { wrongCredentialWait } from '../auth/credential-throttle.js';
import { requestInfoOf } from '../auth/request.js';
import type { AppServices } from '../services.js';
import { createMcpServer, type McpCaller } from './mcp-server.js';

export const MCP_PATH = '/mcp';

/** A JSON-RPC error without a request id, the shape MCP clients read from a refused HTTP request. */
const rpcError = (message: string) => ({ jsonrpc: '2.0', error: { code: -32001, message }, id: null });

async function authenticate(services: AppServices, request: FastifyRequest, reply: FastifyReply) {
  const req = requestInfoOf(request);
  const caller = req.authorization ? await resolveCaller(services, { ...req, cookies: {} }) : null;
  if (caller) return caller;
  if (req.authorization) {
    const retryAfter = await wrongCredentialWait(services, 'mcp', request.ip);
    if (retryAfter !== null) {
      reply.code(429).header('retry-after', String(retryAfter)).send(rpcError('Too many wrong API keys'));
      return null;
    }
  }
  reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="Life OS"')
    .send(rpcError('Send an API key as Authorization: Bearer <key> (Settings → API keys)'));
  return null;
}

export function registerMcp(app: FastifyInstance, services: AppServices) {
  app.register(async (scope) => {
    scope.route({
      method: 'POST',
      url: MCP_PATH,
      bodyLimit: services.config.limits.bodyBytes,
      handler: async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const caller = await authenticate(services, request, reply);
        if (!caller) return reply;
        const mcpCaller: McpCaller = { userId: caller.user.id, grant: caller.grant };
        const server = createMcpServer(services, async () => mcpCaller, request.log);
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: undefined,
          enableJsonResponse: true,
        });
        reply.raw.on('close', () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        // The transport writes the answer itself; Fastify's hooks have already set the security headers on it.
        reply.hijack();
        await transport.handleRequest(request.raw, reply.raw, request.body);
        return reply;
      },
    });
    scope.route({
      method: ['GET', 'DELETE'],
      url: MCP_PATH,
      handler: (_request, reply) =>
        reply.code(405).header('allow', 'POST').send(rpcError('This server is stateless: POST each request')),
    });
  });
}
