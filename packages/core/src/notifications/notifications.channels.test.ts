import { describe, expect, it } from 'vitest';
import { assertPushEndpoint, createWebPushSender, pushTopic } from './notifications.channels.js';

const KEYS = {
  // Never used: the guard refuses before any encryption or signing.
  publicKey: 'BOa5Ly0XQqPjQLIc4Y1IkSg0wnHKG_hQYzxJvEGnmrxLWW7ACg5vA-lXvWYkAJiLkgiZXj63KU-rEpzYyDSr9-Y',
  privateKey: 'ebn0w2rM5W-9VNmZJqM0yS2BgCgz8QmmRPHEaEbQpXo',
  subject: 'mailto:test@example.com',
};

describe('push endpoints and the SSRF guard', () => {
  it('refuses loopback and private endpoints unless allowed', async () => {
    await expect(assertPushEndpoint('https://127.0.0.1:8443/push/x', false)).rejects.toThrow(/private network/);
    await expect(assertPushEndpoint('https://10.1.2.3/push/x', false)).rejects.toThrow(/private network/);
    await expect(assertPushEndpoint('https://localhost/push/x', false)).rejects.toThrow(/private network/);
    await expect(assertPushEndpoint('https://127.0.0.1:8443/push/x', true)).resolves.toBeUndefined();
  });

  it('does not send to a private address even when the subscription got in', async () => {
    const sender = createWebPushSender({ ...KEYS, allowPrivateAddresses: false });
    const message = { kind: 'test', title: 't', body: 'b', url: null, late: false, key: 'k' };
    await expect(
      sender.send({ endpoint: 'https://192.168.1.10/push/x', p256dh: 'x', auth: 'y' }, message),
    ).rejects.toThrow(/private network/);
  });

  it('derives a Topic the push services accept from the delivery key', () => {
    expect(pushTopic('deliver:1:abc')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pushTopic('deliver:1:abc')).toBe(pushTopic('deliver:1:abc'));
    expect(pushTopic('deliver:2:abc')).not.toBe(pushTopic('deliver:1:abc'));
  });
});
