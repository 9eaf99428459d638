/**
 * Outbound HTTP to addresses a user typed (calendar subscriptions, webhook endpoints), guarded against server-side
 * request forgery: every address a host resolves to is checked against the ranges below (loopback, private,
 * link-local, unique-local, CGNAT, unspecified, multicast, documentation, …; IPv4 and IPv6, with every IPv6 form
 * that embeds an IPv4 address refused) unless private addresses are explicitly allowed, and the socket connects to
 * the address that was checked (its `lookup` is the checking resolver), so DNS rebinding between check and connect
 * cannot reach a refused address. Node's http/https modules take that per-request `lookup`; fetch does not.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ValidationError } from '../errors.js';

export interface AddressPolicy {
  /** CALENDAR_ALLOW_PRIVATE_URLS: allow loopback and private addresses (tests, a home network's own server). */
  allowPrivateAddresses: boolean;
}

/** A URL or address that policy refuses: the caller's input is wrong (BAD_REQUEST when adding). */
export class UrlNotAllowedError extends ValidationError {
  constructor(message: string) {
    super(message, 'url');
  }
}

/** A network failure described for the user (recorded on a subscription, a delivery). */
export class OutboundRequestError extends Error {}

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

export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

const refusedMessage = (host: string) =>
  `${host} is a local or private network address; only public addresses can be reached`;

/**
 * Resolves the host (when it is not an IP literal) and refuses it when any of its addresses is refused. A name
 * that does not resolve is not a policy question: it is left to the fetch, which records the failure.
 */
export async function assertPublicHost(url: URL, policy: AddressPolicy): Promise<void> {
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
export function checkingLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = found as LookupAddress[];
      if (!policy.allowPrivateAddresses && addresses.some((a) => isRefusedAddress(a.address))) {
        return callback(new UrlNotAllowedError(refusedMessage(hostname)), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new OutboundRequestError(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** A socket error as a sentence naming the host. */
export function describeNetworkError(error: unknown, url: URL): string {
  if (error instanceof UrlNotAllowedError || error instanceof OutboundRequestError) return error.message;
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
