/**
 * Reminders reaching the person, with real parts: the server's own job runner, an in-process SMTP server that
 * receives the mail (smtp-server, parsed by mailparser), and a local HTTPS push service that checks the VAPID JWT
 * (jose) and decrypts the RFC 8291 payload with the test subscription's keys (http_ece). The clock is the server's
 * test clock, moved forward; every other part is the product's.
 */

import { execFileSync } from 'node:child_process';
import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { localDate } from '@lifeos/core/schemas';
import Fastify from 'fastify';
import * as ece from 'http_ece';
import { importJWK, jwtVerify } from 'jose';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunner } from '../src/jobs/index.js';
import type { JobRunner } from '../src/jobs/runner.js';
import { createNotifier } from '../src/services.js';
import { type BrowserClient, OWNER, setupOwner, startTestServer, type TestServer } from './harness.js';
import { startReceiver } from './webhook-receiver.js';

const ZONE = 'Europe/Berlin';
const MINUTE = 60_000;

interface Push {
  device: string;
  message: { title: string; body: string; url: string | null; kind: string; late: boolean; tag: string };
  topic: string | undefined;
  audience: unknown;
}

let server: TestServer;
let owner: BrowserClient;
let runner: JobRunner;
let smtp: SMTPServer;
let pushService: https.Server;
let pushOrigin: string;
const mails: ParsedMail[] = [];
const pushes: Push[] = [];
const devices = new Map<string, { ecdh: ECDH; auth: string }>();
/** A status the push service answers for a device instead of 201 (410: unsubscribed; 500: broken). */
const pushAnswers = new Map<string, number>();
const smtpRejects = false;

function makeCertificate() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-push-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/** The push service: checks the VAPID JWT against the server's public key, decrypts with the device's keys. */
async function receivePush(device: string, headers: Record<string, string | string[] | undefined>, body: Buffer) {
  const auth = String(headers.authorization ?? '');
  const match = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(auth);
  if (!match) throw new Error(`No VAPID authorization: ${auth}`);
  const [, token, k] = match as unknown as [string, string, string];
  expect(k).toBe(server.config.notifications.vapid.publicKey);
  const raw = Buffer.from(k, 'base64url');
  const key = await importJWK(
    {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    'ES256',
  );
  const { payload } = await jwtVerify(token, key, { audience: pushOrigin });
  expect(String(payload.sub)).toMatch(/^(mailto:|https:)/);
  expect(headers['content-encoding']).toBe('aes128gcm');
  const keys = devices.get(device);
  if (!keys) throw new Error(`Unknown device ${device}`);
  const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth });
  pushes.push({
    device,
    message: JSON.parse(plain.toString('utf8')),
    topic: headers.topic as string | undefined,
    audience: payload.aud,
  });
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (smtpRejects) return callback(new Error('Mailbox unavailable'));
          mails.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const tls = makeCertificate();
  pushService = https.createServer(tls, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const device = request.url?.split('/').pop() ?? '';
      const answer = pushAnswers.get(device);
      if (answer) return response.writeHead(answer).end();
      receivePush(device, request.headers, Buffer.concat(chunks)).then(
        () => response.writeHead(201).end(),
        (err: Error) => response.writeHead(400).end(err.message),
      );
    });
  });
  await new Promise<void>((resolve) => pushService.listen(0, '127.0.0.1', resolve));
  pushOrigin = `https://127.0.0.1:${(pushService.address() as AddressInfo).port}`;

  server = await startTestServer({
    // The local push service is on loopback: the SSRF guard's opt-in lets the server reach it.
    env: {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'Life OS <life@example.test>',
      CALENDAR_ALLOW_PRIVATE_URLS: 'true',
    },
  });
  // The product's notifier, trusting the local push service's certificate.
  server.services.notifier = createNotifier(server.config, { pushAgent: new https.Agent({ ca: tls.cert }) });
  owner = await setupOwner(server);
  await owner.client.settings.update.mutate({ timezone: ZONE });
  runner = createJobRunner(server.services, Fastify({ logger: false }).log);
});

afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await new Promise<void>((resolve) => pushService?.close(() => resolve()));
});

async function subscribeDevice(name: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16).toString('base64url');
  devices.set(name, { ecdh, auth });
  return owner.client.notifications.subscribePush.mutate({
    endpoint: `${pushOrigin}/push/${name}`,
    keys: { p256dh: ecdh.getPublicKey('base64url'), auth },
    label: name,
  });
}

