import { describe, expect, it } from 'vitest';
import { ZLoginInput, ZSetupInput } from '../auth/auth.schemas.js';
import { ZUpdateSettingsInput } from './settings.schemas.js';

describe('settings input', () => {
  it('accepts IANA time zones and returns their canonical spelling', () => {
    expect(ZUpdateSettingsInput.parse({ timezone: 'Europe/Berlin' }).timezone).toBe('Europe/Berlin');
    expect(ZUpdateSettingsInput.parse({ timezone: 'america/new_york' }).timezone).toBe('America/New_York');
    expect(ZUpdateSettingsInput.parse({ timezone: 'UTC' }).timezone).toBe('UTC');
  });

  it('refuses unknown zones, goals out of range and unknown keys', () => {
    expect(ZUpdateSettingsInput.safeParse({ timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(ZUpdateSettingsInput.safeParse({ journalWordGoal: 0 }).success).toBe(false);
    expect(ZUpdateSettingsInput.safeParse({ journalWordGoal: 1.5 }).success).toBe(false);
    expect(ZUpdateSettingsInput.safeParse({ theme: 'neon' }).success).toBe(false);
    expect(ZUpdateSettingsInput.safeParse({ isAdmin: true }).success).toBe(false);
  });
});

describe('account input', () => {
  const valid = { username: 'ada', email: 'Ada@Example.com', password: 'x'.repeat(12) };
  it('lower-cases emails and enforces 12–256 character passwords without composition rules', () => {
    expect(ZSetupInput.parse(valid).email).toBe('ada@example.com');
    expect(ZSetupInput.safeParse({ ...valid, password: 'x'.repeat(11) }).success).toBe(false);
    expect(ZSetupInput.safeParse({ ...valid, password: 'x'.repeat(256) }).success).toBe(true);
    expect(ZSetupInput.safeParse({ ...valid, password: 'x'.repeat(257) }).success).toBe(false);
  });
  it('refuses odd usernames and empty logins', () => {
    expect(ZSetupInput.safeParse({ ...valid, username: 'a b' }).success).toBe(false);
    expect(ZSetupInput.safeParse({ ...valid, username: '-ada' }).success).toBe(false);
    expect(ZLoginInput.safeParse({ identifier: ' ', password: 'x' }).success).toBe(false);
  });
});
