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
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ValidationError } from '../errors.js';

export const FETCH_TIMEOUT_MS = 10_000;
export const FETCH_MAX_BYTES = 5 * 1024 * 1024;
export const MAX_REDIRECTS = 3;

export interface FetchPolicy {
  /** CALENDAR_ALLOW_PRIVATE_URLS: allow loopback and private addresses (tests, a home network's own server). */
  allowPrivateAddresses: boolean;
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

/** A URL or address that policy refuses: the caller's input is wrong (BAD_REQUEST when adding). */
export class UrlNotAllowedError extends ValidationError {
  constructor(message: string) {
    super(message, 'url');
  }
}

/** A fetch that failed (network, HTTP status, timeout, size): recorded on the subscription as its last error. */
export class FeedFetchError extends Error {}

// ---------- addresses ----------

const refusedV4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", incl. the unspecified address
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT (shared address space)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (incl. cloud metadata 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
] as const) {
  refusedV4.addSubnet(net, prefix, 'ipv4');
}
/**
 * Refused IPv6 ranges. Every form that embeds an IPv4 address is refused whole rather than decoded: a calendar
 * server is reached by its A record, and a literal or DNS answer in these forms only serves to smuggle an internal
 * IPv4 address past the IPv4 list (OWASP SSRF prevention; ipaddr.js counts none of them as unicast).
 */
export const REFUSED_IPV6_RANGES = [
  ['::', 96], // unspecified (::/128), loopback (::1) and the deprecated IPv4-compatible addresses
  ['::ffff:0:0', 96], // IPv4-mapped (::ffff:127.0.0.1): named here, not left to Node mapping it onto the IPv4 list
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT, ::ffff:0:a.b.c.d)
  ['64:ff9b::', 96], // NAT64 (embeds an IPv4 address)
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo (embeds an IPv4 address)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const;
// A list of its own: Node's BlockList matches an IPv4 address against IPv6 rules as ::ffff:a.b.c.d, so the
// ::ffff:0:0/96 rule in a shared list would refuse every IPv4 address.
const refusedV6 = new BlockList();
for (const [net, prefix] of REFUSED_IPV6_RANGES) refusedV6.addSubnet(net, prefix, 'ipv6');

/** True when `address` (an IP literal) is in a refused range. */
export function isRefusedAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(plain);
  if (family === 0) return true;
  return family === 4 ? refusedV4.check(plain, 'ipv4') : refusedV6.check(plain, 'ipv6');
}

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

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

const refusedMessage = (host: string) =>
  `${host} is a local or private network address; subscriptions can only reach public addresses`;

/**
 * Resolves the host (when it is not an IP literal) and refuses it when any of its addresses is refused. A name
 * that does not resolve is not a policy question: it is left to the fetch, which records the failure.
 */
export async function assertPublicHost(url: URL, policy: FetchPolicy): Promise<void> {
  if (policy.allowPrivateAddresses) return;
  const host = hostOf(url);
  if (isIP(host)) {
    if (isRefusedAddress(host)) throw new UrlNotAllowedError(refusedMessage(host));
    return;
  }
  if (/^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host)) throw new UrlNotAllowedError(refusedMessage(host));
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
    );
  } catch {
    return;
  }
  if (addresses.some((a) => isRefusedAddress(a.address))) throw new UrlNotAllowedError(refusedMessage(host));
}

/** A `lookup` for the socket that refuses hosts with any refused address, so the address used is the one checked. */
function checkingLookup(policy: FetchPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = found as LookupAddress[];
      if (!policy.allowPrivateAddresses && addresses.some((a) => isRefusedAddress(a.address))) {
        return callback(new UrlNotAllowedError(refusedMessage(hostname)), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new FeedFetchError(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

// ---------- the request ----------

function describeNetworkError(error: unknown, url: URL): string {
  if (error instanceof UrlNotAllowedError || error instanceof FeedFetchError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const host = url.host;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${hostOf(url)} could not be found (DNS)`;
    case 'ECONNREFUSED':
      return `${host} refused the connection`;
    case 'ECONNRESET':
      return `${host} closed the connection`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached`;
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `${host}: TLS error (${code})`;
      return `${host}: ${error instanceof Error ? error.message : 'request failed'}`.slice(0, 300);
  }
}

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