const berlinTime = (at: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

/** The reminder job of a task: its run-at. */
async function reminderJobs(taskId: string) {
  return server.database.db
    .selectFrom('jobs')
    .select(['runAt', 'state', 'idempotencyKey'])
    .where('kind', '=', 'reminder.task')
    .where('idempotencyKey', 'like', `task:${taskId}:%`)
    .orderBy('id')
    .execute();
}

/** Moves the clock to `at` (plus `extraMs`) and runs every due job. */
async function runAt(at: Date, extraMs = 0) {
  const target = at.getTime() + extraMs;
  const now = server.clock.now().getTime();
  if (target > now) server.clock.advance(target - now);
  await runner.drain();
  // Days went by: the session's tokens have expired.
  await owner.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
}

const dayAfter = (days: number) => {
  const today = localDate(server.clock.now(), ZONE);
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

describe('reminders on Web Push and email', () => {
  it('reminds of a task at 09:00 local on both channels, once, with the channel keys', async () => {
    await subscribeDevice('phone');
    const channels = await owner.client.notifications.setEmail.mutate({ enabled: true });
    expect(channels.channels.map((c) => c.kind).sort()).toEqual(['email', 'webpush']);
    expect(channels.channels.find((c) => c.kind === 'email')?.address).toBe('owner@example.com');

    const task = await owner.client.tasks.create.mutate({ title: 'Pay the rent', dueDate: dayAfter(2) });
    const [job] = await reminderJobs(task.id);
    expect(job?.state).toBe('queued');
    expect(berlinTime(job?.runAt as Date)).toBe('09:00');

    await runAt(job?.runAt as Date, 10_000);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.message).toMatchObject({ title: 'Pay the rent', kind: 'task', late: false, url: '/tasks' });
    expect(pushes[0]?.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pushes[0]?.audience).toBe(pushOrigin);
    expect(mails).toHaveLength(1);
    const mail = mails[0] as ParsedMail;
    expect(mail.subject).toBe('Pay the rent');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('owner@example.com');
    expect(mail.text).toContain('Unsubscribe: http://lifeos.test/unsubscribe?');
    expect(mail.html).toContain('Unsubscribe from these emails');
    expect(mail.messageId).toMatch(/^<[A-Za-z0-9_-]{32}@example\.test>$/);
    const header = mail.headerLines.find((h) => h.key === 'list-unsubscribe-post');
    expect(header?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toContain('/unsubscribe?u=');

    // A delivery job run again (its worker died after sending) reads its record and sends nothing.
    await server.database.db
      .updateTable('jobs')
      .set({ state: 'queued', finishedAt: null })
      .where('kind', 'in', ['notify.deliver', 'reminder.task'])
      .execute();
    await runner.drain();
    expect(pushes).toHaveLength(1);
    expect(mails).toHaveLength(1);

    const [listed] = await owner.client.notifications.list.query();
    expect(listed).toMatchObject({ kind: 'task', title: 'Pay the rent', status: 'sent', late: false });
    expect(listed?.deliveries.map((d) => `${d.channelKind} ${d.status}`).sort()).toEqual([
      'email sent',
      'webpush sent',
    ]);
  });

  it('tells the webhooks that want reminder.sent, signed and without the reminder’s text', async () => {
    const receiver = await startReceiver();
    try {
      const { secret } = await owner.client.webhooks.create.mutate({
        url: receiver.url,
        eventTypes: ['reminder.sent'],
      });
      const task = await owner.client.tasks.create.mutate({ title: 'Water the ferns', dueDate: dayAfter(3) });
      const [job] = await reminderJobs(task.id);
      await runAt(job?.runAt as Date, 10_000);
      await runner.drain();
      expect(receiver.received).toHaveLength(1);
      const { headers, body } = receiver.received[0] as { headers: Record<string, unknown>; body: string };
      // Signed at the test's clock, days ahead of the real one, which Webhook.verify's freshness check reads: the
      // signature is checked with the same library's sign() at the message's own timestamp instead.
      const signed = new Webhook(secret).sign(
        String(headers['webhook-id']),
        new Date(Number(headers['webhook-timestamp']) * 1000),
        body,
      );
      expect(String(headers['webhook-signature']).split(' ')).toContain(signed);
      const message = JSON.parse(body) as {
        type: string;
        data: { object: string; changed: { kind: string; late: boolean } };
      };
      expect(message).toMatchObject({ type: 'reminder.sent', data: { object: 'notification' } });
      expect(message.data.changed).toMatchObject({ kind: 'task', late: false });
      expect(body).not.toContain('Water the ferns');
    } finally {
      await new Promise((resolve) => receiver.server.close(resolve));
    }
  });

  it('sends nothing for a task completed or deleted before its time, and follows a changed due date', async () => {
    const done = await owner.client.tasks.create.mutate({ title: 'Done early', dueDate: dayAfter(3) });
    const gone = await owner.client.tasks.create.mutate({ title: 'Deleted', dueDate: dayAfter(3) });
    const moved = await owner.client.tasks.create.mutate({ title: 'Moved', dueDate: dayAfter(3) });
    await owner.client.tasks.complete.mutate({ id: done.id });
    await owner.client.tasks.delete.mutate({ id: gone.id });
    await owner.client.tasks.update.mutate({ id: moved.id, dueDate: dayAfter(4) });
    const movedJobs = await reminderJobs(moved.id);
    expect(movedJobs).toHaveLength(2);
    const before = { pushes: pushes.length, mails: mails.length };

    await runAt(movedJobs[0]?.runAt as Date, 10_000);
    expect(pushes.length - before.pushes).toBe(0);
    expect(mails.length - before.mails).toBe(0);

    await runAt(movedJobs[1]?.runAt as Date, 10_000);
    expect(pushes.slice(before.pushes).map((p) => p.message.title)).toEqual(['Moved']);
    expect(mails.slice(before.mails).map((m) => m.subject)).toEqual(['Moved']);
  });

  it('queues reminders at the local time across the DST changes, and a skipped time at the next valid minute', async () => {
    // Europe/Berlin changes on 2027-03-28 (02:00 → 03:00) and 2027-10-31 (03:00 → 02:00).
    const spring = await owner.client.tasks.create.mutate({ title: 'Spring', dueDate: '2027-03-28' });
    const autumn = await owner.client.tasks.create.mutate({ title: 'Autumn', dueDate: '2027-10-31' });
    expect((await reminderJobs(spring.id)).map((j) => j.runAt.toISOString())).toEqual(['2027-03-28T07:00:00.000Z']);
    expect((await reminderJobs(autumn.id)).map((j) => j.runAt.toISOString())).toEqual(['2027-10-31T08:00:00.000Z']);
    // 02:30 does not exist on the spring day: 03:00 CEST. Changing the time re-queues open tasks' reminders.
    await owner.client.reminders.updatePreferences.mutate({ taskTime: '02:30' });
    expect((await reminderJobs(spring.id)).map((j) => j.runAt.toISOString())).toEqual([
      '2027-03-28T07:00:00.000Z',
      '2027-03-28T01:00:00.000Z',
    ]);
    await owner.client.reminders.updatePreferences.mutate({ taskTime: '09:00' });
    await owner.client.tasks.delete.mutate({ id: spring.id });
    await owner.client.tasks.delete.mutate({ id: autumn.id });
  });

  it('sends the daily agenda at its local time with today’s tasks, and queues the next day’s', async () => {
    await owner.client.reminders.updatePreferences.mutate({ agendaTime: '07:15' });
    const agendaJobs = () =>
      server.database.db
        .selectFrom('jobs')
        .select(['runAt', 'state', 'idempotencyKey'])
        .where('kind', '=', 'reminder.agenda')
        .orderBy('runAt')
        .execute();
    const [first] = await agendaJobs();
    expect(berlinTime(first?.runAt as Date)).toBe('07:15');
    const day = localDate(first?.runAt as Date, ZONE);
    await owner.client.tasks.create.mutate({ title: 'Water the plants', dueDate: day });
    const before = pushes.length;

    await runAt(first?.runAt as Date, 5_000);
    const sent = pushes.slice(before).filter((p) => p.message.kind === 'agenda');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]?.message.title).toBe(`Today, ${day}`);
    expect(sent[0]?.message.body).toContain('Water the plants');
    const jobs = await agendaJobs();
    expect(jobs.map((j) => j.state)).toEqual(['done', 'queued']);
    expect(berlinTime(jobs[1]?.runAt as Date)).toBe('07:15');
    expect(localDate(jobs[1]?.runAt as Date, ZONE)).not.toBe(day);
    await owner.client.reminders.updatePreferences.mutate({ agendaTime: null });
  });

  it('holds reminders in quiet hours until they end', async () => {
    await owner.client.reminders.updatePreferences.mutate({ quietStart: '08:00', quietEnd: '10:30' });
    const task = await owner.client.tasks.create.mutate({ title: 'Quiet one', dueDate: dayAfter(2) });
    const [job] = await reminderJobs(task.id);
    expect(berlinTime(job?.runAt as Date)).toBe('10:30');
    // Without quiet hours its reminder moves back to 09:00 (a new job; the held one will find itself stale).
    await owner.client.reminders.updatePreferences.mutate({ quietStart: null, quietEnd: null });
    const jobs = await reminderJobs(task.id);
    expect(jobs.map((j) => berlinTime(j.runAt))).toEqual(['10:30', '09:00']);
    await owner.client.tasks.delete.mutate({ id: task.id });
  });

  it('after downtime sends reminders missed within the window late, and drops older ones to the list', async () => {
    await owner.client.reminders.updatePreferences.mutate({ lateWindowMinutes: 60 });
    const late = await owner.client.tasks.create.mutate({ title: 'Late one', dueDate: dayAfter(2) });
    const [lateJob] = await reminderJobs(late.id);
    const before = pushes.length;
    // The server was down from before 09:00 until 09:30.
    await runAt(lateJob?.runAt as Date, 30 * MINUTE);
    expect(pushes.slice(before).map((p) => [p.message.title, p.message.late])).toEqual([['Late one', true]]);
    expect(mails.at(-1)?.text).toContain('sent late');

    const old = await owner.client.tasks.create.mutate({ title: 'Too old', dueDate: dayAfter(2) });
    const [oldJob] = await reminderJobs(old.id);
    const count = pushes.length;
    await runAt(oldJob?.runAt as Date, 3 * 60 * MINUTE);
    expect(pushes.length).toBe(count);
    const listed = await owner.client.notifications.list.query();
    expect(listed.find((n) => n.title === 'Too old')).toMatchObject({ status: 'dropped', deliveries: [] });
    expect(listed.find((n) => n.title === 'Late one')).toMatchObject({ status: 'sent', late: true });
  });

  it('removes a subscription the push service says is gone, and marks a failing channel after its retries', async () => {
    const old = await subscribeDevice('old-laptop');
    pushAnswers.set('old-laptop', 410);
    await owner.client.notifications.sendTest.mutate({ channelId: old.id });
    await runner.drain();
    const after = await owner.client.notifications.channels.query();
    expect(after.channels.some((c) => c.id === old.id)).toBe(false);
    const [test] = await owner.client.notifications.list.query();
    expect(test?.deliveries).toMatchObject([{ channelId: null, status: 'gone', channelLabel: 'old-laptop' }]);

    const broken = await subscribeDevice('broken');
    pushAnswers.set('broken', 500);
    await owner.client.notifications.sendTest.mutate({ channelId: broken.id });
    for (let attempt = 0; attempt < 6; attempt++) {
      server.clock.advance(10 * MINUTE);
      await runner.drain();
    }
    await owner.client.auth.login.mutate({ identifier: OWNER.username, password: OWNER.password });
    const channel = (await owner.client.notifications.channels.query()).channels.find((c) => c.id === broken.id);
    expect(channel).toMatchObject({ status: 'failing', lastError: 'The push service answered 500' });
    pushAnswers.delete('broken');
    await owner.client.notifications.sendTest.mutate({ channelId: broken.id });
    await runner.drain();
    const healed = (await owner.client.notifications.channels.query()).channels.find((c) => c.id === broken.id);
    expect(healed).toMatchObject({ status: 'ok', lastError: null });
  });

  it('unsubscribes from a kind of email with the one-click link, and sends a test on request', async () => {
    const link = mails[0]?.text?.match(/Unsubscribe: (\S+)/)?.[1] ?? '';
    const url = new URL(link);
    const page = await fetch(`${server.url}${url.pathname}${url.search}`);
    expect(await page.text()).toContain('<form method="post"');
    const forged = await fetch(`${server.url}${url.pathname}${url.search.replace(/t=[^&]+/, 't=forged')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(forged.status).toBe(400);
    const click = await fetch(`${server.url}${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(click.status).toBe(200);
    expect((await owner.client.notifications.channels.query()).email.unsubscribedKinds).toEqual(['task']);

    const task = await owner.client.tasks.create.mutate({ title: 'No mail for me', dueDate: dayAfter(2) });
    const [job] = await reminderJobs(task.id);
    const before = { pushes: pushes.length, mails: mails.length };
    await runAt(job?.runAt as Date, 10_000);
    // Both devices subscribed by now (the phone and the healed one), no mail.
    expect(
      pushes
        .slice(before.pushes)
        .map((p) => `${p.device} ${p.message.title}`)
        .sort(),
    ).toEqual(['broken No mail for me', 'phone No mail for me']);
    expect(mails.length).toBe(before.mails);

    // A test is not a task: it still reaches the inbox.
    const email = (await owner.client.notifications.channels.query()).channels.find((c) => c.kind === 'email');
    await owner.client.notifications.sendTest.mutate({ channelId: email?.id as string });
    await runner.drain();
    expect(mails.at(-1)?.subject).toBe('Life OS test notification');
  });
});
