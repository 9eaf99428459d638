import type { TMe } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { type KeyboardEvent as ReactKeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../lib/errors';
import { clearSessionData } from '../lib/session';
import { trpc } from '../lib/trpc';

/** The signed-in user's name, with Settings and Log out. */
export function UserMenu({ user }: { user: Pick<TMe, 'username' | 'displayName'> }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const navigate = useNavigate();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        await navigate('/login', { replace: true });
        clearSessionData();
      },
    }),
  );

  useEffect(() => {
    if (!open) return;
    rootRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  /** Arrow keys move between the menu's items. */
  const onMenuKey = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const items = [...(rootRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const next = items[(index + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
    next?.focus();
  };

  const initial = (user.displayName || user.username).trim().charAt(0).toUpperCase();
  return (
    <div className="user-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {initial}
        </span>
        <span className="user-menu-name">{user.displayName}</span>
      </button>
      {open ? (
        <div id={menuId} className="menu" role="menu" aria-label="Account" onKeyDown={onMenuKey} tabIndex={-1}>
          <p className="menu-caption">
            Signed in as <strong>{user.username}</strong>
          </p>
          <Link role="menuitem" className="menu-item" to="/settings" onClick={() => setOpen(false)}>
            Settings
          </Link>
          <button
            role="menuitem"
            type="button"
            className="menu-item"
            disabled={logout.isPending}
            onClick={() => logout.mutate()}
          >
            {logout.isPending ? 'Logging out…' : 'Log out'}
          </button>
          {logout.isError ? (
            <p className="menu-error" role="alert">
              {errorMessage(logout.error)}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
