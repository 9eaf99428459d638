import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface TokenConfig {
  secretKey: Uint8Array;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
}

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export async function signAccessToken(config: TokenConfig, claims: AccessClaims, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE })
    .setSubject(claims.userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.accessTtlSeconds)
    .sign(config.secretKey);
}

/** Verifies signature (HS256 only), type, issuer, audience and expiry. Returns null for any bad token. */
export async function verifyAccessToken(
  config: TokenConfig,
  token: string,
  now: Date,
): Promise<(AccessClaims & { expiresAt: Date }) | null> {
  try {
    const { payload } = await jwtVerify(token, config.secretKey, {
      algorithms: ['HS256'],
      issuer: config.issuer,
      audience: config.audience,
      typ: ACCESS_TOKEN_TYPE,
      currentDate: now,
      requiredClaims: ['sub', 'sid', 'exp', 'iat'],
      clockTolerance: 0,
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
      return null;
    }
    return { userId: payload.sub, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

/** An opaque secret: 32 random bytes, base64url. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Secrets are stored only as their SHA-256 (they are high-entropy, so no slow hash is needed). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
