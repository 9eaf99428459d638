/** The shell's navigation: every module, in order. */
export interface ModuleLink {
  path: string;
  label: string;
  icon: string;
  blurb: string;
}

export const MODULES: ModuleLink[] = [
  { path: '/', label: 'Dashboard', icon: '◎', blurb: 'Today at a glance' },
  { path: '/journal', label: 'Journal', icon: '✎', blurb: 'Morning pages and reflections' },
  { path: '/fitness', label: 'Fitness', icon: '⚡', blurb: 'Programs, workouts and records' },
  { path: '/projects', label: 'Projects', icon: '▦', blurb: 'What you are building' },
  { path: '/tasks', label: 'Tasks', icon: '✓', blurb: 'What to do next' },
  { path: '/inbox', label: 'Inbox', icon: '⤓', blurb: 'Captured, waiting to be sorted' },
  { path: '/calendar', label: 'Calendar', icon: '▤', blurb: 'Events and plans' },
  { path: '/settings', label: 'Settings', icon: '⚙', blurb: 'Profile, security and API keys' },
];

/**
 * A phone's bottom bar: the five places a day goes to most, in a thumb's reach (the menu still lists every module,
 * and Capture is in the top bar on every page).
 */
export const BOTTOM_NAV: { path: string; label: string; icon: string }[] = [
  { path: '/', label: 'Today', icon: '◎' },
  { path: '/calendar', label: 'Calendar', icon: '▤' },
  { path: '/fitness', label: 'Train', icon: '⚡' },
  { path: '/tasks', label: 'Tasks', icon: '✓' },
  { path: '/journal', label: 'Journal', icon: '✎' },
];
