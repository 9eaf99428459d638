import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  fetchCalendar,
  isRefusedAddress,
  parseFeedUrl,
  REFUSED_IPV6_RANGES,
  UrlNotAllowedError,
} from './subscriptions.fetch.js';
import { retryDelaySeconds } from './subscriptions.service.js';

describe('isRefusedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '64:ff9b::7f00:1',
    '64:ff9b::808:808',
    '64:ff9b:1::a00:1',
    '2002:7f00:1::1',
    '2001:0:4136:e378::1',
    '::7f00:1',
    '::ffff:0:7f00:1',
    '::ffff:0:808:808',
    // IPv4-mapped: refused by a range of our own list, even when it maps a public address.
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '0:0:0:0:0:ffff:7f00:1',
    '[::1]',
    'not an address',
  ])('refuses %s', (address) => expect(isRefusedAddress(address)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111'])(
    'allows %s',
    (address) => expect(isRefusedAddress(address)).toBe(false),
  );
});

describe('the refused IPv6 ranges', () => {
  it('name IPv4-mapped addresses themselves, whatever Node maps onto the IPv4 list', () => {
    expect(REFUSED_IPV6_RANGES).toContainEqual(['::ffff:0:0', 96]);
    const own = new BlockList();
    for (const [net, prefix] of REFUSED_IPV6_RANGES) own.addSubnet(net, prefix, 'ipv6');
    for (const url of ['http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[::ffff:169.254.169.254]/']) {
      const host = parseFeedUrl(url).hostname.replace(/^\[|\]$/g, '');
      expect(own.check(host, 'ipv6'), url).toBe(true);
      expect(isRefusedAddress(host), url).toBe(true);
    }
  });
});

describe('parseFeedUrl', () => {
  it('takes http(s) and webcal, and refuses other schemes and credentials', () => {
    expect(parseFeedUrl('https://example.com/a.ics').toString()).toBe('https://example.com/a.ics');
    expect(parseFeedUrl('webcal://example.com/a.ics').toString()).toBe('http://example.com/a.ics');
    for (const url of ['ftp://example.com/a.ics', 'file:///etc/passwd', 'gopher://x', 'https://u:p@example.com/']) {
      expect(() => parseFeedUrl(url)).toThrow(UrlNotAllowedError);
    }
  });
});

describe('fetchCalendar', () => {
  it('refuses to connect to loopback unless private addresses are allowed', async () => {
    const server = createServer((_req, res) => res.end('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const none = { etag: null, lastModified: null };
      for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::1]']) {
        await expect(
          fetchCalendar(`http://${host}:${port}/`, none, { allowPrivateAddresses: false }),
        ).rejects.toBeInstanceOf(UrlNotAllowedError);
      }
      const ok = await fetchCalendar(`http://127.0.0.1:${port}/`, none, { allowPrivateAddresses: true });
      expect(ok).toMatchObject({ status: 'ok', body: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' });
    } finally {
      server.close();
    }
  });
});

describe('retryDelaySeconds', () => {
  it('backs off from 5 minutes, doubling, to at most a day', () => {
    expect([0, 1, 2, 3].map(retryDelaySeconds)).toEqual([300, 600, 1200, 2400]);
    expect(retryDelaySeconds(50)).toBe(24 * 60 * 60);
  });
});
