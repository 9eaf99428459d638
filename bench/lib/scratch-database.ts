import { randomBytes } from 'node:crypto';
import { adminQuery, withDatabase } from '@lifeos/db/testing';

/**
 * A new, empty database `<prefix>_<random>` on the server of `adminUrl`, for one benchmark run: `drop()` removes it
 * (connections still open are ended).
 */
export async function createScratchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}
