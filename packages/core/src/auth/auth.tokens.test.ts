import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { randomSecret, sha256, signAccessToken, type TokenConfig, verifyAccessToken } from './auth.tokens.js';

const config: TokenConfig = {
  secretKey: new TextEncoder().encode('a'.repeat(48)),
  issuer: 'lifeos',
  audience: 'lifeos-api',
  accessTtlSeconds: 900,
};
const now = new Date('2026-03-01T12:00:00Z');
const claims = { userId: '6f1c3c1e-0000-4000-8000-000000000001', sessionId: '6f1c3c1e-0000-4000-8000-000000000002' };

describe('access tokens', () => {
  it('round-trips its claims while valid', async () => {
    const token = await signAccessToken(config, claims, now);
    // Whole seconds, as JWTs carry them.
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + 900_000);
    expect(await verifyAccessToken(config, token, now)).toEqual({ ...claims, expiresAt });
    expect(await verifyAccessToken(config, token, new Date(now.getTime() + 899_000))).toEqual({ ...claims, expiresAt });
  });

  it('expires after its lifetime', async () => {
    const token = await signAccessToken(config, claims, now);
    expect(await verifyAccessToken(config, token, new Date(now.getTime() + 900_000))).toBeNull();
  });

  it('refuses another key, issuer, audience, type or algorithm', async () => {
    const other = { ...config, secretKey: new TextEncoder().encode('b'.repeat(48)) };
    expect(await verifyAccessToken(config, await signAccessToken(other, claims, now), now)).toBeNull();
    expect(
      await verifyAccessToken(config, await signAccessToken({ ...config, issuer: 'x' }, claims, now), now),
    ).toBeNull();
    expect(
      await verifyAccessToken(config, await signAccessToken({ ...config, audience: 'x' }, claims, now), now),
    ).toBeNull();
    const wrongType = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(config.issuer)
      .setAudience(config.audience)
      .setIssuedAt(now)
      .setExpirationTime(new Date(now.getTime() + 60_000))
      .sign(config.secretKey);
    expect(await verifyAccessToken(config, wrongType, now)).toBeNull();
    // Signed with the right key and valid in every other way: only the HS256 pin refuses it.
    const withAlg = (alg: string) =>
      new SignJWT({ sid: claims.sessionId })
        .setProtectedHeader({ alg, typ: 'at+jwt' })
        .setSubject(claims.userId)
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setIssuedAt(now)
        .setExpirationTime(new Date(now.getTime() + 60_000))
        .sign(config.secretKey);
    expect(await verifyAccessToken(config, await withAlg('HS256'), now)).toMatchObject(claims);
    expect(await verifyAccessToken(config, await withAlg('HS512'), now)).toBeNull();
    expect(await verifyAccessToken(config, await withAlg('HS384'), now)).toBeNull();
    expect(await verifyAccessToken(config, 'garbage', now)).toBeNull();
  });

  it('random secrets are 32 bytes and hashed as SHA-256 hex', () => {
    const secret = randomSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(secret).not.toBe(randomSecret());
    expect(sha256(secret)).toMatch(/^[0-9a-f]{64}$/);
  });
});
