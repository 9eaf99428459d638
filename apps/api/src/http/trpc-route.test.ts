import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startTestServer, type TestServer } from '../../test/harness.js';

let server: TestServer;
let apiKey: string;
beforeAll(async () => {
  server = await startTestServer();
  const owner = await setupOwner(server);
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
