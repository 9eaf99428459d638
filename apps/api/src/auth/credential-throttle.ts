/**
 * Wrong credentials at the doors that take an API key on every request (CalDAV's app password, MCP's and REST's
 * bearer key): each one is counted per address and door, with the login throttle's window and limit, so guessing
 * keys is as slow as guessing passwords.
 */
import { authQueries } from '@lifeos/db';
import type { AppServices } from '../services.js';

/** Records a wrong credential from `ip` at `door`; the seconds to wait when the address is over the limit, else null. */
export async function wrongCredentialWait(
  services: Pick<AppServices, 'db' | 'clock' | 'config'>,
  door: 'dav' | 'mcp' | 'rest',
  ip: string,
): Promise<number | null> {
  const { windowSeconds, maxPerIp } = services.config.auth.throttle;
  const now = services.clock.now();
  const windowMs = windowSeconds * 1000;
  const { count, windowStart } = await authQueries.recordAttempt(services.db, `${door}:ip:${ip}`, now, windowMs);
  if (count <= maxPerIp) return null;
  return Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
}
