import type { TSettings } from '@lifeos/core/schemas';

export type Theme = TSettings['theme'];

const STORAGE_KEY = 'lifeos.theme';

function isTheme(value: unknown): value is Theme {
  return value === 'system' || value === 'light' || value === 'dark';
}

/**
 * Applies a theme to the page: `light`/`dark` pin it, `system` follows prefers-color-scheme (styles.css). The
 * choice is remembered on this device so the next load starts in the right colours before settings arrive.
 */
export function applyTheme(theme: Theme) {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Storage may be unavailable (private mode); the theme still applies for this page.
  }
}

export function storedTheme(): Theme {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isTheme(value) ? value : 'system';
  } catch {
    return 'system';
  }
}
