import { gzipSync } from 'node:zlib';
import fastifyCookie from '@fastify/cookie';
import { DashboardCache } from '@lifeos/core/server';
import { getErrorShape, getTRPCErrorFromUnknown, TRPCError, transformTRPCResponse } from '@trpc/server';
import { getHTTPStatusCode, resolveResponse } from '@trpc/server/http';
import Fastify from 'fastify';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, type BrowserClient, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';
import { CallerCache } from '../auth/caller-cache.js';
import { appRouter } from '../routers/_app.js';
import { appTrpcRoute } from './server.js';
import { registerTrpcRoute } from './trpc-route.js';

let server: TestServer;
let owner: BrowserClient;
let apiKey: string;
beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  apiKey = (await owner.client.apiKeys.create.mutate({ name: 'route', scope: 'write' })).key;
});
afterAll(() => server.close());

const bearer = () => ({ authorization: `Bearer ${apiKey}` });

describe('the tRPC route on Fastify', () => {
  it('answers a query as one JSON document with its length, and a batch as an array in call order', async () => {
    const single = await fetch(`${server.url}/trpc/settings.get`, { headers: bearer() });
    expect(single.status).toBe(200);
    expect(single.headers.get('content-type')).toMatch(/^application\/json/);
    expect(single.headers.get('cache-control')).toBe('no-store');
    const text = await single.text();
    expect(Number(single.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).result.data.json.username).toBe('owner');

    const batch = await fetch(`${server.url}/trpc/settings.get,auth.me?batch=1&input=${encodeURIComponent('{}')}`, {
      headers: bearer(),
    });
    const [settings, me] = (await batch.json()) as { result: { data: { json: Record<string, unknown> } } }[];
    expect(settings?.result.data.json.username).toBe('owner');
    expect(me?.result.data.json.authMethod).toBe('apiKey');
  });

  it('streams a batch to a client that asks for JSON lines', async () => {
    const response = await fetch(`${server.url}/trpc/settings.get,auth.me?batch=1&input=${encodeURIComponent('{}')}`, {
      headers: { ...bearer(), 'trpc-accept': 'application/jsonl' },
    });
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('\n')).toContain('"username":"owner"');
  });

  it('keeps the error status and message of a failed call, and takes mutations by POST only', async () => {
    const anonymous = await fetch(`${server.url}/trpc/settings.get`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { json: { message: string } } }).error.json.message).toBe(
      'Sign in to continue',
    );
    const byGet = await fetch(`${server.url}/trpc/settings.update`, { headers: bearer() });
    expect(byGet.status).toBe(405);
    const posted = await fetch(`${server.url}/trpc/settings.update`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ json: { theme: 'dark' } }),
    });
    expect(posted.status).toBe(200);
    expect(((await posted.json()) as { result: { data: { json: { theme: string } } } }).result.data.json.theme).toBe(
      'dark',
    );
  });

  it('compresses answers from 1 KiB on for clients that accept it, never a streamed batch', async () => {
    for (const day of ['2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05']) {
      await owner.client.journal.upsert.mutate({
        type: 'morning_pages',
        date: day,
        content: { text: 'word '.repeat(200) },
      });
    }
    const list = `${server.url}/trpc/journal.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`;
    const plain = await fetch(list, { headers: { ...bearer(), 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const plainText = await plain.text();
    expect(plainText.length).toBeGreaterThan(1024);
    for (const encoding of ['br', 'gzip']) {
      const packed = await fetch(list, { headers: { ...bearer(), 'accept-encoding': encoding } });
      expect(packed.headers.get('content-encoding'), encoding).toBe(encoding);
      expect(packed.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(await packed.text(), encoding).toBe(plainText); // fetch decodes it
    }
    const small = await fetch(`${server.url}/trpc/settings.get`, { headers: { ...bearer(), 'accept-encoding': 'br' } });
    expect(small.headers.get('content-encoding')).toBeNull();
    const streamed = await fetch(
      `${server.url}/trpc/journal.list,settings.get?batch=1&input=${encodeURIComponent('{}')}`,
      {
        headers: { ...bearer(), 'trpc-accept': 'application/jsonl', 'accept-encoding': 'br' },
      },
    );
    expect(streamed.headers.get('content-type')).toBe('application/jsonl');
    expect(streamed.headers.get('content-encoding')).toBeNull();
  });

  it('does not inflate a compressed request body (only answers are compressed)', async () => {
    const before = await owner.client.settings.get.query();
    const response = await fetch(`${server.url}/trpc/settings.update`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ json: { displayName: 'Inflated' } })),
    });
    expect(response.status).toBe(400);
    expect((await owner.client.settings.get.query()).displayName).toBe(before.displayName);
  });

  it('refuses bodies that are not JSON before tRPC reads them', async () => {
    for (const type of ['multipart/form-data; boundary=x', 'text/plain', 'application/octet-stream']) {
      const response = await fetch(`${server.url}/trpc/settings.update`, {
        method: 'POST',
        headers: { ...bearer(), 'content-type': type },
        body: '--x--',
      });
      expect(response.status, type).toBe(415);
    }
  });
});

