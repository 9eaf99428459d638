/**
 * Hostile import bodies (issue 17.3): a document nested millions of levels deep, or holding tens of millions of
 * values, is refused while it arrives — long before its end, with next to no memory and without holding up other
 * requests — and an honest import never stalls the event loop for long.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_MAX_DEPTH, IMPORT_MAX_ROWS } from '../src/http/import-body.js';
import { journalAndCaptures } from './export-documents.js';
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
    // The server reads on for a moment after refusing (a lingering close), so the answer always arrives before the
    // connection closes; an error before it is a failure.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    // A piece every few milliseconds, so an early answer is seen soon after it comes (sentWhenAnswered stays close
    // to what the server had read when it refused).
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

/**
 * Runs `work` while a 5 ms timer watches the event loop, and returns the longest stall: the longest time between two
 * turns of that timer during which this process was busy. Busy counts the CPU time the process used in the gap (at
 * most the gap): on a machine whose cores are shared, a process waiting for a core is not holding up its own
 * requests' turn because of its code, so that time is left out (the wall-clock gap is reported beside it).
 */
async function withLoopMonitor<T>(work: () => Promise<T>) {
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  let maxStallMs = 0;
  let maxWallGapMs = 0;
  const timer = setInterval(() => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const wallGap = wall - lastWall;
    const cpuGap = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    maxWallGapMs = Math.max(maxWallGapMs, wallGap);
    maxStallMs = Math.max(maxStallMs, Math.min(wallGap, cpuGap));
    lastWall = wall;
    lastCpu = cpu;
  }, 5);
  try {
    const result = await work();
    return { result, maxStallMs, maxWallGapMs };
  } finally {
    clearInterval(timer);
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
    const { result: answer, maxStallMs, maxWallGapMs } = await withLoopMonitor(() => streamImport(head, piece, size));
    const grownMiB = rssMiB() - before;
    console.log(
      `${JSON.stringify(head + piece)} × ${size / MiB} MiB: ${answer.status} after ${Math.round(answer.ms)} ms, ` +
        `${(answer.sentWhenAnswered / MiB).toFixed(1)} MiB sent, RSS +${grownMiB.toFixed(1)} MiB, ` +
        `longest busy stall ${maxStallMs.toFixed(0)} ms (wall-clock gap ${maxWallGapMs.toFixed(0)} ms)`,
    );
    expect(answer.status).toBe(status);
    if (answer.body) {
      const { message } = JSON.parse(answer.body) as { message: string };
      expect(message).toContain(status === 400 ? `limit is ${IMPORT_MAX_DEPTH}` : `limit is ${IMPORT_MAX_ROWS}`);
    }
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

describe('an honest import shares the event loop', () => {
  it.each([
    { name: 'one row', days: 1, mode: 'replace' },
    { name: '2,000 entries and 4,000 captures (~5.5 MB)', days: 2_000, mode: 'replace' },
    { name: 'the same again, merged', days: 2_000, mode: 'merge' },
  ])('$name ($mode): no stall over 250 ms', async ({ days, mode }) => {
    const body = JSON.stringify(journalAndCaptures(days));
    const started = performance.now();
    const {
      result: response,
      maxStallMs,
      maxWallGapMs,
    } = await withLoopMonitor(async () => {
      const answer = await fetch(`${server.url}/api/data/import?mode=${mode}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
        body,
      });
      return { status: answer.status, report: await answer.json() };
    });
    console.log(
      `import of ${days} days (${mode}) in ${Math.round(performance.now() - started)} ms: longest busy stall ` +
        `${maxStallMs.toFixed(0)} ms (longest wall-clock gap ${maxWallGapMs.toFixed(0)} ms)`,
    );
    expect(response.status).toBe(200);
    expect(response.report).toMatchObject({
      counts: { journal: { [mode === 'merge' ? 'skipped' : 'created']: days } },
    });
    expect(maxStallMs).toBeLessThan(250);
  });
});
