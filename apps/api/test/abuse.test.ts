/**
 * What a hostile or broken client can throw at the transport: huge bodies, huge batches, absurdly deep JSON. Each
 * must be refused early with a 4xx, cost the server next to no memory, and leave it serving.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, expectCode, setupOwner, startTestServer, type TestServer } from './harness.js';
import { PAGE_HEADERS } from './raw-trpc.js';

let server: TestServer;
let owner: BrowserClient;
beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
});
afterAll(() => server.close());

/**
 * How much a test may grow this process's resident memory. It holds the server and its client, and memory a
 * collection frees is not always handed back to the system, so growth of 16–20 MiB was seen from noise alone under
 * load; keeping the refused bodies would cost 50 MiB (five of 10 MB).
 */
const RSS_GROWTH_MAX_MIB = 32;

/** Resident memory after a collection, when the runner lets us ask for one. */
function rssMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / (1024 * 1024);
}

/**
 * Streams `totalBytes` of JSON-ish body at the server without waiting for it to be read, and resolves with the
 * status and how many bytes had been handed to the socket when the answer came: refused early means long before
 * the end.
 */
function streamBody(path: string, totalBytes: number, declareLength: boolean) {
  return new Promise<{ status: number; body: string; sentWhenAnswered: number }>((resolve, reject) => {
    const url = new URL(path, server.url);
    const request = http.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        ...PAGE_HEADERS,
        ...(declareLength ? { 'content-length': String(totalBytes) } : { 'transfer-encoding': 'chunked' }),
      },
    });
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    request.on('response', (response) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = '';
      response.on('data', (data) => {
        body += data;
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body, sentWhenAnswered });
        request.destroy();
      });
    });
    // The server may close the connection on us once it has answered; that is the point.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < totalBytes) {
        const piece = sent === 0 ? Buffer.concat([Buffer.from('{"json":"'), chunk]) : chunk;
        sent += piece.length;
        if (!request.write(piece)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered) request.end();
    };
    pump();
  });
}

describe('abuse of the transport', () => {
  it('refuses a declared 10 MB body with 413 before reading it, and memory does not grow', async () => {
    const before = rssMiB();
    for (let i = 0; i < 5; i += 1) {
      const answer = await streamBody('/trpc/auth.login', 10 * 1024 * 1024, true);
      expect(answer.status).toBe(413);
      // In tRPC's error shape, so the typed client reports the code.
      expect(JSON.parse(answer.body)).toMatchObject({
        error: { json: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } },
      });
      // Fastify answers from the Content-Length alone; at most what was already in flight was sent.
      expect(answer.sentWhenAnswered).toBeLessThan(10 * 1024 * 1024);
    }
    expect(rssMiB() - before).toBeLessThan(RSS_GROWTH_MAX_MIB);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('tells the typed client PAYLOAD_TOO_LARGE, and nothing is saved', async () => {
    const text = 'x'.repeat(2 * 1024 * 1024);
    await expectCode(owner.client.captures.create.mutate({ text }), 'PAYLOAD_TOO_LARGE');
    expect(await owner.client.captures.list.query({})).toEqual([]);
  });

  it('cuts an undeclared (chunked) 10 MB body at the 1 MiB limit', async () => {
    const before = rssMiB();
    const answer = await streamBody('/trpc/auth.login', 10 * 1024 * 1024, false);
    expect(answer.status).toBe(413);
    expect(answer.sentWhenAnswered).toBeLessThan(4 * 1024 * 1024);
    expect(rssMiB() - before).toBeLessThan(RSS_GROWTH_MAX_MIB);
  });

  it('refuses a batch of 1,000 calls without running any of them', async () => {
    const paths = Array.from({ length: 1_000 }, () => 'auth.me').join(',');
    const started = Date.now();
    const get = await fetch(`${server.url}/trpc/${paths}?batch=1&input=${encodeURIComponent('{}')}`, {
      headers: PAGE_HEADERS,
    });
    expect(get.status).toBeGreaterThanOrEqual(400);
    expect(get.status).toBeLessThan(500);
    const post = await fetch(`${server.url}/trpc/${paths.replaceAll('auth.me', 'auth.logout')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...PAGE_HEADERS },
      body: '{}',
    });
    expect(post.status).toBeGreaterThanOrEqual(400);
    expect(post.status).toBeLessThan(500);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers deeply nested JSON input with 400, never 500, and keeps serving', async () => {
    for (const depth of [1_000, 100_000, 400_000]) {
      // Inside the limit: 400,000 levels of arrays are 800 KB.
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      for (const procedure of ['auth.login', 'captures.create']) {
        const response = await fetch(`${server.url}/trpc/${procedure}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...PAGE_HEADERS },
          body: `{"json":{"identifier":${nested}}}`,
        });
        expect({ depth, procedure, status: response.status }).toEqual({
          depth,
          procedure,
          status: procedure === 'auth.login' ? 400 : 401,
        });
      }
      const meta = await fetch(`${server.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...PAGE_HEADERS },
        body: `{"json":{},"meta":{"values":${nested}}}`,
      });
      expect(meta.status).toBeGreaterThanOrEqual(400);
      expect(meta.status).toBeLessThan(500);
    }
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('answers a 400,000-element array with 413 (public and signed in), logs no error, and keeps serving', async () => {
    // 800 KB: inside the 1 MiB body limit. The NUL check spread such arrays onto the stack: a 500 and an error log.
    const huge = `[${'0,'.repeat(399_999)}0]`;
    const errorsBefore = server.logs.filter((line) => line.includes('"level":50')).length;
    const login = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...PAGE_HEADERS },
      body: `{"json":{"identifier":${huge},"password":"x"}}`,
    });
    expect(login.status).toBe(413);
    const signedIn = await owner.fetch(`${server.url}/trpc/captures.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"json":{"text":${huge}}}`,
    });
    expect(signedIn.status).toBe(413);
    expect(await signedIn.json()).toMatchObject({ error: { json: { data: { code: 'PAYLOAD_TOO_LARGE' } } } });
    // An object with too many members: refused too.
    // 101,000 members (a key and a value each) in ~0.9 MB: inside the body limit, over the values limit.
    const wide = `{${Array.from({ length: 101_000 }, (_, i) => `"${i.toString(36)}":0`).join(',')}}`;
    expect(wide.length).toBeLessThan(1024 * 1024 - 100);
    const keys = await owner.fetch(`${server.url}/trpc/captures.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"json":{"text":${wide}}}`,
    });
    expect(keys.status).toBe(413);
    expect(server.logs.filter((line) => line.includes('"level":50')).length).toBe(errorsBefore);
    expect(await owner.client.captures.list.query({})).toEqual([]);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('answers an input nested deeper than the limit with 400 naming the limit', async () => {
    const nested = `${'['.repeat(40)}"x"${']'.repeat(40)}`;
    const response = await owner.fetch(`${server.url}/trpc/captures.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"json":{"text":${nested}}}`,
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('nested too deeply');
  });
});