describe('queries by GET, answered without the Fetch round trip', () => {
  // The API's own route options on the test server's database, twice: the fast path on and off.
  const app = Fastify();
  let base: string;
  beforeAll(async () => {
    await app.register(fastifyCookie);
    // The server's services with fresh caches: neither path answers from what the other kept.
    const services = { ...server.services, callerCache: new CallerCache(0), dashboardCache: new DashboardCache(10) };
    await registerTrpcRoute(app, { ...appTrpcRoute(services), prefix: '/fast' });
    await registerTrpcRoute(app, { ...appTrpcRoute(services), prefix: '/slow', fastQueries: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(() => app.close());

  const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(superjson.serialize(value)))}`;
  const batchInput = (values: unknown[]) =>
    `batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(values.map((v, i) => [i, superjson.serialize(v)]))))}`;

  it("answers every kind of query request exactly as tRPC's own path does", async () => {
    await owner.client.journal.upsert.mutate({
      type: 'morning_pages',
      date: '2026-03-02',
      content: { text: 'three pages of this and that' },
    });
    const cookie = owner.jar.header();
    const asKey = { authorization: `Bearer ${apiKey}` };
    const asBrowser = { cookie, origin: APP_ORIGIN, 'x-lifeos-csrf': '1' };
    const cases: [string, Record<string, string>][] = [
      ['settings.get', asKey],
      ['settings.get', asBrowser],
      ['settings.get', {}], // signed out: 401
      ['settings.get', { cookie, origin: 'https://evil.example' }], // cross-site: 403
      [`journal.get?${input({ type: 'morning_pages', date: '2026-03-02' })}`, asKey], // Dates in the answer
      [`journal.get?${input({ type: 'morning_pages', date: '2026-03-03' })}`, asKey], // null
      [`journal.get?${input({ type: 'morning_pages', date: 'yesterday' })}`, asKey], // field errors
      [`journal.get?${input({ type: 'morning_pages', date: 'a\u0000' })}`, asKey], // NUL
      ['journal.get?input=%7Bnot%20json', asKey], // unreadable input
      ['journal.get', asKey], // missing input
      [
        `calendar.events.list?${input({ from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') })}`,
        asKey,
      ], // Dates in the input
      ['dashboard.today', asKey], // computed, then kept: its text is written once
      ['dashboard.today', asKey],
      [`dashboard.today,settings.get?${batchInput([undefined, undefined])}`, asKey],
      [`settings.get,auth.me?${batchInput([undefined, undefined])}`, asKey],
      [`settings.get,journal.get?${batchInput([undefined, { type: 'nope' }])}`, asKey], // mixed: 207
      ['settings.get,auth.me?batch=1&input=%5B1%5D', asKey], // a batch's input must be an object
      ['settings.get,auth.me?batch=1', asBrowser],
      ['settings.get,auth.me?batch=1', {}],
      // Not queries by GET: both take tRPC's path, so these only check the fallback is wired.
      ['settings.update', asKey],
      ['no.such.procedure', asKey],
      ['settings.get,settings.update?batch=1', asKey],
    ];
    for (const [path, headers] of cases) {
      const [fast, slow] = await Promise.all(
        ['fast', 'slow'].map((prefix) => fetch(`${base}/${prefix}/${path}`, { headers })),
      );
      const label = `${path} ${Object.keys(headers).join(',') || 'anonymous'}`;
      expect(fast?.status, label).toBe(slow?.status);
      for (const header of ['content-type', 'vary', 'retry-after']) {
        expect(fast?.headers.get(header), `${label}: ${header}`).toBe(slow?.headers.get(header));
      }
      expect(await fast?.text(), label).toBe(await slow?.text());
    }
  });
});

describe('the pieces of tRPC the route relies on (an upgrade that moves one fails here first)', () => {
  it('are exported functions of @trpc/server and @trpc/server/http', () => {
    for (const piece of [
      getErrorShape,
      getTRPCErrorFromUnknown,
      transformTRPCResponse,
      resolveResponse,
      getHTTPStatusCode,
    ]) {
      expect(piece).toBeTypeOf('function');
    }
    expect(new TRPCError({ code: 'NOT_FOUND' }).code).toBe('NOT_FOUND');
  });

  it("and the router's definition: procedures by dotted path with their type, the transformer, procedures callable", async () => {
    // The router's `_def` is what tRPC's own adapters read (resolveResponse does); answerQueries reads the same.
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    expect(procedures['journal.list']?._def.type).toBe('query');
    expect(procedures['journal.upsert']?._def.type).toBe('mutation');
    expect(appRouter._def._config.transformer.input.deserialize).toBeTypeOf('function');
    expect(appRouter._def._config.transformer.output.serialize).toBeTypeOf('function');
    // answerQueries calls a query as resolveResponse does; the comparison with tRPC's own path above covers the call.
    expect(procedures['auth.setupStatus']).toBeTypeOf('function');
  });
});
