/**
 * The channels' senders: Web Push (VAPID, RFC 8291 payload encryption, by the `web-push` package) and email over
 * SMTP (`nodemailer`). Each send carries the delivery's key where the channel can use it — a Web Push `Topic`
 * (the push service keeps one message per topic, replacing an undelivered earlier one) and the email's Message-ID —
 * so a delivery retried after its worker died does not reach the person twice.
 */
import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import nodemailer from 'nodemailer';
import webpush from 'web-push';
import { assertPublicHost, isRefusedAddress } from '../calendar/subscriptions.fetch.js';

export interface ChannelMessage {
  kind: string;
  title: string;
  body: string;
  /** A path in the web app the notification opens. */
  url: string | null;
  late: boolean;
  /** The delivery's idempotency key. */
  key: string;
}

/** The push service says the subscription is gone (404/410): the device unsubscribed. */
export class ChannelGoneError extends Error {}

export interface WebPushConfig {
  publicKey: string;
  privateKey: string;
  /** A `mailto:` or `https:` contact for the push services. */
  subject: string;
  /** Tests trust their local push service's certificate with it. */
  agent?: Agent;
  timeoutMs?: number;
  /** The SSRF guard's opt-in (CALENDAR_ALLOW_PRIVATE_URLS): push endpoints on loopback or private addresses. */
  allowPrivateAddresses?: boolean;
}

/**
 * A push endpoint is a URL the user's browser gave: the server must not be made to POST to its own network. The
 * subscription is checked when stored (`assertPushEndpoint`) and every connection resolves through this lookup,
 * which refuses private addresses, so a name re-pointed later is refused too (the calendar subscriptions' guard).
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, found) => {
    if (error) return callback(error, '', 0);
    const addresses = found as LookupAddress[];
    if (addresses.some((a) => isRefusedAddress(a.address))) {
      return callback(new Error(`${hostname} is a private network address`), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
    callback(null, first.address, first.family);
  });
};

/** Refuses a push endpoint on a loopback or private address (unless allowed). */
export function assertPushEndpoint(endpoint: string, allowPrivateAddresses: boolean): Promise<void> {
  return assertPublicHost(new URL(endpoint), { allowPrivateAddresses });
}

export interface WebPushSender {
  publicKey: string;
  allowPrivateAddresses: boolean;
  send(subscription: { endpoint: string; p256dh: string; auth: string }, message: ChannelMessage): Promise<void>;
}

/** A Topic header: at most 32 characters of URL-safe base64, derived from the key. */
export const pushTopic = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 32);

export function createWebPushSender(config: WebPushConfig): WebPushSender {
  const allowPrivate = config.allowPrivateAddresses ?? false;
  const agent = config.agent ?? (allowPrivate ? undefined : new Agent({ lookup: guardedLookup }));
  // The VAPID JWT (an ES256 signature) per push service, reused for hours: signing it for every message was a
  // good part of a delivery's CPU (bench/reminders.ts). A handful of push services exist; the map stays small.
  const vapidByAudience = new Map<string, { authorization: string; renewAt: number }>();
  const vapidAuthorization = (endpoint: string) => {
    const audience = new URL(endpoint).origin;
    const now = Date.now();
    const kept = vapidByAudience.get(audience);
    if (kept && kept.renewAt > now) return kept.authorization;
    const expiresAt = Math.floor(now / 1000) + 12 * 3600;
    const { Authorization } = webpush.getVapidHeaders(
      audience,
      config.subject,
      config.publicKey,
      config.privateKey,
      'aes128gcm',
      expiresAt,
    );
    if (vapidByAudience.size >= 100) vapidByAudience.clear();
    vapidByAudience.set(audience, { authorization: Authorization, renewAt: now + 6 * 3600_000 });
    return Authorization;
  };
  return {
    publicKey: config.publicKey,
    allowPrivateAddresses: allowPrivate,
    async send(subscription, message) {
      const host = new URL(subscription.endpoint).hostname.replace(/^\[|\]$/g, '');
      // An IP literal is not looked up: checked here instead.
      if (!allowPrivate && isIP(host) && isRefusedAddress(host))
        throw new Error(`${host} is a private network address`);
      const payload = JSON.stringify({
        title: message.title,
        body: message.body,
        url: message.url,
        kind: message.kind,
        late: message.late,
        tag: pushTopic(message.key),
      });
      try {
        await webpush.sendNotification(
          { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
          payload,
          {
            // No vapidDetails: the JWT is signed above and kept (web-push would sign one for every message).
            headers: { Authorization: vapidAuthorization(subscription.endpoint) },
            TTL: 24 * 3600,
            topic: pushTopic(message.key),
            urgency: 'normal',
            timeout: config.timeoutMs ?? 10_000,
            ...(agent ? { agent } : {}),
          },
        );
      } catch (err) {
        const status = (err as { statusCode?: unknown }).statusCode;
        if (status === 404 || status === 410) throw new ChannelGoneError(`The push service answered ${status}`);
        if (typeof status === 'number') throw new Error(`The push service answered ${status}`);
        throw err;
      }
    },
  };
}

export interface EmailConfig {
  /** `smtp://user:pass@host:587` or `smtps://…`. */
  smtpUrl: string;
  from: string;
  timeoutMs?: number;
}

export interface EmailSender {
  send(to: string, message: ChannelMessage, links: { open: string | null; unsubscribe: string }): Promise<void>;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function createEmailSender(config: EmailConfig): EmailSender {
  const timeout = config.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport(config.smtpUrl, {
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const domain = /@([^>\s]+)>?$/.exec(config.from)?.[1] ?? 'lifeos.local';
  return {
    async send(to, message, links) {
      const late = message.late ? ' (sent late: the server was down at the time)' : '';
      const text = [message.body + late, links.open ? `Open: ${links.open}` : '', `Unsubscribe: ${links.unsubscribe}`]
        .filter(Boolean)
        .join('\n\n');
      const html = [
        `<p>${escapeHtml(message.body).replace(/\n/g, '<br>')}${escapeHtml(late)}</p>`,
        links.open ? `<p><a href="${escapeHtml(links.open)}">Open in Life OS</a></p>` : '',
        `<p style="font-size:12px;color:#666"><a href="${escapeHtml(links.unsubscribe)}">Unsubscribe from these emails</a></p>`,
      ].join('\n');
      await transport.sendMail({
        from: config.from,
        to,
        subject: message.title,
        text,
        html,
        messageId: `<${pushTopic(message.key)}@${domain}>`,
        list: { unsubscribe: { url: links.unsubscribe, comment: 'Unsubscribe' } },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
    },
  };
}
