import { describe, expect, it } from 'vitest';
import { createPasswordHasher, OWASP_ARGON2_MINIMUM } from './auth.password.js';

describe('password hasher', () => {
  const hasher = createPasswordHasher(OWASP_ARGON2_MINIMUM);

  it('hashes with argon2id at OWASP minimum parameters', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('verifies the right password, refuses a wrong one, and never truncates', async () => {
    const long = `${'a'.repeat(200)}-end`;
    const hash = await hasher.hash(long);
    expect(await hasher.verify(hash, long)).toBe(true);
    expect(await hasher.verify(hash, `${'a'.repeat(200)}-END`)).toBe(false);
    expect(await hasher.verify(hash, 'a'.repeat(200))).toBe(false);
  });

  it('an unknown user (no stored hash) is refused after doing the same work', async () => {
    await hasher.verify(null, 'warm up the dummy hash');
    const started = performance.now();
    expect(await hasher.verify(null, 'whatever password')).toBe(false);
    const unknownMs = performance.now() - started;
    const hash = await hasher.hash('known user password');
    const started2 = performance.now();
    await hasher.verify(hash, 'wrong password');
    const knownMs = performance.now() - started2;
    // Skipping argon2 would make the unknown case two orders of magnitude faster.
    expect(unknownMs).toBeGreaterThan(knownMs / 4);
  });

  it('a malformed stored hash is a refusal, not a crash', async () => {
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
  });
});
