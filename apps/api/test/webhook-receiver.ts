/**
 * A local webhook receiver and the job runner that delivers to it, shared by the webhook tests: the receiver records
 * every request and answers as told; `verify` checks a message with the `standardwebhooks` package's own
 * `Webhook.verify`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Webhook } from 'standardwebhooks';
import { JobRunner } from '../src/jobs/runner.js';
import { webhookDeliverJob } from '../src/jobs/webhook-deliver.js';
import type { TestServer } from './harness.js';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver that records every request and answers with the next of `answers` (then 204). */
export async function startReceiver() {
  const received: Received[] = [];
  const answers: number[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const status = answers.shift() ?? 204;
      response.writeHead(status).end(status >= 400 ? 'receiver says no' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { server, url, received, answers };
}

export const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });

/** The real job runner with only the delivery job, retrying after 1 ms. */
export function deliveryRunner(server: TestServer) {
  return new JobRunner({
    db: server.services.db,
    clock: server.clock,
    log: Fastify({ logger: false }).log,
    kinds: [webhookDeliverJob(server.services)],
    backoff: { baseMs: 1, maxMs: 1 },
  });
}

/** Runs every due delivery, retries included, until none is queued. */
export async function deliverAll(server: TestServer, runner: JobRunner) {
  for (let round = 0; round < 50; round++) {
    await runner.drain();
    const queued = await server.database.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'webhook.deliver')
      .where('state', 'in', ['queued', 'running'])
      .execute();
    if (queued.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('deliveries still queued after 50 rounds');
}
