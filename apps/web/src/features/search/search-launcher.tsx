import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { isTypingTarget } from '../../lib/typing-target';
import './search-launcher.css';

/** The palette and cmdk are their own chunk: the first page never pays for them. */
const loadPalette = () => import('./command-palette');
const CommandPalette = lazy(async () => ({ default: (await loadPalette()).CommandPalette }));

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
/** How the shortcut is written for this keyboard. */
export const SEARCH_SHORTCUT_LABEL = IS_MAC ? '⌘K' : 'Ctrl K';

/** Ctrl+K (⌘K on a Mac) from anywhere, even a text field; that is what the chord is for. */
export function isPaletteChord(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}

/**
 * The topbar's search button and the global shortcuts: Ctrl/⌘+K anywhere, "/" when not typing. Another open
 * dialog (quick capture, a confirmation) keeps the keys: a palette on top of a form would lose what is typed there.
 */
export function SearchLauncher() {
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat || event.isComposing) return;
      const chord = isPaletteChord(event);
      const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey;
      if (!chord && !slash) return;
      const dialog = document.querySelector('dialog[open]');
      if (dialog) {
        // Ctrl+K again closes the palette; inside any other dialog, the keys belong to it.
        if (chord && dialog.classList.contains('palette')) {
          event.preventDefault();
          setOpen(false);
        }
        return;
      }
      if (slash && isTypingTarget(event.target)) return;
      event.preventDefault();
      setOpen(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <button
        type="button"
        className="button button-small search-launcher"
        aria-keyshortcuts="Control+K Meta+K /"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        // Fetch the palette's chunk as soon as the pointer or focus suggests it will be wanted.
        onPointerEnter={() => void loadPalette()}
        onFocus={() => void loadPalette()}
      >
        <span aria-hidden="true">⌕</span> <span className="search-launcher-label">Search</span>{' '}
        <kbd className="kbd search-launcher-kbd">{SEARCH_SHORTCUT_LABEL}</kbd>
      </button>
      {open ? (
        <Suspense fallback={null}>
          <CommandPalette onClose={close} />
        </Suspense>
      ) : null}
    </>
  );
}
