import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

export interface PasswordHasherOptions {
  /** KiB; OWASP's minimum for argon2id is 19 MiB with t = 2, p = 1. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  /** How many hashes may run at once, so a burst of logins cannot starve every other request. */
  concurrency: number;
}

export const OWASP_ARGON2_MINIMUM: PasswordHasherOptions = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  concurrency: 2,
};

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against `storedHash`, or against a dummy hash when there is none, so both cost the same time. */
  verify(storedHash: string | null | undefined, password: string): Promise<boolean>;
}

export function createPasswordHasher(options: PasswordHasherOptions = OWASP_ARGON2_MINIMUM): PasswordHasher {
  const limit = pLimit(options.concurrency);
  // @node-rs/argon2 defaults to argon2id (its Algorithm enum is a const enum we cannot import); a test checks it.
  const params = {
    memoryCost: options.memoryCost,
    timeCost: options.timeCost,
    parallelism: options.parallelism,
  };
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = () => {
    dummyHash ??= hash('lifeos dummy password for unknown users', params);
    return dummyHash;
  };
  return {
    hash: (password) => limit(() => hash(password, params)),
    verify: async (storedHash, password) => {
      const target = storedHash ?? (await getDummyHash());
      const ok = await limit(() => verify(target, password).catch(() => false));
      return ok && storedHash != null;
    },
  };
}
