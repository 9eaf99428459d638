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

// ---------- device tokens ----------

export const DEVICE_TOKEN_TYPE = 'device+jwt';
/** A browser that signed in as a user stays known to the login throttle for this long after its last sign-in. */
export const DEVICE_TOKEN_TTL_SECONDS = 365 * 24 * 60 * 60;
const DEVICE_AUDIENCE = 'lifeos-device';

/**
 * A device token (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): proof that this browser signed
 * in as `userId` before. It grants nothing but an exemption from the per-username backoff of the login throttle.
 */
export async function signDeviceToken(config: TokenConfig, userId: string, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: DEVICE_TOKEN_TYPE })
    .setSubject(userId)
    .setJti(randomSecret())
    .setIssuer(config.issuer)
    .setAudience(DEVICE_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + DEVICE_TOKEN_TTL_SECONDS)
    .sign(config.secretKey);
}

/** The user and device id a device token names, or null for any bad, foreign or expired token. */
export async function verifyDeviceToken(
  config: TokenConfig,
  token: string,
  now: Date,
): Promise<{ userId: string; deviceId: string } | null> {
  try {
    const { payload } = await jwtVerify(token, config.secretKey, {
      algorithms: ['HS256'],
      issuer: config.issuer,
      audience: DEVICE_AUDIENCE,
      typ: DEVICE_TOKEN_TYPE,
      currentDate: now,
      requiredClaims: ['sub', 'jti', 'exp'],
      clockTolerance: 0,
    });
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return null;
    return { userId: payload.sub, deviceId: payload.jti };
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}
