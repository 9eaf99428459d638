/**
 * One webhook attempt over HTTP: a POST of the signed JSON body to the endpoint, through the same SSRF guard as the
 * calendar subscriptions (common/outbound-http.ts: public addresses only unless allowed, the socket connects to
 * the address checked). Redirects are not followed (a receiver answers where it was registered), one deadline
 * (10 s) covers the whole exchange, and at most `maxResponseBytes` of the answer are read before the socket closes.
 */
import http from 'node:http';
import https from 'node:https';
import {
  type AddressPolicy,
  assertPublicHost,
  checkingLookup,
  describeNetworkError,
  OutboundRequestError,
  UrlNotAllowedError,
} from '../common/outbound-http.js';

export const SEND_TIMEOUT_MS = 10_000;
export const RESPONSE_MAX_BYTES = 64 * 1024;

export interface SendPolicy extends AddressPolicy {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** The URL checked for scheme and credentials; throws UrlNotAllowedError. */
export function parseEndpointUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UrlNotAllowedError('Not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlNotAllowedError('Only http:// and https:// URLs are supported');
  }
  if (url.username || url.password) throw new UrlNotAllowedError('URLs with a user name or password are not supported');
  if (!url.hostname) throw new UrlNotAllowedError('The URL has no host');
  return url;
}

/** The receiver's answer: its status, the first bytes of its body (for the log), how long it took. */
export interface SendResult {
  status: number;
  bodyStart: string;
}

/**
 * POSTs `body` with `headers`. Resolves with any HTTP answer (2xx or not); throws UrlNotAllowedError when policy
 * refuses the URL or an address it resolves to, OutboundRequestError for network failures and the deadline.
 */
export async function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  policy: SendPolicy,
  signal?: AbortSignal,
): Promise<SendResult> {
  const url = parseEndpointUrl(rawUrl);
  await assertPublicHost(url, policy);
  const timeoutMs = policy.timeoutMs ?? SEND_TIMEOUT_MS;
  const maxBytes = policy.maxResponseBytes ?? RESPONSE_MAX_BYTES;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const stop = () => controller.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    return await new Promise<SendResult>((resolve, reject) => {
      const module = url.protocol === 'https:' ? https : http;
      const req = module.request(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: controller.signal,
        lookup: checkingLookup(policy),
        // A fresh connection per request: no pooled socket to an address checked for another host.
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          resolve({ status: response.statusCode ?? 0, bodyStart: Buffer.concat(chunks).toString('utf8', 0, 200) });
        };
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          else {
            // Enough read: the status is the answer, the rest is not ours to hold.
            response.destroy();
            finish();
          }
        });
        response.on('end', finish);
        response.on('error', reject);
      });
      req.end(body);
    });
  } catch (error) {
    if (error instanceof UrlNotAllowedError) throw error;
    if (timedOut) throw new OutboundRequestError(`No answer within ${timeoutMs / 1000} s`);
    throw new OutboundRequestError(describeNetworkError(error, url));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  }
}
