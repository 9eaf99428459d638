import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/harness.js';

const INDEX = `<!doctype html><title>Life OS</title><div id="root"></div>${' '.repeat(2000)}`;
const SCRIPT = `export const answer = ${JSON.stringify('x'.repeat(4000))};\n`;
const SMALL = 'export {};\n';
const SERVICE_WORKER = `importScripts('./workbox-abc123.js');\n${'//'.repeat(1000)}\n`;
const MANIFEST = JSON.stringify({ name: 'Life OS', start_url: '/', display: 'standalone' });

/** A stand-in for apps/web/dist as the web build writes it: hashed assets with `.br` and `.gz` beside them. */
function fakeWebDist() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-web-dist-'));
  mkdirSync(path.join(dir, 'assets'));
  const withCompressed = (file: string, content: string) => {
    writeFileSync(file, content);
    writeFileSync(`${file}.br`, brotliCompressSync(content));
    writeFileSync(`${file}.gz`, gzipSync(content));
  };
  withCompressed(path.join(dir, 'index.html'), INDEX);
  withCompressed(path.join(dir, 'assets', 'main-abc123.js'), SCRIPT);
  // Too small to be worth compressing: the build leaves it alone.
  writeFileSync(path.join(dir, 'assets', 'tiny-def456.js'), SMALL);
  // Written by vite-plugin-pwa after the bundle, so the precompress step never sees them.
  writeFileSync(path.join(dir, 'sw.js'), SERVICE_WORKER);
  writeFileSync(path.join(dir, 'workbox-abc123.js'), SMALL);
  writeFileSync(path.join(dir, 'manifest.webmanifest'), MANIFEST);
  return dir;
}

/** A GET over real HTTP that, unlike fetch, leaves the body as it came (compressed or not). */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('the web app: precompressed assets and cache headers', () => {
  let server: TestServer;
  const webDistDir = fakeWebDist();
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'production' }, webDistDir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(webDistDir, { recursive: true, force: true });
  });

  it('sends the brotli file to a browser that accepts it, cached for a year', async () => {
    const res = await get(`${server.url}/assets/main-abc123.js`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(SCRIPT.length / 4);
    expect(brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
  });

  it('sends gzip when that is all the client accepts', async () => {
    const res = await get(`${server.url}/assets/main-abc123.js`, { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(gunzipSync(res.body).toString()).toBe(SCRIPT);
  });

  it('sends the plain file to a client that accepts no encoding, still varying on it', async () => {
    const res = await get(`${server.url}/assets/main-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.body.toString()).toBe(SCRIPT);
  });

  it('falls back to the plain file when no compressed one was built', async () => {
    const res = await get(`${server.url}/assets/tiny-def456.js`, { 'accept-encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(SMALL);
  });

  it('serves every page path as the compressed index.html, revalidated on each visit', async () => {
    for (const page of ['/', '/journal', '/fitness/history']) {
      const res = await get(`${server.url}${page}`, { 'accept-encoding': 'br' });
      expect(res.status, page).toBe(200);
      expect(res.headers['content-encoding'], page).toBe('br');
      expect(res.headers['content-type'], page).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], page).toBe('no-cache');
      expect(brotliDecompressSync(res.body).toString(), page).toBe(INDEX);
    }
    const plain = await get(`${server.url}/journal`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(INDEX);
  });

  it('serves the page at / to a client that sends no Accept-Encoding (curl), not a 403', async () => {
    const res = await get(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body.toString()).toBe(INDEX);
    const gzipped = await get(`${server.url}/`, { 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).toString()).toBe(INDEX);
  });

  it('serves the service worker, its Workbox runtime and the manifest revalidated on every visit, typed', async () => {
    const files = [
      { url: '/sw.js', type: /^(text|application)\/javascript/, body: SERVICE_WORKER },
      { url: '/workbox-abc123.js', type: /^(text|application)\/javascript/, body: SMALL },
      { url: '/manifest.webmanifest', type: /^application\/manifest\+json/, body: MANIFEST },
    ];
    for (const file of files) {
      for (const headers of [{}, { 'accept-encoding': 'br, gzip' }] as Record<string, string>[]) {
        const res = await get(`${server.url}${file.url}`, headers);
        expect(res.status, file.url).toBe(200);
        expect(res.headers['content-type'], file.url).toMatch(file.type);
        expect(res.headers['cache-control'], file.url).toBe('no-cache');
        expect(res.body.toString(), file.url).toBe(file.body);
      }
    }
  });

  it('answers a missing file of the build with 404, never the page in its place', async () => {
    for (const url of ['/assets/gone-123.js', '/workbox-gone.js', '/icons/gone.png']) {
      const res = await get(`${server.url}${url}`, { 'accept-encoding': 'br' });
      expect(res.status, url).toBe(404);
      expect(res.headers['content-type'], url).not.toMatch(/^text\/html/);
    }
  });

  it('still answers a missing API path with JSON, not the page', async () => {
    const res = await get(`${server.url}/api/nothing-here`, { 'accept-encoding': 'br' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});
