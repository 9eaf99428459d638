import { DEVICE_TOKEN_TTL_SECONDS, type RefreshedSession } from '@lifeos/core/server';
import type { AppConfig } from '../env.js';
import type { CookieOptions, ResponseHooks } from './request.js';

/** With COOKIE_SECURE the cookies get the `__Host-` prefix: Secure, Path=/ and no Domain, pinned to this host. */
export function cookieNames(config: Pick<AppConfig, 'cookieSecure'>) {
  const prefix = config.cookieSecure ? '__Host-' : '';
  return {
    access: `${prefix}lifeos_at`,
    refresh: `${prefix}lifeos_rt`,
    present: `${prefix}lifeos_session`,
    device: `${prefix}lifeos_device`,
  };
}

function accessOptions(config: AppConfig): CookieOptions {
  return { httpOnly: true, secure: config.cookieSecure, sameSite: 'lax', path: '/' };
}

function refreshOptions(config: AppConfig): CookieOptions {
  return { httpOnly: true, secure: config.cookieSecure, sameSite: 'strict', path: '/' };
}

export function setSessionCookies(res: ResponseHooks | null, config: AppConfig, session: RefreshedSession, now: Date) {
  if (!res) return;
  const names = cookieNames(config);
  res.setCookie(names.access, session.accessToken, { ...accessOptions(config), maxAge: config.auth.accessTtlSeconds });
  // Kept across sign-outs (it names the browser, not a session): it only exempts it from the login backoff.
  if (session.deviceToken) {
    res.setCookie(names.device, session.deviceToken, { ...refreshOptions(config), maxAge: DEVICE_TOKEN_TTL_SECONDS });
  }
  // A refresh inside the grace period issues no refresh token: the browser keeps the successor it already has.
  if (session.refreshToken === null) return;
  const refreshSeconds = Math.max(0, Math.floor((session.refreshExpiresAt.getTime() - now.getTime()) / 1000));
  res.setCookie(names.refresh, session.refreshToken, { ...refreshOptions(config), maxAge: refreshSeconds });
  // Not a credential: a flag the page can read, so a signed-out visitor's first load skips two doomed calls
  // (auth.me, then auth.refresh). It lives exactly as long as the refresh token.
  res.setCookie(names.present, '1', {
    ...refreshOptions(config),
    httpOnly: false,
    sameSite: 'lax',
    maxAge: refreshSeconds,
  });
}

export function clearSessionCookies(res: ResponseHooks | null, config: AppConfig) {
  if (!res) return;
  const names = cookieNames(config);
  res.clearCookie(names.access, accessOptions(config));
  res.clearCookie(names.refresh, refreshOptions(config));
  res.clearCookie(names.present, { ...refreshOptions(config), httpOnly: false, sameSite: 'lax' });
}
