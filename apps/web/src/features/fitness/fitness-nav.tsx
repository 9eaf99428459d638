import { NavLink } from 'react-router';

const LINKS = [
  { to: '/fitness', label: 'Workout', end: true },
  { to: '/fitness/history', label: 'History', end: false },
  { to: '/fitness/exercises', label: 'Exercises', end: false },
  { to: '/fitness/programs', label: 'Programs', end: false },
  { to: '/fitness/progress', label: 'Progress', end: false },
];

/** The fitness module's own sections. */
export function FitnessNav() {
  return (
    <nav className="section-nav fitness-nav" aria-label="Fitness">
      {LINKS.map((link) => (
        <NavLink key={link.to} to={link.to} end={link.end}>
          {link.label}
        </NavLink>
      ))}
    </nav>
  );
}
