/**
 * The OpenAPI document and the API reference page: the document validates as OpenAPI 3.1, holds every REST path
 * the server routes (and nothing it does not), takes each operation's schemas from the procedure it mirrors; /api/docs
 * answers HTML whose every asset is same-origin, with a CSP that allows its one inline script and nothing else.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../src/rest/rest-openapi.js';
import { procedureDef, REST_OPERATIONS, REST_PREFIX } from '../src/rest/rest-operations.js';
import { startTestServer, type TestServer } from './harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

type Document = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security?: unknown }>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  security: unknown[];
};

async function fetchDocument(): Promise<Document> {
  const response = await fetch(`${server.url}${OPENAPI_PATH}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as Document;
}

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1 with a bearer security scheme', async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe('3.1.0');
    // validate() dereferences and checks against the OpenAPI 3.1 schema; it throws on the first problem.
    await SwaggerParser.validate(structuredClone(document) as never);
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ apiKey: [] }]);
  });

  it('holds every REST path the server routes, and only those', async () => {
    const document = await fetchDocument();
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = REST_OPERATIONS.map((op) => `${op.method} ${REST_PREFIX}${op.path}`);
    expect(documented.sort()).toEqual(routed.sort());
    // Each documented path answers (401 without a key), so none is documented but unrouted.
    for (const entry of routed) {
      const [method, path] = entry.split(' ') as [string, string];
      const url = `${server.url}${path.replace('{id}', '00000000-0000-4000-8000-000000000000')}`;
      const response = await fetch(url, {
        method,
        headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(response.status, entry).toBe(401);
      await response.arrayBuffer();
    }
  });

  it("takes each operation's schemas from the tRPC procedure it mirrors", () => {
    for (const operation of REST_OPERATIONS) {
      const def = procedureDef(operation.procedure);
      expect(operation.output, operation.id).toBe(def.output);
      if (operation.id !== 'writeMorningPages') expect(operation.input, operation.id).toBe(def.inputs[0] ?? null);
    }
  });
});

describe('/api/docs', () => {
  it('answers the reference page, with only same-origin assets and a CSP for its one inline script', async () => {
    const redirect = await fetch(`${server.url}/api/docs`, { redirect: 'manual' });
    expect([301, 302]).toContain(redirect.status);
    await redirect.arrayBuffer(); // an unread body keeps its connection busy, and the server's close waits for it
    const response = await fetch(`${server.url}/api/docs/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain(OPENAPI_PATH);
    // Every src/href is relative or this origin's; no http(s):// or protocol-relative URL anywhere in the tags.
    const references = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1] ?? '');
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference, reference).not.toMatch(/^(?:[a-z]+:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);

    const csp = response.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc).toMatch(/^'self' 'sha256-[A-Za-z0-9+/=]+'$/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');

    const scripts = references.filter((r) => r.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const url = new URL(script, `${server.url}/api/docs/`);
      const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status, script).toBe(200);
      expect(plain.headers.get('content-type')).toMatch(/javascript/);
      expect(plain.headers.get('cache-control')).toBe('public, max-age=3600');
      const text = await plain.text();
      expect(text.length).toBeGreaterThan(100_000);
      // Compressed once and kept (rest-docs.ts): each encoding answers the same script.
      for (const encoding of ['br', 'gzip', 'br']) {
        const packed = await fetch(url, { headers: { 'accept-encoding': encoding } });
        expect(packed.headers.get('content-encoding')).toBe(encoding);
        expect(Number(packed.headers.get('content-length'))).toBeLessThan(text.length / 3);
        expect(await packed.text()).toBe(text);
      }
    }
  });

  it('leaves the strict CSP everywhere else', async () => {
    const response = await fetch(`${server.url}${OPENAPI_PATH}`);
    await response.arrayBuffer();
    expect(/script-src ([^;]*)/.exec(response.headers.get('content-security-policy') ?? '')?.[1]).toBe("'self'");
  });
});
