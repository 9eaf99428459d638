import { NavLink } from 'react-router';

const LINKS = [
  { to: '/journal', label: 'Today', end: true },
  { to: '/journal/morning-pages', label: 'Morning pages', end: false },
  { to: '/journal/reflection', label: 'Reflection', end: false },
  { to: '/journal/review', label: 'Weekly review', end: false },
  { to: '/journal/history', label: 'History', end: false },
];

/** The journal's own sections. */
export function JournalNav() {
  return (
    <nav className="section-nav journal-nav" aria-label="Journal">
      {LINKS.map((link) => (
        <NavLink key={link.to} to={link.to} end={link.end}>
          {link.label}
        </NavLink>
      ))}
    </nav>
  );
}
