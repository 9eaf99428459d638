/**
 * Fetches a subscribed calendar's .ics over HTTP(S), guarded against server-side request forgery:
 *
 * - only http: and https: URLs, without a user name or password;
 * - the host is resolved here and every address it resolves to is checked against the ranges below (loopback,
 *   private, link-local, unique-local, CGNAT, unspecified, multicast, documentation, …; IPv4 and IPv6, with every
 *   IPv6 form that embeds an IPv4 address refused) unless private addresses are explicitly allowed;
 * - the connection goes to the address that was checked: the socket's `lookup` is the checking resolver, so a
 *   DNS answer that changes between check and connect (rebinding) cannot reach a refused address;
 * - at most 3 redirects, each one checked again; one deadline (10 s) for the whole exchange; the body is
 *   streamed and cut off beyond the size limit (5 MB);
 * - conditional GET: If-None-Match / If-Modified-Since from the last good answer; 304 means "unchanged".
 *
 * Node's own http/https modules are used rather than fetch, because they take a per-request `lookup`.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import {
  type AddressPolicy,
  assertPublicHost,
  checkingLookup,
  describeNetworkError,
  OutboundRequestError,
  UrlNotAllowedError,
} from '../common/outbound-http.js';

// The guard is shared with the webhooks (common/outbound-http.ts); its names stay exported from here too.
export {
  assertPublicHost,
  isRefusedAddress,
  REFUSED_IPV6_RANGES,
  UrlNotAllowedError,
} from '../common/outbound-http.js';

export const FETCH_TIMEOUT_MS = 10_000;
export const FETCH_MAX_BYTES = 5 * 1024 * 1024;
export const MAX_REDIRECTS = 3;

export interface FetchPolicy extends AddressPolicy {
  timeoutMs?: number;
  maxBytes?: number;
}

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export type FetchResult =
  | { status: 'not-modified' }
  | { status: 'ok'; body: string; etag: string | null; lastModified: string | null };

/** A fetch that failed (network, HTTP status, timeout, size): recorded on the subscription as its last error. */
export class FeedFetchError extends OutboundRequestError {}

// ---------- addresses ----------

/** The URL, parsed and checked for scheme and credentials; throws UrlNotAllowedError. */
export function parseFeedUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(
      raw.trim().replace(/^webcals?:\/\//i, (m) => (m.toLowerCase() === 'webcal://' ? 'http://' : 'https://')),
    );
  } catch {
    throw new UrlNotAllowedError('Not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlNotAllowedError('Only http:// and https:// calendar URLs are supported');
  }
  if (url.username || url.password) throw new UrlNotAllowedError('URLs with a user name or password are not supported');
  if (!url.hostname) throw new UrlNotAllowedError('The URL has no host');
  return url;
}

// ---------- the request ----------

interface Hop {
  response: IncomingMessage;
}

function request(url: URL, headers: Record<string, string>, policy: FetchPolicy, signal: AbortSignal): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const module = url.protocol === 'https:' ? https : http;
    const req = module.request(url, {
      method: 'GET',
      headers,
      signal,
      lookup: checkingLookup(policy),
      // A fresh connection per request: no pooled socket to an address checked for another host.
      agent: false,
    });
    req.on('response', (response) => resolve({ response }));
    req.on('error', reject);
    req.end();
  });
}

/** Reads the body, decoded, up to `maxBytes` (after decompression); beyond it the request is aborted. */
async function readBody(response: IncomingMessage, maxBytes: number, abort: () => void): Promise<string> {
  const declared = Number(response.headers['content-length']);
  const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity' && Number.isFinite(declared) && declared > maxBytes) {
    abort();
    throw new FeedFetchError(tooLarge(maxBytes));
  }
  const stream =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? response.pipe(createGunzip())
      : encoding === 'deflate'
        ? response.pipe(createInflate())
        : encoding === 'br'
          ? response.pipe(createBrotliDecompress())
          : response;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        abort();
        throw new FeedFetchError(tooLarge(maxBytes));
      }
      chunks.push(chunk as Buffer);
    }
  } finally {
    if (stream !== response) response.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

const tooLarge = (maxBytes: number) => `The calendar is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`;

/**
 * GETs the calendar at `rawUrl`. Resolves with its text, or "not modified" for a 304; throws UrlNotAllowedError
 * when policy refuses the URL or an address it leads to, and FeedFetchError for every other failure.
 */
export async function fetchCalendar(rawUrl: string, validators: Validators, policy: FetchPolicy): Promise<FetchResult> {
  const timeoutMs = policy.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = policy.maxBytes ?? FETCH_MAX_BYTES;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let url = parseFeedUrl(rawUrl);
  try {
    for (let redirects = 0; ; redirects++) {
      await assertPublicHost(url, policy);
      const headers: Record<string, string> = {
        accept: 'text/calendar, text/plain;q=0.9, */*;q=0.5',
        'accept-encoding': 'gzip, deflate, br',
        'user-agent': 'LifeOS-calendar-subscription/1',
      };
      if (validators.etag) headers['if-none-match'] = validators.etag;
      if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
      let response: IncomingMessage;
      try {
        ({ response } = await request(url, headers, policy, controller.signal));
      } catch (error) {
        if (timedOut) throw new FeedFetchError(`No answer within ${timeoutMs / 1000} s`);
        throw error instanceof UrlNotAllowedError ? error : new FeedFetchError(describeNetworkError(error, url));
      }
      const status = response.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status)) {
        response.resume();
        const location = response.headers.location;
        if (!location) throw new FeedFetchError(`HTTP ${status} without a Location`);
        if (redirects >= MAX_REDIRECTS) throw new FeedFetchError(`More than ${MAX_REDIRECTS} redirects`);
        let next: URL;
        try {
          next = parseFeedUrl(new URL(location, url).toString());
        } catch (error) {
          throw new FeedFetchError(`Redirected to a refused URL: ${(error as Error).message}`);
        }
        url = next;
        continue;
      }
      if (status === 304) {
        response.resume();
        return { status: 'not-modified' };
      }
      if (status < 200 || status > 299) {
        response.resume();
        throw new FeedFetchError(`The server answered HTTP ${status}`);
      }
      try {
        const body = await readBody(response, maxBytes, () => controller.abort());
        const header = (name: string) => {
          const value = response.headers[name];
          return typeof value === 'string' && value.length <= 500 ? value : null;
        };
        return { status: 'ok', body, etag: header('etag'), lastModified: header('last-modified') };
      } catch (error) {
        if (error instanceof FeedFetchError) throw error;
        if (timedOut) throw new FeedFetchError(`No complete answer within ${timeoutMs / 1000} s`);
        throw new FeedFetchError(describeNetworkError(error, url));
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
