/**
 * Hostile import bodies (issue 17.3): a document nested millions of levels deep, or holding tens of millions of
 * values, is refused while it arrives — long before its end, with next to no memory and without holding up other
 * requests — and an honest import never stalls the event loop for long.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_MAX_DEPTH, IMPORT_MAX_ROWS } from '../src/http/import-body.js';
import { type BrowserClient, setupOwner, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let owner: BrowserClient;
let writeKey: string;
beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  writeKey = (await owner.client.apiKeys.create.mutate({ name: 'restore', scope: 'write' })).key;
});
afterAll(() => server.close());

function rssMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / (1024 * 1024);
}

/**
 * Streams a body of `totalBytes` made of `head` then `piece` repeated, without waiting for it to be read; resolves
 * with the answer and how many bytes had been handed to the socket when it came.
 */
function streamImport(head: string, piece: string, totalBytes: number) {
  return new Promise<{ status: number; body: string; sentWhenAnswered: number; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const request = http.request(new URL('/api/data/import?mode=replace', server.url), {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${writeKey}`,
        'content-length': String(totalBytes),
      },
    });
    let sent = 0;
    let answered = false;
    const chunk = Buffer.from(piece.repeat(Math.ceil((64 * 1024) / piece.length)));
    request.on('response', (response) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = '';
      response.on('data', (data) => {
        body += data;
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body, sentWhenAnswered, ms: performance.now() - started });
        request.destroy();
      });
    });
    // The server may close the connection once it has answered, which can reach us (EPIPE) before the answer.
    request.on('error', (error) => {
      setTimeout(() => {
        if (!answered) reject(error);
      }, 2_000);
    });
    // A piece every few milliseconds, so an early answer is read before more is written (the server closes
    // a connection whose body it refused, and a write after that resets it, losing the unread answer).
    const pump = () => {
      if (answered) return;
      if (sent >= totalBytes) {
        request.end();
        return;
      }
      const next = sent === 0 ? Buffer.from(head) : chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
      sent += next.length;
      if (request.write(next)) setTimeout(pump, 2);
      else request.once('drain', () => setTimeout(pump, 2));
    };
    pump();
  });
}

/** Runs `work` while sampling the event loop's delay; returns the work's result and the longest stall in ms. */
async function withLoopMonitor<T>(work: () => Promise<T>) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    const result = await work();
    return { result, maxStallMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}

const MiB = 1024 * 1024;

describe('hostile import bodies', () => {
  it.each([
    { name: 'nested 50 MB deep', size: 50 * MiB, head: '{"journal":', piece: '[', status: 400 },
    { name: 'nested 100 MB deep', size: 100 * MiB, head: '{"journal":', piece: '[', status: 400 },
    {
      name: '50 MB of values',
      size: 50 * MiB,
      head: '{"format":"lifeos-export","journal":[',
      piece: '0,',
      status: 413,
    },
    { name: '100 MB of empty rows', size: 100 * MiB, head: '{"journal":[', piece: '{},', status: 413 },
  ])('refuses $name early, with bounded memory, without stalling others', async ({ size, head, piece, status }) => {
    const before = rssMiB();
    const { result: answer, maxStallMs } = await withLoopMonitor(() => streamImport(head, piece, size));
    const grownMiB = rssMiB() - before;
    console.log(
      `${JSON.stringify(head + piece)} × ${size / MiB} MiB: ${answer.status} after ${Math.round(answer.ms)} ms, ` +
        `${(answer.sentWhenAnswered / MiB).toFixed(1)} MiB sent, RSS +${grownMiB.toFixed(1)} MiB, ` +
        `longest stall ${maxStallMs.toFixed(0)} ms`,
    );
    expect(answer.status).toBe(status);
    const message = (JSON.parse(answer.body) as { message: string }).message;
    expect(message).toContain(status === 400 ? `limit is ${IMPORT_MAX_DEPTH}` : `limit is ${IMPORT_MAX_ROWS}`);
    // The rows limit is reached after 2–3 bytes per row, the depth limit within the first bytes; a few MiB more
    // are in the sockets' buffers when the answer comes.
    expect(answer.sentWhenAnswered).toBeLessThan(status === 400 ? 8 * MiB : 3 * IMPORT_MAX_ROWS + 8 * MiB);
    expect(grownMiB).toBeLessThan(96);
    expect(maxStallMs).toBeLessThan(250);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('a refused body changed nothing', async () => {
    expect(await owner.client.captures.list.query({})).toEqual([]);
    expect(server.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  });
});
