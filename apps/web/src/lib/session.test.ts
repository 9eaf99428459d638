import { describe, expect, it } from 'vitest';
import { hasSessionFlag, safeNext } from './session';

describe('session helpers', () => {
  it('sees the session flag with or without the __Host- prefix, and nothing else', () => {
    expect(hasSessionFlag('lifeos_session=1')).toBe(true);
    expect(hasSessionFlag('theme=dark; __Host-lifeos_session=1')).toBe(true);
    expect(hasSessionFlag('')).toBe(false);
    expect(hasSessionFlag('not_lifeos_session=1; lifeos_sessionx=1')).toBe(false);
  });

  it('only follows same-site paths after login', () => {
    expect(safeNext('/settings')).toBe('/settings');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/login')).toBe('/');
  });
});
