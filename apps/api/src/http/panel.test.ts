import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { browserClient, startTestServer, type TestServer } from '../../test/harness.js';
import { appRouter } from '../routers/_app.js';
import { protectedProcedure, publicProcedure, router } from '../trpc/init.js';
import { describeProcedures, JS_TYPE_KEYWORD, type ProcedureDescription } from './panel.js';

/** The router's flat record of procedures, as tRPC keeps it at run time. */
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>;
const procedurePaths = Object.keys(procedures).sort();

/** A stand-in for apps/web/dist: the SPA's index.html and the panel's page. */
function fakeWebDist() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-panel-dist-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Life OS</title><div id="root"></div>');
  writeFileSync(
    path.join(dir, 'panel.html'),
    '<!doctype html><title>Life OS — tRPC panel</title><div id="panel"></div>',
  );
  return dir;
}

describe('describeProcedures', () => {
  const described = describeProcedures(appRouter);
  const byPath = new Map(described.map((p) => [p.path, p]));
  const inputProperties = (procedurePath: string) =>
    (byPath.get(procedurePath)?.inputSchema?.properties ?? {}) as Record<string, unknown>;

  it('lists exactly the procedures of the router, sorted by path', () => {
    expect(described.map((p) => p.path)).toEqual(procedurePaths);
  });

  it('describes every input as a JSON Schema object and leaves input-less procedures at null', () => {
    for (const [procedurePath, procedure] of Object.entries(procedures)) {
      const description = byPath.get(procedurePath);
      const hasInput = procedure._def.inputs.length > 0;
      if (hasInput) expect(description?.inputSchema, procedurePath).toMatchObject({ type: 'object' });
      else expect(description?.inputSchema, procedurePath).toBeNull();
    }
    expect(byPath.get('auth.setupStatus')?.inputSchema).toBeNull();
  });

  it('carries type, description and output schema', () => {
    expect(byPath.get('auth.login')).toMatchObject({ type: 'mutation', description: expect.any(String) });
    expect(byPath.get('settings.get')).toMatchObject({ type: 'query', outputSchema: { type: 'object' } });
    // Checked once (kept answers), still described by its schema.
    expect(byPath.get('dashboard.today')?.outputSchema).toMatchObject({
      type: 'object',
      properties: { agenda: { type: 'object' } },
    });
    for (const p of described) expect(p.description, p.path).toEqual(expect.any(String));
  });

  it('describes dates as date-time strings the panel turns back into Dates', () => {
    const expiresAt = inputProperties('apiKeys.create').expiresAt;
    expect(expiresAt).toEqual({ type: 'string', format: 'date-time', [JS_TYPE_KEYWORD]: 'Date' });
    const required = byPath.get('apiKeys.create')?.inputSchema?.required;
    expect(required).not.toContain('expiresAt');
  });

  it('describes inputs as the caller sends them (before transforms)', () => {
    const email = inputProperties('settings.update').email;
    expect(email).toMatchObject({ type: 'string' });
  });

  it('derives who may call each procedure from its middleware chain', () => {
    const auth = (p: string) => {
      const { auth, sessionOnly } = byPath.get(p) as ProcedureDescription;
      return { auth, sessionOnly };
    };
    expect(auth('auth.login')).toEqual({ auth: 'public', sessionOnly: false });
    expect(auth('auth.setupStatus')).toEqual({ auth: 'public', sessionOnly: false });
    expect(auth('settings.update')).toEqual({ auth: 'protected', sessionOnly: false });
    expect(auth('apiKeys.create')).toEqual({ auth: 'protected', sessionOnly: true });
  });
});

describe('describeProcedures on a router it has never seen', () => {
  const extra = router({
    jobs: router({
      schedule: protectedProcedure
        .meta({ description: 'Two chained inputs' })
        .input(z.object({ name: z.string() }))
        .input(z.object({ at: z.date().nullable(), count: z.bigint().optional() }))
        .mutation(() => 'ok'),
      ping: publicProcedure.query(() => 'pong'),
    }),
  });
  const described = describeProcedures(extra);

  it('picks up every procedure with no registration', () => {
    expect(described.map((p) => p.path)).toEqual(['jobs.ping', 'jobs.schedule']);
    expect(described[0]).toMatchObject({ type: 'query', description: null, inputSchema: null, outputSchema: null });
  });

  it('merges chained object inputs and marks dates and bigints', () => {
    expect(described[1]).toMatchObject({ auth: 'protected', sessionOnly: false });
    expect(described[1]?.inputSchema).toMatchObject({
      type: 'object',
      properties: {
        name: { type: 'string' },
        at: { anyOf: [{ type: 'string', format: 'date-time', [JS_TYPE_KEYWORD]: 'Date' }, { type: 'null' }] },
        count: { type: 'string', [JS_TYPE_KEYWORD]: 'BigInt' },
      },
      required: ['name', 'at'],
    });
  });
});

describe('the panel in development', () => {
  let server: TestServer;
  const webDistDir = fakeWebDist();
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'development' }, webDistDir });
  });
  afterAll(async () => {
    await server.close();
    rmSync(webDistDir, { recursive: true, force: true });
  });

  it('lists every procedure at /api/panel/procedures', async () => {
    const response = await fetch(`${server.url}/api/panel/procedures`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as ProcedureDescription[];
    expect(body.map((p) => p.path)).toEqual(procedurePaths);
    expect(body).toEqual(JSON.parse(JSON.stringify(describeProcedures(appRouter))));
  });

  it('serves the panel page at /panel under the server CSP', async () => {
    const response = await fetch(`${server.url}/panel`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('tRPC panel');
  });

  it('agrees with the server about who may call what: protected procedures refuse anonymous callers', async () => {
    const anonymous = browserClient(server);
    for (const procedure of describeProcedures(appRouter).filter((p) => p.auth === 'protected')) {
      const url = `${server.url}/trpc/${procedure.path}`;
      const response =
        procedure.type === 'query'
          ? await anonymous.fetch(url)
          : await anonymous.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status, procedure.path).toBe(401);
    }
  });
});

describe('the panel without a built web app', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'development' }, webDistDir: null });
  });
  afterAll(() => server.close());

  it('says how to build it', async () => {
    const response = await fetch(`${server.url}/panel`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toContain('pnpm --filter @lifeos/web build');
    expect(text).toContain('/panel');
    // The procedure list does not need the page.
    expect((await fetch(`${server.url}/api/panel/procedures`)).status).toBe(200);
  });
});

describe('the panel in production', () => {
  let server: TestServer;
  const webDistDir = fakeWebDist();
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'production' }, webDistDir });
  });
  afterAll(async () => {
    await server.close();
    rmSync(webDistDir, { recursive: true, force: true });
  });

  it('does not exist, even though panel.html is in the build', async () => {
    for (const route of ['/panel', '/panel/', '/panel.html', '/api/panel/procedures']) {
      const response = await fetch(`${server.url}${route}`);
      expect(response.status, route).toBe(404);
      expect(await response.text(), route).not.toContain('tRPC panel');
    }
    // The web app itself is still served.
    expect((await fetch(`${server.url}/`)).status).toBe(200);
  });
});
