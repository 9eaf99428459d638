import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigation } from 'react-router';
import { OfflineBanner } from '../components/offline-banner';
import { UserMenu } from '../components/user-menu';
import { QuickCapture } from '../features/captures/quick-capture';
import { SearchLauncher } from '../features/search/search-launcher';
import { TimeZonePrompt } from '../features/settings';
import { applyTheme } from '../lib/theme';
import { queryClient, trpc } from '../lib/trpc';
import { BOTTOM_NAV, MODULES } from './modules';

/** The signed-in frame: navigation to every module, the user menu, and the page. */
export function Shell() {
  const me = useQuery(trpc.auth.me.queryOptions());
  const settings = useQuery(trpc.settings.get.queryOptions());
  const navigation = useNavigation();
  const location = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const navId = useId();
  const mainRef = useRef<HTMLElement>(null);
  const shownPath = useRef(location.pathname);

  // The signed-in user's data is kept on the device from now on (another user's copy is deleted).
  const userId = me.data?.id;
  useEffect(() => {
    if (!userId) return;
    // Loaded after the first render: the page does not wait for IndexedDB's code.
    void import('../lib/offline/cache').then((cache) => cache.attachOfflineCache(queryClient, userId));
    void import('../lib/outbox/writes').then((outbox) => outbox.startOutbox(userId));
  }, [userId]);

  const theme = settings.data?.theme;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);

  // After moving to another page: close the phone menu and start keyboard focus at the new page's title.
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    setNavOpen(false);
    const title = mainRef.current?.querySelector<HTMLElement>('[data-page-title]');
    (title ?? mainRef.current)?.focus({ preventScroll: false });
  }, [location.pathname]);

  useEffect(() => {
    if (!navOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setNavOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);

  return (
    <div className="shell" data-nav-open={navOpen || undefined}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {navigation.state === 'loading' ? (
        <div className="progress" role="progressbar" aria-label="Loading page" />
      ) : null}
      <header className="topbar">
        <button
          type="button"
          className="icon-button nav-toggle"
          aria-expanded={navOpen}
          aria-controls={navId}
          onClick={() => setNavOpen((open) => !open)}
        >
          <span aria-hidden="true">{navOpen ? '✕' : '☰'}</span>
          <span className="visually-hidden">{navOpen ? 'Close menu' : 'Open menu'}</span>
        </button>
        <NavLink to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Life OS
        </NavLink>
        <div className="topbar-end">
          <SearchLauncher />
          <QuickCapture />
          {me.data ? <UserMenu user={me.data} /> : null}
        </div>
      </header>
      <nav id={navId} className="sidenav" aria-label="Modules">
        <ul>
          {MODULES.map((module) => (
            <li key={module.path}>
              <NavLink to={module.path} end={module.path === '/'} className="sidenav-link">
                <span className="sidenav-icon" aria-hidden="true">
                  {module.icon}
                </span>
                {module.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <button type="button" className="scrim" tabIndex={-1} aria-hidden="true" onClick={() => setNavOpen(false)} />
      <main id="main" ref={mainRef} tabIndex={-1} className="content">
        <OfflineBanner />
        <TimeZonePrompt />
        <Outlet />
      </main>
      <nav className="bottomnav" aria-label="Main">
        {BOTTOM_NAV.map((item) => (
          <NavLink key={item.path} to={item.path} end={item.path === '/'} className="bottomnav-link">
            <span className="bottomnav-icon" aria-hidden="true">
              {item.icon}
            </span>
            {item.label}
          </NavLink>
        ))}
      </nav>
    </div>
  );
}
