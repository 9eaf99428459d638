import type { IssuedSession } from '@lifeos/core/server';
import type { AppConfig } from '../env.js';
import type { CookieOptions, ResponseHooks } from '../trpc/context.js';

/** With COOKIE_SECURE the cookies get the `__Host-` prefix: Secure, Path=/ and no Domain, pinned to this host. */
export function cookieNames(config: Pick<AppConfig, 'cookieSecure'>) {
  const prefix = config.cookieSecure ? '__Host-' : '';
  return { access: `${prefix}lifeos_at`, refresh: `${prefix}lifeos_rt` };
}

function accessOptions(config: AppConfig): CookieOptions {
  return { httpOnly: true, secure: config.cookieSecure, sameSite: 'lax', path: '/' };
}

function refreshOptions(config: AppConfig): CookieOptions {
  return { httpOnly: true, secure: config.cookieSecure, sameSite: 'strict', path: '/' };
}

export function setSessionCookies(res: ResponseHooks | null, config: AppConfig, session: IssuedSession, now: Date) {
  if (!res) return;
  const names = cookieNames(config);
  res.setCookie(names.access, session.accessToken, { ...accessOptions(config), maxAge: config.auth.accessTtlSeconds });
  const refreshSeconds = Math.max(0, Math.floor((session.refreshExpiresAt.getTime() - now.getTime()) / 1000));
  res.setCookie(names.refresh, session.refreshToken, { ...refreshOptions(config), maxAge: refreshSeconds });
}

export function clearSessionCookies(res: ResponseHooks | null, config: AppConfig) {
  if (!res) return;
  const names = cookieNames(config);
  res.clearCookie(names.access, accessOptions(config));
  res.clearCookie(names.refresh, refreshOptions(config));
}
